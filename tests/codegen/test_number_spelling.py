"""The internal form does not depend on which float spelling msgspec happened to see."""

from __future__ import annotations

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
