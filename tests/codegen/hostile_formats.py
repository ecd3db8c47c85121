"""One declaration written in each format a user may choose: a JSON Schema declaration (the
`spec`, as docs/internal-form.md describes it) spelled as JSON, YAML, a Python module of msgspec
Structs and a TypeScript file. A format that cannot say something (a Python class named `class`,
a TypeScript interface named `default`) gets None: a user could not write it either."""

from __future__ import annotations

import builtins
import json
import keyword
import re
from typing import Any

import yaml

Spec = dict[str, Any]
NULL = {"type": "null"}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Words TypeScript does not accept as the name of an interface or a type alias.
TS_RESERVED = set(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "any",
        "boolean",
        "number",
        "string",
        "symbol",
        "unknown",
        "never",
        "object",
        "undefined",
        "bigint",
        "await",
        "type",
    ]
)


def to_json(spec: Spec) -> str:
    text = json.dumps(spec, indent=2, ensure_ascii=False) + "\n"
    if re.search("[\ud800-\udfff]", text):  # a lone surrogate: JSON text escapes it
        text = json.dumps(spec, indent=2) + "\n"
    return text


def to_yaml(spec: Spec) -> str:
    text: str = yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=1000)
    return text


def _py_name(name: str) -> bool:
    return bool(IDENTIFIER.match(name)) and not keyword.iskeyword(name)


# What a declaration's own annotations use: a field of such a name would shadow it.
_SHADOWING = set(dir(builtins)) | {"msgspec", "Annotated", "Literal", "datetime", "enum", "uuid"}


def _plain_attribute(name: str) -> bool:
    return _py_name(name) and not name.startswith("_") and name not in _SHADOWING


class _Python:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.meta = spec["x-ipycallback"]
        self.defs: dict[str, Any] = spec["$defs"]
        self.tag_field = self.meta.get("tagField", "type")
        self.messages = set(self.meta["toKernel"]) | set(self.meta["toBrowser"])

    def text(self) -> str | None:
        if not all(_py_name(name) for name in self.defs):
            return None
        out = [
            "from __future__ import annotations",
            "",
            "import datetime",
            "import enum",
            "import uuid",
            "from typing import Annotated, Literal",
            "",
            "import msgspec",
            "",
        ]
        for name, schema in self.defs.items():
            block = self.enum(name, schema) if "enum" in schema else self.struct(name, schema)
            if block is None:
                return None
            out += ["", *block, ""]
        meta = self.meta
        out.append(f"TO_KERNEL = [{', '.join(meta['toKernel'])}]")
        out.append(f"TO_BROWSER = [{', '.join(meta['toBrowser'])}]")
        replies = ", ".join(f"{q}: {r}" for q, r in meta.get("replies", {}).items())
        out.append(f"REPLIES = {{{replies}}}")
        asks = ", ".join(f"{q}: {r}" for q, r in meta.get("asks", {}).items())
        out.append(f"ASKS = {{{asks}}}")
        if "name" in meta:
            out.append(f"NAME = {meta['name']!r}")
        return "\n".join(out) + "\n"

    def enum(self, name: str, schema: dict[str, Any]) -> list[str]:
        values = schema["enum"]
        base = "enum.IntEnum" if all(isinstance(v, int) for v in values) else "enum.Enum"
        lines = [f"class {name}({base}):"]
        if "description" in schema:
            lines.append(f"    __doc__ = {schema['description']!r}")
        lines += [f"    V{i} = {v!r}" for i, v in enumerate(values)]
        return lines

    def struct(self, name: str, schema: dict[str, Any]) -> list[str] | None:
        options = ["msgspec.Struct"]
        props: dict[str, Any] = dict(schema.get("properties", {}))
        if name in self.messages:
            tag = props.pop(self.tag_field)["const"]
            options += [f"tag={tag!r}", f"tag_field={self.tag_field!r}"]
        if schema.get("additionalProperties") is False:
            options.append("forbid_unknown_fields=True")
        required = set(schema.get("required", []))
        optional_first = any(
            p not in required and later in required
            for i, p in enumerate(props)
            for later in list(props)[i:]
        )
        if optional_first:
            options.append("kw_only=True")
        lines = [f"class {name}({', '.join(options)}):"]
        if "description" in schema:
            lines.append(f"    __doc__ = {schema['description']!r}")
        for index, (prop, field) in enumerate(props.items()):
            annotation = self.annotation(field, prop in required or "default" in field)
            if annotation is None:
                return None
            attr = prop if _plain_attribute(prop) else f"f{index}"
            args = [] if attr == prop else [f"name={prop!r}"]
            if "default" in field:
                default = self.default(field, field["default"])
                if default is None:
                    return None
                args.insert(0, f"default={default}")
            elif prop not in required:
                args.insert(0, "default=msgspec.UNSET")
                annotation += " | msgspec.UnsetType"
            value = f" = msgspec.field({', '.join(args)})" if args else ""
            lines.append(f"    {attr}: {annotation}{value}")
        if len(lines) == 1:
            lines.append("    pass")
        return lines

    def default(self, field: dict[str, Any], value: Any) -> str | None:
        ref = field.get("$ref") or field.get("anyOf", [{}])[0].get("$ref")
        if ref is not None and value is not None:
            target = self.defs[ref.split("/")[-1]]
            if "enum" not in target:
                return None
            return f"{ref.split('/')[-1]}.V{target['enum'].index(value)}"
        if isinstance(value, list) and "prefixItems" in field:
            return repr(tuple(value))  # a tuple is immutable: a plain default
        if isinstance(value, (list, dict)) and value:
            return None  # msgspec shows no default_factory but an empty one
        return repr(value) if value is not None else "None"

    def annotation(self, field: dict[str, Any], _required: bool = True) -> str | None:
        meta = {
            "minLength": "min_length",
            "maxLength": "max_length",
            "pattern": "pattern",
            "minimum": "ge",
            "maximum": "le",
            "exclusiveMinimum": "gt",
            "exclusiveMaximum": "lt",
            "multipleOf": "multiple_of",
            "minItems": "min_length",
            "maxItems": "max_length",
            "minProperties": "min_length",
            "maxProperties": "max_length",
            "description": "description",
        }
        # A tuple's length is its type's: msgspec takes no min_length for it.
        tuple_length = ("minItems", "maxItems") if "prefixItems" in field else ()
        args = [f"{meta[k]}={v!r}" for k, v in field.items() if k in meta and k not in tuple_length]
        base = self.base(field)
        if base is None:
            return None
        return f"Annotated[{base}, msgspec.Meta({', '.join(args)})]" if args else base

    def base(self, field: dict[str, Any]) -> str | None:
        if "$ref" in field:
            return str(field["$ref"].split("/")[-1])
        if "const" in field:
            return f"Literal[{field['const']!r}]"
        if "enum" in field:
            return f"Literal[{', '.join(repr(v) for v in field['enum'])}]"
        if "anyOf" in field:
            inner = self.annotation(field["anyOf"][0])
            return None if inner is None else f"{inner} | None"
        if "oneOf" in field:
            return " | ".join(m["$ref"].split("/")[-1] for m in field["oneOf"])
        kind = field.get("type")
        formats = {"date-time": "datetime.datetime", "date": "datetime.date", "uuid": "uuid.UUID"}
        if kind == "string":
            return formats.get(field.get("format", ""), "str")
        if kind in ("integer", "number", "boolean"):
            return {"integer": "int", "number": "float", "boolean": "bool"}[kind]
        if kind == "array" and "prefixItems" in field:
            items = [self.annotation(item) for item in field["prefixItems"]]
            return None if None in items else f"tuple[{', '.join(map(str, items))}]"
        if kind == "array":
            item = self.annotation(field["items"])
            return None if item is None else f"list[{item}]"
        if kind == "object":
            value = self.annotation(field["additionalProperties"])
            return None if value is None else f"dict[str, {value}]"
        return None


def to_python(spec: Spec) -> str | None:
    return _Python(spec).text()


class _TypeScript:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.meta = spec["x-ipycallback"]
        self.defs: dict[str, Any] = spec["$defs"]

    def text(self) -> str | None:
        names = list(self.defs)
        if not all(IDENTIFIER.match(n) and n not in TS_RESERVED for n in names):
            return None
        special = {"int", "float", "ToKernel", "ToBrowser", "Replies", "Asks", "NAME", "TAG_FIELD"}
        if special & set(names):
            return None
        props = [p for s in self.defs.values() for p in s.get("properties", {})]
        if "__proto__" in props:
            return None  # typescript-json-schema cannot read it (a documented refusal)
        out = [
            "/** @TJS-type integer */",
            "export type int = number;",
            "export type float = number;",
        ]
        if "name" in self.meta:
            out.append(f"export const NAME = {json.dumps(self.meta['name'])};")
        if "tagField" in self.meta:
            out.append(f"export const TAG_FIELD = {json.dumps(self.meta['tagField'])};")
        for name, schema in self.defs.items():
            doc = self.jsdoc(schema.get("description"), [])
            if doc is None:
                return None
            if "enum" in schema:
                values = " | ".join(json.dumps(v) for v in schema["enum"])
                out += [*doc, f"export type {name} = {values};"]
                continue
            tags = (
                [] if schema.get("additionalProperties", True) else ["@additionalProperties false"]
            )
            doc = self.jsdoc(schema.get("description"), tags)
            if doc is None:
                return None
            out += [*doc, f"export interface {name} {{"]
            required = set(schema.get("required", []))
            for prop, field in schema.get("properties", {}).items():
                ts = self.type(field)
                # A nullable's constraints are its non-null type's; JSDoc puts them on the
                # property.
                nullable = field.get("anyOf", [])
                bounded = nullable[0] if len(nullable) == 2 and NULL in nullable else field
                constraints = [
                    f"@{k} {json.dumps(v)}"
                    for k, v in bounded.items()
                    if k not in ("type", "items", "additionalProperties", "$ref", "anyOf", "oneOf")
                    and k not in ("const", "enum", "description", "default", "prefixItems")
                ]
                if "default" in field:
                    constraints.append(f"@default {json.dumps(field['default'])}")
                doc = self.jsdoc(field.get("description"), constraints)
                if ts is None or doc is None:
                    return None
                optional = "" if prop in required else "?"
                out += [*(f"  {line}" for line in doc), f"  {json.dumps(prop)}{optional}: {ts};"]
            out.append("}")
        out.append(f"export type ToKernel = {' | '.join(self.meta['toKernel'])};")
        out.append(f"export type ToBrowser = {' | '.join(self.meta['toBrowser'])};")
        if self.meta.get("replies"):
            pairs = " ".join(f"{q}: {json.dumps(r)};" for q, r in self.meta["replies"].items())
            out.append(f"export interface Replies {{ {pairs} }}")
        if self.meta.get("asks"):
            pairs = " ".join(f"{q}: {json.dumps(r)};" for q, r in self.meta["asks"].items())
            out.append(f"export interface Asks {{ {pairs} }}")
        return "\n".join(out) + "\n"

    def jsdoc(self, text: str | None, tags: list[str]) -> list[str] | None:
        if text is not None and ("*/" in text or "@" in text or text != text.strip()):
            return None  # JSDoc cannot say it as it is
        if (text is not None and any(c in text for c in "\r\u2028\u2029\x00")) or "\n" in (
            text or ""
        ):
            return None
        body = ([text] if text else []) + tags
        return ["/**", *(f" * {line}" for line in body), " */"] if body else []

    def type(self, field: dict[str, Any]) -> str | None:
        if "$ref" in field:
            return str(field["$ref"].split("/")[-1])
        if "const" in field:
            return json.dumps(field["const"])
        if "enum" in field:
            return " | ".join(json.dumps(v) for v in field["enum"])
        if "anyOf" in field:
            inner = self.type(field["anyOf"][0])
            return None if inner is None else f"{inner} | null"
        if "oneOf" in field:
            return " | ".join(m["$ref"].split("/")[-1] for m in field["oneOf"])
        kind = field.get("type")
        if kind in ("string", "boolean"):
            return str(kind)
        if kind in ("integer", "number"):
            return "int" if kind == "integer" else "float"
        if kind == "array" and "prefixItems" in field:
            items = [self.type(item) for item in field["prefixItems"]]
            return None if None in items else f"[{', '.join(map(str, items))}]"
        if kind == "array":
            item = self.type(field["items"])
            return None if item is None else f"Array<{item}>"
        if kind == "object":
            value = self.type(field["additionalProperties"])
            # typescript-json-schema drops the JSDoc bounds of a `Record<string, T>` (the
            # reader refuses them there): users write an index signature.
            return None if value is None else f"{{ [key: string]: {value} }}"
        return None


def to_typescript(spec: Spec) -> str | None:
    return _TypeScript(spec).text()


WRITERS = {".schema.json": to_json, ".schema.yaml": to_yaml, ".py": to_python, ".ts": to_typescript}
