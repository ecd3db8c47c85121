"""A declared set of tagged msgspec Structs: decoding, validated encoding and JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Union

import msgspec
import msgspec.inspect as mi

from ._errors import MessageValidationError
from ._wire_safety import build_checks, find_unsafe

_ENCODER = msgspec.json.Encoder()
REF_TEMPLATE = "#/$defs/{name}"
_NO_TAG = "\x00ipycallback:no-message"


def _tag_of(cls: type[msgspec.Struct]) -> tuple[str, str]:
    config = cls.__struct_config__
    if config.tag is None or config.tag_field is None:
        raise TypeError(
            f"{cls.__name__} has no tag; declare it as "
            f"`class {cls.__name__}(msgspec.Struct, tag=True)` so both sides can tell types apart"
        )
    if not isinstance(config.tag, str):
        raise TypeError(f"{cls.__name__}: tags must be strings, got {config.tag!r}")
    return config.tag_field, config.tag


class MessageSet:
    """The message types that travel in one direction."""

    def __init__(self, types: Sequence[type[msgspec.Struct]], direction: str) -> None:
        if not types:
            raise ValueError(f"declare at least one message type to {direction}")
        self.types = tuple(types)
        self.by_tag: dict[str, type[msgspec.Struct]] = {}
        fields = set()
        for cls in self.types:
            if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
                raise TypeError(f"message types must be msgspec.Struct classes, got {cls!r}")
            field, tag = _tag_of(cls)
            fields.add(field)
            if tag in self.by_tag:
                raise TypeError(f"{cls.__name__} and {self.by_tag[tag].__name__} share tag {tag!r}")
            self.by_tag[tag] = cls
        if len(fields) != 1:
            raise TypeError(f"all message types to {direction} must share one tag field: {fields}")
        self.tag_field = fields.pop()
        members: tuple[Any, ...] = self.types
        if len(members) == 1:
            # msgspec does not require the tag of a lone tagged Struct; a second type that is
            # never sent makes this a tagged union, so a missing or wrong tag is refused here as
            # it is in the browser.
            members += (msgspec.defstruct("NoMessage", [], tag=_NO_TAG, tag_field=self.tag_field),)
        union: Any = Union[members]  # noqa: UP007
        self.decoder = msgspec.json.Decoder(union)
        self._send_checks = build_checks(self.types, sending=True)
        self._receive_checks = build_checks(self.types, sending=False)

    def tag(self, cls: type) -> str | None:
        config = getattr(cls, "__struct_config__", None)
        tag = getattr(config, "tag", None)
        return tag if isinstance(tag, str) and self.by_tag.get(tag) is cls else None

    def unsafe(self, msg: msgspec.Struct) -> MessageValidationError | None:
        """What a received message holds that this side refuses (see _wire_safety)."""
        check = self._receive_checks[type(msg)]
        issue = check(msg) if check else None
        return MessageValidationError(issue[1], "$" + issue[0]) if issue else None

    def encode(self, msg: msgspec.Struct) -> str:
        """Encode after checking what the receiver will check, plus what JSON would change."""
        check = self._send_checks[type(msg)]
        issue = check(msg) if check else None
        if issue:
            raise MessageValidationError(issue[1], "$" + issue[0])
        data = _ENCODER.encode(msg)
        try:
            # Constructors do not validate; decoding is msgspec's validator.
            self.decoder.decode(data)
        except msgspec.ValidationError as error:
            # A NaN shows up here as a null; say what it really was.
            unsafe = find_unsafe(msg)
            if unsafe is not None:
                raise MessageValidationError(unsafe[1], unsafe[0]) from None
            raise MessageValidationError.from_msgspec(error) from None
        return data.decode()


def browser_schema(
    to_kernel: MessageSet,
    to_browser: MessageSet,
    replies: dict[str, str],
    fingerprint: str | None = None,
) -> str:
    """What the browser needs to validate both directions without a build step."""
    types = to_kernel.types + to_browser.types
    refs, components = msgspec.json.schema_components(types, ref_template=REF_TEMPLATE)
    ref_of = {cls: ref["$ref"] for cls, ref in zip(types, refs, strict=True)}
    _mark_datetimes(types, components)

    def union(messages: MessageSet) -> dict[str, Any]:
        mapping = {tag: ref_of[cls] for tag, cls in messages.by_tag.items()}
        return {
            "anyOf": [{"$ref": ref} for ref in mapping.values()],
            "discriminator": {"propertyName": messages.tag_field, "mapping": mapping},
        }

    return json.dumps(
        {
            "format": 1,
            "fingerprint": fingerprint,
            "toKernel": union(to_kernel),
            "toBrowser": union(to_browser),
            "replies": replies,
            "$defs": components,
        },
        sort_keys=True,
    )


def _mark_datetimes(types: Sequence[type[msgspec.Struct]], components: dict[str, Any]) -> None:
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
        for child in _children(info):
            visit(child)

    for info in mi.multi_type_info(list(types)):
        visit(info)


def _children(info: mi.Type) -> list[mi.Type]:
    if isinstance(info, mi.UnionType):
        return list(info.types)
    if isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        return [info.item_type]
    if isinstance(info, mi.TupleType):
        return list(info.item_types)
    if isinstance(info, mi.DictType):
        return [info.key_type, info.value_type]
    return []
