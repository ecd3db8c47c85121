"""Bounds that leave no value (`check.bounds`): one rule for every pair, found at the lower
bound, and the edges that leave exactly one value accepted. Also: a byte order mark is no part
of a declaration, in any format (`read.read_text`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_parsers import GOLDEN, SCHEMAS, formats

from ipycallback_codegen.check import check_ir
from ipycallback_codegen.check.bounds import empty_range
from ipycallback_codegen.declaration import load_declaration
from ipycallback_codegen.errors import CodegenError
from ipycallback_codegen.ir import canonical_json

STRINGS = {"type": "array", "items": {"type": "string"}}
INTEGERS = {"type": "object", "additionalProperties": {"type": "integer"}}

EMPTY: list[tuple[dict[str, Any], str]] = [
    ({"type": "string", "minLength": 2, "maxLength": 1}, "minLength"),
    ({**STRINGS, "minItems": 4, "maxItems": 3}, "minItems"),
    ({**INTEGERS, "minProperties": 1, "maxProperties": 0}, "minProperties"),
    ({"type": "integer", "minimum": 3, "maximum": 2}, "minimum"),
    ({"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2}, "exclusiveMinimum"),
    ({"type": "integer", "minimum": 2, "exclusiveMaximum": 2}, "minimum"),
    ({"type": "integer", "exclusiveMinimum": 2, "maximum": 2}, "exclusiveMinimum"),
    ({"type": "number", "minimum": 2.5, "maximum": 2}, "minimum"),
    ({"type": "number", "minimum": 1, "exclusiveMaximum": 1}, "minimum"),
    ({"type": "number", "exclusiveMinimum": 1, "maximum": 1}, "exclusiveMinimum"),
    ({"type": "number", "exclusiveMinimum": -0.5, "exclusiveMaximum": -0.5}, "exclusiveMinimum"),
    # No double lies between two neighbours.
    ({"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1 + 2**-52}, "exclusiveMinimum"),
    # Both kinds of lower bound (an IR written by hand): the tighter one is at fault.
    ({"type": "number", "minimum": 3, "exclusiveMinimum": 0, "maximum": 2}, "minimum"),
]
ONE_VALUE: list[dict[str, Any]] = [
    {"type": "string", "minLength": 2, "maxLength": 2},
    {**STRINGS, "minItems": 0, "maxItems": 0},
    {**INTEGERS, "minProperties": 1, "maxProperties": 1},
    {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 3},
    {"type": "integer", "minimum": 2, "exclusiveMaximum": 3},
    {"type": "number", "minimum": 1, "maximum": 1},
    {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1 + 2**-51},
    # The inclusive bound is the tighter one and leaves 1 (an exclusive 0 alone would not).
    {"type": "number", "minimum": 1, "exclusiveMinimum": 0, "maximum": 1},
    {"type": "string", "minLength": 5},
    {"type": "number", "exclusiveMaximum": -1e308},
]


@pytest.mark.parametrize(("schema", "at"), EMPTY, ids=[json.dumps(s) for s, _ in EMPTY])
def test_bounds_that_leave_no_value_are_found_at_the_lower_bound(
    schema: dict[str, Any], at: str
) -> None:
    found = empty_range(schema)
    assert found is not None
    assert found[0] == at
    assert found[1].startswith("no ")
    assert at in found[1]


@pytest.mark.parametrize("schema", ONE_VALUE, ids=[json.dumps(s) for s in ONE_VALUE])
def test_bounds_that_leave_a_value_pass(schema: dict[str, Any]) -> None:
    assert empty_range(schema) is None


@pytest.mark.parametrize(("schema", "at"), EMPTY, ids=[json.dumps(s) for s, _ in EMPTY])
def test_check_ir_refuses_them_with_a_pointer(schema: dict[str, Any], at: str) -> None:
    ir = json.loads(GOLDEN.read_text(encoding="utf-8"))
    ir["$defs"]["Query"]["properties"]["text"] = schema
    with pytest.raises(CodegenError) as caught:
        check_ir(ir, file="hand.json")
    assert caught.value.pointer == f"/$defs/Query/properties/text/{at}"
    assert caught.value.message.startswith("no ")


BAD_JSON = '{\n  "x-ipycallback": {"toKernel": ["Msg"], "toBrowser": ["Msg"]},\n  "$defs": [\n'


@pytest.mark.parametrize("path", formats("search", SCHEMAS))
def test_a_byte_order_mark_changes_nothing(path: Path, tmp_path: Path) -> None:
    # Editors on Windows write one; json.loads and ast.parse refused it (the latter with a
    # traceback), YAML and TypeScript skipped it.
    plain = tmp_path / "plain" / path.name
    marked = tmp_path / "marked" / path.name
    for copy, prefix in ((plain, b""), (marked, b"\xef\xbb\xbf")):
        copy.parent.mkdir()
        copy.write_bytes(prefix + path.read_bytes())
    assert canonical_json(load_declaration(marked)) == canonical_json(load_declaration(plain))


def test_errors_after_a_byte_order_mark_keep_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.schema.json"
    path.write_bytes(b"\xef\xbb\xbf" + BAD_JSON.encode())
    with pytest.raises(CodegenError) as caught:
        load_declaration(path)
    assert caught.value.line == 4  # the file ends inside the list opened on line 3
