"""The internal form does not depend on which float spelling msgspec happened to see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import msgspec

from ipycallback_codegen.declaration import load_declaration
from ipycallback_codegen.ir import canonical_json

ROOT = Path(__file__).resolve().parents[2]


class Hit(msgspec.Struct):
    # Equal to the declaration's Meta(ge=0, le=1): `typing` may now hand back this one.
    score: Annotated[float, msgspec.Meta(ge=0.0, le=1.0, description="Relevance, 1 is best.")]
    took_ms: Annotated[float, msgspec.Meta(ge=0.0)] = 0.0


def test_the_python_declaration_is_stable_after_float_spellings_were_seen() -> None:
    msgspec.json.schema(Hit)  # builds (and so caches) the Annotated types above
    golden = (ROOT / "tests" / "codegen" / "golden" / "search.ir.json").read_text(encoding="utf-8")
    assert canonical_json(load_declaration(ROOT / "schemas" / "search.py")) == golden


def test_both_bounds_on_one_side_keep_the_tighter(tmp_path: Path) -> None:
    # JSON Schema checks minimum and exclusiveMinimum both; msgspec's Meta takes one of ge/gt,
    # so a module with both raised ValueError when imported (found by test_declarations.py).
    fields = {
        "a": {"type": "number", "minimum": 0, "exclusiveMinimum": 10, "maximum": 20},
        "b": {"type": "integer", "minimum": 3, "exclusiveMinimum": 3, "exclusiveMaximum": 9},
        "c": {"type": "number", "maximum": 1, "exclusiveMaximum": 3, "exclusiveMinimum": -1},
    }
    message = {"type": "object", "properties": {"type": {"const": "M"}, **fields}}
    declaration = {
        "x-ipycallback": {"name": "b", "toKernel": ["M"], "toBrowser": ["M"]},
        "$defs": {"M": message},
    }
    path = tmp_path / "b.schema.json"
    path.write_text(json.dumps(declaration), encoding="utf-8")
    got = json.loads(canonical_json(load_declaration(path)))["$defs"]["M"]["properties"]
    assert {k: v for k, v in got["a"].items() if k != "type"} == {
        "exclusiveMinimum": 10,
        "maximum": 20,
    }
    assert {k: v for k, v in got["b"].items() if k != "type"} == {
        "exclusiveMinimum": 3,
        "exclusiveMaximum": 9,
    }
    assert {k: v for k, v in got["c"].items() if k != "type"} == {
        "exclusiveMinimum": -1,
        "maximum": 1,
    }
