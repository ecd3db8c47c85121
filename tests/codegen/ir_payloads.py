"""Payloads for any internal form: per message, a valid one built from the types (where the
types say enough to build one) and mutations of it that one side might accept and the other not.
The tests do not need to know the right verdict: both generated sides must give the same one."""

from __future__ import annotations

import json
import re
from typing import Any

REF = "#/$defs/"
MISSING = object()
# A string for each format, valid on both sides.
FORMAT_SAMPLES = {
    "date-time": "2024-02-29T12:00:00+01:00",
    "date": "2024-02-29",
    "time": "12:00:00Z",
    "uuid": "12345678-1234-1234-1234-123456789abc",
}
WRONG: list[object] = [None, 1.5, "x", [], {}, True, -1, 2**53, "2024-01-01"]


class _Builder:
    # Values one payload may hold: recursive types with several required references to
    # themselves would otherwise grow exponentially with the depth.
    BUDGET = 2000

    def __init__(self, ir: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = ir["$defs"]
        self.tag_field: str = ir["x-ipycallback"]["tagField"]
        self.left = self.BUDGET

    def sample(self, name: str) -> Any:
        """A valid value of the named type, or MISSING."""
        self.left = self.BUDGET
        return self.named(name, 0)

    def named(self, name: str, depth: int) -> Any:
        schema = self.defs[name]
        if "enum" in schema:
            return schema["enum"][0]
        out: dict[str, Any] = {}
        for prop in schema["required"]:
            value = self.field(schema["properties"][prop], depth + 1)
            if value is MISSING:
                return MISSING
            out[prop] = value
        return out

    def field(self, schema: dict[str, Any], depth: int) -> Any:
        self.left -= 1
        if depth > 8 or self.left < 0:
            return MISSING
        if "$ref" in schema:
            return self.named(schema["$ref"][len(REF) :], depth)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        if "anyOf" in schema:
            inner = self.field(schema["anyOf"][0], depth)
            return None if inner is MISSING or depth > 4 else inner
        if "oneOf" in schema:
            for member in schema["oneOf"]:
                value = self.field(member, depth)
                if value is not MISSING:
                    return value
            return MISSING
        kind = schema.get("type")
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return _number(schema)
        if kind == "string":
            if "format" in schema:
                return FORMAT_SAMPLES[schema["format"]]
            text = "a" * schema.get("minLength", 0)
            if "pattern" in schema:
                try:
                    found = re.search(schema["pattern"], text)
                except re.error:
                    return MISSING
                return text if found else MISSING
            return text
        if kind == "array":
            if "prefixItems" in schema:
                items = [self.field(item, depth + 1) for item in schema["prefixItems"]]
                return MISSING if MISSING in items else items
            count = schema.get("minItems", 0)
            item = self.field(schema["items"], depth + 1) if count else None
            return MISSING if item is MISSING else [item] * count
        if kind == "object":
            count = schema.get("minProperties", 0)
            value = self.field(schema["additionalProperties"], depth + 1) if count else None
            return MISSING if value is MISSING else {f"k{i}": value for i in range(count)}
        return MISSING


def _number(schema: dict[str, Any]) -> Any:
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    value: Any = low + (1 if "exclusiveMinimum" in schema else 0)
    step = schema.get("multipleOf")
    if step:
        value = -(-value // step) * step
    if schema["type"] == "integer":
        value = int(value)
    return value


def payloads(ir: dict[str, Any]) -> list[tuple[str, str]]:
    """(direction, JSON text) pairs: for each message of each direction, a valid payload where
    one can be built, its mutations, and messages that no declaration describes."""
    builder = _Builder(ir)
    meta = ir["x-ipycallback"]
    tag_field = builder.tag_field
    out: list[tuple[str, str]] = []
    for direction in ("toKernel", "toBrowser"):
        texts: list[Any] = [{}, [], None, "text", {tag_field: None}, {tag_field: "\u0000nope"}]
        for name in meta[direction]:
            schema = builder.defs[name]
            base = builder.sample(name)
            if base is MISSING:
                base = {tag_field: schema["x-tag"]}
            texts.append(base)
            texts.append({k: v for k, v in base.items() if k != tag_field})
            texts.append({**base, tag_field: schema["x-tag"] + "_"})
            texts.append({**base, "__extra__": 1})
            texts.append(json.loads('{"__proto__": {"polluted": 1}}') | base)
            for prop, field in schema["properties"].items():
                if prop == tag_field:
                    continue
                texts.append({k: v for k, v in base.items() if k != prop})
                builder.left = builder.BUDGET
                sample = builder.field(field, 1)
                if sample is not MISSING:
                    texts.append({**base, prop: sample})
                texts += [{**base, prop: wrong} for wrong in WRONG]
        seen: set[str] = set()
        for value in texts:
            text = json.dumps(value, ensure_ascii=False)
            if text not in seen:
                seen.add(text)
                out.append((direction, text))
    return out
