"""What a received message means, where msgspec's fast decoder reads JSON differently from the
browser (docs/internal-form.md, "Semantics").

The fast path is msgspec's typed decoder. When it refuses a text, the slow path here decides
instead, as the browser does: the text is read with the standard library's JSON reader (the
last of duplicate keys wins, as with JSON.parse), a number with a zero fraction (`1.0`,
`1e2`) becomes an integer wherever the declared type wants one (JSON Schema calls it one), and
then msgspec.convert validates. Failures are reported with a path, never as a crash: a string
with an unpaired UTF-16 surrogate, or nesting deeper than NESTING_LIMIT, is a validation error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi

from .errors import MessageValidationError

# Arrays and objects nested deeper than this are refused, on both sides (the browser's
# frontend/src/typed/wire-limits.ts has the same number): msgspec's recursion runs out below
# 1,000 levels, and deeper than any message declared here needs.
NESTING_LIMIT = 256
# A text shorter than this cannot nest deeper than the limit: each level takes two characters.
SHORT_TEXT = 2 * NESTING_LIMIT
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.S)

Fix = Callable[[Any], Any]


def nesting_issue(text: str) -> tuple[str, str] | None:
    """(path, message) if `text` nests arrays and objects deeper than NESTING_LIMIT, else None.

    A text this deep has more than NESTING_LIMIT brackets that open; counting them rules out
    nearly every text before the precise scan (Python, one step per token)."""
    if len(text) <= SHORT_TEXT or _few_brackets(text):
        return None
    # Each open container: [is_object, key or index of the value being read in it].
    stack: list[list[Any]] = []
    expect_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            if len(stack) >= NESTING_LIMIT:
                return _path(stack), f"nested more than {NESTING_LIMIT} levels deep"
            stack.append([token == "{", 0 if token == "[" else None])
            expect_key = token == "{"
        elif token in "]}":
            if stack:
                stack.pop()
            expect_key = False
        elif token == ",":
            if stack and stack[-1][0]:
                expect_key = True
            elif stack:
                stack[-1][1] += 1
        elif token == ":":
            expect_key = False
        elif expect_key and stack:
            try:
                stack[-1][1] = json.loads(token)
            except ValueError:
                stack[-1][1] = token[1:-1]
    return None


def _few_brackets(text: str) -> bool:
    """Whether `text` opens at most NESTING_LIMIT arrays and objects. Objects are counted (a C
    loop); arrays, rarer in messages, are found one by one (memchr), stopping once too many."""
    budget = NESTING_LIMIT - text.count("{")
    found = text.find("[")
    while found != -1:
        budget -= 1
        if budget < 0:
            return False
        found = text.find("[", found + 1)
    return budget >= 0


def _path(stack: list[list[Any]]) -> str:
    path = "$"
    for _, key in stack:
        path = _step(path, key)
    return path


_NAME = re.compile(r"[A-Za-z_$][\w$]*")


def _step(path: str, key: str | int | None) -> str:
    """`path` and one more step, written as the browser's validators write paths."""
    if key is None:
        return path
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _NAME.fullmatch(key) else f"{path}[{json.dumps(key)}]"


def top_level_string(text: str, key: str) -> str | None:
    """The string under `key` in the object `text` holds, found by scanning its tokens: for a
    text too deep to parse, whose tag still names the message an error is about."""
    depth, previous, wanted = 0, "", False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
        elif depth == 1 and token.startswith('"'):
            if wanted:
                found = json.loads(token)
                return found if isinstance(found, str) else None
            wanted = previous != ":" and json.loads(token) == key
            previous = token
            continue
        wanted = wanted and token == ":"
        previous = token
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json(text: str | bytes) -> Any:
    """The value JSON.parse would give (last duplicate key wins); ValueError if not JSON."""
    return json.loads(text, parse_constant=_no_constant)


def surrogate_issue(value: Any) -> tuple[str, str] | None:
    """(path, message) for the first string (or key) holding an unpaired UTF-16 surrogate."""
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _lone_surrogate(item):
                return path, "a string with an unpaired UTF-16 surrogate cannot travel"
        elif isinstance(item, list):
            stack.extend((_step(path, i), x) for i, x in enumerate(item))
        elif isinstance(item, dict):
            for key, x in item.items():
                step = _step(path, key)
                if _lone_surrogate(key):
                    return step, "a key with an unpaired UTF-16 surrogate cannot travel"
                stack.append((step, x))
    return None


def _lone_surrogate(text: str) -> bool:
    # json.loads joins an escaped pair into one code point; what is left is unpaired.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class IntegralFloats:
    """Turns integral floats into ints wherever a declared type wants an int."""

    def __init__(self) -> None:
        self._structs: dict[type, Fix | None] = {}
        self._pending: dict[type, list[Fix | None]] = {}

    def plan(self, info: mi.Type) -> Fix | None:
        if isinstance(info, mi.IntType) or (
            isinstance(info, (mi.LiteralType, mi.EnumType))
            and any(isinstance(v, int) for v in _values(info))
        ):
            return _integral
        if isinstance(info, mi.StructType):
            return self._struct(info)
        if isinstance(info, (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)):
            return _each(self.plan(info.item_type))
        if isinstance(info, mi.TupleType):
            return _positions([self.plan(t) for t in info.item_types])
        if isinstance(info, mi.DictType):
            return _values_of(self.plan(info.value_type))
        if isinstance(info, mi.UnionType):
            return self._union(info)
        return None

    def _union(self, info: mi.UnionType) -> Fix | None:
        structs = [t for t in info.types if isinstance(t, mi.StructType)]
        by_tag: dict[Any, Fix] = {}
        for struct in structs:
            planned = self._struct(struct)
            if struct.tag_field is not None and planned is not None:
                by_tag[struct.tag] = planned
        tag_field = next((s.tag_field for s in structs if s.tag_field), None)
        others = [self.plan(t) for t in info.types if not isinstance(t, mi.StructType)]
        scalar = next((f for f in others if f is not None), None)
        lone = self._struct(structs[0]) if len(structs) == 1 and tag_field is None else None
        if not by_tag and scalar is None:
            return lone

        def fix(value: Any) -> Any:
            if not isinstance(value, dict):
                return scalar(value) if scalar else value
            tag = value.get(tag_field) if tag_field is not None else None
            chosen = by_tag.get(tag) if isinstance(tag, (str, int)) else lone
            return chosen(value) if chosen else value

        return fix

    def _struct(self, info: mi.StructType) -> Fix | None:
        cls = info.cls
        if cls in self._structs:
            return self._structs[cls]
        if cls in self._pending:  # recursive: resolved once planned
            later = self._pending[cls]
            return lambda value: later[0](value) if later[0] else value
        slot: list[Fix | None] = [None]
        self._pending[cls] = slot
        fields = [(f.encode_name, self.plan(f.type)) for f in info.fields]
        planned = [(name, fix) for name, fix in fields if fix is not None]
        del self._pending[cls]

        def struct(value: Any) -> Any:
            if isinstance(value, dict):
                for name, fix in planned:
                    if name in value:
                        value[name] = fix(value[name])
            return value

        slot[0] = self._structs[cls] = struct if planned else None
        return slot[0]


def _values(info: mi.Type) -> list[Any]:
    if isinstance(info, mi.LiteralType):
        return list(info.values)
    return [m.value for m in info.cls]  # type: ignore[attr-defined]


def _integral(value: Any) -> Any:
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _each(fix: Fix | None) -> Fix | None:
    if fix is None:
        return None
    return lambda value: [fix(x) for x in value] if isinstance(value, list) else value


def _positions(fixes: list[Fix | None]) -> Fix | None:
    if all(f is None for f in fixes):
        return None

    def positions(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [f(x) if f else x for f, x in zip(fixes, value, strict=False)] + value[len(fixes) :]

    return positions


def _values_of(fix: Fix | None) -> Fix | None:
    if fix is None:
        return None
    return lambda value: {k: fix(x) for k, x in value.items()} if isinstance(value, dict) else value


def slow_decode(text: str | bytes, union: Any, fix: Fix | None, first: Exception) -> Any:
    """What `union` makes of `text` by the rules above; raises msgspec.ValidationError or
    MessageValidationError with a path, and `first` (msgspec's error) if `text` is not JSON."""
    try:
        value = read_json(text)
    except RecursionError:
        raise MessageValidationError(f"nested more than {NESTING_LIMIT} levels deep", "$") from None
    except ValueError:
        raise first from None
    issue = surrogate_issue(value)
    if issue is not None:
        raise MessageValidationError(issue[1], issue[0])
    if fix is not None:
        value = fix(value)
    try:
        return msgspec.convert(value, union)
    except RecursionError:
        raise MessageValidationError(f"nested more than {NESTING_LIMIT} levels deep", "$") from None
