"""JSON declarations: parsed strictly (no repeated keys, no NaN), located by JSON pointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import CodegenError, pointer
from . import Declaration, stem_name


def read(path: Path) -> Declaration:
    file = str(path)
    return Declaration(read_json(path.read_text(encoding="utf-8"), file), file, stem_name(path))


def read_json(text: str, file: str) -> Any:
    """Parse JSON, refusing repeated keys (json.loads would keep the last one silently)."""
    repeated: list[tuple[dict[str, Any], str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            keys = [k for k, _ in items]
            repeated.append((obj, next(k for i, k in enumerate(keys) if k in keys[:i])))
        return obj

    def refuse(constant: str) -> Any:
        raise CodegenError(f"{constant} is not JSON", file=file)

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=refuse)
    except json.JSONDecodeError as error:
        raise CodegenError(error.msg, file=file, line=error.lineno) from None
    if repeated:
        obj, key = repeated[0]
        where = pointer(*_path_to(doc, obj), key)
        raise CodegenError(f"duplicate key {key!r}", file=file, pointer=where)
    return doc


def _path_to(value: Any, target: object) -> list[str | int]:
    if value is target:
        return []
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in children if isinstance(value, (dict, list)) else ():
        found = _path_to(child, target)
        if found or child is target:
            return [key, *found]
    return []
