"""Text both languages hold alike: Unicode scalar values only. JSON text may escape a lone
surrogate ("\\ud800"), which Python keeps in a str but cannot write as UTF-8, and which no two
readers agree on."""

from __future__ import annotations

import re
from typing import Any

SURROGATE = "a lone surrogate (a half of a UTF-16 pair) is not text"


def unpaired_surrogate(value: Any) -> tuple[str | int, ...] | None:
    """The path to the first string (a key or a value) holding a lone surrogate, or None."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, str) and _SURROGATE.search(node):
            return at
        if isinstance(node, dict):
            for key, item in node.items():
                if _SURROGATE.search(key):
                    return (*at, key)
                stack.append(((*at, key), item))
        elif isinstance(node, list):
            stack.extend(((*at, i), item) for i, item in enumerate(node))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
