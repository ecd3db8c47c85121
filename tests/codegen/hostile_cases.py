"""Declarations a hostile or unlucky user writes: names that collide with what the generator
emits or with either language's builtins, odd structures, values that break at run time, and
files that are not what they claim. Each is tried in every format that can say it."""

from __future__ import annotations

import builtins
import keyword
from dataclasses import dataclass, field
from typing import Any

from hostile_formats import WRITERS

# What a generated module declares or uses, in Python and in TypeScript (support code, ajv's
# code, imports), and the builtins and prototype members of both languages.
EMITTED = [
    "FINGERPRINT",
    "REPLIES",
    "ASKS",
    "Asks",
    "NoReturn",
    "overload",
    "cast",
    "request",
    "call",
    "typedSchemaOf",
    "SPEC",
    "ToKernel",
    "ToBrowser",
    "Replies",
    "validateToKernel",
    "validateToBrowser",
    "ajvToKernel",
    "ajvToBrowser",
    "validate0",
    "validate1",
    "validate10",
    "schema0",
    "schema1",
    "schema31",
    "func0",
    "func1",
    "func2",
    "pattern0",
    "formats0",
    "AjvError",
    "AjvErrors",
    "AjvValidate",
    "hasOwn",
    "quote",
    "show",
    "locate",
    "FORMATS",
    "describe",
    "issueOf",
    "ajvIssue",
    "pathStep",
    "codePointLength",
    "DATE",
    "TIME",
    "UUID",
    "isDate",
    "isTime",
    "isDateTime",
    "isUuid",
    "pageRegistry",
    "checkFingerprint",
    "Tunnel",
    "TunnelRegistry",
    "TypedTunnel",
    "TypedSpec",
    "ValidationIssue",
    "Validator",
    "HostileTunnel",
    "msgspec",
    "Annotated",
    "Literal",
    "TypeAlias",
    "SlowTunnelWidget",
    "datetime",
    "enum",
    "uuid",
    "annotations",
    "UnsetType",
    "UNSET",
    "field",
    "Meta",
    "Struct",
    "errors",
    "data",
    "instancePath",
    "parentData",
    "parentDataProperty",
    "rootData",
    "vErrors",
    "evaluated0",
    "valid0",
    "_errs",
    "i0",
    "len0",
    "Object",
    "Array",
    "Promise",
    "Record",
    "Readonly",
    "Partial",
    "Omit",
    "Pick",
    "Exclude",
    "Error",
    "JSON",
    "Number",
    "String",
    "Symbol",
    "Date",
    "Map",
    "Set",
    "RegExp",
    "Function",
    "globalThis",
    "window",
    "document",
    "NaN",
    "Infinity",
    "arguments",
    "eval",
    "undefined",
]
PROTOTYPE = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
    "prototype",
    "length",
    "name",
    "apply",
    "bind",
    "call",
    "caller",
]
# Python's builtins: the generator reserves all of them (dir(builtins)); these stand for them.
PY_BUILTINS = [
    n
    for n in [
        "any",
        "print",
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "type",
        "object",
        "len",
        "id",
        "hash",
        "range",
        "set",
        "tuple",
        "bytes",
        "Exception",
        "ValueError",
        "TypeError",
        "property",
        "super",
        "isinstance",
        "open",
        "format",
        "vars",
        "callable",
        "iter",
        "next",
        "min",
        "max",
        "sum",
        "map",
        "filter",
        "zip",
    ]
    if hasattr(builtins, n)
]
TYPE_NAMES = sorted(
    {n for n in [*EMITTED, *PROTOTYPE, *PY_BUILTINS, *keyword.kwlist, "self", "cls", "match"]}
)
# Property names: wire names of any text.
PROPERTY_NAMES = [
    *TYPE_NAMES[:60],
    "__proto__",
    "constructor",
    "toString",
    "a b",
    "a-b",
    "0",
    "1e3",
    "-1",
    "é",
    "日本",
    "😀",
    "a/b~c",
    "</script>",
    "*/",
    "'",
    "${x}",
    "`",
    "$",
    "_",
    "__",
    "_x",
    "__init__",
    "__class__",
    "__dict__",
    "__struct_fields__",
    "class",
    "None",
    "self",
    "cls",
    "True",
    "async",
    "type",
    "\u2028",
    "x\u0301",
    "on",
    "yes",
    "null",
    "~",
    "1.5",
]
# Wire names msgspec cannot give a field: refused, with the property's location (by the
# generator, or by msgspec itself when the declaration is Python).
CANNOT_NAME = "cannot name a field|Renamed field names must not contain"
UNNAMEABLE = ['say "hi"', "back\\slash", "tab\there", "nul\x00"]
TAG_VALUES = [
    "constructor",
    "toString",
    "__proto__",
    "valueOf",
    "hasOwnProperty",
    "</script>",
    "<!--",
    "a'b",
    "é",
    "😀",
    "\u2028",
    " ",
    "0",
    "true",
    "null",
    "x",
    "x_",
    "X",
]
TAG_FIELDS = [
    "constructor", "__proto__", "toString", "msg type", "</script>", "0", "class", "self", "$",
    "valueOf", 'a"b', "a\\b", "~", "a/b",
]  # fmt: skip
# Tag fields msgspec cannot read (it finds no such field in any message): refused.
ODD_TAG_FIELDS = ["tÿpe", "kind\u2028", "😀", "tab\there"]
DESCRIPTIONS = [
    'ends with "',
    '"""',
    "*/ /*",
    "</script><script>alert(1)</script>",
    "<!-- <script>",
    "back\\slash\\",
    "line\u2028separator",
    "tab\tand\nnewline",
    "\x00nul",
    "😀 emoji",
    "@default 5",
    "{@link x}",
    "  padded  ",
    "'''",
    "\\u0041",
]


@dataclass
class Case:
    name: str
    spec: dict[str, Any] | None = None
    # Files written as they are (for input no format would produce), by suffix.
    raw: dict[str, str | bytes] = field(default_factory=dict)
    # "accept", "refuse" or "either": either way the promise must hold.
    expect: str = "accept"
    # For refusals: a phrase of the reason.
    reason: str = ""
    formats: tuple[str, ...] = tuple(WRITERS)

    def files(self) -> dict[str, str | bytes]:
        out: dict[str, str | bytes] = dict(self.raw)
        if self.spec is not None:
            for suffix in self.formats:
                text = WRITERS[suffix](self.spec)
                if text is not None:
                    out[suffix] = text
        return out


def obj(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An object type; a property marked "x-opt" is optional without a default."""
    properties = {p: {k: v for k, v in s.items() if k != "x-opt"} for p, s in props.items()}
    required = [p for p, s in props.items() if "default" not in s and not s.get("x-opt")]
    return {"type": "object", "properties": properties, "required": required, **extra}


def message(tag: str, props: dict[str, Any] | None = None, tag_field: str = "type",
            **extra: Any) -> dict[str, Any]:  # fmt: skip
    return obj({tag_field: {"const": tag}, **(props or {})}, **extra)


def spec(defs: dict[str, Any], to_kernel: list[str], to_browser: list[str],
         **meta: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "x-ipycallback": {"toKernel": to_kernel, "toBrowser": to_browser, **meta},
        "$defs": defs,
    }


def _type_names() -> dict[str, Any]:
    names = [n for n in TYPE_NAMES if n.isidentifier()]
    defs = {n: message(n, {"value": {"type": "string"}}) for n in names}
    # Asks (typed with overloads) whose requests are named as the generated tunnel class's own
    # methods and types: odd names go to the browser (requests), each asks its even neighbour.
    odd = [names.index(n) for n in ("request", "call", "Asks", "cast", "overload")]
    asks = {names[i if i % 2 else i + 1]: names[(i if i % 2 else i + 1) - 1] for i in odd}
    return spec(defs, names[::2], names[1::2], name="hostile", asks=asks)


def _helper_names() -> dict[str, Any]:
    # The hostile names as enums and plain objects that messages refer to.
    names = [n for n in TYPE_NAMES if n.isidentifier()][:80]
    defs: dict[str, Any] = {}
    props = {}
    for i, name in enumerate(names):
        if i % 2:
            defs[name] = {"enum": [name, f"{name}_2"]}
        else:
            defs[name] = {"type": "object", "properties": {"x": {"type": "integer"}},
                          "required": ["x"]}  # fmt: skip
        props[f"p{i}"] = {"$ref": f"#/$defs/{name}"}
    defs["Holder"] = message("Holder", props)
    defs["Other"] = message("Other")
    return spec(defs, ["Holder"], ["Other"], name="hostile")


def _property_names() -> dict[str, Any]:
    props = {name: {"type": "integer", "default": i} for i, name in enumerate(PROPERTY_NAMES)}
    props["required one"] = {"type": "string"}
    tag = "msg kind"  # "type" is among the property names
    defs = {"Msg": message("Msg", props, tag), "Back": message("Back", dict(props), tag)}
    return spec(defs, ["Msg"], ["Back"], name="hostile", tagField=tag)


def _unnameable(name: str) -> dict[str, Any]:
    defs = {"Msg": message("Msg", {name: {"type": "integer"}}), "Back": message("Back")}
    return spec(defs, ["Msg"], ["Back"])


def _tag_values() -> dict[str, Any]:
    defs = {f"M{i}": message(tag, {"n": {"type": "integer"}}) for i, tag in enumerate(TAG_VALUES)}
    names = list(defs)
    defs["Box"] = message(
        "Box",
        {"one": {"oneOf": [{"$ref": f"#/$defs/{n}"} for n in names]},
         "many": {"type": "array", "items": {"oneOf": [{"$ref": f"#/$defs/{n}"} for n in names]}}},
    )  # fmt: skip
    return spec(defs, [*names[::2], "Box"], names[1::2], name="hostile",
                replies={names[0]: names[1]}, asks={names[3]: names[2]})  # fmt: skip


def _tag_field(tag_field: str) -> dict[str, Any]:
    defs = {
        "Ask": message("Ask", {"q": {"type": "string"}}, tag_field=tag_field),
        "Stop": message("Stop", {}, tag_field=tag_field),
        "Answer": message("Answer", {"a": {"type": "integer"}}, tag_field=tag_field),
    }
    return spec(defs, ["Ask", "Stop"], ["Answer"], name="hostile", tagField=tag_field)


def _descriptions() -> dict[str, Any]:
    props = {f"p{i}": {"type": "string", "description": d} for i, d in enumerate(DESCRIPTIONS)}
    defs: dict[str, Any] = {
        "Mode": {"enum": ["a", "b"], "description": DESCRIPTIONS[3]},
        "Msg": {**message("Msg", props), "description": "\n".join(DESCRIPTIONS)},
        "Back": {**message("Back", {"s": {"type": "string", "default": "</script><!--"}})},
    }
    return spec(defs, ["Msg"], ["Back"], name="hostile")


def cases() -> list[Case]:
    out = [
        # YAML reads into the same document as JSON: the large cases skip it (tsc is slow).
        Case("type_names", _type_names(), formats=(".schema.json", ".py", ".ts")),
        Case("helper_names", _helper_names(), formats=(".schema.json", ".py", ".ts")),
        Case("property_names", _property_names()),
        Case("tag_values", _tag_values()),
        Case("descriptions", _descriptions()),
    ]
    out += [Case(f"tag_field_{i}", _tag_field(t)) for i, t in enumerate(TAG_FIELDS)]
    out += [
        Case(f"odd_tag_field_{i}", _tag_field(t), expect="refuse", reason="printable ASCII")
        for i, t in enumerate(ODD_TAG_FIELDS)
    ]
    out += [
        Case(f"unnameable_{i}", _unnameable(n), expect="refuse", reason=CANNOT_NAME)
        for i, n in enumerate(UNNAMEABLE)
    ]
    return out
