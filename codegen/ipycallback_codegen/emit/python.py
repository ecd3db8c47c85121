"""The Python side of a message set: msgspec Structs, enums and a typed tunnel class."""

from __future__ import annotations

from typing import Any

from ..errors import CodegenError
from .names import (
    check_directions,
    python_attribute_names,
    python_class_names,
    tunnel_class_name,
)
from .printer import Chain, Group, Printer, generated_header, py_docstring, py_string
from .py_tunnel import tunnel_class, tunnel_typing
from .py_types import REF, Expr, PyTypes, flat

# What each recorded import needs, in the order ruff's isort writes them.
_STDLIB = {
    "datetime": "import datetime",
    "enum": "import enum",
    "uuid": "import uuid",
}


def emit_python(ir: dict[str, Any], *, source: str, fingerprint: str) -> str:
    """The Python module for `ir`; the same input always gives the same bytes."""
    meta = check_directions(ir["x-ipycallback"])
    defs: dict[str, Any] = ir["$defs"]
    tunnel = tunnel_class_name(meta["name"])
    names = python_class_names(defs, tunnel)
    tagged = _tag_required(ir, names)
    types = PyTypes(defs, names, tagged)
    body = Printer()
    # Enums first: a field's default may name a member, which must exist by then. Annotations
    # are lazy (`from __future__ import annotations`), so objects may refer to any class.
    for name, schema in defs.items():
        if "enum" in schema:
            types.imports.add("enum")
            _enum(body, name, names[name], schema, types)
    for name, schema in defs.items():
        if "enum" not in schema:
            _struct(body, names[name], schema, meta["tagField"], types, f"/$defs/{name}")
    _placeholders(body, ir, names, tagged)
    tunnel_class(body, tunnel, meta, types)

    out = Printer()
    out.line(generated_header("#", source))
    for line in py_docstring(f'Messages of the "{meta["name"]}" set and a typed tunnel for them.'):
        out.line(line)
    out.blank()
    out.line("from __future__ import annotations")
    out.blank()
    for module, statement in _STDLIB.items():
        if module in types.imports:
            out.line(statement)
    typing = sorted(n.split(".")[1] for n in types.imports if n.startswith("typing."))
    typing.extend(tunnel_typing(meta))
    out.line(f"from typing import {', '.join(sorted({*typing, 'TypeAlias'}))}")
    out.blank()
    out.line("import msgspec")
    out.line("from ipycallback import SlowTunnelWidget, TypedTunnel")
    out.blank()
    out.line(f"FINGERPRINT = {py_string(fingerprint)}")
    return out.text() + "\n\n" + body.text()


def _enum(p: Printer, def_name: str, name: str, schema: dict[str, Any], types: PyTypes) -> None:
    with p.block(f"class {name}(enum.Enum):"):
        if schema.get("description"):
            _docstring(p, schema)
            p.blank()
        for member, value in zip(types.members[def_name], schema["enum"], strict=True):
            literal = py_string(value) if isinstance(value, str) else repr(value)
            p.line(f"{member} = {literal}")
    p.blank(2)


def _struct(
    p: Printer, name: str, schema: dict[str, Any], tag_field: str, types: PyTypes, where: str
) -> None:
    properties: dict[str, Any] = schema["properties"]
    wire = [k for k in properties if not ("x-tag" in schema and k == tag_field)]
    for key in wire:
        if any(c in '"\\' or ord(c) < 0x20 for c in key):
            raise CodegenError(
                f"msgspec cannot name a field {key!r}: field names must not contain a double "
                "quote, a backslash or a control character",
                pointer=f"{where}/properties/{key}",
            )
    attrs = python_attribute_names(wire, types.class_names.values())
    required = set(schema["required"])
    options = ["msgspec.Struct"]
    if "x-tag" in schema:
        options += [f"tag={py_string(schema['x-tag'])}", f"tag_field={py_string(tag_field)}"]
    # A field with a default may come before a required one (declared order is kept).
    last_required = max((i for i, k in enumerate(wire) if k in required), default=-1)
    if any(k not in required for k in wire[:last_required]):
        options.append("kw_only=True")
    if schema["additionalProperties"] is False:
        options.append("forbid_unknown_fields=True")
    p.group(Group(f"class {name}(", options, "):"))
    with p.indented():
        _docstring(p, schema)
        if schema.get("description") and wire:
            p.blank()
        for key, attr in zip(wire, attrs, strict=True):
            at = f"{where}/properties/{key}"
            annotation = types.annotation(properties[key], at)
            default: tuple[str, Expr] | None = None
            if "default" in properties[key]:
                default = types.default(properties[key], properties[key]["default"], at)
            elif key not in required:  # optional: absent from the JSON while unset
                annotation = _or_unset(annotation)
                default = ("default", "msgspec.UNSET")
            p.group(*_field(attr, key, annotation, default))
        if not wire and not schema.get("description"):
            p.line("pass")
    p.blank(2)


def _or_unset(annotation: Expr) -> Expr:
    if isinstance(annotation, Group):
        tail = annotation.tail + " | msgspec.UnsetType"
        return Group(annotation.head, annotation.items, tail, trailing_comma=False)
    return f"{annotation} | msgspec.UnsetType"


def _field(
    attr: str, key: str, annotation: Expr, default: tuple[str, Expr] | None
) -> list[str | Group | Chain]:
    """Ways to lay out a field, in ruff's order: split the value, parenthesize it, split the
    annotation, or both."""
    args: list[Expr] = []
    if default is not None:
        kind, expr = default
        args.append(
            Group(f"{kind}={expr.head}", expr.items, expr.tail)
            if isinstance(expr, Group)
            else f"{kind}={expr}"
        )
    if attr != key:
        args.append(f"name={py_string(key)}")
    value: Expr = ""
    if args and (attr != key or (default is not None and default[0] == "default_factory")):
        value = Group("msgspec.field(", args, ")")
    elif default:
        value = flat(default[1])
    ann = flat(annotation)
    candidates: list[str | Group | Chain] = []
    if isinstance(value, Group):
        candidates.append(Group(f"{attr}: {ann} = {value.head}", value.items, value.tail))
        candidates.append(Group(f"{attr}: {ann} = (", [value], ")", trailing_comma=False))
    suffix = f" = {flat(value)}" if value else ""
    if isinstance(annotation, Group):
        candidates.append(
            Group(f"{attr}: {annotation.head}", annotation.items, annotation.tail + suffix)
        )
        if isinstance(value, Group):
            split = Group(f"{attr}: {annotation.head}", annotation.items, annotation.tail)
            candidates.append(Chain(split, " = ", value))
    return candidates or [f"{attr}: {ann}{suffix}"]


def _docstring(p: Printer, schema: dict[str, Any]) -> None:
    if schema.get("description"):
        for line in py_docstring(schema["description"]):
            p.line(line)


def _tag_required(ir: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """Messages that appear alone where a tag is required (a direction of one message, a field
    of a message type), each with the name of its placeholder (see `_placeholders`)."""
    meta, defs = ir["x-ipycallback"], ir["$defs"]
    alone = {d[0] for d in (meta["toKernel"], meta["toBrowser"]) if len(d) == 1}

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            ref = schema.get("$ref", "")
            if "x-tag" in defs.get(ref[len(REF) :], {}):
                alone.add(ref[len(REF) :])
            for key, value in schema.items():
                if key not in ("oneOf", "default", "const", "enum"):  # a oneOf is tagged
                    walk(value)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    for schema in defs.values():
        walk(schema.get("properties", {}))
    # User classes never start with "_" (names.python_class_names), so these cannot collide.
    return {name: f"_{names[name]}TagRequired" for name in defs if name in alone}


def _placeholders(
    p: Printer, ir: dict[str, Any], names: dict[str, str], tagged: dict[str, str]
) -> None:
    """msgspec requires a message's tag only in a union: alone, it decodes a message without
    one, which the browser refuses. A subclass with a tag no message has makes each such place
    a union, and refuses to be decoded itself, so both sides require the tag."""
    tags = {schema["x-tag"] for schema in ir["$defs"].values() if "x-tag" in schema}
    for name, placeholder in tagged.items():
        tag = "\x00" + ir["$defs"][name]["x-tag"]  # one per message: unions may hold several
        while tag in tags:
            tag += "_"
        tags.add(tag)
        with p.block(f"class {placeholder}({names[name]}, tag={py_string(tag)}):"):
            p.line(f'"""Never decoded: beside {names[name]} it makes the tag required."""')
            p.blank()
            with p.block("def __post_init__(self) -> None:"):
                p.line('raise ValueError("not a message")')
        p.blank(2)
