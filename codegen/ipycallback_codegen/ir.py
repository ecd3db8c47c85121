"""The internal form (IR) of a message set: loading, checking, canonical JSON, fingerprint.

docs/internal-form.md is the specification.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ._check import check
from .errors import CodegenError

IR = dict[str, Any]


def canonical_json(ir: IR) -> str:
    """The IR as text: keys in IR order (field and enum order carry meaning), never sorted."""
    return json.dumps(ir, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def fingerprint(ir: IR) -> str:
    """What both generated sides embed: documentation does not change the wire format."""
    text = canonical_json(_without_descriptions(ir))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_declaration(path: Path, *, name: str | None = None) -> IR:
    """Read a declaration (.py, .json, .yaml/.yml, .ts) and return its checked IR."""
    suffix = path.suffix.lower()
    if suffix not in (".py", ".json", ".yaml", ".yml", ".ts"):
        raise CodegenError(
            f"unknown declaration format {suffix or '(no suffix)'!r}; "
            "use .py, .json, .yaml, .yml or .ts",
            file=str(path),
        )
    if not path.is_file():
        raise CodegenError("no such file", file=str(path))
    if suffix == ".py":
        from .from_python import load
    elif suffix == ".ts":
        from .from_typescript import load
    else:
        from .from_json_schema import load
    tidy: IR = _integral_numbers(load(path, name=name))
    return tidy


def _integral_numbers(value: Any) -> Any:
    """Write 1.0 as 1. JSON does not tell them apart, and msgspec's schema of a Python
    declaration can show either: `typing` caches `Annotated[float, Meta(ge=0)]` by equality, so
    it may hand back a `Meta(ge=0.0)` that some other module built first."""
    if isinstance(value, dict):
        return {key: _integral_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _without_descriptions(ir: IR) -> IR:
    def field(schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema
        out = {k: v for k, v in schema.items() if k != "description"}
        for key in ("items", "additionalProperties"):
            if isinstance(out.get(key), dict):
                out[key] = field(out[key])
        for key in ("anyOf", "oneOf"):
            if isinstance(out.get(key), list):
                out[key] = [field(member) for member in out[key]]
        return out  # `default` is data: a "description" key inside it stays

    defs = {}
    for name, schema in ir.get("$defs", {}).items():
        named = {k: v for k, v in schema.items() if k != "description"}
        if isinstance(named.get("properties"), dict):
            named["properties"] = {p: field(s) for p, s in named["properties"].items()}
        defs[name] = named
    return {**ir, "$defs": defs}


def check_ir(ir: IR, *, file: str | None = None) -> None:
    """Raise CodegenError, with a JSON pointer, at the first rule of the spec `ir` breaks."""
    check(ir, file)
