"""The kernel reads a typed message as the browser's JSON.parse does (docs/internal-form.md,
"Semantics"): integers written with a fraction, duplicate keys, unpaired surrogates and deep
nesting get the browser's verdict, and a refusal is always a structured error with a path."""

from __future__ import annotations

import json
from typing import Literal, NoReturn, TypeAlias

import msgspec
import pytest
from recording_comm import RecordingComm, comm_of

from ipycallback import MessageValidationError, SlowTunnelWidget, TypedTunnel
from ipycallback.tunnel.kinds import ERROR
from ipycallback.typed.json_semantics import NESTING_LIMIT
from ipycallback.typed.message_set import MessageSet


class Node(msgspec.Struct):
    n: int
    kids: list[Node] = []


class Put(msgspec.Struct, tag=True):
    n: int
    text: str = ""
    level: Literal[1, 2] = 1
    node: Node | None = None
    counts: dict[str, int] = {}
    pair: tuple[int, str] = (0, "")


class Done(msgspec.Struct, tag=True):
    x: float = 0.0


IN = MessageSet([Put, Done], "kernel")


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type":"Put","n":1.0}', Put(1)),
        ('{"type":"Put","n":1e2,"level":2.0}', Put(100, level=2)),
        ('{"type":"Put","n":-0.0,"pair":[3.0,"a"]}', Put(0, pair=(3, "a"))),
        (
            '{"type":"Put","n":1,"node":{"n":2.0,"kids":[{"n":3.0}]}}',
            Put(1, node=Node(2, [Node(3)])),
        ),
        ('{"type":"Put","n":1,"counts":{"a":4.0}}', Put(1, counts={"a": 4})),
        ('{"type":"Put","n":"x","n":2}', Put(2)),  # the last of duplicate keys wins
        ('{"type":"Done","x":1}', Done(1.0)),
        ('{"type":"Put","n":1,"x":' + deep(NESTING_LIMIT - 1) + "}", Put(1)),
    ],
)
def test_the_browser_reading_is_the_kernels(text: str, expected: msgspec.Struct) -> None:
    assert IN.receive(text) == expected


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        ('{"type":"Put","n":1.5}', "$.n", "Expected `int`, got `float`"),
        ('{"type":"Put","n":2,"n":"x"}', "$.n", "Expected `int`, got `str`"),
        ('{"type":"Put","n":1,"level":3.0}', "$.level", "Invalid enum value 3"),
        ('{"type":"Put","n":1,"text":"\\ud800"}', "$.text", "unpaired UTF-16 surrogate"),
        ('{"type":"Put","n":1,"text":"\\udc00\\ud800"}', "$.text", "unpaired UTF-16 surrogate"),
        ('{"type":"Put","n":1,"x":{"\\ud83d":1}}', '$.x["\\ud83d"]', "unpaired"),
        ('{"type":"Put","n":1,"text":"\ud800"}', "$.text", "unpaired UTF-16 surrogate"),
        ('{"type":"Put","n":1,"x":' + deep(NESTING_LIMIT) + "}", "$.x" + "[0]" * 255, "nested"),
        ('{"type":"Put","n":1,"x":' + deep(5000) + "}", "$.x" + "[0]" * 255, "nested"),
    ],
)
def test_refusals_are_structured(text: str, path: str, reason: str) -> None:
    with pytest.raises((msgspec.ValidationError, MessageValidationError)) as caught:
        IN.receive(text)
    raised = caught.value
    error = (
        MessageValidationError.from_msgspec(raised)
        if isinstance(raised, msgspec.ValidationError)
        else raised
    )
    assert isinstance(error, MessageValidationError)
    assert error.path == path
    assert reason in error.reason


def test_a_deep_recursive_value_is_refused_at_the_limit() -> None:
    node = '{"n":1,"kids":[' * 200 + "]}" * 200
    with pytest.raises(MessageValidationError, match="nested more than 256 levels"):
        IN.receive('{"type":"Put","n":1,"node":' + node + "}")


Kernel: TypeAlias = TypedTunnel[Put | Done, Done, NoReturn]


def tunnel() -> tuple[Kernel, RecordingComm, list[tuple[int, str]]]:
    typed: Kernel = TypedTunnel(SlowTunnelWidget(), receive=[Put, Done], send=[Done])
    plain: list[tuple[int, str]] = []
    typed.on_plain(lambda version, text: plain.append((version, text)))
    return typed, comm_of(typed.tunnel), plain


def errors(recorder: RecordingComm) -> list[tuple[object, dict[str, object]]]:
    return [
        (e[0], json.loads(str(e[1]))) for e in recorder.entries() if len(e) > 2 and e[2] == ERROR
    ]


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"type":"Put","n":1,"text":"a\\udfffb"}', "$.text"),
        ('{"type":"Put","n":1,"text":"a\udfffb"}', "$.text"),
        ('{"type":"Put","n":1,"x":' + deep(3000) + "}", "$.x" + "[0]" * 255),
    ],
)
def test_the_tunnel_answers_every_bad_typed_message(text: str, path: str) -> None:
    typed, recorder, plain = tunnel()
    got: list[Put] = []
    typed.on(Put, lambda version, msg: got.append(msg))
    recorder.view().send([[7, text]])
    typed.tunnel.flush()
    assert plain == []
    assert got == []
    ((version, report),) = errors(recorder)
    assert version == 7
    assert report["code"] == "validation"
    assert report["path"] == path
    assert report["type"] == "Put"


def test_an_integer_written_as_a_float_reaches_the_handler() -> None:
    typed, recorder, plain = tunnel()
    got: list[Put] = []
    typed.on(Put, lambda version, msg: got.append(msg))
    recorder.view().send([[1, '{"type":"Put","n":5.0,"n":6.0}']])
    typed.tunnel.flush()
    assert got == [Put(6)]
    assert isinstance(got[0].n, int)
    assert plain == []
    assert errors(recorder) == []


class Anything(msgspec.Struct, tag=True):
    payload: object
    items: list[object] = []


OUT = MessageSet([Anything], "browser")


def nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("msg", "path", "reason"),
    [
        # What the receiver would refuse is refused at the sender, with the receiver's path.
        (Anything(nested(NESTING_LIMIT)), "$.payload" + "[0]" * 255, "nested more than 256"),
        # Deeper than msgspec's encoder recurses: a MessageValidationError, not a RecursionError.
        (Anything(nested(10_000)), "$.payload" + "[0]" * 255, "nested more than 256"),
        (Anything([], [1, nested(400)]), "$.items[1]" + "[0]" * 254, "nested more than 256"),
        # msgspec raises a bare UnicodeEncodeError for these: the error names where they are.
        (Anything("a\ud800"), "$.payload", "a string with an unpaired UTF-16 surrogate"),
        (Anything({"k": ["x", "\udc00"]}), "$.payload.k[1]", "a string with an unpaired"),
        (Anything({"\ud800": 1}), '$.payload["\\ud800"]', "a key with an unpaired"),
    ],
)
def test_the_sender_refuses_what_the_receiver_would_with_a_path(
    msg: Anything, path: str, reason: str
) -> None:
    with pytest.raises(MessageValidationError) as caught:
        OUT.encode(msg)
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_the_sender_accepts_nesting_up_to_the_limit_and_the_receiver_too() -> None:
    # The message object is one level, so its field may hold NESTING_LIMIT - 1 more.
    msg = Anything(nested(NESTING_LIMIT - 1))
    assert MessageSet([Anything], "kernel").receive(OUT.encode(msg)) == msg
