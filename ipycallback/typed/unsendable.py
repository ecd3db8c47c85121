"""Where a message's Python values hold what cannot travel, for the error that says so.

msgspec's encoder raises a bare UnicodeEncodeError for a lone surrogate and a RecursionError for
values nested too deep, neither naming where. This walk finds the first such place and names it
as the receiver would: a string or key with an unpaired surrogate, or a container nested deeper
than NESTING_LIMIT (which the receiver refuses). It is iterative, so depth costs no stack, and it
runs only once encoding has failed.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .json_semantics import NESTING_LIMIT, _lone_surrogate, _step

Issue = tuple[str, str]
_SURROGATE = "with an unpaired UTF-16 surrogate cannot travel"


def _children(value: Any) -> list[tuple[str | int, Any]] | None:
    """(key, value) of what `value` encodes as a JSON array or object, or None for a leaf."""
    if isinstance(value, msgspec.Struct):
        cls = type(value)
        pairs = [
            (name, getattr(value, field))
            for field, name in zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True)
            if getattr(value, field) is not msgspec.UNSET
        ]
        if cls.__struct_config__.array_like:
            return [(index, item) for index, (_, item) in enumerate(pairs)]
        return list(pairs)
    if isinstance(value, dict):
        return [(key if isinstance(key, str) else str(key), item) for key, item in value.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(enumerate(value))
    return None


def unsendable(value: Any) -> Issue | None:
    """(path, message) for the first place in `value` that cannot travel, else None."""
    # (path, value, containers down to and including it, the key that leads to it)
    stack: list[tuple[str, Any, int, str | int | None]] = [("$", value, 1, None)]
    while stack:
        path, item, depth, key = stack.pop()
        if isinstance(key, str) and _lone_surrogate(key):
            return path, f"a key {_SURROGATE}"
        if isinstance(item, str):
            if _lone_surrogate(item):
                return path, f"a string {_SURROGATE}"
            continue
        children = _children(item)
        if children is None:
            continue
        if depth > NESTING_LIMIT:
            return path, f"nested more than {NESTING_LIMIT} levels deep"
        for step, child in reversed(children):  # popped in document order
            stack.append((_step(path, step), child, depth + 1, step))
    return None
