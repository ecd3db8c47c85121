"""Values that JSON would silently change on their way into JavaScript.

Integers beyond +-(2**53 - 1) lose precision in a JS number, msgspec encodes NaN and Infinity
as null, and a naive datetime has no offset for JS to read. The typed layer refuses such values
at the sender. Checkers are built from the declared types, so a message set without ints,
floats or datetimes pays nothing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
import msgspec.inspect as mi

from ._checks import MAX_VERSION as MAX_SAFE_INT

Issue = tuple[str, str]  # path, message
Check = Callable[[Any, str], "Issue | None"]


def _int(value: Any, path: str) -> Issue | None:
    if isinstance(value, int) and not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
        return path, f"integer {value} is outside JavaScript's safe range +-(2**53 - 1)"
    return None


def _float(value: Any, path: str) -> Issue | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path, f"{value} is not a finite number; JSON would turn it into null"
    return _int(value, path)


def _datetime(value: Any, path: str) -> Issue | None:
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return path, "naive datetime (no timezone): JavaScript cannot tell which instant it is"
    return None


def _anything(value: Any, path: str) -> Issue | None:
    """Walks a value of a type too loose to plan for (unions, Any)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _int(value, path)
    if isinstance(value, float):
        return _float(value, path)
    if isinstance(value, datetime.datetime):
        return _datetime(value, path)
    if isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            issue = _anything(getattr(value, name), f"{path}.{name}")
            if issue:
                return issue
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            issue = _anything(item, f"{path}[{index}]")
            if issue:
                return issue
    elif isinstance(value, dict):
        for key, item in value.items():
            issue = _anything(key, f"{path}[{key!r}]") or _anything(item, f"{path}[{key!r}]")
            if issue:
                return issue
    return None


class _Planner:
    def __init__(self) -> None:
        self._structs: dict[type, Check | None] = {}

    def plan(self, info: mi.Type) -> Check | None:
        if isinstance(info, mi.IntType):
            return _int
        if isinstance(info, mi.FloatType):
            return _float
        if isinstance(info, mi.DateTimeType):
            return _datetime
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
            if all(isinstance(t, mi.NoneType) or self.plan(t) is None for t in info.types):
                return None
            return _anything
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
        check = _fields(planned) if planned else None
        self._structs[cls] = check
        return check


def _each(check: Check | None) -> Check | None:
    if check is None:
        return None

    def each(value: Any, path: str) -> Issue | None:
        for index, item in enumerate(value):
            issue = check(item, f"{path}[{index}]")
            if issue:
                return issue
        return None

    return each


def _positions(checks: Sequence[Check | None]) -> Check | None:
    if all(check is None for check in checks):
        return None

    def positions(value: Any, path: str) -> Issue | None:
        for index, (item, check) in enumerate(zip(value, checks, strict=False)):
            issue = check(item, f"{path}[{index}]") if check else None
            if issue:
                return issue
        return None

    return positions


def _fields(planned: Sequence[tuple[str, Check]]) -> Check:
    def fields(value: Any, path: str) -> Issue | None:
        for name, check in planned:
            issue = check(getattr(value, name), f"{path}.{name}")
            if issue:
                return issue
        return None

    return fields


def build_checks(types: Sequence[type[msgspec.Struct]]) -> dict[type, Check | None]:
    """A checker per declared type, or None where nothing can go wrong."""
    planner = _Planner()
    infos = mi.multi_type_info(list(types))
    return {cls: planner.plan(info) for cls, info in zip(types, infos, strict=True)}
