"""Validating a message before it is sent, in one C-level pass.

msgspec constructors do not validate, and msgspec has no "validate this instance" call, so the
sender checks a message by decoding its own encoding. That decode is done with a strict twin of
the declared type: the same fields, names, tags and constraints, plus what JSON would otherwise
change on the way into JavaScript (integers beyond +-(2**53 - 1), naive datetimes). One decode
thus does the work of msgspec's validation and of most of the safety walk in _wire_safety, and
the twins skip garbage-collector tracking because the decoded copy is dropped at once.

A type the twin builder does not know (custom or ext types, recursive Structs, dataclasses, ...)
gets no twin: the caller then validates the slower way, with the declared types.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any, Literal, Union

import msgspec
import msgspec.inspect as mi

from ..tunnel.checks import MAX_VERSION as MAX_SAFE_INT


class _Unsupported(Exception):
    """A type without a twin."""


def _bounded(info: mi.IntType | mi.FloatType, base: type, safe: bool) -> Any:
    ge, le, gt, lt = info.ge, info.le, info.gt, info.lt
    if safe:
        # An int's gt/lt become ge/le (msgspec takes one of each pair), then the safe range
        # narrows them.
        low = [x for x in (ge, None if gt is None else gt + 1) if x is not None]
        high = [x for x in (le, None if lt is None else lt - 1) if x is not None]
        ge, gt = max([-MAX_SAFE_INT, *low]), None
        le, lt = min([MAX_SAFE_INT, *high]), None
    given = {"ge": ge, "le": le, "gt": gt, "lt": lt, "multiple_of": info.multiple_of}
    bounds: dict[str, Any] = {key: value for key, value in given.items() if value is not None}
    return Annotated[base, msgspec.Meta(**bounds)] if bounds else base


def _lengths(base: Any, info: Any) -> Any:
    if info.min_length is None and info.max_length is None:
        return base
    return Annotated[base, msgspec.Meta(min_length=info.min_length, max_length=info.max_length)]


_LEAVES: dict[type[mi.Type], Any] = {
    mi.AnyType: Any,
    mi.NoneType: None,
    mi.BoolType: bool,
    mi.DateType: datetime.date,
    mi.TimeDeltaType: datetime.timedelta,
    mi.UUIDType: uuid.UUID,
    mi.DecimalType: decimal.Decimal,
}
_COLLECTIONS: dict[type[mi.Type], Any] = {
    mi.ListType: list,
    mi.SetType: set,
    mi.FrozenSetType: frozenset,
}


class _TwinBuilder:
    def __init__(self) -> None:
        self._structs: dict[type, Any] = {}
        self._building: set[type] = set()

    def twin(self, info: mi.Type) -> Any:
        kind = type(info)
        if kind in _LEAVES:
            return _LEAVES[kind]
        if isinstance(info, mi.IntType):
            return _bounded(info, int, safe=True)
        if isinstance(info, mi.FloatType):
            # NaN and infinity encode as null, which a float refuses, so bounds are not needed.
            return _bounded(info, float, safe=False)
        if isinstance(info, mi.StrType):
            meta = msgspec.Meta(
                min_length=info.min_length, max_length=info.max_length, pattern=info.pattern
            )
            return Annotated[str, meta] if meta != msgspec.Meta() else str
        if isinstance(info, mi.BytesType):
            return _lengths(bytes, info)
        if isinstance(info, mi.DateTimeType):
            if info.tz is False:
                raise _Unsupported("naive datetimes are refused anyway")
            return Annotated[datetime.datetime, msgspec.Meta(tz=True)]
        if isinstance(info, mi.TimeType):
            return (
                datetime.time
                if info.tz is None
                else Annotated[datetime.time, msgspec.Meta(tz=info.tz)]
            )
        if isinstance(info, mi.Metadata):
            return self.twin(info.type)  # extra_json_schema only describes
        if kind in _COLLECTIONS:
            assert isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType))
            return _lengths(_COLLECTIONS[kind][self.twin(info.item_type)], info)
        if isinstance(info, mi.VarTupleType):
            return _lengths(tuple[self.twin(info.item_type), ...], info)  # type: ignore[misc]
        if isinstance(info, mi.TupleType):
            items = tuple(self.twin(item) for item in info.item_types)
            return tuple[items] if items else tuple[()]  # type: ignore[valid-type]
        if isinstance(info, mi.DictType):
            return _lengths(dict[self.twin(info.key_type), self.twin(info.value_type)], info)  # type: ignore[misc]
        if isinstance(info, mi.LiteralType):
            return Literal[info.values]
        if isinstance(info, mi.EnumType):
            return info.cls
        if isinstance(info, mi.UnionType):
            return Union[tuple(self.twin(member) for member in info.types)]  # noqa: UP007
        if isinstance(info, mi.StructType):
            return self._struct(info)
        raise _Unsupported(f"no twin for {kind.__name__}")

    def _struct(self, info: mi.StructType) -> Any:
        cls = info.cls
        if cls in self._structs:
            return self._structs[cls]
        if cls in self._building:
            raise _Unsupported("recursive Struct")
        self._building.add(cls)
        fields: list[tuple[str, Any, Any]] = []
        for field in info.fields:
            kind = self.twin(field.type)
            if field.required:
                spec = msgspec.field(name=field.encode_name)
            elif field.default_factory is not msgspec.NODEFAULT:
                spec = msgspec.field(default_factory=field.default_factory, name=field.encode_name)
            elif field.default is msgspec.NODEFAULT:
                # `x: T | UnsetType = UNSET`, which msgspec.inspect reports as T without a
                # default: absent from the JSON while unset.
                kind = Union[kind, msgspec.UnsetType]  # noqa: UP007
                spec = msgspec.field(default=msgspec.UNSET, name=field.encode_name)
            else:
                spec = msgspec.field(default=field.default, name=field.encode_name)
            fields.append((field.name, kind, spec))
        config = cls.__struct_config__
        twin = msgspec.defstruct(
            cls.__name__,
            fields,
            tag=info.tag,
            tag_field=info.tag_field,
            forbid_unknown_fields=info.forbid_unknown_fields,
            array_like=info.array_like,
            omit_defaults=config.omit_defaults,
            gc=False,
        )
        self._building.discard(cls)
        self._structs[cls] = twin
        return twin


def strict_decoder(cls: type[msgspec.Struct]) -> msgspec.json.Decoder[Any] | None:
    """A decoder that accepts the JSON of `cls` only if its receiver would, and JavaScript reads it
    unchanged; None when `cls` uses a type this module has no twin for."""
    try:
        twin = _TwinBuilder().twin(mi.type_info(cls))
        return msgspec.json.Decoder(twin)
    except (_Unsupported, TypeError):
        # TypeError: a twin msgspec refuses to build, e.g. a union it cannot tell apart.
        return None
