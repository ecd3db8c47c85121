"""Small rewrites of one schema: the spellings a declaration may choose, made one."""

from __future__ import annotations

from typing import Any

from ..ir import FIELD_KEYS

SPELLED_TYPE = {str: "string", bool: "boolean", int: "integer", float: "number"}


def integral_numbers(value: Any) -> Any:
    """Write 1.0 as 1. JSON does not tell them apart, and msgspec's schema of a Python
    declaration can show either: `typing` caches `Annotated[float, Meta(ge=0)]` by equality, so
    it may hand back a `Meta(ge=0.0)` that some other module built first."""
    if isinstance(value, dict):
        return {key: integral_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def constants(members: Any) -> list[Any] | None:
    """The values of a union of `{"const": v}` (each perhaps described), or None."""
    if not isinstance(members, list) or len(members) < 2:
        return None
    values = []
    for member in members:
        if not isinstance(member, dict) or "const" not in member:
            return None
        if set(member) - {"const", "title", "description", "type"}:
            return None
        values.append(member["const"])
    return values


def renamed_meta(meta: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """`meta` with the message names `defs.prepare` changed."""
    if not renamed:
        return meta

    def new(name: Any) -> Any:
        return renamed.get(name, name) if isinstance(name, str) else name

    out = {**meta, **{d: [new(n) for n in meta[d]] for d in ("toKernel", "toBrowser")}}
    for key in ("replies", "asks"):
        if isinstance(meta.get(key), dict):
            out[key] = {new(q): new(r) for q, r in meta[key].items()}
    return out


def pick(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: schema[k] for k in keys if k in schema}


def without(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Keys the IR does not know travel on, for check_ir to refuse with a precise pointer."""
    return {k: v for k, v in schema.items() if k not in keys}


def ordered(schema: dict[str, Any]) -> dict[str, Any]:
    return {**pick(schema, *FIELD_KEYS), **without(schema, *FIELD_KEYS)}


def drop_spelled_type(schema: dict[str, Any], values: Any) -> dict[str, Any]:
    """`{"type": "string", "enum": [...]}` is a common spelling of the IR's `{"enum": [...]}`."""
    if not isinstance(values, list) or not isinstance(schema.get("type"), str):
        return schema
    spelled = {SPELLED_TYPE.get(type(v)) for v in values}
    if spelled == {schema["type"]} or (schema["type"] == "number" and spelled == {"integer"}):
        return without(schema, "type")
    return schema
