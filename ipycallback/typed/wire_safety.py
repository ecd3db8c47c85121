"""Values that JSON would silently change on their way into JavaScript.

Integers beyond +-(2**53 - 1) lose precision in a JS number, msgspec encodes NaN and Infinity
as null, and a naive datetime has no offset for JS to read. The typed layer refuses such values
at the sender. Checkers are built from the declared types and cover only what validation by
decoding cannot see, so a message set without ints, nullable fields or datetimes pays nothing:
a NaN in a plain float field encodes as null, which decoding already rejects.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import msgspec.inspect as mi

from ..tunnel.checks import MAX_VERSION as MAX_SAFE_INT

# (path relative to the value checked, message). Paths are only built once something is wrong:
# these checks run on every message sent.
Issue = tuple[str, str]
Check = Callable[[Any], "Issue | None"]


def _int(value: Any) -> Issue | None:
    if isinstance(value, int) and not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
        return "", f"integer {value} is outside JavaScript's safe range +-(2**53 - 1)"
    return None


def _float(value: Any) -> Issue | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "", f"{value} is not a finite number; JSON would turn it into null"
    return _int(value)


def _finite(value: Any) -> Issue | None:
    if type(value) is float and not math.isfinite(value):
        return "", f"{value} is not a finite number; JSON would turn it into null"
    return None


def _datetime(value: Any) -> Issue | None:
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return "", "naive datetime (no timezone): JavaScript cannot tell which instant it is"
    return None


def _within(step: str, issue: Issue | None) -> Issue | None:
    return None if issue is None else (step + issue[0], issue[1])


def _anything(value: Any) -> Issue | None:
    """Walks a value of a type too loose to plan for (unions, Any)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime.datetime):
        return _datetime(value)
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            issue = _within(f".{name}", _anything(getattr(value, name)))
            if issue:
                return issue
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            issue = _within(f"[{index}]", _anything(item))
            if issue:
                return issue
    elif isinstance(value, dict):
        for key, item in value.items():
            issue = _within(f"[{key!r}]", _anything(key) or _anything(item))
            if issue:
                return issue
    return None


def _each(check: Check | None) -> Check | None:
    if check is None:
        return None

    def each(value: Any) -> Issue | None:
        if not isinstance(value, (list, tuple, set, frozenset)):
            return _anything(value)  # the wrong type, which decoding reports; look inside anyway
        for index, item in enumerate(value):
            issue = check(item)
            if issue:
                return _within(f"[{index}]", issue)
        return None

    return each


def _positions(checks: Sequence[Check | None]) -> Check | None:
    if all(check is None for check in checks):
        return None

    def positions(value: Any) -> Issue | None:
        if not isinstance(value, (list, tuple)):
            return _anything(value)
        for index, (item, check) in enumerate(zip(value, checks, strict=False)):
            issue = check(item) if check else None
            if issue:
                return _within(f"[{index}]", issue)
        return None

    return positions


def _fields(cls: type, planned: Sequence[tuple[str, Check]]) -> Check:
    ints = tuple(name for name, check in planned if check is _int)
    others = tuple((name, check) for name, check in planned if check is not _int)

    def fields(value: Any) -> Issue | None:
        if type(value) is not cls:
            return _anything(value)  # a dict, say, that encodes as the Struct would
        for name in ints:
            number = getattr(value, name)
            # A non-int here is a type error that decoding reports; only ranges matter now.
            if type(number) is int and not -MAX_SAFE_INT <= number <= MAX_SAFE_INT:
                return _within(f".{name}", _int(number))
        for name, check in others:
            issue = check(getattr(value, name))
            if issue:
                return _within(f".{name}", issue)
        return None

    return fields


class _Planner:
    def __init__(self, sending: bool, twin_checked: bool) -> None:
        # Received values come out of JSON: only a naive datetime can still be wrong there.
        self._sending = sending
        # A strict twin (_send_validator) already bounds ints and refuses naive datetimes; a NaN
        # in a nullable float and anything under Any are left.
        self._twin_checked = twin_checked
        self._structs: dict[type, Check | None] = {}

    def plan(self, info: mi.Type) -> Check | None:
        if isinstance(info, mi.IntType):
            return _int if self._sending and not self._twin_checked else None
        if isinstance(info, mi.FloatType):
            return None
        if isinstance(info, mi.DateTimeType):
            return None if self._twin_checked else _datetime
        if isinstance(info, mi.StructType):
            return self._struct(info)
        if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            return _each(self.plan(info.item_type))
        if isinstance(info, mi.TupleType):
            return _positions([self.plan(item) for item in info.item_types])
        if isinstance(info, mi.DictType):
            key, value = self.plan(info.key_type), self.plan(info.value_type)
            return _anything if key or value else None
        if isinstance(info, mi.UnionType):
            has_float = any(isinstance(t, mi.FloatType) for t in info.types)
            if (self._sending and has_float) or any(self.plan(t) for t in info.types):
                return _anything
            if self._sending and any(isinstance(t, mi.NoneType) for t in info.types):
                # A NaN or infinity set by mistake (`count: int | None = math.inf`) encodes as
                # null, which the field accepts.
                return _finite
            return None
        if isinstance(info, mi.AnyType):
            return _anything
        return None

    def _struct(self, info: mi.StructType) -> Check | None:
        cls = info.cls
        if cls in self._structs:
            # A recursive type: check it the loose way rather than plan forever.
            return self._structs[cls] or _anything
        self._structs[cls] = None
        fields = [(f.name, self.plan(f.type)) for f in info.fields]
        planned = [(name, check) for name, check in fields if check is not None]
        check = _fields(cls, planned) if planned else None
        self._structs[cls] = check
        return check


def find_unsafe(value: Any) -> Issue | None:
    """The slow, thorough walk, used to explain a validation failure. Paths start at `$`."""
    return _within("$", _anything(value))


def build_checks(
    types: Sequence[type[msgspec.Struct]], *, sending: bool, twin_checked: bool = False
) -> dict[type, Check | None]:
    """A checker per declared type (paths relative to the message), or None."""
    planner = _Planner(sending, twin_checked)
    infos = mi.multi_type_info(list(types))
    return {cls: planner.plan(info) for cls, info in zip(types, infos, strict=True)}
