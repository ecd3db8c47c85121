"""Python type expressions and default values for the field types of an internal form."""

from __future__ import annotations

import json
from typing import Any

from ..check.patterns import python_pattern
from ..errors import CodegenError
from .names import enum_member_names
from .printer import Group, py_string

REF = "#/$defs/"
# JSON Schema keyword -> msgspec.Meta argument, in the order Meta arguments are written.
_META = {
    "minimum": "ge",
    "exclusiveMinimum": "gt",
    "maximum": "le",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_length",
    "maxItems": "max_length",
    "minProperties": "min_length",
    "maxProperties": "max_length",
    "pattern": "pattern",
}
# Formats with a Python type; tz=True because JSON cannot carry a naive time unambiguously
# (the browser side requires the offset too).
_FORMATS = {
    "date-time": ("datetime.datetime", True),
    "date": ("datetime.date", False),
    "time": ("datetime.time", True),
    "uuid": ("uuid.UUID", False),
}

Expr = str | Group


def flat(expr: Expr) -> str:
    return expr if isinstance(expr, str) else expr.flat()


class PyTypes:
    """Renders field types; records the imports they need in `imports`."""

    def __init__(
        self, defs: dict[str, Any], class_names: dict[str, str], tagged: dict[str, str]
    ) -> None:
        self.defs = defs
        self.class_names = class_names
        self.tagged = tagged  # message -> the placeholder that makes its tag required
        self.members = {n: enum_member_names(d["enum"]) for n, d in defs.items() if "enum" in d}
        self.imports: set[str] = set()

    def ref_name(self, schema: dict[str, Any], where: str) -> str:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith(REF) or ref[len(REF) :] not in self.defs:
            raise CodegenError(f"unknown reference {ref!r}", pointer=where)
        return ref[len(REF) :]

    def annotation(self, schema: dict[str, Any], where: str, *, bare: bool = False) -> Expr:
        """The type of a field, with its constraints and description as msgspec.Meta, unless
        `bare`."""
        base = self._base(schema, where, bare)
        if bare:
            return base
        # A tuple's length is its type's: msgspec needs no (and takes no) length for it.
        keys = schema.keys() - {"minItems", "maxItems"} if "prefixItems" in schema else schema
        meta = [f"{arg}={_literal(schema[key])}" for key, arg in _META.items() if key in keys]
        if "pattern" in keys:
            # msgspec runs the pattern as Python's `re` reads it; the declared one is ECMA-262's.
            # The runtime validator reads this spelling back (fromPython) to the same meaning.
            at = meta.index(f"pattern={_literal(schema['pattern'])}")
            meta[at] = f"pattern={_literal(python_pattern(schema['pattern']))}"
        if schema.get("type") == "integer":
            # The IR's integers stay within JavaScript's safe range; saying so here makes the
            # kernel's decoder give the same verdict as the browser's validator.
            if not {"minimum", "exclusiveMinimum"} & schema.keys():
                meta.insert(0, "ge=-(2**53 - 1)")
            if not {"maximum", "exclusiveMaximum"} & schema.keys():
                meta.insert(1, "le=2**53 - 1")  # after the one lower bound
        fmt = schema.get("format")
        if fmt is not None and _FORMATS[fmt][1]:
            meta.append("tz=True")
        if "description" in schema:
            meta.append(f"description={py_string(schema['description'])}")
        if not meta:
            return base
        self.imports.add("typing.Annotated")
        return Group("Annotated[", [base, Group("msgspec.Meta(", meta, ")")], "]")

    def message(self, name: str) -> str:
        """A named type as a field's type: with its placeholder, if it has one."""
        if name in self.tagged:
            return f"{self.class_names[name]} | {self.tagged[name]}"
        return self.class_names[name]

    def _base(self, schema: dict[str, Any], where: str, bare: bool) -> Expr:
        if "$ref" in schema:
            return self.message(self.ref_name(schema, where))
        if "const" in schema or "enum" in schema:
            self.imports.add("typing.Literal")
            values = [schema["const"]] if "const" in schema else schema["enum"]
            return Group(
                "Literal[", [_literal(v) for v in values], "]", trailing_comma=len(values) > 1
            )
        if "anyOf" in schema:
            inner = self.annotation(schema["anyOf"][0], f"{where}/anyOf/0", bare=bare)
            return f"{flat(inner)} | None"
        if "oneOf" in schema:
            names = [self.ref_name(s, f"{where}/oneOf/{i}") for i, s in enumerate(schema["oneOf"])]
            return " | ".join(self.class_names[n] for n in names)
        kind = schema.get("type")
        if kind == "string":
            fmt = schema.get("format")
            if fmt is None:
                return "str"
            if fmt not in _FORMATS:
                raise CodegenError(f"unsupported format {fmt!r}", pointer=where)
            if {"minLength", "maxLength", "pattern"} & schema.keys():
                # msgspec checks lengths and patterns of text, not of a parsed datetime or UUID
                raise CodegenError(
                    f"format {fmt!r} cannot be combined with a length or pattern", pointer=where
                )
            self.imports.add(_FORMATS[fmt][0].split(".")[0])
            return _FORMATS[fmt][0]
        if kind in ("integer", "number", "boolean"):
            return {"integer": "int", "number": "float", "boolean": "bool"}[kind]
        if kind == "array" and "prefixItems" in schema:
            items = [
                self.annotation(item, f"{where}/prefixItems/{i}", bare=bare)
                for i, item in enumerate(schema["prefixItems"])
            ]
            return Group("tuple[", items, "]", trailing_comma=False)
        if kind == "array":
            item = self.annotation(schema["items"], f"{where}/items", bare=bare)
            return Group("list[", [item], "]", trailing_comma=False)
        if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            value = self.annotation(
                schema["additionalProperties"], f"{where}/additionalProperties", bare=bare
            )
            return Group("dict[", ["str", value], "]", trailing_comma=False)
        raise CodegenError(f"unsupported field type {json.dumps(schema)[:80]}", pointer=where)

    def default(self, schema: dict[str, Any], value: Any, where: str) -> tuple[str, Expr]:
        """`("default", expr)` or `("default_factory", expr)` for a property's default.

        Plain scalars are written as they are and enum values as members; anything mutable or
        structured is built per instance by msgspec.convert, which gives it the field's type.
        """
        if value is None:
            return ("default", "None")
        target = schema["anyOf"][0] if "anyOf" in schema else schema
        if "$ref" in target:
            name = self.ref_name(target, where)
            values = self.defs[name].get("enum", [])
            if value in values and type(value) in (int, str):
                member = self.members[name][values.index(value)]
                return ("default", f"{self.class_names[name]}.{member}")
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and target.get("type") == "number"
        ):
            # A float field's default is a float, as it reads back from JSON (the IR writes
            # integral numbers as integers; check_ir made sure this one is exact).
            return ("default", repr(float(value)))
        elif isinstance(value, (bool, int, float, str)) and "format" not in target:
            return ("default", _literal(value))
        elif value == [] and target.get("type") == "array":
            return ("default_factory", "list")
        elif value == {} and target.get("type") == "object":
            return ("default_factory", "dict")
        # The default comes from the declaration: converting it needs the type, not its checks.
        annotation = flat(self.annotation(schema, where, bare=True))
        convert = Group("lambda: msgspec.convert(", [_literal(value), f"type={annotation}"], ")")
        return ("default_factory", convert)


def _literal(value: Any) -> str:
    """A Python expression equal to a JSON value."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return py_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_string(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {value!r}")
