"""JSON Schema of msgspec message types, as the typed runtime describes them.

The typed runtime ships this schema to the browser (`TypedTunnel` attaches it to the widget),
and the code generator (the `ipycallback-codegen` distribution) reads Python declarations
through the same functions, so a Python type means the same to both. Public and stable:

- `REF_TEMPLATE`: how components refer to each other, `#/$defs/<Name>`;
- `schema_components(types)`: msgspec's components for `types`, with what msgspec leaves out
  restored (a datetime that requires an offset says `format: date-time`);
- `type_children(info)`: the types directly inside a `msgspec.inspect` type, to walk a type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
import msgspec.inspect as mi

__all__ = ["REF_TEMPLATE", "schema_components", "type_children"]

REF_TEMPLATE = "#/$defs/{name}"


def schema_components(
    types: Sequence[Any],
) -> tuple[tuple[dict[str, Any], ...], dict[str, Any]]:
    """`(refs, components)` as `msgspec.json.schema_components(types)` returns them, with refs
    written as `#/$defs/<Name>` and timezone-aware datetimes marked `format: date-time`.

    Raises what msgspec raises (TypeError, ValueError) for a type JSON Schema cannot describe.
    """
    refs, components = msgspec.json.schema_components(types, ref_template=REF_TEMPLATE)
    _mark_datetimes(types, components)
    return refs, components


def type_children(info: mi.Type) -> list[mi.Type]:
    """The types directly inside `info`: union members, items, dict keys and values. Struct
    fields are not included (walk `info.fields` where a Struct should be entered)."""
    if isinstance(info, mi.UnionType):
        return list(info.types)
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return [info.item_type]
    if isinstance(info, mi.TupleType):
        return list(info.item_types)
    if isinstance(info, mi.DictType):
        return [info.key_type, info.value_type]
    return []


def _mark_datetimes(types: Sequence[Any], components: dict[str, Any]) -> None:
    """msgspec describes a datetime as a plain string; say "date-time" so the browser requires
    an offset, as the sender does (naive datetimes are refused both ways)."""

    def mark(info: mi.Type, schema: dict[str, Any]) -> None:
        if isinstance(info, mi.DateTimeType) and info.tz is not False:
            schema["format"] = "date-time"
        elif isinstance(info, mi.UnionType):
            options = schema.get("anyOf", [])
            for member in info.types:
                if isinstance(member, mi.DateTimeType):
                    plain = [o for o in options if o.get("type") == "string" and "format" not in o]
                    if plain:
                        mark(member, plain[0])
        elif isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
            mark(info.item_type, schema.get("items", {}))
        elif isinstance(info, mi.TupleType):
            for item, part in zip(info.item_types, schema.get("prefixItems", []), strict=False):
                mark(item, part)
        elif isinstance(info, mi.DictType):
            mark(info.value_type, schema.get("additionalProperties", {}))

    seen: set[type] = set()

    def visit(info: mi.Type) -> None:
        if isinstance(info, mi.StructType) and info.cls not in seen:
            seen.add(info.cls)
            component = components.get(info.cls.__name__, {})
            for field in info.fields:
                if field.encode_name in component.get("properties", {}):
                    mark(field.type, component["properties"][field.encode_name])
                visit(field.type)
        for child in type_children(info):
            visit(child)

    for info in mi.multi_type_info(list(types)):
        visit(info)
