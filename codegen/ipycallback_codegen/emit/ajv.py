"""Validators for the browser: the internal form compiled by ajv's standalone code generator.

ajv runs in Node, bundled into node/ajv_standalone.cjs (built from codegen/node/ by esbuild and
shipped in this package), so the user's project needs no npm package. Its output is
JavaScript; `typed_validators` makes it a part of a TypeScript module that needs nothing at run
time: no ajv, no eval (notebook pages may forbid it), and it type-checks under `strict`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from typing import Any

from ..errors import CodegenError

SCHEMA_ID = "urn:ipycallback:messages"
# Names of the two unions in $defs; a dash cannot start a name of the internal form.
UNIONS = {"ajvToKernel": "-toKernel", "ajvToBrowser": "-toBrowser"}

_SHAPE_KEYS = frozenset(
    "type minLength maxLength pattern minimum maximum exclusiveMinimum exclusiveMaximum "
    "multipleOf const enum items minItems maxItems additionalProperties minProperties "
    "maxProperties $ref anyOf oneOf discriminator properties required".split()
)
_ANNOTATIONS = frozenset(["description", "default", "title", "x-tag"])
_FORMATS = frozenset(["date-time", "date", "time", "uuid"])
# ajv's discriminator keeps tags as keys of a plain object and refuses these as duplicates.
OBJECT_PROTOTYPE = frozenset(
    "constructor __proto__ __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__ "
    "hasOwnProperty isPrototypeOf propertyIsEnumerable toString toLocaleString valueOf".split()
)


def ajv_input(ir: dict[str, Any]) -> dict[str, Any]:
    """What node/ajv_standalone.cjs compiles: the types without annotations, and two unions."""
    meta = ir["x-ipycallback"]
    defs: dict[str, Any] = ir["$defs"]
    out = {name: _schema(ir, schema, f"/$defs/{name}") for name, schema in defs.items()}
    for export, key in UNIONS.items():
        names = meta["toKernel" if export == "ajvToKernel" else "toBrowser"]
        out[key] = _union(ir, [f"#/$defs/{n}" for n in names], meta["tagField"])
    exports = {export: f"{SCHEMA_ID}#/$defs/{key}" for export, key in UNIONS.items()}
    return {"schemas": [{"$id": SCHEMA_ID, "$defs": out}], "exports": exports}


def _schema(ir: dict[str, Any], schema: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "format" and value in _FORMATS:
            out[f"x-{value}"] = True  # checked by the module's own functions (CHECKS in the .mjs)
        elif key not in _SHAPE_KEYS:
            raise CodegenError(f"keyword {key!r} is not part of the internal form", pointer=where)
        elif key == "properties":
            out[key] = {k: _schema(ir, v, f"{where}/properties/{k}") for k, v in value.items()}
            if "__proto__" in out[key]:
                # ajv leaves a property named __proto__ out of `properties` (it never validates
                # it); a pattern that matches only that key is validated like any other key.
                out["patternProperties"] = {"^__proto__$": out[key].pop("__proto__")}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _schema(ir, value, f"{where}/{key}")
        elif key == "anyOf":
            out[key] = [_schema(ir, v, f"{where}/anyOf/{i}") for i, v in enumerate(value)]
        elif key == "oneOf":
            return _union(ir, [v["$ref"] for v in value], schema["discriminator"]["propertyName"])
        else:
            out[key] = value
    if schema.get("type") == "integer":
        out["x-safe-integer"] = True  # JSON numbers beyond 2^53 lose digits in JavaScript
    return out


def _union(ir: dict[str, Any], refs: list[str], tag_field: str) -> dict[str, Any]:
    tags = [ir["$defs"][ref.rsplit("/", 1)[1]]["x-tag"] for ref in refs]
    if not OBJECT_PROTOTYPE.intersection(tags):
        return {
            "type": "object",
            "oneOf": [{"$ref": ref} for ref in refs],
            "discriminator": {"propertyName": tag_field},
        }
    # The same dispatch without ajv's discriminator: an unknown tag fails the enum, a known
    # one selects its type.
    return {
        "type": "object",
        "required": [tag_field],
        "properties": {tag_field: {"enum": tags}},
        "allOf": [
            {"if": {"properties": {tag_field: {"const": tag}}}, "then": {"$ref": ref}}
            for tag, ref in zip(tags, refs, strict=True)
        ],
    }


def run_ajv(payload: dict[str, Any]) -> str:
    """ajv's standalone code for `payload`; CodegenError if Node is not usable."""
    node = shutil.which("node")
    if node is None:
        raise CodegenError(
            "TypeScript output needs Node.js (`node` on PATH) to compile its validators; "
            "nothing else: ajv comes with ipycallback-codegen"
        )
    script = resources.files("ipycallback_codegen") / "node" / "ajv_standalone.cjs"
    try:
        with resources.as_file(script) as path:
            done = subprocess.run(
                [node, str(path)],
                input=json.dumps(payload),
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=300,
                check=False,
            )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CodegenError(f"compiling validators with ajv failed: {error}") from None
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CodegenError(
            f"compiling validators with ajv failed: {done.stderr.strip() or done.stdout}"
        ) from None
    if "error" in result:
        raise CodegenError(f"compiling validators with ajv failed: {result['error']}")
    code: str = result["code"]
    return code


_HEADER = re.compile(
    r"^function (validate\d+)\(data, \{(instancePath=\"\", parentData, parentDataProperty, "
    r"rootData=data(?:, dynamicAnchors=\{\})?)\}=\{\}\)\{$",
    re.M,
)
_READ_CONTEXT = "void parentData; void parentDataProperty; void rootData;"
_DECLARATION = re.compile(r"^(const|let|var) ([A-Za-z_$][\w$]*)( = |;)", re.M)
_MULTIPLE_OF = re.compile(r"^if\(\((-?[0-9][0-9.e+-]*) === 0 \|\| \(res", re.M)
_EXPORT = re.compile(r"^export const (ajv\w+) = (validate\d+);$", re.M)


def typed_validators(code: str) -> str:
    """ajv's module code as module-private TypeScript that type-checks under `strict`.

    ajv writes one statement per line (`code.lines`), with no indentation and every string
    from a schema JSON-quoted, so these line-anchored edits only touch ajv's own code: each
    validator's signature gets types, its `errors` property is declared, and its variables are
    `any` (ajv's code tests every type itself before use).
    """
    code = code.removeprefix('"use strict";').lstrip("\n")
    code, exported = _EXPORT.subn(r"const \1 = \2;", code)
    if exported != len(UNIONS):
        raise CodegenError("unexpected ajv output: the validators are not exported as asked")
    functions = re.findall(r"^function (\w+)", code, re.M)
    # `void` reads the context parameters that a validator without sub-validators never uses.
    typed_header = r"function \1(data: any, {\2}: any = {}): boolean {\n" + _READ_CONTEXT
    code, typed = _HEADER.subn(typed_header, code)
    if typed != len(functions):
        raise CodegenError("unexpected ajv output: a validator's signature has another form")
    code = _drop_unused_schemas(code)
    code = _cheaper_own_checks(code)
    code = _DECLARATION.sub(r"\1 \2: any\3", code)
    # multipleOf's guard against a zero divisor compares two literals, which tsc refuses.
    code = _MULTIPLE_OF.sub(r"if(((\1 as number) === 0 || (res", code)
    errors = "".join(f"{name}.errors = null as AjvErrors;\n" for name in functions)
    return code.rstrip("\n") + "\n\n" + errors


_HAS_OWN = re.compile(r"^const (func\d+) = Object\.prototype\.hasOwnProperty;$", re.M)
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'


def _cheaper_own_checks(code: str) -> str:
    """ajv's own-property tests, made cheap where a plain object's key cannot be inherited.

    With `ownProperties`, ajv tests `data.key !== undefined && hasOwnProperty.call(data, "key")`
    for each property, twice when it is required: a call V8 does not inline, as costly as the
    rest of the validation. After `data.key` was read, V8 knows the object's map, and with it
    folds `getPrototypeOf(data) === Object.prototype` and `!("key" in Object.prototype)` to
    constants; when both hold, `data.key !== undefined` can only be an own key. Otherwise (a
    key Object.prototype has, a polluted Object.prototype, another prototype), hasOwnProperty
    still decides. Only calls with a literal key are rewritten; string literals are skipped
    whole, so text inside them is never taken for code.
    """
    found = _HAS_OWN.search(code)
    if found is None:
        return code
    func = found.group(1)
    call = re.compile(
        rf"(?P<string>{_JSON_STRING})|\b{func}\.call\((?P<data>data\d*), (?P<key>{_JSON_STRING})\)"
    )

    def cheaper(match: re.Match[str]) -> str:
        if match.group("string") is not None:
            return match.group(0)
        data, key = match.group("data"), match.group("key")
        plain = f"Object.getPrototypeOf({data}) === Object.prototype"
        return f"({plain} && !({key} in Object.prototype) || {match.group(0)})"

    return call.sub(cheaper, code)


_SCHEMA_CONST = re.compile(r"^const (schema\d+) = (.*);$", re.M)
# A key "__proto__" in an object literal sets the prototype instead; a computed key does not.
# (In JSON text, `"__proto__":` not after a backslash can only be a key.)
_PROTO_KEY = re.compile(r'(?<!\\)"__proto__":')


def _drop_unused_schemas(code: str) -> str:
    """ajv declares the schemas it compiled, used or not; keep the used ones, made safe."""

    def keep(match: re.Match[str]) -> str:
        name, value = match.groups()
        if len(re.findall(rf"\b{name}\b", code)) == 1:
            return ""
        safe = _PROTO_KEY.sub('["__proto__"]:', value)
        return f"const {name} = {safe};"

    return re.sub(r"\n{3,}", "\n\n", _SCHEMA_CONST.sub(keep, code))
