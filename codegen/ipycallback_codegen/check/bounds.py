"""Bounds that leave no value. Each side would refuse every value of such a field, so every
message holding one, while the other formats' readers and both emitters accept it: refused
here, the one place for every pair of bounds (lengths, item and property counts, numbers), at
the lower bound's keyword."""

from __future__ import annotations

import math
from typing import Any

# A count's lower and upper bound, and what the value is.
_COUNT_PAIRS = (
    ("minLength", "maxLength", "string"),
    ("minItems", "maxItems", "array"),
    ("minProperties", "maxProperties", "object"),
)
# A number's bounds: the keyword, whether it is a lower one, and whether it is exclusive.
_NUMBER_BOUNDS = (
    ("minimum", True, False),
    ("exclusiveMinimum", True, True),
    ("maximum", False, False),
    ("exclusiveMaximum", False, True),
)


def empty_range(schema: dict[str, Any]) -> tuple[str, str] | None:
    """(keyword, reason) when no value of `schema`'s type meets all its bounds, or None.
    `schema` is a typed field whose bounds are each valid on their own (`check.rules`)."""
    kind = schema["type"]
    for low_key, high_key, noun in _COUNT_PAIRS:
        if low_key in schema and high_key in schema and schema[low_key] > schema[high_key]:
            low, high = schema[low_key], schema[high_key]
            return low_key, f"no {noun} fits both {low_key} {low} and {high_key} {high}"
    if kind not in ("integer", "number"):
        return None
    lows = [
        (_admitted(schema[key], kind, exclusive, up=True), key)
        for key, lower, exclusive in _NUMBER_BOUNDS
        if lower and key in schema
    ]
    highs = [
        (_admitted(schema[key], kind, exclusive, up=False), key)
        for key, lower, exclusive in _NUMBER_BOUNDS
        if not lower and key in schema
    ]
    if not lows or not highs:
        return None
    low, low_key = max(lows)
    high, high_key = min(highs)
    if low <= high:
        return None
    return low_key, (
        f"no {kind} fits both {low_key} {schema[low_key]} and {high_key} {schema[high_key]}"
    )


def _admitted(bound: float, kind: str, exclusive: bool, *, up: bool) -> float:
    """The least (up) or greatest value of the type that a bound admits: the bound itself if
    inclusive, else the next integer past it, or the next double (no double lies between 1 and
    1 + 2^-52, so `1 < x < 1 + 2^-52` admits nothing)."""
    if not exclusive:
        return bound
    if kind == "integer":
        return bound + 1 if up else bound - 1
    return math.nextafter(bound, math.inf if up else -math.inf)
