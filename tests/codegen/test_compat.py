"""The breaking-change check judges changes by what the JSON wire format accepts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ipycallback_codegen.compat import compare, is_breaking

BASE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "x-ipycallback": {
        "format": 1,
        "name": "search",
        "tagField": "type",
        "toKernel": ["Query"],
        "toBrowser": ["QueryResult"],
        "replies": {"Query": "QueryResult"},
    },
    "$defs": {
        "Mode": {"title": "Mode", "enum": ["prefix", "substring"]},
        "Query": {
            "type": "object",
            "title": "Query",
            "x-tag": "Query",
            "properties": {
                "type": {"const": "Query"},
                "text": {"type": "string", "maxLength": 100},
                "limit": {"type": "integer", "minimum": 1, "default": 5},
            },
            "required": ["type", "text"],
            "additionalProperties": True,
        },
        "QueryResult": {
            "type": "object",
            "title": "QueryResult",
            "x-tag": "QueryResult",
            "properties": {
                "type": {"const": "QueryResult"},
                "hits": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["type", "hits"],
            "additionalProperties": True,
        },
    },
}


def changed(edit: Any) -> list[str]:
    new = copy.deepcopy(BASE)
    edit(new)
    changes = compare(BASE, new)
    return [str(change) for change in changes]


def query(ir: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = ir["$defs"]["Query"]
    return result


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda ir: query(ir)["properties"].pop("limit"),
            "breaking: /$defs/Query/properties/limit: field limit removed",
        ),
        (lambda ir: ir["$defs"].pop("Mode"), "breaking: /$defs/Mode: type Mode removed"),
        (
            lambda ir: query(ir)["properties"]["text"].update(type="integer"),
            "breaking: /$defs/Query/properties/text: type changed",
        ),
        (
            lambda ir: query(ir)["required"].append("limit"),
            "breaking: /$defs/Query/properties/limit: optional field limit made required",
        ),
        (
            lambda ir: ir["$defs"]["Mode"]["enum"].remove("prefix"),
            "breaking: /$defs/Mode: enum values removed: ['prefix']",
        ),
        (
            lambda ir: query(ir).update({"x-tag": "Search"}),
            "breaking: /$defs/Query: tag 'Query' renamed to 'Search'",
        ),
        (
            lambda ir: query(ir)["properties"]["limit"].update(minimum=2),
            "breaking: /$defs/Query/properties/limit: minimum tightened: 1 -> 2",
        ),
        (
            lambda ir: query(ir).update(additionalProperties=False),
            "breaking: /$defs/Query: unknown fields are now rejected",
        ),
        (
            lambda ir: ir["x-ipycallback"]["toKernel"].remove("Query"),
            "breaking: /x-ipycallback/toKernel: message Query removed",
        ),
    ],
)
def test_breaking_changes_are_named(edit: Any, expected: str) -> None:
    found = changed(edit)
    assert expected in found, found


def test_adding_an_optional_field_with_a_default_is_compatible() -> None:
    def add_field(ir: dict[str, Any]) -> None:
        query(ir)["properties"]["fuzzy"] = {"type": "boolean", "default": False}

    new = copy.deepcopy(BASE)
    add_field(new)
    changes = compare(BASE, new)
    assert [str(c) for c in changes] == [
        "compatible: /$defs/Query/properties/fuzzy: optional field fuzzy added"
    ]
    assert not is_breaking(changes)


def test_loosening_and_documentation_are_compatible() -> None:
    def edit(ir: dict[str, Any]) -> None:
        query(ir)["properties"]["text"]["maxLength"] = 200
        query(ir)["properties"]["text"]["description"] = "what to search for"

    changes = compare(BASE, _edited(edit))
    assert not is_breaking(changes)
    assert {c.what for c in changes} == {"maxLength loosened: 100 -> 200", "description changed"}


def test_adding_a_required_field_is_breaking() -> None:
    def edit(ir: dict[str, Any]) -> None:
        query(ir)["properties"]["page"] = {"type": "integer"}
        query(ir)["required"].append("page")

    assert is_breaking(compare(BASE, _edited(edit)))


def test_no_change_no_report() -> None:
    assert compare(BASE, copy.deepcopy(BASE)) == []


def _edited(edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


# ---------------------------------------------------------------- requests both ways (asks)

PICKER: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "picker.ir.json").read_text("utf-8")
)


def _asks_edited(edit: Any) -> list[str]:
    new = copy.deepcopy(PICKER)
    edit(new["x-ipycallback"])
    return [str(change) for change in compare(PICKER, new)]


def test_an_internal_form_from_before_asks_compares_as_having_none() -> None:
    new = copy.deepcopy(BASE)
    new["x-ipycallback"]["asks"] = {}
    assert "asks" not in BASE["x-ipycallback"]
    assert compare(BASE, new) == []


def test_removing_a_kernel_request_or_changing_its_reply_is_breaking() -> None:
    assert _asks_edited(lambda meta: meta["asks"].pop("Confirm")) == [
        "breaking: /x-ipycallback/asks: the kernel's request Confirm removed "
        "(its reply was Confirmed)"
    ]
    assert _asks_edited(lambda meta: meta["asks"].update(Confirm="Picked")) == [
        "breaking: /x-ipycallback/asks: the reply to the kernel's request Confirm changed: "
        "Confirmed -> Picked"
    ]
    assert _asks_edited(lambda meta: meta["replies"].pop("Find")) == [
        "breaking: /x-ipycallback/replies: the page's request Find removed (its reply was Found)"
    ]


def test_a_message_that_becomes_a_request_is_breaking_a_new_one_is_not() -> None:
    # The old page has a plain handler for Found, which answers nothing: the kernel would wait.
    became = _asks_edited(lambda meta: meta["asks"].update(Found="Find"))
    assert became == [
        "breaking: /x-ipycallback/asks: the kernel's request Found added (its reply is Find)"
    ]

    def new_message(ir: dict[str, Any]) -> None:
        ir["$defs"]["Ping"] = {
            "type": "object", "title": "Ping", "x-tag": "Ping",
            "properties": {"type": {"const": "Ping"}}, "required": ["type"],
            "additionalProperties": True,
        }  # fmt: skip
        ir["x-ipycallback"]["toBrowser"].append("Ping")
        ir["x-ipycallback"]["asks"]["Ping"] = "Confirmed"

    changes = compare(PICKER, _edited_ir(PICKER, new_message))
    assert not is_breaking(changes), changes


def _edited_ir(base: dict[str, Any], edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(base)
    edit(new)
    return new
