"""A declared set of tagged msgspec Structs: decoding, validated encoding and JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Union

import msgspec
import msgspec.inspect as mi

from ..schema import schema_components
from .errors import MessageValidationError
from .json_semantics import SHORT_TEXT, IntegralFloats, nesting_issue, slow_decode
from .send_validator import strict_decoder
from .unsendable import unsendable
from .wire_safety import Check, build_checks, find_unsafe

_ENCODER = msgspec.json.Encoder()
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
            self._placeholder: type | None = msgspec.defstruct(
                "NoMessage", [], tag=_NO_TAG, tag_field=self.tag_field
            )
            members += (self._placeholder,)
        else:
            self._placeholder = None
        union: Any = Union[members]  # noqa: UP007
        self._union = union
        self.decoder = msgspec.json.Decoder(union)
        self._fix = IntegralFloats().plan(mi.type_info(union))
        self._receive_checks = build_checks(self.types, sending=False)
        self._plans = self._plan_sending()
        # Most sets have nothing to check after msgspec's decode: then decoding is msgspec's.
        plain = self._placeholder is None and not any(self._receive_checks.values())
        self.decode: Callable[[str | bytes], msgspec.Struct] = (
            self.decoder.decode if plain else self._checked_decode
        )

    def tag(self, cls: type) -> str | None:
        config = getattr(cls, "__struct_config__", None)
        tag = getattr(config, "tag", None)
        return tag if isinstance(tag, str) and self.by_tag.get(tag) is cls else None

    def unsafe(self, msg: msgspec.Struct) -> MessageValidationError | None:
        """What a received message holds that this side refuses (see _wire_safety)."""
        check = self._receive_checks[type(msg)]
        issue = check(msg) if check else None
        return MessageValidationError(issue[1], "$" + issue[0]) if issue else None

    def receive(self, text: str) -> msgspec.Struct:
        """A received message, as the browser reads its JSON (docs/internal-form.md,
        "Semantics"): `decode` when msgspec agrees, else the slow path of json_semantics.
        Raises msgspec.DecodeError for text that is not JSON, msgspec.ValidationError or
        MessageValidationError (with a path) for a message that is not valid; never a
        RecursionError or UnicodeError."""
        issue = nesting_issue(text) if len(text) > SHORT_TEXT else None
        if issue is not None:
            raise MessageValidationError(issue[1], issue[0])
        try:
            return self.decode(text)
        except (msgspec.DecodeError, RecursionError, UnicodeError) as first:
            msg: msgspec.Struct = slow_decode(text, self._union, self._fix, first)
        if type(msg) is self._placeholder:
            raise msgspec.ValidationError(f"Invalid value {_NO_TAG!r} - at `$.{self.tag_field}`")
        unsafe = self.unsafe(msg)
        if unsafe is not None:
            raise unsafe
        return msg

    def _checked_decode(self, text: str | bytes) -> msgspec.Struct:
        # What `decode` is when there is more to check than msgspec does. It raises what msgspec
        # raises for text it refuses (an undeclared tag included), and MessageValidationError
        # for what _wire_safety refuses.
        msg: msgspec.Struct = self.decoder.decode(text)
        if type(msg) is self._placeholder:
            raise msgspec.ValidationError(f"Invalid value {_NO_TAG!r} - at `$.{self.tag_field}`")
        issue = self.unsafe(msg)
        if issue is not None:
            raise issue
        return msg

    def encode(self, msg: msgspec.Struct) -> str:
        """Encode after checking what the receiver will check, plus what JSON would change.
        Raises MessageValidationError, and TypeError for a type not declared here."""
        # One frame for the whole send: on small messages a Python call costs as much as
        # msgspec's encoding.
        plan = self._plans.get(type(msg))
        if plan is None:
            declared = ", ".join(cls.__name__ for cls in self.types)
            raise TypeError(
                f"{type(msg).__name__} is not declared for sending; declared: {declared}"
            )
        check, validate = plan
        try:
            issue = check(msg) if check is not None else None
            data = _ENCODER.encode(msg)
        except (RecursionError, UnicodeEncodeError) as error:
            # A lone surrogate, or values nested too deep for msgspec: say where.
            found = unsendable(msg)
            raise MessageValidationError(*(found[::-1] if found else (str(error), None))) from None
        if issue:
            raise MessageValidationError(issue[1], "$" + issue[0])
        text = data.decode()
        # The receiver refuses deeper nesting than this; msgspec encodes up to ~1000 levels.
        deep = nesting_issue(text) if len(text) > SHORT_TEXT else None
        if deep is not None:
            raise MessageValidationError(deep[1], deep[0])
        try:
            validate(data)
        except msgspec.ValidationError as error:
            raise self._explain(msg, data, error) from None
        return text

    def _plan_sending(self) -> dict[type, tuple[Check | None, Callable[[bytes], object]]]:
        # Validating means decoding what was encoded: with a strict twin where there is one (it
        # also does most of the JSON-safety checks), else with the declared types.
        full = build_checks(self.types, sending=True)
        residual = build_checks(self.types, sending=True, twin_checked=True)
        plans: dict[type, tuple[Check | None, Callable[[bytes], object]]] = {}
        for cls in self.types:
            twin = strict_decoder(cls)
            if twin is None:
                plans[cls] = (full[cls], self.decoder.decode)
            else:
                plans[cls] = (residual[cls], twin.decode)
        return plans

    def _explain(
        self, msg: msgspec.Struct, data: bytes, error: msgspec.ValidationError
    ) -> MessageValidationError:
        # Failures are rare, so this can afford the thorough walk: a NaN shows up as a null and an
        # unsafe int as a bound of the twin; say what they really were. Otherwise the declared
        # types' own words are the clearest.
        unsafe = find_unsafe(msg)
        if unsafe is not None:
            return MessageValidationError(unsafe[1], unsafe[0])
        try:
            self.decoder.decode(data)
        except msgspec.ValidationError as declared:
            error = declared
        return MessageValidationError.from_msgspec(error)


def browser_schema(
    to_kernel: MessageSet,
    to_browser: MessageSet,
    replies: dict[str, str],
    fingerprint: str | None = None,
    asks: dict[str, str] | None = None,
) -> str:
    """What the browser needs to validate both directions without a build step.

    `replies` maps what the browser asks to the kernel's reply, `asks` what the kernel asks to
    the browser's reply (left out when empty).
    """
    types = to_kernel.types + to_browser.types
    refs, components = schema_components(types)
    ref_of = {cls: ref["$ref"] for cls, ref in zip(types, refs, strict=True)}

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
            **({"asks": asks} if asks else {}),
            "$defs": components,
        },
        sort_keys=True,
    )
