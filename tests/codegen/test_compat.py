"""The breaking-change check judges changes by what the JSON wire format accepts."""

from __future__ import annotations

import copy
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
