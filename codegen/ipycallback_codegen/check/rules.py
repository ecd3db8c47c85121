"""The rules of docs/internal-form.md, checked one by one; `check_ir` is the public face."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import CodegenError, pointer
from ..ir import FIELD_KEYS, MAX_SAFE_INT, NULL, SCHEMA_URL
from .bounds import empty_range
from .defaults import MAX_DEFAULT_VALUES, default_problem, expanded_size
from .depth import MAX_SCHEMA_DEPTH, too_deep
from .messages import check_messages
from .numbers import NUMERIC, number_problem
from .patterns import pattern_problem
from .text import SURROGATE, unpaired_surrogate

PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+\Z")
SET_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FORMATS = ("date-time", "date", "time", "uuid")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_TYPE_KEYS = {
    "string": ("minLength", "maxLength", "pattern", "format"),
    "integer": NUMERIC,
    "number": NUMERIC,
    "boolean": (),
    "array": ("items", "prefixItems", "minItems", "maxItems"),
    "object": ("additionalProperties", "minProperties", "maxProperties"),
}
_OBJECT_KEYS = tuple(
    ["type", "title", "description", "x-tag", "properties", "required", "additionalProperties"]
)
_SET_KEYS = ("format", "name", "tagField", "toKernel", "toBrowser", "replies", "asks")


def check(ir: Any, file: str | None) -> None:
    _Checker(ir, file).run()


class _Checker:
    def __init__(self, ir: Any, file: str | None) -> None:
        self.ir = ir
        self.file = file
        self.defs: dict[str, Any] = {}
        self.defaults: list[tuple[dict[str, Any], tuple[str | int, ...]]] = []
        self.tag_field = ""

    def fail(self, message: str, *at: str | int) -> CodegenError:
        return CodegenError(message, file=self.file, pointer=pointer(*at) or None)

    def keys(self, schema: dict[str, Any], allowed: tuple[str, ...], *at: str | int) -> None:
        for key in schema:
            if key not in allowed:
                raise self.fail(f"unsupported keyword {key!r} here", *at, key)

    def run(self) -> None:
        ir = self.ir
        if not isinstance(ir, dict):
            raise self.fail("the IR must be a JSON object")
        unpaired = unpaired_surrogate(ir)
        if unpaired is not None:
            # JSON text may escape one ("\ud800"); no UTF-8 file, Python string that the
            # kernel sends or JavaScript string that JSON.parse makes of it agrees on what it is.
            raise self.fail(SURROGATE, *unpaired)
        self.keys(ir, ("$schema", "x-ipycallback", "$defs"))
        if ir.get("$schema") != SCHEMA_URL:
            raise self.fail(f"$schema must be {SCHEMA_URL!r}", "$schema")
        defs = ir.get("$defs")
        if not isinstance(defs, dict) or not defs:
            raise self.fail("$defs must be a non-empty object", "$defs")
        self.defs = defs
        meta = ir.get("x-ipycallback")
        if not isinstance(meta, dict):
            raise self.fail("x-ipycallback must be an object", "x-ipycallback")
        self.keys(meta, _SET_KEYS, "x-ipycallback")
        for key in _SET_KEYS:
            if key not in meta:
                raise self.fail(f"x-ipycallback needs {key!r}", "x-ipycallback")
        if meta["format"] != 1 or isinstance(meta["format"], bool):
            raise self.fail("format must be 1", "x-ipycallback", "format")
        if not isinstance(meta["name"], str) or not SET_NAME.match(meta["name"]):
            raise self.fail("name must match [A-Za-z][A-Za-z0-9_]*", "x-ipycallback", "name")
        if not isinstance(meta["tagField"], str) or not meta["tagField"]:
            raise self.fail("tagField must be a non-empty string", "x-ipycallback", "tagField")
        if not PRINTABLE_ASCII.match(meta["tagField"]):
            # msgspec (0.23) never finds a tag field spelled otherwise: every message would be
            # refused in Python and accepted in the browser.
            raise self.fail(
                "tagField must be printable ASCII: msgspec cannot read another tag field",
                "x-ipycallback",
                "tagField",
            )
        self.tag_field = meta["tagField"]
        for name, schema in defs.items():
            self.named(name, schema)
        deep = too_deep(defs)
        if deep is not None:
            raise self.fail(
                f"through its references, {deep} nests types and field types more than "
                f"{MAX_SCHEMA_DEPTH} levels deep: the browser's validators cannot be compiled "
                "that deep",
                "$defs",
                deep,
            )
        check_messages(meta, self.defs, self.fail)
        sizes: dict[str, int] = {}
        for schema, at in self.defaults:
            if expanded_size(schema["default"], schema, defs, sizes) > MAX_DEFAULT_VALUES:
                raise self.fail(
                    f"the default becomes more than {MAX_DEFAULT_VALUES} values once the "
                    "defaults of its fields are filled in (or contains itself): every message "
                    "would build them",
                    *at,
                    "default",
                )

    def named(self, name: str, schema: Any) -> None:
        at = ("$defs", name)
        if not TYPE_NAME.match(name):
            raise self.fail("a type name must match [A-Za-z_][A-Za-z0-9_]*", *at)
        if not isinstance(schema, dict) or schema.get("title") != name:
            raise self.fail(f"a named type needs title {name!r}", *at)
        if not isinstance(schema.get("description", ""), str):
            raise self.fail("description must be a string", *at, "description")
        if "enum" in schema:
            self.keys(schema, ("title", "description", "enum"), *at)
            values = schema["enum"]
            self.literals(values, *at, "enum")
            kinds = {type(value) for value in values}
            if kinds not in ({str}, {int}):
                raise self.fail("a named enum holds only strings or only integers", *at, "enum")
            return
        if schema.get("type") != "object":
            raise self.fail("a named type is an object or an enum", *at)
        self.keys(schema, _OBJECT_KEYS, *at)
        props = schema.get("properties")
        if not isinstance(props, dict):
            raise self.fail("properties must be an object", *at, "properties")
        for prop, field in props.items():
            if not isinstance(prop, str) or not prop:
                raise self.fail("a property name must be a non-empty string", *at, "properties")
            self.field(field, *at, "properties", prop, prop=True)
        if "x-tag" in schema:
            tag = schema["x-tag"]
            if not isinstance(tag, str) or not tag:
                raise self.fail("x-tag must be a non-empty string", *at, "x-tag")
            first = next(iter(props), None)
            if first != self.tag_field or props[first] != {"const": tag}:
                raise self.fail(
                    f"a message's first property must be {self.tag_field!r}: "
                    f'{{"const": {json.dumps(tag)}}}',
                    *at,
                    "properties",
                )
        self.required(schema, props, *at)
        if not isinstance(schema.get("additionalProperties"), bool):
            raise self.fail("additionalProperties must be true or false", *at)

    def required(self, schema: dict[str, Any], props: dict[str, Any], *at: str | int) -> None:
        required = schema.get("required")
        if not isinstance(required, list):
            raise self.fail("required must be a list", *at, "required")
        for index, prop in enumerate(required):
            if not isinstance(prop, str) or prop not in props:
                raise self.fail(f"required names no property {prop!r}", *at, "required", index)
        for prop, field in props.items():
            if prop in required and "default" in field:
                raise self.fail(
                    f"{prop!r} is required and has a default: a property is required, has a "
                    "default, or is optional (absent when unset)",
                    *at,
                    "properties",
                    prop,
                )
        if required != [p for p in props if p in required]:
            raise self.fail("required must list properties once, in declared order", *at)

    def field(self, schema: Any, *at: str | int, prop: bool = False) -> None:
        if not isinstance(schema, dict):
            raise self.fail("a field type must be an object", *at)
        if not isinstance(schema.get("description", ""), str):
            raise self.fail("description must be a string", *at, "description")
        if "default" in schema and not prop:
            raise self.fail("a default belongs directly on a property", *at, "default")
        notes = ("description", "default")
        if "$ref" in schema:
            self.keys(schema, ("$ref", *notes), *at)
            self.ref(schema["$ref"], *at, "$ref")
        elif "anyOf" in schema:
            self.keys(schema, ("anyOf", *notes), *at)
            options = schema["anyOf"]
            if not isinstance(options, list) or len(options) != 2 or options[1] != NULL:
                raise self.fail('a union other than [T, {"type": "null"}]', *at, "anyOf")
            if not isinstance(options[0], dict) or options[0] == NULL or "anyOf" in options[0]:
                raise self.fail("the nullable type must be a non-null type", *at, "anyOf", 0)
            self.field(options[0], *at, "anyOf", 0)
        elif "oneOf" in schema:
            self.keys(schema, ("oneOf", "discriminator", *notes), *at)
            self.tagged_union(schema, *at)
        elif "const" in schema:
            self.keys(schema, ("const", *notes), *at)
            self.literals([schema["const"]], *at, "const")
        elif "enum" in schema:
            self.keys(schema, ("enum", *notes), *at)
            self.literals(schema["enum"], *at, "enum")
        elif isinstance(schema.get("type"), str) and schema["type"] in _TYPE_KEYS:
            self.typed(schema, *at)
        else:
            unknown = [key for key in schema if key not in FIELD_KEYS]
            if unknown:
                raise self.fail(f"unsupported keyword {unknown[0]!r}", *at, unknown[0])
            raise self.fail(
                "a field type needs `type`, `$ref`, `const`, `enum`, `anyOf` or `oneOf`", *at
            )
        if "default" in schema:
            problem = default_problem(schema["default"], schema, self.defs)
            if problem:
                raise self.fail(f"the default {problem}", *at, "default")
            self.defaults.append((schema, at))  # sized once every type is checked

    def typed(self, schema: dict[str, Any], *at: str | int) -> None:
        kind = schema["type"]
        self.keys(schema, ("type", *_TYPE_KEYS[kind], "description", "default"), *at)
        if kind in ("integer", "number"):
            numeric = number_problem(schema)
            if numeric:
                raise self.fail(numeric[1], *at, numeric[0])
        for key in _COUNTS:
            value = schema.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise self.fail(f"{key} must be a non-negative integer", *at, key)
        empty = empty_range(schema)
        if empty:
            raise self.fail(empty[1], *at, empty[0])
        if not isinstance(schema.get("pattern", ""), str):
            raise self.fail("pattern must be a string", *at, "pattern")
        if "pattern" in schema:
            unreadable = pattern_problem(schema["pattern"])
            if unreadable:
                raise self.fail(unreadable, *at, "pattern")
        if schema.get("format", "date-time") not in FORMATS:
            raise self.fail(f"format must be one of {', '.join(FORMATS)}", *at, "format")
        if kind == "array" and "prefixItems" in schema:
            prefix = schema["prefixItems"]
            if "items" in schema or not isinstance(prefix, list) or not prefix:
                raise self.fail("a tuple has prefixItems and no items", *at)
            if not schema.get("minItems") == schema.get("maxItems") == len(prefix):
                raise self.fail("a tuple's minItems and maxItems are its length", *at)
            for index, item in enumerate(prefix):
                self.field(item, *at, "prefixItems", index)
        elif kind == "array":
            if "items" not in schema:
                raise self.fail("an array needs items", *at)
            self.field(schema["items"], *at, "items")
        if kind == "object":
            if not isinstance(schema.get("additionalProperties"), dict):
                raise self.fail(
                    "an inline object is a dict: additionalProperties must be its value type "
                    "(declare a named object in $defs for fixed fields)",
                    *at,
                )
            self.field(schema["additionalProperties"], *at, "additionalProperties")

    def tagged_union(self, schema: dict[str, Any], *at: str | int) -> None:
        members = schema["oneOf"]
        if not isinstance(members, list) or len(members) < 2:
            raise self.fail("a tagged union needs at least two messages", *at, "oneOf")
        seen: set[str] = set()
        for index, member in enumerate(members):
            if not isinstance(member, dict) or set(member) != {"$ref"}:
                raise self.fail("a tagged union lists only $refs", *at, "oneOf", index)
            name = self.ref(member["$ref"], *at, "oneOf", index, "$ref")
            if "x-tag" not in self.defs[name]:
                raise self.fail(f"untagged union: {name} is not a message", *at, "oneOf", index)
            if name in seen:
                raise self.fail(f"{name} is listed twice", *at, "oneOf", index)
            seen.add(name)
        if schema.get("discriminator") != {"propertyName": self.tag_field}:
            raise self.fail(
                f'discriminator must be {{"propertyName": "{self.tag_field}"}} (no mapping)',
                *at,
                "discriminator",
            )

    def ref(self, ref: Any, *at: str | int) -> str:
        name = ref[len("#/$defs/") :] if isinstance(ref, str) else ""
        if not isinstance(ref, str) or not ref.startswith("#/$defs/") or name not in self.defs:
            raise self.fail(f"unknown reference {ref!r}", *at)
        return name

    def literals(self, values: Any, *at: str | int) -> None:
        if not isinstance(values, list) or not values:
            raise self.fail("expected a non-empty list of values", *at)
        # Each value's JSON text: equal texts are the same value (`true` is not `1`), and a set
        # keeps the test linear in an enum of thousands.
        seen: set[str] = set()
        for index, value in enumerate(values):
            if not isinstance(value, (str, int)) or (
                isinstance(value, int) and abs(value) > MAX_SAFE_INT
            ):
                raise self.fail("a literal is a string, a boolean or a safe integer", *at, index)
            text = json.dumps(value)
            if text in seen:
                raise self.fail(f"duplicate value {value!r}", *at, index)
            seen.add(text)
