"""Requests both ways in the kernel: the kernel asks the page, and the page cancels its asks."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import types
from typing import Any

import msgspec
import pytest
from fake_clock import FakeClock
from recording_comm import FakeView, RecordingComm, comm_of

from ipycallback import (
    MessageValidationError,
    SlowTunnelWidget,
    SupersededError,
    TunnelClosedError,
    TunnelError,
    TypedTunnel,
)
from ipycallback.tunnel.kinds import CANCEL, ERROR, REPLY
from ipycallback.typed import typed_tunnel as typed_tunnel_module


class PickColour(msgspec.Struct, tag=True):
    prompt: str


class ColourPicked(msgspec.Struct, tag=True):
    colour: str


class Query(msgspec.Struct, tag=True):
    text: str


class Result(msgspec.Struct, tag=True):
    text: str


ToKernel = ColourPicked | Query
ToBrowser = PickColour | Result


def typed_tunnel() -> tuple[TypedTunnel[ToKernel, ToBrowser, PickColour], RecordingComm]:
    tunnel = SlowTunnelWidget()
    typed: TypedTunnel[ToKernel, ToBrowser, PickColour] = TypedTunnel(
        tunnel,
        receive=[ColourPicked, Query],
        send=[PickColour, Result],
        replies={Query: Result},
        asks={PickColour: ColourPicked},
    )
    return typed, comm_of(tunnel)


def entries_of_kind(recorder: RecordingComm, kind: int) -> list[list[Any]]:
    return [e for e in recorder.entries() if len(e) > 2 and e[2] == kind]


def answer(view: FakeView, version: int, msg: msgspec.Struct) -> None:
    view.send([[version, msgspec.json.encode(msg).decode(), REPLY]])


def test_the_kernel_asks_and_awaits_the_pages_reply() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()

    async def ask() -> ColourPicked:
        task = asyncio.ensure_future(typed.request(PickColour("a colour?"), timeout=5))
        await asyncio.sleep(0)
        typed.tunnel.flush()
        (sent,) = recorder.entries()
        assert json.loads(sent[1]) == {"type": "PickColour", "prompt": "a colour?"}
        answer(view, sent[0], ColourPicked("teal"))
        reply = await task
        return reply  # type: ignore[return-value]

    assert asyncio.run(ask()) == ColourPicked("teal")
    assert typed.stats.requests_sent == 1


def test_a_newer_request_supersedes_the_older_one() -> None:
    typed, _ = typed_tunnel()

    async def ask_twice() -> None:
        first = asyncio.ensure_future(typed.request(PickColour("first")))
        await asyncio.sleep(0)
        second = asyncio.ensure_future(typed.request(PickColour("second"), timeout=0.01))
        with pytest.raises(SupersededError) as superseded:
            await first
        assert (superseded.value.version, superseded.value.superseded_by) == (1, 2)
        with pytest.raises(TimeoutError):
            await second

    asyncio.run(ask_twice())


def test_a_timeout_raises_and_tells_the_page_to_stop() -> None:
    typed, recorder = typed_tunnel()
    with pytest.raises(TimeoutError, match=r"PickColour version 1: no reply in 0\.01 s"):
        asyncio.run(typed.request(PickColour("?"), timeout=0.01))
    typed.tunnel.flush()
    assert entries_of_kind(recorder, CANCEL) == [[1, "timeout", CANCEL]]


def test_failures_on_the_page_and_bad_replies_raise_and_are_reported_back() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()

    async def ask(respond: Any) -> Any:
        task = asyncio.ensure_future(typed.request(PickColour("?")))
        await asyncio.sleep(0)
        respond(typed.stats.requests_sent)
        return await task

    report = '{"code": "handler_exception", "message": "Error: no canvas", "type": "PickColour"}'
    with pytest.raises(TunnelError, match="no canvas") as failed:
        asyncio.run(ask(lambda v: view.send([[v, report, ERROR]])))
    assert failed.value.code == "handler_exception"
    with pytest.raises(MessageValidationError, match="expected a ColourPicked reply"):
        asyncio.run(ask(lambda v: answer(view, v, Query("not a colour"))))
    with pytest.raises(MessageValidationError, match="Expected `str`"):
        asyncio.run(ask(lambda v: view.send([[v, '{"type": "ColourPicked", "colour": 7}', REPLY]])))
    typed.tunnel.flush()
    errors = [json.loads(e[1]) for e in entries_of_kind(recorder, ERROR)]
    assert [(e["code"], e.get("path")) for e in errors] == [
        ("validation", "$"),
        ("validation", "$.colour"),
    ]


def test_replies_to_requests_nobody_waits_for_are_errors_unless_another_page_answered() -> None:
    typed, recorder = typed_tunnel()
    first, second = recorder.view("first"), recorder.view("second")

    async def ask() -> Any:
        task = asyncio.ensure_future(typed.request(PickColour("?")))
        await asyncio.sleep(0)
        answer(first, 1, ColourPicked("red"))
        return await task

    assert asyncio.run(ask()) == ColourPicked("red")
    answer(second, 1, ColourPicked("blue"))  # the second tab answered too: dropped quietly
    answer(second, 99, ColourPicked("green"))  # nothing ever asked version 99
    typed.tunnel.flush()
    errors = entries_of_kind(recorder, ERROR)
    assert len(errors) == 1
    assert errors[0][0] == 99
    assert errors[0][3] == "second"
    assert json.loads(errors[0][1])["code"] == "unknown_request"


def test_closing_the_tunnel_ends_waiting_requests() -> None:
    typed, _ = typed_tunnel()

    async def ask() -> None:
        task = asyncio.ensure_future(typed.request(PickColour("?")))
        await asyncio.sleep(0)
        typed.tunnel.close()
        await task

    with pytest.raises(TunnelClosedError, match="closed while a request waited"):
        asyncio.run(ask())


def test_only_declared_requests_can_be_sent() -> None:
    typed, _ = typed_tunnel()
    with pytest.raises(TypeError, match="Result has no declared reply"):
        asyncio.run(typed.request(Result("x")))  # type: ignore[arg-type]


def test_call_refuses_a_wrong_message_at_once_not_after_waiting_for_a_page() -> None:
    """It waited PAGE_WAIT (5 s) for a page, then blamed the missing page, not the message."""
    typed, _ = typed_tunnel()
    with pytest.raises(TypeError, match="Result has no declared reply"):
        typed.call(Result("x"), timeout=30)  # type: ignore[arg-type]
    with pytest.raises(MessageValidationError, match=r"\$\.prompt"):
        typed.call(PickColour(5), timeout=30)  # type: ignore[arg-type]


def test_call_refuses_at_once_where_it_would_deadlock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typed_tunnel_module, "PAGE_WAIT", 0.05)
    typed, recorder = typed_tunnel()
    with pytest.raises(RuntimeError, match=r"no page has shown this tunnel within 0\.05 s"):
        typed.call(PickColour("?"), timeout=30)
    recorder.view().hello()  # a page whose messages run on the main shell (no subshells)
    with pytest.raises(RuntimeError, match="Kernel Comms over subshells"):
        typed.call(PickColour("?"), timeout=30)
    seen: list[str] = []

    @typed.on(Query)
    def inside(version: int, query: Query) -> None:
        try:
            typed.call(PickColour("?"))
        except RuntimeError as error:
            seen.append(str(error))

    recorder.view().send([[1, '{"type": "Query", "text": "q"}']])
    assert "inside a handler of this tunnel would wait" in seen[0]


def test_call_refuses_on_marimos_runtime_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # marimo runs cells and the page's widget messages on one thread, which `marimo run` does
    # not make the main thread: waiting there would hold back the answer it waits for.
    marimo = types.ModuleType("marimo")
    marimo.running_in_notebook = lambda: True  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "marimo", marimo)
    typed, recorder = typed_tunnel()
    recorder.view().hello()
    outcome: list[BaseException] = []

    def cell() -> None:
        try:
            typed.call(PickColour("?"), timeout=30)
        except RuntimeError as error:
            outcome.append(error)

    runtime = threading.Thread(target=cell)
    runtime.start()
    runtime.join(timeout=20)
    assert len(outcome) == 1, outcome
    assert "marimo runs the page's widget messages only between cells" in str(outcome[0])
    # A thread the user started has no marimo context: the runtime thread stays free to answer.
    marimo.running_in_notebook = lambda: False  # type: ignore[attr-defined]
    problems: list[str | None] = []
    user = threading.Thread(target=lambda: problems.append(typed.tunnel._blocking_problem()))
    user.start()
    user.join(timeout=20)
    assert problems == [None]


def test_call_from_another_thread_blocks_until_the_reply() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(typed.call(PickColour("?"), timeout=10)))
    thread.start()
    while typed.stats.requests_sent == 0:
        thread.join(0.01)
    answer(view, 1, ColourPicked("gold"))
    thread.join(10)
    assert result == [ColourPicked("gold")]


def test_a_cancel_from_the_page_cancels_the_async_handler_and_no_reply_is_sent() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()
    outcome: list[str] = []

    started, ended = asyncio.Event(), asyncio.Event()

    @typed.on(Query)
    async def slow(version: int, query: Query) -> Result:
        started.set()
        try:
            await asyncio.Event().wait()  # only the page's cancel ends it
        except asyncio.CancelledError:
            outcome.append("cancelled")
            ended.set()
            raise
        return Result(query.text)

    async def scenario() -> None:
        view.send([[1, '{"type": "Query", "text": "q"}']])
        await asyncio.wait_for(started.wait(), 10)
        view.send([[1, "aborted", CANCEL]])
        await asyncio.wait_for(ended.wait(), 10)
        for _ in range(5):  # the bookkeeping after the cancellation, without a wall-clock wait
            await asyncio.sleep(0)

    asyncio.run(scenario())
    typed.tunnel.flush()
    assert outcome == ["cancelled"]
    assert entries_of_kind(recorder, REPLY) == []
    assert typed.stats.cancelled == 1


def test_a_sync_handler_can_see_that_the_page_gave_up() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()
    seen: list[bool] = []

    @typed.on(Query)
    def handler(version: int, query: Query) -> Result | None:
        seen.append(typed.cancelled(version))
        view.send([[version, "aborted", CANCEL]])  # the page gives up while this runs
        seen.append(typed.cancelled(version))
        return Result(query.text)

    view.send([[1, '{"type": "Query", "text": "q"}']])
    typed.tunnel.flush()
    assert seen == [False, True]
    assert entries_of_kind(recorder, REPLY) == [], "no reply for a cancelled request"


def test_a_request_without_a_handler_gets_an_error_after_a_grace_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(SlowTunnelWidget, "_clock", clock)
    typed, recorder = typed_tunnel()
    recorder.view().send([[3, '{"type": "Query", "text": "q"}']])
    clock.advance(4)
    typed.tunnel.flush()
    assert entries_of_kind(recorder, ERROR) == []
    clock.advance(2)
    typed.tunnel.flush()
    (error,) = entries_of_kind(recorder, ERROR)
    assert error[0] == 3
    assert json.loads(error[1])["code"] == "no_handler"


def test_a_request_handler_must_return_its_declared_reply() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()
    replies: list[Any] = [None, ColourPicked("wrong type"), Result("right")]
    typed.on(Query, lambda version, query: replies.pop(0))
    for version in (1, 2, 3):
        view.send([[version, '{"type": "Query", "text": "q"}']])
    typed.tunnel.flush()
    errors = [(e[0], json.loads(e[1])["message"]) for e in entries_of_kind(recorder, ERROR)]
    assert errors == [
        (1, "TypeError: the handler returned None; a Result reply was expected"),
        (2, "TypeError: the handler returned ColourPicked, not Result"),
    ]
    assert [e[0] for e in entries_of_kind(recorder, REPLY)] == [3]


def test_an_error_about_a_reply_never_ends_an_unrelated_request() -> None:
    typed, recorder = typed_tunnel()
    view = recorder.view()

    async def ask() -> Any:
        task = asyncio.ensure_future(typed.request(PickColour("?"), timeout=5))
        await asyncio.sleep(0)
        # The page complains about the kernel's reply to its own request version 1, which
        # happens to be the number of the kernel's waiting request.
        view.send([[1, '{"code": "validation", "message": "bad", "type": "Result"}', ERROR]])
        view.send([[1, '{"code": "unknown_request", "message": "late"}', ERROR]])
        await asyncio.sleep(0)
        assert not task.done()
        answer(view, 1, ColourPicked("still fine"))
        return await task

    assert asyncio.run(ask()) == ColourPicked("still fine")
