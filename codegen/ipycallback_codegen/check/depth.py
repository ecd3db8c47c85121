"""How deep schemas nest through references: a long chain (A holds a map of lists of B, B holds
a C, ...) is refused before ajv, which compiles each nested schema and each referenced type
inside the one that holds it, overflows Node's stack (near 400 levels)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..ir import REF

# Levels of nested schemas, counting each named type and each field type inside another: far
# beyond a real message set, and half of where ajv's compiler runs out of stack.
MAX_SCHEMA_DEPTH = 200


def _refs(schema: Any) -> Iterator[tuple[str, int]]:
    """The named types a named type refers to, each with how many schemas deep the reference
    is (the named type itself is 1; iterative, as a field may nest deeply)."""
    stack: list[tuple[Any, int]] = [(schema, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF):
                yield ref[len(REF) :], level
            for key, value in reversed(node.items()):
                if key == "properties" and isinstance(value, dict):
                    # A map of field names: its values are one level below the object.
                    stack.extend((field, level + 1) for field in reversed(value.values()))
                else:
                    stack.append((value, level + 1))
        elif isinstance(node, list):
            # anyOf, oneOf, prefixItems: their members are the level the list's key gave.
            stack.extend((item, level) for item in reversed(node))


def too_deep(defs: dict[str, Any]) -> str | None:
    """The first named type whose schemas nest more than MAX_SCHEMA_DEPTH levels deep through
    its references, or None. A chain is the deepest path that does not come back into itself
    (a recursive type ends it), so no order a compiler follows references in goes deeper."""
    deepest: dict[str, int] = {}
    for root in defs:
        if root in deepest:
            continue
        # (name, its references not yet followed); a name is open while it is on the stack.
        stack: list[tuple[str, Iterator[tuple[str, int]]]] = [(root, _refs(defs[root]))]
        open_names = {root}
        while stack:
            name, refs = stack[-1]
            nxt = next(
                (r for r, _ in refs if r in defs and r not in deepest and r not in open_names),
                None,
            )
            if nxt is not None:
                stack.append((nxt, _refs(defs[nxt])))
                open_names.add(nxt)
                continue
            stack.pop()
            open_names.discard(name)
            below = [level + deepest[r] for r, level in _refs(defs[name]) if r in deepest]
            deepest[name] = max(below, default=1)
    return next((name for name in defs if deepest[name] > MAX_SCHEMA_DEPTH), None)
