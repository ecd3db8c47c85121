"""More declarations users write (see hostile_cases.py): structures, values that break at
run time, what public schemas say, and files that are not what they claim."""

from __future__ import annotations

from typing import Any, cast

from hostile_cases import Case, message, obj, spec
from hostile_formats import WRITERS


def _structures() -> dict[str, Any]:
    ref = {"$ref": "#/$defs/Point"}
    defs: dict[str, Any] = {
        "Mode": {"enum": ["a", "b"]},
        "Point": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]},
        "Node": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []},
                "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}], "default": None},
            },
            "required": [],
        },
        "Ask": message("Ask", {"q": {"type": "string"}}),
        "Stop": message("Stop"),
        "Answer": message(
            "Answer",
            {
                "ask": {"$ref": "#/$defs/Ask"},  # a message as a field's type
                "maybe_ask": {"anyOf": [{"$ref": "#/$defs/Ask"}, {"type": "null"}]},
                "asks": {"type": "array", "items": {"$ref": "#/$defs/Ask"}},
                "by_name": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Stop"}},
                "either": {"oneOf": [{"$ref": "#/$defs/Ask"}, {"$ref": "#/$defs/Stop"}]},
                "point": {"anyOf": [ref, {"type": "null"}]},
                "mode": {"anyOf": [{"$ref": "#/$defs/Mode"}, {"type": "null"}], "default": None},
                "points": {"type": "array", "items": {"anyOf": [ref, {"type": "null"}]}},
                "grid": {"type": "array", "items": {"type": "array", "items": ref}},
                "tree": {"$ref": "#/$defs/Node"},
            },
        ),
    }
    return spec(defs, ["Ask", "Stop"], ["Answer"], replies={"Ask": "Answer"})


def _optional() -> dict[str, Any]:
    # Optional properties without a default: absent on the wire while unset.
    def opt(schema: dict[str, Any]) -> dict[str, Any]:
        return {**schema, "x-opt": True}

    defs: dict[str, Any] = {
        "Point": obj({"x": opt({"type": "integer"})}),
        "Ask": message("Ask", {"q": opt({"type": "string", "maxLength": 3})}),
        "Answer": message("Answer", {
            "n": opt({"type": "integer", "minimum": 1}),
            "r": {"type": "number"},
            "tags": opt({"type": "array", "items": {"type": "string"}}),
            "point": opt({"$ref": "#/$defs/Point"}),
            "ask": opt({"$ref": "#/$defs/Ask"}),
            "when": opt({"type": "string", "format": "date-time"}),
            "nullable": opt({"anyOf": [{"type": "string"}, {"type": "null"}]}),
        }),
    }  # fmt: skip
    return spec(defs, ["Ask"], ["Answer"])


def _wider() -> dict[str, Any]:
    """What public JSON Schemas write and the IR says another way (JSON and YAML only)."""
    name = {"$ref": "#/$defs/Name-Type"}
    defs: dict[str, Any] = {
        "Name-Type": {"type": "string", "maxLength": 5, "title": "A name", "examples": ["x"]},
        "Tags": {"type": "array", "items": name, "x-extension": True},
        "Base": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
        "Pet": {
            "allOf": [
                {"$ref": "#/$defs/Base"},
                {"type": "object", "properties": {
                    "name": {**name, "description": "its name"},
                    "owner": {"type": "object", "properties": {
                        "mail": {"type": "string", "format": "email"}}},
                }},
            ],
            "unevaluatedProperties": False,
        },
        "Msg": message("Msg", {
            "pet": {"allOf": [{"$ref": "#/$defs/Pet"}], "description": "the pet"},
            "tags": {"$ref": "#/$defs/Tags", "x-opt": True},
            "maybe": {"$ref": "#/$defs/Base", "nullable": True},
            "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}],
                     "minItems": 2, "additionalItems": False, "x-opt": True},
            "mode": {"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b"}],
                     "x-opt": True},
            "free": {"type": "object", "properties": {"x": {"type": "integer"}},
                     "additionalProperties": {}, "x-opt": True},
        }),
    }  # fmt: skip
    return spec(defs, ["Msg"], ["Msg"])


def _tuples() -> dict[str, Any]:
    pair = {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
            "minItems": 2, "maxItems": 2}  # fmt: skip
    point = {"type": "array", "prefixItems": [{"type": "number"}] * 3, "minItems": 3,
             "maxItems": 3}  # fmt: skip
    defs = {
        "Ask": message("Ask", {"pair": pair, "points": {"type": "array", "items": point}}),
        "Back": message("Back", {"pair": {**pair, "default": [1, "a"]}}),
    }
    return spec(defs, ["Ask"], ["Back"])


# What the wider subset still refuses, with where and why (JSON only: the other formats
# cannot say these).
WIDER_REFUSALS = [
    ("allof_disagree", {"allOf": [
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "integer"}}}]}, "disagree"),
    ("allof_scalar", {"allOf": [{"type": "string"}, {"maxLength": 3}]}, "object types only"),
    ("allof_closed_member", {"allOf": [
        {"type": "object", "properties": {"a": {"type": "string"}},
         "additionalProperties": False},
        {"type": "object", "properties": {"b": {"type": "string"}}}]}, "unevaluatedProperties"),
    ("open_tuple", {"type": "array", "prefixItems": [{"type": "string"}], "minItems": 1},
     "fixed length"),
    ("short_tuple", {"type": "array", "prefixItems": [{"type": "string"}] * 2, "maxItems": 2},
     "all its items"),
    ("typed_extras", {"type": "object", "properties": {"a": {"type": "string"}},
                      "additionalProperties": {"type": "integer"}}, "no msgspec"),
]  # fmt: skip


def _field(schema: dict[str, Any]) -> dict[str, Any]:
    """A set whose one message has one field of this type."""
    defs = {"Msg": message("Msg", {"f": schema}), "Back": message("Back")}
    return spec(defs, ["Msg"], ["Back"])


# Declarations that compiled before and broke at run time, or that no format should accept.
RUNTIME_BREAKERS = [
    # Patterns one side cannot compile: refused where the pattern is.
    ("pattern_lookbehind", {"type": "string", "pattern": "(?<=a+)b"}, "refuse", "pattern"),
    ("pattern_named_group", {"type": "string", "pattern": "(?<n>a)"}, "refuse", "pattern"),
    ("pattern_possessive", {"type": "string", "pattern": "a++"}, "refuse", "pattern"),
    ("pattern_inline_flag", {"type": "string", "pattern": "(?i)abc"}, "refuse", "pattern"),
    ("pattern_python_anchor", {"type": "string", "pattern": "abc\\Z"}, "refuse", "pattern"),
    ("pattern_both", {"type": "string", "pattern": "^[a-z]+[0-9]{2,3}$"}, "accept", ""),
    # Integer bounds said as fractions or beyond what the IR's integers hold.
    ("integer_fraction_bounds", {"type": "integer", "minimum": 1.5, "maximum": 7.5}, "accept", ""),
    ("integer_exclusive_fraction", {"type": "integer", "exclusiveMinimum": 0.5}, "accept", ""),
    ("integer_huge_bounds", {"type": "integer", "minimum": -1e30, "maximum": 2**70}, "accept", ""),
    ("integer_int64_max", {"type": "integer", "maximum": 9223372036854775807}, "accept", ""),
    ("integer_no_value", {"type": "integer", "minimum": 2**60}, "refuse", "no integer"),
    ("integer_fraction_multiple", {"type": "integer", "multipleOf": 0.5}, "refuse", "multipleOf"),
    # Defaults the field itself refuses, or that change on the way through JSON.
    ("default_multiple", {"type": "integer", "multipleOf": 3, "default": 4}, "refuse", "default"),
    ("default_pattern", {"type": "string", "pattern": "^a", "default": "b"}, "refuse", "default"),
    ("default_format", {"type": "string", "format": "date", "default": "x"}, "refuse", "default"),
    ("default_big_number", {"type": "number", "default": 10**20}, "accept", ""),
    ("default_inexact_number", {"type": "number", "default": 2**53 + 1}, "refuse", "default"),
    ("default_integer_float", {"type": "number", "default": 3}, "accept", ""),
    # Python compares 2^53 + 4 with this bound exactly, JavaScript with 2^53 + 4.
    ("number_inexact_bound", {"type": "number", "maximum": 2**53 + 3}, "refuse", "a double"),
]


# Bounds that leave no value (each side would refuse every message), and their edges that
# leave one; every format says them.
EMPTY_RANGES = [
    ("length_empty", {"type": "string", "minLength": 5, "maxLength": 3}, "refuse", "no string"),
    ("length_one", {"type": "string", "minLength": 3, "maxLength": 3}, "accept", ""),
    ("nullable_length_empty", {"anyOf": [{"type": "string", "minLength": 2, "maxLength": 1},
                                         {"type": "null"}]}, "refuse", "no string"),
    ("items_empty", {"type": "array", "items": {"type": "string"}, "minItems": 3,
                     "maxItems": 2}, "refuse", "no array"),
    ("properties_empty", {"type": "object", "additionalProperties": {"type": "integer"},
                          "minProperties": 1, "maxProperties": 0}, "refuse", "no object"),
    ("properties_one", {"type": "object", "additionalProperties": {"type": "integer"},
                        "minProperties": 1, "maxProperties": 1}, "accept", ""),
    ("integer_empty", {"type": "integer", "minimum": 3, "maximum": 2}, "refuse", "no integer"),
    ("integer_between", {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2},
     "refuse", "no integer"),
    ("integer_one_between", {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 3},
     "accept", ""),
    ("number_empty", {"type": "number", "minimum": 2.5, "maximum": 2}, "refuse", "no number"),
    ("number_exclusive", {"type": "number", "minimum": 1, "exclusiveMaximum": 1}, "refuse",
     "no number"),
    ("number_both_exclusive", {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1},
     "refuse", "no number"),
    # No double lies between 1 and the next one, 1 + 2^-52; one lies between 1 and 1 + 2^-51.
    ("number_adjacent", {"type": "number", "exclusiveMinimum": 1,
                         "exclusiveMaximum": 1.0000000000000002}, "refuse", "no number"),
    ("number_one_between", {"type": "number", "exclusiveMinimum": 1,
                            "exclusiveMaximum": 1.0000000000000004}, "accept", ""),
    ("number_one", {"type": "number", "minimum": 1, "maximum": 1}, "accept", ""),
    # A number bound no double holds: each format refuses it in its own words (msgspec cannot
    # take it; JavaScript reads it as Infinity), with a location.
    ("number_beyond_doubles", {"type": "number", "minimum": 10**400}, "refuse",
     "exactly a double|out of range|must be a number"),
]  # fmt: skip


# Declarations a format cannot write: msgspec refuses a fractional bound on an int, and
# TypeScript reads 2**53 + 1 as 2**53.
NOT_IN = {
    "integer_fraction_bounds": ".py",
    "integer_exclusive_fraction": ".py",
    "integer_huge_bounds": ".py",
    "integer_fraction_multiple": ".py",
    "default_inexact_number": ".ts",
    "number_inexact_bound": ".ts",
}


JSON_REF = {"$ref": "#/$defs/Json"}


def _default_chain(depth: int = 30) -> dict[str, Any]:
    """Two fields that each default to {} of the next type, `depth` times: decoding one message
    would build 2**depth objects in Python."""
    defs: dict[str, Any] = {f"M{depth}": obj({"x": {"type": "string", "default": "v"}})}
    for i in reversed(range(depth)):
        nxt = {"$ref": f"#/$defs/M{i + 1}", "default": {}}
        defs[f"M{i}"] = obj({"a": dict(nxt), "b": dict(nxt)})
    defs["Msg"] = message("Msg", {"m": {"$ref": "#/$defs/M0"}})
    defs["Back"] = message("Back")
    return spec(defs, ["Msg"], ["Back"])


def _reference_chain(length: int) -> dict[str, Any]:
    """Types each holding the next, `length` deep: ajv overflowed Node's stack compiling them
    (near 250), and msgspec Python's (near 500) reading a Python declaration of them."""
    defs: dict[str, Any] = {
        f"C{i}": obj({"n": {"$ref": f"#/$defs/C{i + 1}"}}) for i in range(length)
    }
    defs[f"C{length}"] = obj({"x": {"type": "integer"}})
    defs["Msg"] = message("Msg", {"c": {"$ref": "#/$defs/C0"}})
    defs["Back"] = message("Back")
    return spec(defs, ["Msg"], ["Back"])


def _wrapped_chain(length: int) -> dict[str, Any]:
    """A shorter chain, each type reached through a map of lists of nullable references: ajv
    recurses once per nested schema, so this overflowed it 80 deep."""
    defs: dict[str, Any] = {}
    for i in range(length):
        ref = {"anyOf": [{"$ref": f"#/$defs/C{i + 1}"}, {"type": "null"}]}
        lists = {"type": "array", "items": ref}
        defs[f"C{i}"] = obj({"n": {"type": "object", "additionalProperties": lists}})
    defs[f"C{length}"] = obj({"x": {"type": "integer"}})
    defs["Msg"] = message("Msg", {"c": {"$ref": "#/$defs/C0"}})
    defs["Back"] = message("Back")
    return spec(defs, ["Msg"], ["Back"])


def _large_enum(size: int) -> dict[str, Any]:
    """ajv tests an enum of 200 values or more in a loop with a runtime helper the generated
    module did not have: such a declaration was refused, without a location."""
    defs: dict[str, Any] = {
        "Many": {"enum": [f"v{i}" for i in range(size)]},
        "Msg": message("Msg", {"m": {"$ref": "#/$defs/Many"},
                               "n": {"enum": list(range(size)), "default": 0}}),
        "Back": message("Back"),
    }  # fmt: skip
    return spec(defs, ["Msg"], ["Back"])


def runtime_cases() -> list[Case]:
    out = [
        Case("structures", _structures()),
        Case("optional", _optional()),
        Case("wider", _wider(), formats=(".schema.json", ".schema.yaml")),
        Case("tuples", _tuples()),
        Case("recursive_alias", spec(
            {"Json": {"anyOf": [{"type": "string"}, {"type": "array", "items": JSON_REF}]},
             "Msg": message("Msg", {"j": JSON_REF}), "Back": message("Back")},
            ["Msg"], ["Back"]), expect="refuse", reason="refers to itself",
            formats=(".schema.json",)),
    ]  # fmt: skip
    out += [
        Case("reference_chain", _reference_chain(150), expect="refuse", reason="levels deep",
             formats=(".schema.json", ".py")),
        Case("reference_chain_python", _reference_chain(600), expect="refuse",
             reason="nest too deeply", formats=(".py",)),
        Case("wrapped_chain", _wrapped_chain(80), expect="refuse", reason="levels deep",
             formats=(".schema.json",)),
        Case("wrapped_chain_short", _wrapped_chain(20), formats=(".schema.json",)),
        Case("large_enum", _large_enum(300), formats=(".schema.json", ".py", ".ts")),
    ]  # fmt: skip
    out.append(Case("default_chain", _default_chain(), expect="refuse", reason="values once",
                    formats=(".schema.json", ".ts")))  # fmt: skip
    # A default whose own fields' defaults are wrong, in a type checked later: the wrong one is
    # refused where it is (the default's size was once computed before it was checked).
    later = spec({
        "A": obj({"b": {"$ref": "#/$defs/B", "default": {}}}),
        "B": obj({"c": {"$ref": "#/$defs/C", "default": {"x": 1}}}),
        "C": {"enum": ["c"]},
        "Msg": message("Msg", {"a": {"$ref": "#/$defs/A"}}), "Back": message("Back"),
    }, ["Msg"], ["Back"])  # fmt: skip
    out.append(Case("default_checked_later", later, expect="refuse", reason="the default",
                    formats=(".schema.json",)))  # fmt: skip
    for name, schema, reason in WIDER_REFUSALS:
        named = {"Thing": schema, "Msg": message("Msg", {"t": {"$ref": "#/$defs/Thing"}}),
                 "Back": message("Back")}  # fmt: skip
        out.append(Case(name, spec(named, ["Msg"], ["Back"]), expect="refuse", reason=reason,
                        formats=(".schema.json",)))  # fmt: skip
    for name, schema, expect, reason in RUNTIME_BREAKERS:
        # YAML reads into what JSON does, with lines: other cases try it.
        formats = tuple(f for f in WRITERS if f not in (NOT_IN.get(name), ".schema.yaml"))
        field = _field(cast(dict[str, Any], schema))
        out.append(Case(name, field, expect=expect, reason=reason, formats=formats))
    for name, schema, expect, reason in EMPTY_RANGES:
        field = _field(cast(dict[str, Any], schema))
        out.append(Case(name, field, expect=expect, reason=reason))
    # Defaults beyond every double: an internal error (OverflowError) before.
    for kind in ("number", "integer"):
        field = _field({"type": kind, "default": 10**400})
        formats = (".schema.json", ".schema.yaml")
        out.append(Case(f"{kind}_default_beyond_doubles", field, expect="refuse",
                        reason="the default", formats=formats))  # fmt: skip
    # A byte order mark, as editors on Windows write one, in every format.
    bom = {suffix: "\ufeff" + cast(str, write(_field({"type": "string"})))
           for suffix, write in WRITERS.items()}  # fmt: skip
    out.append(Case("byte_order_mark", raw=cast(dict[str, str | bytes], bom)))
    return out


def _json(defs_text: str, to_kernel: str = '["Msg"]', to_browser: str = '["Back"]') -> str:
    return (
        f'{{"x-ipycallback": {{"toKernel": {to_kernel}, "toBrowser": {to_browser}}},\n'
        f'"$defs": {{\n{defs_text}}}}}\n'
    )


_MSG = '"Msg": {"type": "object", "properties": {"type": {"const": "Msg"}%s}, "required": ["type"]}'
_BACK = (
    '"Back": {"type": "object", "properties": {"type": {"const": "Back"}}, "required": ["type"]}'
)


def _with_field(field: str) -> str:
    msg = (_MSG % f', "f": {field}').replace('"required": ["type"]', '"required": ["type", "f"]')
    if '"default"' in field:
        msg = msg.replace('"required": ["type", "f"]', '"required": ["type"]')
    return _json(msg + ",\n" + _BACK)


def _laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "x-ipycallback: {toKernel: [Msg], toBrowser: [Msg]}\n$defs:\n  " + "\n  ".join(lines)


_PY_HEAD = "import msgspec\n\nclass Msg(msgspec.Struct, tag=True):\n    pass\n\n"
_PY_GENERIC = """\
from typing import Generic, TypeVar

T = TypeVar("T")

class Box(msgspec.Struct, Generic[T]):
    value: T

class Back(msgspec.Struct, tag=True):
    box: Box[int]

TO_KERNEL = Msg
TO_BROWSER = Back
"""
_PY_BACK = """\
class Back(msgspec.Struct, tag=True):
    pass

TO_KERNEL = Msg
TO_BROWSER = Back
"""
_TS_HEAD = 'export interface Msg { type: "Msg"; }\n'


def file_cases() -> list[Case]:
    """Files that are not what they claim, or that no format would produce."""
    deep = "[" * 3000 + "]" * 3000
    raw: list[tuple[str, dict[str, str | bytes], str]] = [
        ("nan", {".schema.json": _with_field('{"type": "number", "default": NaN}')}, "NaN"),
        ("infinity", {".schema.json": _with_field('{"type": "number", "minimum": -Infinity}')},
         "Infinity"),
        ("surrogate_description", {".schema.json": _with_field(
            '{"type": "string", "description": "\\ud800"}')}, "surrogate"),
        ("surrogate_name", {".schema.json": _json(_MSG % ', "\\udc00x": {"type": "string"}'
                                                  + ",\n" + _BACK)}, "surrogate"),
        ("surrogate_tag", {".schema.json": _json(
            (_MSG % "").replace('"const": "Msg"', '"const": "\\ud83d"') + ",\n" + _BACK)},
         "surrogate"),
        ("surrogate_python", {".py": _PY_HEAD.replace("pass", '"""\\ud800"""')
                              + "TO_KERNEL = Msg\nTO_BROWSER = Msg\n"}, "surrogate"),
        ("not_utf8", {".schema.json": b'{"x": "\xff"}', ".schema.yaml": b"a: \xfe\n",
                      ".py": b"x = '\xff'\n", ".ts": b"// \xff\n"}, "not UTF-8"),
        ("billion_laughs", {".schema.yaml": _laughs()}, "more than"),
        ("deep_json", {".schema.json": _with_field(f'{{"type": "array", "default": {deep}}}')},
         "nested more than"),
        ("deep_yaml", {".schema.yaml": "a: " + deep + "\n"}, "nested more than"),
        ("empty_file", {".schema.json": "", ".schema.yaml": "", ".py": "", ".ts": ""},
         "Expecting value|empty|TO_KERNEL|ToKernel"),
        ("no_messages", {".schema.json": _json(_MSG % "" + ",\n" + _BACK, to_kernel="[]"),
                         ".py": _PY_HEAD + "TO_KERNEL = []\nTO_BROWSER = Msg\n",
                         ".ts": _TS_HEAD + "export type ToKernel = never;\n"
                                "export type ToBrowser = Msg;\n"},
         "at least one message|union of message interfaces"),
        ("system_exit", {".py": "raise SystemExit(0)\n"}, "SystemExit"),
        ("ts_prototype_name", {".ts": _TS_HEAD.replace("Msg {", "toString {")
                               + "export type ToKernel = toString;\n"
                               + "export type ToBrowser = toString;\n"},
         "typescript-json-schema failed"),
        ("huge", {".schema.json": " " * (11 * 1024 * 1024) + "{}"}, "limited to"),
        ("generic_struct", {".py": _PY_HEAD + _PY_GENERIC}, "generic Structs"),
        # typescript-json-schema drops the bounds of a Record: they were silently not checked.
        ("ts_record_bounds", {".ts": _TS_HEAD.replace(
            "; }", ";\n  /** @minProperties 1 */\n  f: Record<string, string>;\n}")
            + "export type ToKernel = Msg;\nexport type ToBrowser = Msg;\n"},
         "drops @minProperties"),
        # Python reads no integer of more than 4300 digits: it was an internal error.
        ("huge_integer", {".schema.json": _with_field('{"type": "integer", "maximum": 1'
                                                      + "0" * 5000 + "}"),
                          ".schema.yaml": "a: 1" + "0" * 5000 + "\n"}, "digits"),
        # Refused, but with no line or pointer.
        ("root_not_an_object", {".schema.json": "[1, 2]\n", ".schema.yaml": "just text\n"},
         "a declaration is a JSON object"),
        ("parts_not_objects", {".schema.json": '{"x-ipycallback": [], "$defs": {}}',
                               ".schema.yaml": "x-ipycallback: {toKernel: [M], toBrowser: [M]}"
                               "\n$defs: null\n"}, "must be an object"),
        ("tag_fields_differ", {".py": _PY_HEAD.replace("tag=True", "tag=True, tag_field='kind'")
                               + _PY_BACK}, "one tag field"),
    ]  # fmt: skip
    return [Case(name, raw=files, expect="refuse", reason=reason) for name, files, reason in raw]
