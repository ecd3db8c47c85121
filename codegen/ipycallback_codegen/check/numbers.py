"""Numbers both languages hold alike. The IR's integers are JavaScript's safe integers, its
numbers finite doubles; a bound or step outside what that allows either changes nothing (and
the normaliser drops it) or would make msgspec refuse the declaration at import time, or the
two sides disagree at run time: refused here, at the keyword. Bounds that leave no value
between them are `bounds`' to refuse."""

from __future__ import annotations

import math
from typing import Any

from ..ir import MAX_SAFE_INT

NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


def number_problem(schema: dict[str, Any]) -> tuple[str, str] | None:
    """(keyword, reason) for the first numeric keyword of `schema` that cannot be, or None."""
    integer = schema["type"] == "integer"
    for key in NUMERIC:
        if key not in schema:
            continue
        value = schema[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return key, f"{key} must be a number"
        if not integer and isinstance(value, int) and not exact_double(value):
            # Python compares a float with this integer exactly, JavaScript with the nearest
            # double, and the two disagree on the values between.
            return key, f"{key} is not exactly a double: JavaScript would read another number"
        if not math.isfinite(value) or (key == "multipleOf" and value <= 0):
            return key, f"{key} must be a finite number (> 0 for multipleOf)"
        if key == "multipleOf" and not float(value).is_integer():
            # Binary fractions make 0.5 a multiple of 0.1 for one reading (division) and not
            # for another (remainder); no rule gives the same verdict in every language.
            return key, f"multipleOf {value}: a fractional multipleOf is not supported"
        if integer and not isinstance(value, int):
            # msgspec refuses a fractional bound or step on an int (at import); the normaliser
            # has made every bound that means something an integer.
            return key, f"{key} of an integer must be an integer"
        if integer and abs(value) > MAX_SAFE_INT:
            return key, f"{key} {value}: no integer within ±(2^53 - 1), the IR's, is beyond it"
    return None


def exact_double(value: int) -> bool:
    """Whether the integer is exactly a double (float() overflows past 1.8e308)."""
    try:
        return float(value) == value
    except OverflowError:
        return False
