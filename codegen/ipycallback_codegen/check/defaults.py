"""Whether a default fits its property's type: a default the receiver would reject is a mistake
in the declaration, better refused before any code is generated."""

from __future__ import annotations

import datetime
import json
import math
import re
import uuid
from typing import Annotated, Any

import msgspec

from ..ir import MAX_SAFE_INT, REF, same_value
from .numbers import exact_double

_BOUNDS = {
    "string": ("minLength", "maxLength"),
    "integer": ("minimum", "maximum"),
    "number": ("minimum", "maximum"),
    "array": ("minItems", "maxItems"),
    "object": ("minProperties", "maxProperties"),
}


def default_problem(value: Any, schema: dict[str, Any], defs: dict[str, Any]) -> str | None:
    """Why `value` does not fit `schema` (shapes, tags and bounds; not patterns or formats)."""
    shown = json.dumps(value)
    if "$ref" in schema:
        target = defs[schema["$ref"][len("#/$defs/") :]]
        if "enum" in target:
            return default_problem(value, {"enum": target["enum"]}, defs)
        if not isinstance(value, dict):
            return f"{shown} is not an object"
        props = target["properties"]
        missing = [p for p in target["required"] if p not in value]
        unknown = [k for k in value if k not in props and not target["additionalProperties"]]
        if missing or unknown:
            return f"{shown} lacks {missing[0]!r}" if missing else f"{shown} has {unknown[0]!r}"
        return _first(default_problem(v, props[k], defs) for k, v in value.items() if k in props)
    if "anyOf" in schema:
        return None if value is None else default_problem(value, schema["anyOf"][0], defs)
    if "oneOf" in schema:
        tags = {defs[m["$ref"][len("#/$defs/") :]]["x-tag"]: m for m in schema["oneOf"]}
        tag_field = schema["discriminator"]["propertyName"]
        member = tags.get(value.get(tag_field)) if isinstance(value, dict) else None
        return (
            f"{shown} is none of the messages"
            if member is None
            else default_problem(value, member, defs)
        )
    if "const" in schema or "enum" in schema:
        allowed = schema["enum"] if "enum" in schema else [schema["const"]]
        ok = any(same_value(value, a) for a in allowed)
        return None if ok else f"{shown} is not one of {json.dumps(allowed)}"
    kind = schema["type"]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    fits = {
        "string": isinstance(value, str),
        "integer": number and isinstance(value, int) and abs(value) <= MAX_SAFE_INT,
        # An integer is checked below: whether it is exactly a double (10**400 is none).
        "number": number and (isinstance(value, int) or math.isfinite(value)),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }[kind]
    if not fits:
        return f"{shown} is not a valid {kind}"
    size = len(value) if isinstance(value, (str, list, dict)) else value
    low, high = (schema.get(key) for key in _BOUNDS.get(kind, ("", "")))
    if (
        (low is not None and size < low)
        or (high is not None and size > high)
        or size <= schema.get("exclusiveMinimum", -math.inf)
        or size >= schema.get("exclusiveMaximum", math.inf)
    ):
        return f"{shown} is out of bounds"
    problem = _value_problem(value, schema)
    if problem:
        return f"{shown} {problem}"
    if "prefixItems" in schema:  # the length was checked with minItems and maxItems
        pairs = zip(value, schema["prefixItems"], strict=True)
        return _first(default_problem(m, item, defs) for m, item in pairs)
    members = value if kind == "array" else value.values() if kind == "object" else []
    inner: dict[str, Any] = schema.get("items", schema.get("additionalProperties", {}))
    return _first(default_problem(m, inner, defs) for m in members)


# How many values one default may become once msgspec fills in the defaults of its fields: a
# default {} of a type whose two fields default to {} of the next type, 30 times over, made
# every decoded message build 2**30 objects.
MAX_DEFAULT_VALUES = 10_000


def expanded_size(
    value: Any, schema: dict[str, Any], defs: dict[str, Any], memo: dict[str, int]
) -> int:
    """The number of values `value` becomes in Python, where an absent field with a default
    gets that default (and so on below it). `memo` keeps what was counted, by type and value."""
    if "anyOf" in schema:
        return 1 if value is None else expanded_size(value, schema["anyOf"][0], defs, memo)
    if "oneOf" in schema:
        tag_field = schema["discriminator"]["propertyName"]
        tags = {defs[m["$ref"][len(REF) :]]["x-tag"]: m for m in schema["oneOf"]}
        member = tags.get(value.get(tag_field)) if isinstance(value, dict) else None
        return 1 if member is None else expanded_size(value, member, defs, memo)
    if "$ref" in schema and isinstance(value, dict):
        name = schema["$ref"][len(REF) :]
        key = name + json.dumps(value, sort_keys=True)
        if key not in memo:
            memo[key] = MAX_DEFAULT_VALUES + 1  # a default that contains itself is endless
            props = defs[name]["properties"]
            memo[key] = 1 + sum(
                expanded_size(value[p], field, defs, memo) if p in value
                else expanded_size(field["default"], field, defs, memo) if "default" in field
                else 0
                for p, field in props.items()
            )  # fmt: skip
        return memo[key]
    if isinstance(value, list):
        items = schema.get("prefixItems") or [schema.get("items", {})] * len(value)
        return 1 + sum(expanded_size(v, s, defs, memo) for v, s in zip(value, items, strict=False))
    if isinstance(value, dict):
        inner = schema.get("additionalProperties", {})
        return 1 + sum(expanded_size(v, inner, defs, memo) for v in value.values())
    return 1


def _value_problem(value: Any, schema: dict[str, Any]) -> str | None:
    """What the receiving side's other checks would say of `value`: each side in its own way
    where they differ (multipleOf), so a default must please both."""
    kind = schema["type"]
    if kind == "number" and isinstance(value, int) and not exact_double(value):
        return "is not exactly a double: JavaScript would read another number"
    step = schema.get("multipleOf")
    if step is not None and kind in ("integer", "number"):
        # ajv: value / step is an integer; msgspec: its own test of the same Meta.
        in_python = _msgspec_accepts(value, Annotated[float, msgspec.Meta(multiple_of=step)])
        if not (in_python and float(value / step).is_integer()):
            return f"is not a multiple of {step}"
    if kind == "string" and "pattern" in schema and re.search(schema["pattern"], value) is None:
        return f"does not match the pattern {schema['pattern']!r}"
    fmt = schema.get("format")
    if kind == "string" and fmt is not None and not _format_ok(fmt, value):
        return f"is not a valid {fmt}"
    return None


# What the browser side accepts (support.ts) and msgspec's type for each format.
_FORMAT_TEXT = {
    "date-time": re.compile(
        r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
    ),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}\Z"),
    "time": re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"),
    "uuid": re.compile(r"([\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}-"
                       r"[\da-fA-F]{12}|[\da-fA-F]{32})\Z"),
}  # fmt: skip
_FORMAT_TYPE = {
    "date-time": Annotated[datetime.datetime, msgspec.Meta(tz=True)],
    "date": datetime.date,
    "time": Annotated[datetime.time, msgspec.Meta(tz=True)],
    "uuid": uuid.UUID,
}


def _format_ok(fmt: str, value: str) -> bool:
    return bool(_FORMAT_TEXT[fmt].match(value)) and _msgspec_accepts(value, _FORMAT_TYPE[fmt])


def _msgspec_accepts(value: Any, kind: Any) -> bool:
    try:
        msgspec.json.decode(msgspec.json.encode(value), type=kind)
    except msgspec.ValidationError:
        return False
    return True


def _first(problems: Any) -> str | None:
    return next((p for p in problems if p), None)
