"""allOf of object types, flattened: one object with every part's properties (neither
language has an intersection of object types, both have object types)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import CodegenError

Location = tuple[str | int, ...]
Fail = Callable[..., CodegenError]
# What a part of an allOf may say, to be merged.
_MERGED = ("type", "properties", "required", "additionalProperties", "unevaluatedProperties",
           "title", "description")  # fmt: skip


def is_object(schema: dict[str, Any], loose: bool = False) -> bool:
    """An object type with fixed properties (not a dict, not a union); `loose` counts a part
    of an allOf that only requires properties."""
    if "enum" in schema or "const" in schema or "anyOf" in schema or "oneOf" in schema:
        return False
    if isinstance(schema.get("additionalProperties"), dict) and "properties" not in schema:
        return False
    typed = schema.get("type") == "object"
    return "properties" in schema or typed or (loose and "required" in schema)


def merge(parts: list[Any], at: Location, fail: Fail) -> dict[str, Any]:
    """One object type with every part's properties; the last part is the holder's own."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    out: dict[str, Any] = {"type": "object"}
    for index, part in enumerate(parts):
        own = index == len(parts) - 1
        where = at if own else (*at, "allOf", index)
        if not isinstance(part, dict) or not (own or is_object(part, loose=True)):
            raise fail(
                "allOf is supported for object types only (it is flattened into one)", *where
            )
        for key in part:
            if key not in _MERGED:
                raise fail(f"unsupported keyword {key!r} in an allOf", *where, key)
        if part.get("type", "object") != "object":
            raise fail("allOf is supported for object types only", *where, "type")
        if part.get("additionalProperties") is False and not own:
            raise fail(
                "additionalProperties: false inside allOf refuses the other members' "
                "properties; write unevaluatedProperties: false beside allOf instead",
                *where,
            )
        for prop, field in part.get("properties", {}).items():
            if prop in properties and properties[prop] != field:
                raise fail(
                    f"allOf members disagree on the property {prop!r}", *where, "properties", prop
                )
            properties[prop] = field
        required += [r for r in part.get("required", []) if r not in required]
        if own:
            out.update({k: part[k] for k in ("title", "description") if k in part})
            if False in (part.get("unevaluatedProperties"), part.get("additionalProperties")):
                out["additionalProperties"] = False
    return {**out, "properties": properties, "required": required}
