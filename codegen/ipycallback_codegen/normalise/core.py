"""The normaliser: one spelling for what a declaration may say several ways."""

from __future__ import annotations

import json
from typing import Any

from ..errors import CodegenError, pointer
from ..ir import IR, NULL, SCHEMA_URL
from .all_of import Location
from .defs import prepare, translate
from .numbers import integer_bounds, one_bound_each_side
from .spelling import (
    constants,
    drop_spelled_type,
    integral_numbers,
    ordered,
    pick,
    renamed_meta,
    without,
)

_OBJECT_INPUT = ("type", "title", "description", "x-tag", "properties", "required")
_META_KEYS = ("format", "name", "tagField", "toKernel", "toBrowser", "replies", "asks")


def normalise(
    doc: Any, *, file: str, name: str | None, default_name: str
) -> tuple[IR, dict[str, Location]]:
    """A parsed JSON Schema declaration to an IR, and where each type it named or renamed was
    written (see `defs.translate`); `name`, if given, overrides the declared one.

    Integral numbers are written as integers (JSON does not tell 1.0 from 1): 1.0 is 1, as an
    integer's default or an enum value, in every format."""
    normaliser = _Normaliser(doc, file)
    ir: IR = integral_numbers(normaliser.run(name, default_name))
    return ir, normaliser.origins


class _Normaliser:
    def __init__(self, doc: Any, file: str) -> None:
        self.doc = doc
        self.file = file
        self.tag_field = "type"
        self.tags: dict[str, str] = {}  # message name -> tag
        self.origins: dict[str, Location] = {}

    def fail(self, message: str, *at: str | int) -> CodegenError:
        where = translate(pointer(*at) or None, self.origins)
        return CodegenError(message, file=self.file, pointer=where)

    def run(self, name: str | None, default_name: str) -> IR:
        doc = self.doc
        if not isinstance(doc, dict):
            raise CodegenError(
                "a declaration is a JSON object with x-ipycallback and $defs",
                file=self.file,
                line=1,
            )
        for key in doc:
            if key not in ("$schema", "x-ipycallback", "$defs"):
                raise self.fail(f"unsupported keyword {key!r} at the top level", key)
        if doc.get("$schema", SCHEMA_URL) != SCHEMA_URL:
            raise self.fail(f"$schema must be {SCHEMA_URL!r} (or absent)", "$schema")
        meta, defs = doc.get("x-ipycallback"), doc.get("$defs")
        if not isinstance(meta, dict):
            raise self.fail(
                "x-ipycallback must be an object: {toKernel: [...], ...}", "x-ipycallback"
            )
        if not isinstance(defs, dict):
            raise self.fail("$defs must be an object of named types", "$defs")
        self.tag_field = meta.get("tagField", "type")
        if not isinstance(self.tag_field, str) or not self.tag_field:
            raise self.fail("tagField must be a non-empty string", "x-ipycallback", "tagField")
        for direction in ("toKernel", "toBrowser"):
            if not isinstance(meta.get(direction), list):
                raise self.fail(f"{direction} must be a list of message names", "x-ipycallback")
        listed = {m for d in ("toKernel", "toBrowser") for m in meta[d] if isinstance(m, str)}
        defs, renamed, self.origins = prepare(defs, listed, self.fail)
        meta = renamed_meta(meta, renamed)
        for direction in ("toKernel", "toBrowser"):
            for message in meta[direction]:
                if isinstance(message, str) and isinstance(defs.get(message), dict):
                    self.tags[message] = self.tag(message, defs[message])
        out_meta = {
            "format": meta.get("format", 1),
            "name": name or meta.get("name", default_name),
            "tagField": self.tag_field,
            "toKernel": meta["toKernel"],
            "toBrowser": meta["toBrowser"],
            "replies": meta.get("replies", {}),
            "asks": meta.get("asks", {}),
            **without(meta, *_META_KEYS),
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
        head = {"title": name, **pick(schema, "description")}
        if "enum" in schema:
            rest = drop_spelled_type(schema, schema["enum"])
            return {**head, "enum": schema["enum"], **without(rest, "title", "description")}
        if "properties" in schema and "type" not in schema:
            # An object type, as every generator reads it (JSON Schema would let any
            # non-object through: no language has a type for that).
            schema = {**schema, "type": "object"}
        if schema.get("additionalProperties") == {}:
            schema = {**schema, "additionalProperties": True}  # any value: unknown fields
        if isinstance(schema.get("additionalProperties"), dict):
            raise self.fail(
                "an object with fixed properties and typed additionalProperties has no msgspec "
                "form: give its extra keys a property of their own (a dict)",
                *at,
                "additionalProperties",
            )
        if schema.get("type") != "object":
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
            **without(schema, *_OBJECT_INPUT, "additionalProperties"),
        }

    def prop(self, schema: Any, required: bool, *at: str | int) -> Any:
        out = self.field(schema, *at)
        options = out.get("anyOf")
        nullable = isinstance(options, list) and len(options) == 2 and options[1] == NULL
        if nullable and "description" not in out and "description" in options[0]:
            # Formats differ on where a nullable's doc lands; the property is the one place.
            inner = without(options[0], "description")
            out = ordered({**out, "anyOf": [inner, NULL], "description": options[0]["description"]})
        if required and "default" in out:
            raise self.fail("a property is required or has a default, not both", *at)
        if not required and "default" not in out and nullable:
            # A nullable property that may be absent reads as null (as it always has): one
            # spelling, whichever format said it. Others stay optional: absent when unset.
            out = ordered({**out, "default": None})
        return out

    def field(self, schema: Any, *at: str | int) -> Any:
        if not isinstance(schema, dict):
            raise self.fail("a field type must be a JSON object", *at)
        kind = schema.get("type")
        if isinstance(kind, list) and len(kind) == 2 and "null" in kind:
            inner = {**without(schema, "description", "default"), "type": kind[kind[0] == "null"]}
            notes = pick(schema, "description", "default")
            return ordered({"anyOf": [self.field(inner, *at), NULL], **notes})
        if "anyOf" in schema or "oneOf" in schema:
            return self.union(schema, *at)
        out = dict(schema)
        if "const" in out or "enum" in out:
            out = drop_spelled_type(out, out["enum"] if "enum" in out else [out["const"]])
        if isinstance(out.get("enum"), list) and len(out["enum"]) == 1 and "const" not in out:
            # Python's Literal[1] and TypeScript's `1` mean the same: one spelling.
            out = {**without(out, "enum"), "const": out["enum"][0]}
        if "prefixItems" in out or isinstance(out.get("items"), list):
            out = self.tuple(out, *at)
        for key in ("items", "additionalProperties"):
            if isinstance(out.get(key), dict):
                out[key] = self.field(out[key], *at, key)
        if out.get("type") in ("integer", "number"):
            out = one_bound_each_side(out)
        if out.get("type") == "integer":
            out = integer_bounds(out)
        return ordered(out)

    def tuple(self, schema: dict[str, Any], *at: str | int) -> dict[str, Any]:
        """A fixed-length array, as 2020-12 (`prefixItems`), draft 7 (`items: [...]`) or
        msgspec writes it: `prefixItems` with minItems = maxItems = their number."""
        key = "prefixItems" if "prefixItems" in schema else "items"
        prefix = schema[key]
        if not isinstance(prefix, list) or not prefix:
            raise self.fail(f"{key} must be a non-empty list", *at, key)
        rest = schema.get("additionalItems" if key == "items" else "items", True)
        size = len(prefix)
        if rest is not False and schema.get("maxItems") != size:
            raise self.fail(
                f"a tuple has a fixed length: say maxItems: {size} (or that no more items may "
                "follow)",
                *at,
            )
        if schema.get("minItems") != size:
            raise self.fail(
                f"a tuple has all its items: say minItems: {size} (msgspec reads no shorter one)",
                *at,
            )
        out = without(schema, "prefixItems", "items", "additionalItems", "minItems", "maxItems")
        items = [self.field(item, *at, key, i) for i, item in enumerate(prefix)]
        return {**out, "type": "array", "prefixItems": items, "minItems": size, "maxItems": size}

    def union(self, schema: dict[str, Any], *at: str | int) -> Any:
        key = "anyOf" if "anyOf" in schema else "oneOf"
        members = schema[key]
        values = constants(members)
        if values is not None:
            # A union of constants is an enum (how many schemas document each value).
            spelled = drop_spelled_type(schema, values)
            return self.field({**without(spelled, key, "discriminator"), "enum": values}, *at)
        for extra in set(schema) - {key, "discriminator", "description", "default"}:
            raise self.fail(f"unsupported keyword {extra!r} next to {key}", *at, extra)
        if not isinstance(members, list):
            raise self.fail(f"{key} must be a list", *at, key)
        rest = [(i, m) for i, m in enumerate(members) if m != NULL]
        nullable = len(rest) < len(members)
        if len(members) - len(rest) > 1 or not rest:
            raise self.fail("a union has non-null members and at most one null", *at, key)
        notes = pick(schema, "description", "default")
        if len(rest) == 1 and "discriminator" not in schema:
            inner = self.field(rest[0][1], *at, key, rest[0][0])
            return ordered({"anyOf": [inner, NULL], **notes} if nullable else {**inner, **notes})
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
        return ordered({"anyOf": [tagged, NULL], **notes} if nullable else {**tagged, **notes})

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
