"""ipycallback.schema: the runtime's public description of message types (the code generator
reads Python declarations through it)."""

from __future__ import annotations

import datetime

import msgspec
import msgspec.inspect as mi

from ipycallback import schema


class Stamp(msgspec.Struct):
    at: datetime.datetime


class Event(msgspec.Struct, tag=True):
    when: datetime.datetime | None
    stamps: list[Stamp]
    by_name: dict[str, datetime.datetime] = {}


def test_components_refer_by_defs_and_mark_datetimes() -> None:
    refs, components = schema.schema_components([Event])
    assert refs == ({"$ref": "#/$defs/Event"},)
    event = components["Event"]["properties"]
    assert event["when"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    assert event["stamps"]["items"] == {"$ref": "#/$defs/Stamp"}
    assert event["by_name"]["additionalProperties"]["format"] == "date-time"
    assert components["Stamp"]["properties"]["at"]["format"] == "date-time"


def test_type_children_walks_containers() -> None:
    info = mi.type_info(dict[str, list[int | None]])
    assert isinstance(info, mi.DictType)
    key, value = schema.type_children(info)
    assert isinstance(key, mi.StrType)
    assert isinstance(value, mi.ListType)
    (item,) = schema.type_children(value)
    assert {type(t) for t in schema.type_children(item)} == {mi.IntType, mi.NoneType}
    assert schema.type_children(mi.type_info(int)) == []


def test_the_public_names_are_exactly_these() -> None:
    assert schema.__all__ == ["REF_TEMPLATE", "schema_components", "type_children"]
