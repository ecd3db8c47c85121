"""Safe names in generated code for the names of an internal form.

Wire names (property names, tag values, enum values) never change; only the identifiers that
carry them in code do, and a renamed property keeps its wire name explicitly. Renaming is
deterministic: the same internal form always gives the same names.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

from ..errors import CodegenError
from .printer import is_ascii_identifier, is_js_identifier, sanitize, unique

# Names a generated Python module binds or reads in its annotations: a class or attribute of
# one of these names would shadow what the module means by it.
PY_MODULE_NAMES = frozenset(
    [
        "annotations",
        "datetime",
        "enum",
        "uuid",
        "msgspec",
        "Annotated",
        "Literal",
        "TypeAlias",
        "SlowTunnelWidget",
        "TypedTunnel",
        "ToKernel",
        "ToBrowser",
        "REPLIES",
        "FINGERPRINT",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "type",
        "object",
        "super",
        "None",
        "True",
        "False",
        "self",
        "cls",
    ]
)
_PY_TAKEN = PY_MODULE_NAMES | frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
# Module-level names only a class could hide: what the tunnel class imports and declares, and
# its own methods (inside its body, `request` would mean the method in later annotations).
_PY_TUNNEL_NAMES = frozenset(["NoReturn", "overload", "cast", "Asks", "ASKS", "request", "call"])
# A class is a module-level name: it must not hide a builtin either (`any`, `print`), for the
# module's own code and for code that imports it.
_PY_CLASS_TAKEN = _PY_TAKEN | frozenset(dir(builtins)) | _PY_TUNNEL_NAMES

# TypeScript: reserved words and names of built-in types, which a type cannot take.
_TS_KEYWORDS = (
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof new null return super switch this "
    "throw true try typeof var void while with implements interface let package private "
    "protected public static yield await async any unknown never number string boolean symbol "
    "bigint object undefined type as is keyof infer readonly declare abstract satisfies of "
    "asserts unique global module namespace require get set constructor accessor"
)
# The standard library's global names and TypeScript's utility types: a type of the same name
# would hide them from the module's own code (`Readonly<Record<...>>`, `Promise<...>`).
_TS_GLOBALS = (
    "Object Function Array ReadonlyArray Number Boolean String Symbol BigInt Date RegExp Error "
    "AggregateError EvalError RangeError ReferenceError SyntaxError TypeError URIError JSON "
    "Math Intl Promise PromiseLike Map ReadonlyMap Set ReadonlySet WeakMap WeakSet WeakRef "
    "FinalizationRegistry Proxy Reflect ArrayBuffer SharedArrayBuffer DataView Atomics "
    "Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array "
    "Float32Array Float64Array BigInt64Array BigUint64Array Iterable Iterator IterableIterator "
    "AsyncIterable AsyncIterator Generator AsyncGenerator ArrayLike PropertyKey "
    "PropertyDescriptor TemplateStringsArray Partial Required Readonly Record Pick Omit "
    "Exclude Extract NonNullable Parameters ConstructorParameters ReturnType InstanceType "
    "Awaited NoInfer ThisType ThisParameterType OmitThisParameter Uppercase Lowercase "
    "Capitalize Uncapitalize globalThis NaN Infinity eval isFinite isNaN parseInt parseFloat "
    "console window document EventTarget Event EventListener setTimeout clearTimeout"
)
# What a generated TypeScript module imports and declares itself, besides support.ts.
_TS_MODULE_NAMES = (
    "Tunnel TunnelRegistry TypedTunnel TypedSpec Validator ValidationIssue ToKernel ToBrowser "
    "Replies REPLIES Asks ASKS FINGERPRINT SPEC validateToKernel validateToBrowser ajvToKernel "
    "ajvToBrowser typedSchemaOf API_LEVEL OLDEST_API_LEVEL VERSION GENERATED_FOR ajvIssue "
    "codePointLength isDate isDateTime isTime isUuid"
)
# Top-level declarations of support.ts, which every generated module contains.
_DECLARED = re.compile(r"^(?:function|const|let|var|interface|type|class) ([A-Za-z_$][\w$]*)", re.M)
_SUPPORT = resources.files(__package__).joinpath("support.ts").read_text("utf-8")
TS_RESERVED = frozenset(
    [
        *_TS_KEYWORDS.split(),
        *_TS_GLOBALS.split(),
        *_TS_MODULE_NAMES.split(),
        *_DECLARED.findall(_SUPPORT),
    ]
)
# Names ajv gives the functions and constants of its code.
_AJV_NAME = re.compile(r"(?:validate|schema|func|pattern|formats|wrapper)\d+\Z")


def check_directions(meta: dict[str, Any]) -> dict[str, Any]:
    """`meta` (x-ipycallback), if each direction has a message: a typed tunnel needs both."""
    for direction in ("toKernel", "toBrowser"):
        if not meta[direction]:
            raise CodegenError(
                "a typed tunnel needs at least one message in each direction",
                pointer=f"/x-ipycallback/{direction}",
            )
    return meta


def tunnel_class_name(set_name: str) -> str:
    """`search` -> `SearchTunnel`, `search_v2` -> `SearchV2Tunnel`."""
    return "".join(part[:1].upper() + part[1:] for part in set_name.split("_")) + "Tunnel"


def python_class_names(def_names: Iterable[str], tunnel: str) -> dict[str, str]:
    """Class names for `$defs` entries: keywords, dunders and shadowing names get renamed."""
    names = list(def_names)
    taken = set(_PY_CLASS_TAKEN) | {tunnel}
    safe = {n for n in names if _plain_python(n) and n not in taken}
    taken |= safe
    return {n: n if n in safe else unique(sanitize(n, fallback="T"), taken) for n in names}


def python_attribute_names(wire_names: Sequence[str], reserved: Iterable[str]) -> list[str]:
    """Attribute names for an object's properties, in order; `reserved` are the module's names.

    A leading underscore would make a field private or mangled, and a name that shadows a name
    used in the annotations would change what those annotations mean.
    """
    taken = set(_PY_TAKEN) | set(reserved)
    safe = {n for n in wire_names if _plain_python(n) and n not in taken}
    taken |= safe
    return [n if n in safe else unique(sanitize(n, fallback="field"), taken) for n in wire_names]


def enum_member_names(values: Sequence[str | int]) -> list[str]:
    """UPPER_CASE member names for enum values, in order, unique."""
    taken: set[str] = set()
    result = []
    for value in values:
        if isinstance(value, int):
            base = f"VALUE_{value}" if value >= 0 else f"VALUE_MINUS_{-value}"
        else:
            base = sanitize(value, fallback="VALUE").upper()
        result.append(unique(base, taken))
    return result


def ts_type_names(def_names: Iterable[str], tunnel: str) -> dict[str, str]:
    """TypeScript type names for `$defs` entries."""
    names = list(def_names)
    taken = set(TS_RESERVED) | {tunnel}
    safe = {n for n in names if is_js_identifier(n) and n not in taken and not _AJV_NAME.match(n)}
    taken |= safe
    return {n: n if n in safe else unique(n + "_", taken) for n in names}


def _plain_python(name: str) -> bool:
    return is_ascii_identifier(name) and not keyword.iskeyword(name) and not name.startswith("_")
