"""The browser side of a message set: TypeScript types, ajv-compiled validators, a typed tunnel."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from .._version import __version__
from ..errors import CodegenError
from .ajv import JSON_STRING, run_ajv, typed_validators
from .ajv_input import OBJECT_PROTOTYPE, ajv_input
from .names import check_directions, ts_type_names, tunnel_class_name
from .printer import (
    Group,
    Printer,
    generated_header,
    jsdoc,
    ts_object_key,
    ts_property_key,
    ts_string,
)

REF = "#/$defs/"
_SCRIPT_UNSAFE = re.compile(r"</script|<!--", re.IGNORECASE)
_IMPORTS = ["ajvIssue", "API_LEVEL", "OLDEST_API_LEVEL", "type Tunnel", "type TunnelRegistry"]
_IMPORTS += ["TypedTunnel", "type TypedSpec", "typedSchemaOf", "type Validator", "VERSION"]
# The runtime's checks that ajv's custom keywords call by name (codegen/node/ajv_standalone.mjs):
# imported where the validators use them, so that each has one implementation.
_CHECKS = ("codePointLength", "isDate", "isDateTime", "isTime", "isUuid")
# The level of the TypeScript runtime's API the output uses (API_LEVEL in frontend/src/compat.ts,
# where the rule is); attach() refuses a runtime that does not serve it, naming both versions.
RUNTIME_API_LEVEL = 2


def emit_typescript(
    ir: dict[str, Any], *, source: str, fingerprint: str, runtime_import: str = "ipycallback"
) -> str:
    """The TypeScript module for `ir`; the same input always gives the same bytes.

    Needs `node` on PATH to compile the validators (ajv 8.20.0 is bundled in this package);
    CodegenError says so when it is missing.
    """
    meta = check_directions(ir["x-ipycallback"])
    defs: dict[str, Any] = ir["$defs"]
    tunnel = tunnel_class_name(meta["name"])
    names = ts_type_names(defs, tunnel)
    validators = typed_validators(run_ajv(ajv_input(ir)))
    p = Printer(indent_unit="  ")
    p.line(generated_header("//", source))
    p.line("/* eslint-disable */")
    end = f"}} from {ts_string(runtime_import)};"
    code = re.sub(JSON_STRING, '""', validators)  # names in ajv's code, not in its strings
    used = [name for name in _CHECKS if re.search(rf"\b{name}\b", code)]
    imports: list[str | Group] = [*sorted([*_IMPORTS, *used], key=_import_order)]
    p.group(Group("import {", imports, end, hug=False, spaced=True))
    p.blank()
    p.line("/** Both generated sides carry it; attaching checks that they match. */")
    p.line(f"export const FINGERPRINT = {ts_string(fingerprint)};")
    p.line("/** The runtime this module was generated for; attach() checks the one it runs on. */")
    generated_for = f"{{ version: {ts_string(__version__)}, apiLevel: {RUNTIME_API_LEVEL} }}"
    # Typed: a project built with isolatedDeclarations needs the type of every export spelled.
    typed = "{ readonly version: string; readonly apiLevel: number }"
    p.line(f"export const GENERATED_FOR: {typed} = Object.freeze({generated_for});")
    p.blank()
    for name, schema in defs.items():
        _declaration(p, names[name], schema, names, f"/$defs/{name}")
        p.blank()
    _messages(p, meta, defs, names)
    p.blank()
    _tunnel_class(p, tunnel, meta)
    p.blank()
    support = resources.files(__package__).joinpath("support.ts").read_text("utf-8")
    for line in support.rstrip("\n").split("\n"):
        p.line(line)
    p.blank()
    p.line("// ---- the validators, compiled by ajv 8.20.0 (standalone code) ----")
    p.blank()
    for line in validators.rstrip("\n").split("\n"):
        p.line(line)
    text = p.text()
    # Every piece of declared text was escaped on its way in; this says so once more, since a
    # page that inlines the module would break (or run a script) if one were missed.
    unsafe = _SCRIPT_UNSAFE.search(text)
    if unsafe is not None:
        raise AssertionError(f"unescaped {unsafe.group()!r} in the generated TypeScript")
    return text


def _import_order(name: str) -> str:
    """Biome's order for named imports: by name, `type` aside, case-insensitive first."""
    bare = name.removeprefix("type ")
    return f"{bare.lower()}\0{bare}"


def _declaration(
    p: Printer, name: str, schema: dict[str, Any], names: dict[str, str], where: str
) -> None:
    for line in jsdoc(schema["description"]) if schema.get("description") else []:
        p.line(line)
    if "enum" in schema:
        p.line(f"export type {name} = {' | '.join(_literal(v) for v in schema['enum'])};")
        return
    required = set(schema["required"])
    with p.block(f"export interface {name} {{", "}"):
        for key, prop in schema["properties"].items():
            docs = [prop["description"]] if prop.get("description") else []
            if "default" in prop:
                docs.append(f"@defaultValue {json.dumps(prop['default'], ensure_ascii=False)}")
            for line in jsdoc("\n\n".join(docs)) if docs else []:
                p.line(line)
            optional = "" if key in required else "?"
            ts = _type(prop, names, f"{where}/properties/{key}")
            p.line(f"{ts_property_key(key)}{optional}: {ts};")


def _type(schema: dict[str, Any], names: dict[str, str], where: str) -> str:
    if "$ref" in schema:
        return names[_ref(schema["$ref"], names, where)]
    if "const" in schema:
        return _literal(schema["const"])
    if "enum" in schema:
        return " | ".join(_literal(v) for v in schema["enum"])
    if "anyOf" in schema:
        return f"{_type(schema['anyOf'][0], names, f'{where}/anyOf/0')} | null"
    if "oneOf" in schema:
        return " | ".join(names[_ref(s["$ref"], names, where)] for s in schema["oneOf"])
    kind = schema.get("type")
    if kind in ("string", "boolean"):
        return str(kind)
    if kind in ("integer", "number"):
        return "number"
    if kind == "array" and "prefixItems" in schema:
        items = [
            _type(s, names, f"{where}/prefixItems/{i}") for i, s in enumerate(schema["prefixItems"])
        ]
        return f"[{', '.join(items)}]"
    if kind == "array":
        item = _type(schema["items"], names, f"{where}/items")
        return f"({item})[]" if " | " in item else f"{item}[]"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        value = _type(schema["additionalProperties"], names, f"{where}/additionalProperties")
        return f"{{ [key: string]: {value} }}"
    raise CodegenError(f"unsupported field type {json.dumps(schema)[:80]}", pointer=where)


def _ref(ref: str, names: dict[str, str], where: str) -> str:
    if not ref.startswith(REF) or ref[len(REF) :] not in names:
        raise CodegenError(f"unknown reference {ref!r}", pointer=where)
    return ref[len(REF) :]


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return ts_string(value)
    return json.dumps(value)  # integers and booleans read the same in TypeScript


def _messages(
    p: Printer, meta: dict[str, Any], defs: dict[str, Any], names: dict[str, str]
) -> None:
    def tag(name: str) -> str:
        return str(defs[name]["x-tag"])

    p.line("/** What the browser sends to the kernel. */")
    p.line(f"export type ToKernel = {' | '.join(names[n] for n in meta['toKernel'])};")
    p.line("/** What the kernel sends to the browser. */")
    p.line(f"export type ToBrowser = {' | '.join(names[n] for n in meta['toBrowser'])};")
    p.blank()
    doc = "The reply type of each request the browser sends (`request()`), by tag."
    _pairs(p, "Replies", doc, meta["replies"], [tag(n) for n in meta["toKernel"]], tag)
    doc = "The reply type of each request the kernel sends, by tag: `on()` handlers return it."
    _pairs(p, "Asks", doc, meta["asks"], [tag(n) for n in meta["toBrowser"]], tag)
    p.blank()
    p.line("/** Checks a message the browser is about to send: its first problem, or null. */")
    p.line("export const validateToKernel: Validator = (value) => ajvIssue(ajvToKernel, value);")
    p.line("/** Checks a message from the kernel: its first problem, or null. */")
    p.line("export const validateToBrowser: Validator = (value) => ajvIssue(ajvToBrowser, value);")
    p.blank()
    with p.block("const SPEC: TypedSpec = {", "};"):
        p.line("validateOutgoing: validateToKernel,")
        p.line("validateIncoming: validateToBrowser,")
        p.line("replies: REPLIES,")
        p.line("asks: ASKS,")
        tags = [ts_string(tag(n)) for n in meta["toBrowser"]]
        p.group(Group("incomingTags: [", tags, "],", hug=False))
        p.line(f"tagField: {ts_string(meta['tagField'])},")


def _pairs(
    p: Printer,
    name: str,
    doc: str,
    pairs: dict[str, str],
    asking_tags: list[str],
    tag: Any,
) -> None:
    """`interface Replies` and `REPLIES` (or Asks and ASKS): request tag to reply tag."""
    by_tag = [(tag(q), tag(r)) for q, r in pairs.items()]
    members = [f"{ts_property_key(request)}: {ts_string(reply)};" for request, reply in by_tag]
    # Every object type has Object's members, e.g. `constructor: Function`, which would not fit
    # TypedTunnel's constraint for a request tag of that name without a reply.
    members += [
        f"{ts_property_key(request)}?: never;"
        for request in asking_tags
        if request in OBJECT_PROTOTYPE and request not in dict(by_tag)
    ]
    p.line(f"/** {doc} */")
    if not members:
        p.line(f"export interface {name} {{}}")
    else:
        with p.block(f"export interface {name} {{", "}"):
            for member in members:
                p.line(member)
    items = [f"{ts_object_key(q)}: {ts_string(r)}" for q, r in by_tag]
    head = f"export const {name.upper()}: Readonly<Record<string, string>> = Object.freeze({{"
    p.group(Group(head, items, "});", hug=False, spaced=True))


def _tunnel_class(p: Printer, tunnel: str, meta: dict[str, Any]) -> None:
    generics = f"ToKernel, ToBrowser, Replies, Asks, {ts_string(meta['tagField'])}"
    p.line("/**")
    p.line(f" * A TypedTunnel for the {ts_string(meta['name'])} message set: `send` and `request`")
    p.line(" * take ToKernel messages, `on` receives ToBrowser ones (a handler of a request the")
    p.line(" * kernel sends returns its reply, see Asks). `attach` waits for the tunnel and checks")
    p.line(" * that the kernel attached the same message set (FINGERPRINT).")
    p.line(" */")
    with p.block(f"export class {tunnel} extends TypedTunnel<{generics}> {{", "}"):
        with p.block("constructor(tunnel: Tunnel) {", "}"):
            p.line("super(tunnel, SPEC);")
        p.blank()
        p.line("/** Waits (10 s by default) for the tunnel and the kernel's side of this set. */")
        attach = "static async attach(tunnelId: string, options: { timeoutMs?: number } = {})"
        with p.block(f"{attach}: Promise<{tunnel}> {{", "}"):
            p.line("checkBundledRuntime();")
            p.line("const timeoutMs = options.timeoutMs ?? 10_000;")
            p.line("const registry = await pageRegistry(timeoutMs);")
            p.line("checkPageRuntime(registry);")
            p.line("const tunnel = await registry.wait(tunnelId, { timeoutMs });")
            p.line("checkFingerprint(await typedSchemaOf(tunnel, timeoutMs), FINGERPRINT);")
            p.line(f"return new {tunnel}(tunnel);")
