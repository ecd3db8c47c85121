"""The normaliser: one spelling for what a declaration may say several ways."""

from __future__ import annotations

import json
from typing import Any

from ..errors import CodegenError, pointer
from ..ir import FIELD_KEYS, IR, NULL, SCHEMA_URL
from .numbers import integer_bounds

_SPELLED_TYPE = {str: "string", bool: "boolean", int: "integer", float: "number"}
_OBJECT_INPUT = ("type", "title", "description", "x-tag", "properties", "required")
_META_KEYS = ("format", "name", "tagField", "toKernel", "toBrowser", "replies")


def normalise(doc: Any, *, file: str, name: str | None, default_name: str) -> IR:
    """A parsed JSON Schema declaration to an IR; `name`, if given, overrides the declared one.

    Integral numbers are written as integers (JSON does not tell 1.0 from 1): 1.0 is 1, as an
    integer's default or an enum value, in every format."""
    ir: IR = integral_numbers(_Normaliser(doc, file).run(name, default_name))
    return ir


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


class _Normaliser:
    def __init__(self, doc: Any, file: str) -> None:
        self.doc = doc
        self.file = file
        self.tag_field = "type"
        self.tags: dict[str, str] = {}  # message name -> tag

    def fail(self, message: str, *at: str | int) -> CodegenError:
        return CodegenError(message, file=self.file, pointer=pointer(*at) or None)

    def run(self, name: str | None, default_name: str) -> IR:
        doc = self.doc
        if not isinstance(doc, dict):
            raise self.fail("a declaration is a JSON object with x-ipycallback and $defs")
        for key in doc:
            if key not in ("$schema", "x-ipycallback", "$defs"):
                raise self.fail(f"unsupported keyword {key!r} at the top level", key)
        if doc.get("$schema", SCHEMA_URL) != SCHEMA_URL:
            raise self.fail(f"$schema must be {SCHEMA_URL!r} (or absent)", "$schema")
        meta, defs = doc.get("x-ipycallback"), doc.get("$defs")
        if not isinstance(meta, dict):
            raise self.fail("x-ipycallback must be an object: {toKernel: [...], ...}")
        if not isinstance(defs, dict):
            raise self.fail("$defs must be an object of named types")
        self.tag_field = meta.get("tagField", "type")
        if not isinstance(self.tag_field, str) or not self.tag_field:
            raise self.fail("tagField must be a non-empty string", "x-ipycallback", "tagField")
        for direction in ("toKernel", "toBrowser"):
            names = meta.get(direction)
            if not isinstance(names, list):
                raise self.fail(f"{direction} must be a list of message names", "x-ipycallback")
            for message in names:
                if isinstance(message, str) and isinstance(defs.get(message), dict):
                    self.tags[message] = self.tag(message, defs[message])
        out_meta = {
            "format": meta.get("format", 1),
            "name": name or meta.get("name", default_name),
            "tagField": self.tag_field,
            "toKernel": meta["toKernel"],
            "toBrowser": meta["toBrowser"],
            "replies": meta.get("replies", {}),
            **_without(meta, *_META_KEYS),
        }
        out_defs = {n: self.named(n, s) for n, s in defs.items()}
        return {"$schema": SCHEMA_URL, "x-ipycallback": out_meta, "$defs": out_defs}

    def tag(self, name: str, schema: dict[str, Any]) -> str:
        props = schema.get("properties")
        spec = props.get(self.tag_field) if isinstance(props, dict) else None
        if not isinstance(spec, dict):
            raise self.fail(
                f'the message {name} needs its tag: "{self.tag_field}": {{"const": "{name}"}}',
                "$defs",
                name,
            )
        at = ("$defs", name, "properties", self.tag_field)
        values = spec["enum"] if isinstance(spec.get("enum"), list) else [spec.get("const")]
        if len(values) != 1 or not isinstance(values[0], str) or not values[0]:
            raise self.fail('a tag is one non-empty string: {"const": "..."}', *at)
        tag: str = values[0]
        extra = set(spec) - {"const", "enum", "type", "description", "default"}
        if extra or spec.get("type", "string") != "string" or spec.get("default", tag) != tag:
            raise self.fail(f'a tag property is exactly {{"const": "{tag}"}}', *at)
        if schema.get("x-tag", tag) != tag:
            raise self.fail(f"x-tag {schema['x-tag']!r} is not the tag {tag!r}", *at)
        return tag

    def named(self, name: str, schema: Any) -> Any:
        at = ("$defs", name)
        if not isinstance(schema, dict):
            raise self.fail("a named type is a JSON object", *at)
        if schema.get("title", name) != name:
            raise self.fail(f"title must be the name {name!r} (or absent)", *at, "title")
        head = {"title": name, **_pick(schema, "description")}
        if "enum" in schema:
            rest = _drop_spelled_type(schema, schema["enum"])
            return {**head, "enum": schema["enum"], **_without(rest, "title", "description")}
        if schema.get("type") != "object" or isinstance(schema.get("additionalProperties"), dict):
            raise self.fail(
                "a named type is an object (with properties) or an enum; "
                "dicts, lists and scalars are field types",
                *at,
            )
        props, required = schema.get("properties", {}), schema.get("required", [])
        if not isinstance(props, dict):
            raise self.fail("properties must be an object", *at, "properties")
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise self.fail("required must be a list of property names", *at, "required")
        if len(set(required)) != len(required):
            raise self.fail("required must be a list of distinct names", *at, "required")
        for index, prop in enumerate(required):
            if prop not in props:
                raise self.fail(f"required names no property {prop!r}", *at, "required", index)
        out: dict[str, Any] = {}
        tag = self.tag_field
        if name in self.tags:  # the tag goes first, whatever its place in the input
            out[tag] = {"const": self.tags[name]}
        for prop, field in props.items():
            if prop not in out:
                out[prop] = self.prop(field, prop in required, *at, "properties", prop)
        return {
            "type": "object",
            **head,
            **({"x-tag": self.tags[name]} if name in self.tags else {}),
            "properties": out,
            "required": [p for p in out if p in required or (name in self.tags and p == tag)],
            "additionalProperties": schema.get("additionalProperties", True),
            **_without(schema, *_OBJECT_INPUT, "additionalProperties"),
        }

    def prop(self, schema: Any, required: bool, *at: str | int) -> Any:
        out = self.field(schema, *at)
        options = out.get("anyOf")
        nullable = isinstance(options, list) and len(options) == 2 and options[1] == NULL
        if nullable and "description" not in out and "description" in options[0]:
            # Formats differ on where a nullable's doc lands; the property is the one place.
            inner = _without(options[0], "description")
            out = _ordered(
                {**out, "anyOf": [inner, NULL], "description": options[0]["description"]}
            )
        if required and "default" in out:
            raise self.fail("a property is required or has a default, not both", *at)
        if not required and "default" not in out and nullable:
            # A nullable property that may be absent reads as null (as it always has): one
            # spelling, whichever format said it. Others stay optional: absent when unset.
            out = _ordered({**out, "default": None})
        return out

    def field(self, schema: Any, *at: str | int) -> Any:
        if not isinstance(schema, dict):
            raise self.fail("a field type must be a JSON object", *at)
        kind = schema.get("type")
        if isinstance(kind, list) and len(kind) == 2 and "null" in kind:
            inner = {**_without(schema, "description", "default"), "type": kind[kind[0] == "null"]}
            notes = _pick(schema, "description", "default")
            return _ordered({"anyOf": [self.field(inner, *at), NULL], **notes})
        if "anyOf" in schema or "oneOf" in schema:
            return self.union(schema, *at)
        out = dict(schema)
        if "const" in out or "enum" in out:
            out = _drop_spelled_type(out, out["enum"] if "enum" in out else [out["const"]])
        if isinstance(out.get("enum"), list) and len(out["enum"]) == 1 and "const" not in out:
            # Python's Literal[1] and TypeScript's `1` mean the same: one spelling.
            out = {**_without(out, "enum"), "const": out["enum"][0]}
        for key in ("items", "additionalProperties"):
            if isinstance(out.get(key), dict):
                out[key] = self.field(out[key], *at, key)
        if out.get("type") == "integer":
            out = integer_bounds(out)
        return _ordered(out)

    def union(self, schema: dict[str, Any], *at: str | int) -> Any:
        key = "anyOf" if "anyOf" in schema else "oneOf"
        members = schema[key]
        for extra in set(schema) - {key, "discriminator", "description", "default"}:
            raise self.fail(f"unsupported keyword {extra!r} next to {key}", *at, extra)
        if not isinstance(members, list):
            raise self.fail(f"{key} must be a list", *at, key)
        rest = [(i, m) for i, m in enumerate(members) if m != NULL]
        nullable = len(rest) < len(members)
        if len(members) - len(rest) > 1 or not rest:
            raise self.fail("a union has non-null members and at most one null", *at, key)
        notes = _pick(schema, "description", "default")
        if len(rest) == 1 and "discriminator" not in schema:
            inner = self.field(rest[0][1], *at, key, rest[0][0])
            return _ordered({"anyOf": [inner, NULL], **notes} if nullable else {**inner, **notes})
        names = []
        for index, member in rest:
            ref = member.get("$ref") if isinstance(member, dict) and len(member) == 1 else None
            name = ref[len("#/$defs/") :] if isinstance(ref, str) else ""
            if name not in self.tags or ref != f"#/$defs/{name}":
                problem = (
                    f"untagged union: {name} is not a message"
                    if isinstance(ref, str)
                    else f"unsupported union member {json.dumps(member)[:60]}"
                )
                raise self.fail(
                    f"{problem}; a union is `T | null` or a union of messages (which carry "
                    "the tag)",
                    *at,
                    key,
                    index,
                )
            names.append(name)
        self.discriminator(schema.get("discriminator"), names, *at, "discriminator")
        tagged = {
            "oneOf": [{"$ref": f"#/$defs/{n}"} for n in names],
            "discriminator": {"propertyName": self.tag_field},
        }
        return _ordered({"anyOf": [tagged, NULL], **notes} if nullable else {**tagged, **notes})

    def discriminator(self, spec: Any, names: list[str], *at: str | int) -> None:
        if spec is None:
            return
        if not isinstance(spec, dict) or spec.get("propertyName") != self.tag_field:
            raise self.fail(f"the discriminator's propertyName must be {self.tag_field!r}", *at)
        mapping = spec.get("mapping", {})
        if set(spec) - {"propertyName", "mapping"} or not isinstance(mapping, dict):
            raise self.fail("a discriminator has propertyName and, optionally, mapping", *at)
        expected = {self.tags[n]: f"#/$defs/{n}" for n in names}
        for tag, ref in mapping.items():
            if expected.get(tag) != ref:
                raise self.fail(f"the mapping of {tag!r} disagrees with the tags", *at, "mapping")


def _pick(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: schema[k] for k in keys if k in schema}


def _without(schema: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Keys the IR does not know travel on, for check_ir to refuse with a precise pointer."""
    return {k: v for k, v in schema.items() if k not in keys}


def _ordered(schema: dict[str, Any]) -> dict[str, Any]:
    return {**_pick(schema, *FIELD_KEYS), **_without(schema, *FIELD_KEYS)}


def _drop_spelled_type(schema: dict[str, Any], values: Any) -> dict[str, Any]:
    """`{"type": "string", "enum": [...]}` is a common spelling of the IR's `{"enum": [...]}`."""
    if not isinstance(values, list) or not isinstance(schema.get("type"), str):
        return schema
    spelled = {_SPELLED_TYPE.get(type(v)) for v in values}
    if spelled == {schema["type"]} or (schema["type"] == "number" and spelled == {"integer"}):
        return _without(schema, "type")
    return schema
