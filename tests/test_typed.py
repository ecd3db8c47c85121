"""The typed runtime in the kernel, against a recording comm."""

from __future__ import annotations

import asyncio
import datetime
import json
import signal
from typing import Annotated, Any, NoReturn

import msgspec
import pytest
from recording_comm import RecordingComm, comm_of

from ipycallback import MessageValidationError, SlowTunnelWidget, TunnelError, TypedTunnel
from ipycallback.tunnel.kinds import ERROR, REPLY


class Query(msgspec.Struct, tag=True):
    text: str
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10


class Stop(msgspec.Struct, tag=True):
    pass


class Hit(msgspec.Struct):
    title: str
    score: float


class QueryResult(msgspec.Struct, tag=True):
    query: str
    hits: list[Hit]
    at: datetime.datetime | None = None


class Status(msgspec.Struct, tag=True):
    count: int


Search = TypedTunnel[Query | Stop, QueryResult | Status, NoReturn]


def typed_tunnel() -> tuple[Search, RecordingComm]:
    tunnel = SlowTunnelWidget()
    typed: Search = TypedTunnel(
        tunnel, receive=[Query, Stop], send=[QueryResult, Status], replies={Query: QueryResult}
    )
    return typed, comm_of(tunnel)


def sent(recorder: RecordingComm) -> list[list[object]]:
    return recorder.entries()


def flush(typed: TypedTunnel[Any, Any, Any]) -> None:
    typed.tunnel.flush()


def test_send_encodes_a_declared_message() -> None:
    typed, recorder = typed_tunnel()
    version = typed.send(QueryResult("abc", [Hit("A", 0.5)]))
    flush(typed)
    assert version == 1
    (entry,) = sent(recorder)
    assert entry[0] == 1
    assert len(entry) == 2
    assert json.loads(str(entry[1])) == {
        "type": "QueryResult",
        "query": "abc",
        "hits": [{"title": "A", "score": 0.5}],
        "at": None,
    }


@pytest.mark.parametrize(
    ("msg", "path", "reason"),
    [
        (QueryResult("q", [Hit("A", "high")]), "$.hits[0].score", "Expected `float`, got `str`"),  # type: ignore[arg-type]
        (Status(2**60), "$.count", "outside JavaScript's safe range"),
        (QueryResult("q", [Hit("A", float("nan"))]), "$.hits[0].score", "not a finite number"),
        (QueryResult("q", [], datetime.datetime(2026, 1, 1)), "$.at", "naive datetime"),
    ],
)
def test_send_refuses_what_the_receiver_would_reject(
    msg: msgspec.Struct, path: str, reason: str
) -> None:
    typed, recorder = typed_tunnel()
    with pytest.raises(MessageValidationError) as error:
        typed.send(msg)  # type: ignore[arg-type]  # any Struct: the runtime checks it
    assert error.value.path == path
    assert reason in str(error.value)
    flush(typed)
    assert sent(recorder) == []
    assert typed.send(Status(1)) == 1, "the tunnel keeps working"


def test_sending_an_undeclared_type_is_a_type_error() -> None:
    typed, _ = typed_tunnel()
    with pytest.raises(
        TypeError, match="Query is not declared for sending; declared: QueryResult, Status"
    ):
        typed.send(Query("x"))  # type: ignore[arg-type]  # deliberately undeclared


def test_declarations_must_be_tagged_structs_with_one_tag_field() -> None:
    class Untagged(msgspec.Struct):
        x: int

    class OtherField(msgspec.Struct, tag=True, tag_field="kind"):
        x: int

    with pytest.raises(TypeError, match="Untagged has no tag"):
        TypedTunnel(SlowTunnelWidget(), receive=[Untagged], send=[Status])
    with pytest.raises(TypeError, match="one tag field"):
        # Deliberately mixed tag fields, which only the runtime can see.
        TypedTunnel(SlowTunnelWidget(), receive=[Query, OtherField], send=[Status])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be declared"):
        # A reply for a request that is not received: mypy sees it too.
        TypedTunnel(SlowTunnelWidget(), receive=[Stop], send=[Status], replies={Query: Status})  # type: ignore[misc]


def test_handlers_get_decoded_messages_and_replies_carry_the_request_version() -> None:
    typed, recorder = typed_tunnel()
    seen: list[tuple[int, Query]] = []

    @typed.on(Query)
    def search(version: int, query: Query) -> QueryResult:
        seen.append((version, query))
        return QueryResult(query.text, [Hit(query.text.upper(), 1.0)])

    recorder.view().send([[7, '{"type": "Query", "text": "abc"}']])
    flush(typed)
    assert seen == [(7, Query("abc", 10))]
    (entry,) = sent(recorder)
    assert entry[0] == 7
    assert entry[2] == REPLY
    assert msgspec.json.decode(str(entry[1]), type=QueryResult).hits[0].title == "ABC"


def error_reports(recorder: RecordingComm) -> list[tuple[int, dict[str, object]]]:
    # Errors go back to the page that sent the bad message.
    return [(int(str(e[0])), json.loads(str(e[1]))) for e in sent(recorder) if e[2:3] == [ERROR]]


def test_invalid_and_unknown_messages_are_reported_back_and_the_tunnel_keeps_working() -> None:
    typed, recorder = typed_tunnel()
    got: list[int] = []
    typed.on(Stop, lambda version, msg: got.append(version))
    recorder.view().send(
        [
            [1, '{"type": "Query", "text": "abc", "limit": -5}'],
            [2, '{"type": "Nope"}'],
            [3, "plain text"],
            [4, '{"type": "Stop"}'],
        ]
    )
    flush(typed)
    reports = error_reports(recorder)
    assert reports[0] == (
        1,
        {
            "code": "validation",
            "message": "Expected `int` >= 1",
            "path": "$.limit",
            "type": "Query",
        },
    )
    assert reports[1][0] == 2
    assert reports[1][1]["code"] == "unknown_type"
    assert reports[1][1]["path"] == "$.type"
    assert "'Nope'" in str(reports[1][1]["message"])
    assert reports[2][0] == 3
    assert reports[2][1]["code"] == "unknown_type"
    assert got == [4]
    assert typed.stats.rejected == 3


def test_plain_strings_reach_the_fallback_handler() -> None:
    typed, recorder = typed_tunnel()
    plain: list[tuple[int, str]] = []
    typed.on_plain(lambda version, text: plain.append((version, text)))
    recorder.view().send([[1, "hello"], [2, '{"not": "tagged"}']])
    assert plain == [(1, "hello"), (2, '{"not": "tagged"}')]
    assert typed.send_msg("plain back") == 1


def test_a_raising_handler_is_reported_to_the_sender(capsys: pytest.CaptureFixture[str]) -> None:
    typed, recorder = typed_tunnel()

    @typed.on(Stop)
    def stop(version: int, msg: Stop) -> None:
        raise RuntimeError("cannot stop")

    recorder.view().send([[5, '{"type": "Stop"}']])
    flush(typed)
    assert error_reports(recorder) == [
        (5, {"code": "handler_exception", "message": "RuntimeError: cannot stop", "type": "Stop"})
    ]
    assert "RuntimeError: cannot stop" in capsys.readouterr().err


def test_the_stop_button_reaches_a_sync_request_handler_and_the_page_hears_of_it() -> None:
    """ipykernel ignores SIGINT outside its own dispatch of a message, and request handlers run
    later, from the event loop: they get Python's default SIGINT handler around them, and the
    KeyboardInterrupt becomes the request's error instead of leaving the page's request waiting."""
    typed, recorder = typed_tunnel()
    during: list[object] = []

    @typed.on(Query)
    def query(version: int, msg: Query) -> QueryResult:
        during.append(signal.getsignal(signal.SIGINT))
        raise KeyboardInterrupt

    between = signal.signal(signal.SIGINT, signal.SIG_IGN)  # ipykernel's between messages
    try:
        recorder.view().send([[4, '{"type": "Query", "text": "x"}']])
        flush(typed)
        after = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, between)
    assert during == [signal.default_int_handler]
    assert after == signal.SIG_IGN
    assert error_reports(recorder) == [
        (4, {"code": "handler_exception", "message": "KeyboardInterrupt: ", "type": "Query"})
    ]
    typed.on(Query, lambda version, q: QueryResult(q.text, []))
    recorder.view().send([[5, '{"type": "Query", "text": "y"}']])
    flush(typed)
    assert json.loads(str(sent(recorder)[-1][1]))["query"] == "y"


def test_on_receive_refuses_to_take_a_typed_tunnels_messages() -> None:
    """It replaced the typed layer's handler: requests then waited for their timeouts and typed
    handlers were never called, with no error anywhere."""
    typed, recorder = typed_tunnel()
    with pytest.raises(TypeError, match=r"carries typed messages; .* on_plain"):
        typed.tunnel.on_receive(lambda version, msg: None)
    got: list[Stop] = []
    typed.on(Stop, lambda version, msg: got.append(msg))
    recorder.view().send([[1, '{"type": "Stop"}']])
    assert got == [Stop()]


def test_an_invalid_reply_is_reported_to_the_sender_with_where_it_is_invalid() -> None:
    typed, recorder = typed_tunnel()
    typed.on(Query, lambda version, q: QueryResult(q.text, [Hit(7, 0.5)]))  # type: ignore[arg-type]
    recorder.view().send([[3, '{"type": "Query", "text": "x"}']])
    flush(typed)
    ((version, report),) = error_reports(recorder)
    assert (version, report["code"], report["path"], report["type"]) == (
        3,
        "handler_exception",
        "$.hits[0].title",
        "Query",
    )


def test_errors_from_the_browser_reach_the_error_handler() -> None:
    typed, recorder = typed_tunnel()
    errors: list[TunnelError] = []
    typed.on_error(errors.append)
    body = '{"code": "validation", "message": "expected integer", "path": "$.count"}'
    recorder.view().send([[3, body, ERROR]])
    (error,) = errors
    assert (error.version, error.code, error.path) == (3, "validation", "$.count")


async def settle() -> None:
    """Let the callbacks that a finished handler scheduled run (no wall-clock wait)."""
    for _ in range(5):
        await asyncio.sleep(0)


def test_queued_requests_are_handled_newest_first_and_superseded_ones_counted() -> None:
    async def scenario() -> tuple[Search, RecordingComm, list[str]]:
        typed, recorder = typed_tunnel()
        seen: list[str] = []

        def search(version: int, query: Query) -> QueryResult:
            seen.append(query.text)
            return QueryResult(query.text, [])

        typed.on(Query, search)
        typed.on(Stop, lambda v, s: seen.append("stop"))
        batch = [[i, json.dumps({"type": "Query", "text": "abc"[:i]})] for i in range(1, 4)]
        recorder.view().send([*batch, [4, '{"type": "Stop"}']])
        await asyncio.sleep(0)
        return typed, recorder, seen

    typed, recorder, seen = asyncio.run(scenario())
    assert seen == ["stop", "abc"], "events are not coalesced; requests are, newest first"
    assert typed.stats.superseded == 2
    flush(typed)
    assert [e[0] for e in sent(recorder)] == [3]


def test_a_newer_request_cancels_the_older_async_handler() -> None:
    async def scenario() -> tuple[Search, RecordingComm, list[str]]:
        typed, recorder = typed_tunnel()
        finished: list[str] = []
        first_started, newest_done = asyncio.Event(), asyncio.Event()

        @typed.on(Query)
        async def search(version: int, query: Query) -> QueryResult:
            if query.text == "a":
                first_started.set()
                await asyncio.Event().wait()  # only the newer request's cancel ends it
            finished.append(query.text)
            newest_done.set()
            return QueryResult(query.text, [])

        recorder.view().send([[1, '{"type": "Query", "text": "a"}']])
        await asyncio.wait_for(first_started.wait(), 10)
        recorder.view().send([[2, '{"type": "Query", "text": "ab"}']])
        await asyncio.wait_for(newest_done.wait(), 10)
        await settle()
        return typed, recorder, finished

    typed, recorder, finished = asyncio.run(scenario())
    assert finished == ["ab"]
    flush(typed)
    replies = sent(recorder)
    assert [(e[0], e[2]) for e in replies] == [(2, REPLY)]
    assert typed.stats.superseded == 1


def test_a_one_type_set_still_requires_the_tag() -> None:
    tunnel = SlowTunnelWidget()
    typed: TypedTunnel[Stop, Status, NoReturn] = TypedTunnel(tunnel, receive=[Stop], send=[Status])
    got: list[int] = []
    typed.on(Stop, lambda version, msg: got.append(version))
    recorder = comm_of(tunnel)
    recorder.view().send([[1, "{}"], [2, '{"type": "Other"}'], [3, '{"type": "Stop"}']])
    flush(typed)
    assert got == [3]
    assert [report[1]["code"] for report in error_reports(recorder)] == [
        "unknown_type",
        "unknown_type",
    ]
