"""The strict twins that validate a message before it is sent (ipycallback/_send_validator.py).

The twin must give the same verdict as the thorough way it replaces: the JSON-safety walk of
_wire_safety plus a decode with the declared types. A property test compares the two on
arbitrary, mostly invalid, field values.
"""

from __future__ import annotations

import datetime
import enum
import math
import uuid
from typing import Annotated, Any, Literal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipycallback import MessageValidationError
from ipycallback.typed.message_set import MessageSet
from ipycallback.typed.send_validator import strict_decoder
from ipycallback.typed.wire_safety import build_checks

SAFE = 2**53 - 1
UTC = datetime.timezone.utc


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(msgspec.Struct, forbid_unknown_fields=True):
    x: Annotated[int, msgspec.Meta(gt=-10, lt=10)]
    y: float = 0.0


class Shape(msgspec.Struct, tag="shape", tag_field="kind", rename="camel"):
    line_width: Annotated[float, msgspec.Meta(ge=0)]
    points: Annotated[list[Point], msgspec.Meta(max_length=3)]
    color: Color = Color.RED
    label: Annotated[str, msgspec.Meta(min_length=1, pattern="^[a-z]+$")] = "a"
    opacity: float | None = None
    count: int | None = None
    when: datetime.datetime | None = None
    day: datetime.date | None = None
    ident: uuid.UUID | None = None
    mode: Literal["fill", "stroke"] = "fill"
    extra: dict[str, int] = {}
    anything: Any = None
    pair: tuple[int, str] = (0, "")
    flags: frozenset[bool] = frozenset()
    blob: bytes = b""


class Packed(msgspec.Struct, tag="packed", tag_field="kind", array_like=True, omit_defaults=True):
    values: list[int]
    name: str = ""


class Tree(msgspec.Struct, tag=True):
    children: list[Tree] = []


def thorough_verdict(msg: msgspec.Struct) -> bool:
    """What sending decided before twins: the safety walk, then a decode with the declared type."""
    check = build_checks([type(msg)], sending=True)[type(msg)]
    if check is not None and check(msg) is not None:
        return False
    try:
        msgspec.json.Decoder(type(msg)).decode(msgspec.json.encode(msg))
    except msgspec.ValidationError:
        return False
    return True


def test_twins_exist_for_ordinary_declarations_and_not_for_recursive_ones() -> None:
    assert strict_decoder(Shape) is not None
    assert strict_decoder(Packed) is not None
    assert strict_decoder(Tree) is None  # validated the thorough way instead
    tree = MessageSet([Tree], "send")
    assert (
        tree.encode(Tree([Tree([])]))
        == '{"type":"Tree","children":[{"type":"Tree","children":[]}]}'
    )
    with pytest.raises(MessageValidationError, match=r"\$\.children\[0\]"):
        tree.encode(Tree([1]))  # type: ignore[list-item]


def test_a_valid_message_is_encoded_as_msgspec_encodes_it() -> None:
    shape = Shape(
        1.5,
        [Point(1), Point(-9, 2.5)],
        when=datetime.datetime(2026, 1, 1, tzinfo=UTC),
        extra={"a": SAFE},
        anything={"n": [1, 2.5]},
    )
    assert MessageSet([Shape], "send").encode(shape) == msgspec.json.encode(shape).decode()


def test_an_array_like_twin_reads_the_array_layout() -> None:
    # Typed sets refuse array_like messages (the browser reads objects), but nested Structs and
    # other users of the twin may have them.
    twin = strict_decoder(Packed)
    assert twin is not None
    assert twin.decode(msgspec.json.encode(Packed([1, 2])))
    with pytest.raises(msgspec.ValidationError, match=r"<= 9007199254740991 - at `\$\[1\]\[0\]`"):
        twin.decode(msgspec.json.encode(Packed([2**60])))


@pytest.mark.parametrize(
    ("msg", "path", "reason"),
    [
        (Shape(-1, []), "$.lineWidth", "Expected `float` >= 0"),
        (Shape(1, [Point(10)]), "$.points[0].x", "Expected `int` <= 9"),
        (Shape(1, [Point(1)] * 4), "$.points", "Expected `array` of length <= 3"),
        (Shape(1, [], label="B"), "$.label", "Expected `str` matching regex"),
        (Shape(1, [], count=2**53), "$.count", "outside JavaScript's safe range"),
        (Shape(1, [], extra={"a": -(2**60)}), "$.extra['a']", "outside JavaScript's safe range"),
        (Shape(1, [], opacity=math.nan), "$.opacity", "not a finite number"),
        (Shape(1, [], count=math.inf), "$.count", "not a finite number"),  # type: ignore[arg-type]
        (Shape(1, [], anything=[math.inf]), "$.anything[0]", "not a finite number"),
        (Shape(1, [], when=datetime.datetime(2026, 1, 1)), "$.when", "naive datetime"),
        (Shape(1, [], color="green"), "$.color", "Invalid enum value 'green'"),  # type: ignore[arg-type]
        (Shape(1, [], pair=(1, 2)), "$.pair[1]", "Expected `str`, got `int`"),  # type: ignore[arg-type]
    ],
)
def test_a_refused_message_names_the_field_in_the_declared_words(
    msg: msgspec.Struct, path: str, reason: str
) -> None:
    with pytest.raises(MessageValidationError) as error:
        MessageSet([type(msg)], "send").encode(msg)
    assert reason in error.value.reason
    assert error.value.path == path


# Values of many kinds, most of them wrong for any one field.
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([SAFE, SAFE + 1, -SAFE, -SAFE - 1, 9, 10, -10, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.sampled_from(["a", "red", "fill", "2026-01-01", str(uuid.UUID(int=1))]),
    st.sampled_from(list(Color)),
    st.datetimes(max_value=datetime.datetime(2100, 1, 1)),
    st.datetimes(timezones=st.just(UTC), max_value=datetime.datetime(2100, 1, 1)),
    st.dates(),
    st.lists(st.integers(min_value=-(2**60), max_value=2**60), max_size=3),
    st.dictionaries(st.text(max_size=2), st.one_of(st.integers(), st.floats()), max_size=2),
    st.builds(Point, st.integers(-12, 12), st.floats()),
    st.tuples(st.integers(-(2**60), 2**60), st.text(max_size=2)),
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(Shape.__struct_fields__), ANY_VALUE, max_size=4))
def test_the_twin_agrees_with_the_thorough_check(changes: dict[str, Any]) -> None:
    shape = Shape(1.0, [Point(1)])
    for name, value in changes.items():
        setattr(shape, name, value)
    try:
        msgspec.json.encode(shape)
    except (TypeError, msgspec.EncodeError):
        return  # not JSON at all: both ways raise the same encoding error
    try:
        MessageSet([Shape], "send").encode(shape)
        twin_verdict = True
    except MessageValidationError:
        twin_verdict = False
    assert twin_verdict == thorough_verdict(shape), changes


class Sparse(msgspec.Struct, tag=True):
    """Optional fields without a default: absent from the JSON while unset."""

    limit: Annotated[int, msgspec.Meta(ge=1)] | msgspec.UnsetType = msgspec.UNSET
    note: str | msgspec.UnsetType = msgspec.UNSET


def test_unset_fields_are_left_out_and_checked_when_set() -> None:
    assert strict_decoder(Sparse) is not None  # the twin knows UNSET
    messages = MessageSet([Sparse], "test")
    assert messages.encode(Sparse()) == '{"type":"Sparse"}'
    assert messages.encode(Sparse(limit=3, note="n")) == '{"type":"Sparse","limit":3,"note":"n"}'
    with pytest.raises(MessageValidationError, match="limit"):
        messages.encode(Sparse(limit=0))
    with pytest.raises(MessageValidationError, match="limit"):
        messages.encode(Sparse(limit=2**53))
    assert messages.decode('{"type": "Sparse"}') == Sparse()
