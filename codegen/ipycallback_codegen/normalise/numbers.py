"""Integer bounds as integers: what a fractional or out-of-range bound means for the IR's
integers (JavaScript's safe integers), said the one way `check` accepts."""

from __future__ import annotations

import math
from typing import Any

from ..ir import MAX_SAFE_INT

# Each bound, whether it is a lower one, and the inclusive integer bound a fraction means.
_ROUNDING = {
    "minimum": (True, math.ceil),
    "exclusiveMinimum": (True, lambda v: math.floor(v) + 1),
    "maximum": (False, math.floor),
    "exclusiveMaximum": (False, lambda v: math.ceil(v) - 1),
}


def integer_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """An integer type's bounds as integers that mean the same for integers: a minimum of 1.5
    is 2, an exclusiveMaximum of 7.5 is a maximum of 7, and a bound beyond ±(2^53 - 1) that
    every IR integer meets is dropped. What no integer meets stays, for `number_problem`."""
    out = dict(schema)
    for key, (lower, rounded) in _ROUNDING.items():
        value = out.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if not math.isfinite(value):
            continue
        if (value < -MAX_SAFE_INT) if lower else (value > MAX_SAFE_INT):
            del out[key]  # met by every integer the IR holds
        elif abs(value) > MAX_SAFE_INT:
            continue  # met by none
        elif float(value).is_integer():
            out[key] = int(value)
        else:
            del out[key]
            inclusive = "minimum" if lower else "maximum"
            bound = rounded(value)
            if isinstance(out.get(inclusive), int) and not isinstance(out[inclusive], bool):
                bound = max(out[inclusive], bound) if lower else min(out[inclusive], bound)
            out[inclusive] = bound
    return out


def one_bound_each_side(schema: dict[str, Any]) -> dict[str, Any]:
    """A number's bounds with at most one on each side: of `minimum` and `exclusiveMinimum`
    (or the maxima) only the tighter one stays. JSON Schema checks both, but msgspec's Meta
    takes one of ge/gt (le/lt) and raises ValueError on import when given both."""
    out = dict(schema)
    for inclusive, exclusive, lower in (
        ("minimum", "exclusiveMinimum", True),
        ("maximum", "exclusiveMaximum", False),
    ):
        if inclusive not in out or exclusive not in out:
            continue
        a, b = out[inclusive], out[exclusive]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)):
            continue  # not numbers: `check` says what is wrong
        exclusive_is_tighter = b >= a if lower else b <= a
        del out[inclusive if exclusive_is_tighter else exclusive]
    return out
