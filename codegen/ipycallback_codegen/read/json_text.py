"""JSON declarations: parsed strictly (no repeated keys, no NaN), located by JSON pointer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import CodegenError, pointer
from . import MAX_DEPTH, Declaration, read_text, stem_name

# A JSON string, or one of the constants Python's json reads and JSON has not.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|([\[\]{}])')
# Python refuses to read integers of more than 4300 digits (sys.get_int_max_str_digits); no
# bound or default needs a thousand.
MAX_INTEGER_DIGITS = 1000
_LONG_INTEGER = re.compile(
    rf'"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])(-?\d{{{MAX_INTEGER_DIGITS + 1},}})(?![\d.eE])'
)


def read(path: Path) -> Declaration:
    file = str(path)
    return Declaration(read_json(read_text(path), file), file, stem_name(path))


def _depth_line(text: str) -> int | None:
    """The line where the text nests deeper than MAX_DEPTH (outside strings), if it does:
    json.loads would recurse until Python's stack ends."""
    depth = 0
    for found in _NESTING.finditer(text):
        token = found.group(1)
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, found.start()) + 1
        elif token:
            depth -= 1
    return None


def read_json(text: str, file: str) -> Any:
    """Parse JSON, refusing repeated keys (json.loads would keep the last one silently)."""
    line = _depth_line(text)
    if line is not None:
        raise CodegenError(f"nested more than {MAX_DEPTH} levels deep", file=file, line=line)
    repeated: list[tuple[dict[str, Any], str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items):
            keys = [k for k, _ in items]
            repeated.append((obj, next(k for i, k in enumerate(keys) if k in keys[:i])))
        return obj

    def refuse(constant: str) -> Any:
        found = next(m for m in _CONSTANT.finditer(text) if m.group(1))
        line = text.count("\n", 0, found.start()) + 1
        raise CodegenError(
            f"{constant} is not JSON (a number must be finite)", file=file, line=line
        )

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
            found = next((m for m in _LONG_INTEGER.finditer(text) if m.group(1)), None)
            line = text.count("\n", 0, found.start()) + 1 if found is not None else None
            raise CodegenError(
                f"an integer of more than {MAX_INTEGER_DIGITS} digits", file=file, line=line
            )
        return int(digits)

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=refuse, parse_int=integer)
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
