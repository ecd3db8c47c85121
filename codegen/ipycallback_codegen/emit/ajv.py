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
from collections import Counter
from importlib import resources
from typing import Any

from ..errors import CodegenError, pointer
from .ajv_input import UNIONS


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
        raise CodegenError(
            f"compiling validators with ajv failed: {result['error']}",
            pointer=_pattern_at(payload, result["error"]),
        )
    code: str = result["code"]
    return code


_BAD_PATTERN = re.compile(r"Invalid regular expression: /(.*)/u?: ", re.S)


def _pattern_at(payload: dict[str, Any], error: str) -> str | None:
    """Where the pattern ajv could not compile is, in the internal form: the first field with
    that pattern. check.patterns refuses what it knows; this locates what it missed."""
    found = _BAD_PATTERN.match(error)
    if found is None:
        return None
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), payload["schemas"][0])]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            if node.get("pattern") == found.group(1):
                return pointer(*where, "pattern")
            stack.extend(((*where, k), v) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(node))))
    return None


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
    code = _safe_strings(code)
    code = _DECLARATION.sub(r"\1 \2: any\3", code)
    # multipleOf's guard against a zero divisor compares two literals, which tsc refuses.
    code = _MULTIPLE_OF.sub(r"if(((\1 as number) === 0 || (res", code)
    errors = "".join(f"{name}.errors = null as AjvErrors;\n" for name in functions)
    return code.rstrip("\n") + "\n\n" + errors


_HAS_OWN = re.compile(r"^const (func\d+) = Object\.prototype\.hasOwnProperty;$", re.M)
JSON_STRING = r'"(?:[^"\\]|\\.)*"'


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
        rf"(?P<string>{JSON_STRING})|\b{func}\.call\((?P<data>data\d*), (?P<key>{JSON_STRING})\)"
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
    """ajv declares the schemas it compiled, used or not; keep the used ones, made safe.

    One pass counts every use (outside string literals, and not as a property name), so the
    time grows with the code, not with the code times the number of schemas."""
    uses = Counter(
        match.group("name")
        for match in re.finditer(rf"{JSON_STRING}|(?<![.\w$])(?P<name>schema\d+)\b", code)
        if match.group("name")
    )

    def keep(match: re.Match[str]) -> str:
        name, value = match.groups()
        if uses[name] == 1:  # its declaration only
            return ""
        safe = _PROTO_KEY.sub('["__proto__"]:', value)
        return f"const {name} = {safe};"

    return re.sub(r"\n{3,}", "\n\n", _SCHEMA_CONST.sub(keep, code))


# In ajv's strings: what must not appear literally in an HTML <script> ("</script", "<!--")
# and what ends a line for the printer (U+2028, U+2029).
_UNSAFE_IN_STRING = re.compile("[<\u2028\u2029]")


def _safe_strings(code: str) -> str:
    """Every string literal of ajv's code with `<`, U+2028 and U+2029 written as \\u escapes,
    which mean the same to JavaScript."""

    def escape(match: re.Match[str]) -> str:
        return _UNSAFE_IN_STRING.sub(lambda c: f"\\u{ord(c.group()):04x}", match.group())

    return re.sub(JSON_STRING, escape, code)
