"""The kernel side of the tunnel, against a recording comm."""

from __future__ import annotations

import gc
import sys
import threading
import time
import uuid

import pytest
from recording_comm import comm_of

from ipycallback import SlowTunnelWidget, TunnelClosedError
from ipycallback.tunnel.pacing import BUDGET


def test_tunnel_id_defaults_to_a_fresh_uuid4() -> None:
    first, second = SlowTunnelWidget(), SlowTunnelWidget()
    assert uuid.UUID(first.tunnel_id).version == 4
    assert first.tunnel_id != second.tunnel_id
    assert SlowTunnelWidget(tunnel_id="named").tunnel_id == "named"


def test_the_widget_state_carries_the_id_bundle_and_endpoints() -> None:
    tunnel = SlowTunnelWidget(tunnel_id="state")
    kind, data = comm_of(tunnel).published[0]
    assert kind == "comm_open"
    state = data["state"]
    assert state["tunnel_id"] == "state"
    assert "IPyCallback" in state["_esm"]
    assert state["py_endpoint"] == [0, ""]
    assert state["js_endpoint"] == [0, ""]


def test_send_msg_returns_consecutive_versions_and_delivers_in_order(
    tunnel: SlowTunnelWidget,
) -> None:
    assert [tunnel.send_msg(f"m{i}") for i in range(3)] == [1, 2, 3]
    tunnel.flush()
    assert comm_of(tunnel).entries() == [[1, "m0"], [2, "m1"], [3, "m2"]]
    assert tunnel.js_endpoint == (3, "m2")


def test_a_burst_is_complete_ordered_and_batched(tunnel: SlowTunnelWidget) -> None:
    start = time.monotonic()
    for i in range(10_000):
        tunnel.send_msg(str(i))
    tunnel.flush()
    elapsed = time.monotonic() - start
    recorder = comm_of(tunnel)
    assert recorder.entries() == [[i + 1, str(i)] for i in range(10_000)]
    # The pacing budget allows its capacity at once and then `rate` per second; a slow machine
    # stretches the loop and so allows more batches. The final flush adds one.
    allowed = BUDGET.capacity + BUDGET.rate * elapsed + 1
    assert len(recorder.custom()) <= allowed, "a burst must travel in few comm messages"


def test_send_msg_with_version_drops_stale_replies(tunnel: SlowTunnelWidget) -> None:
    comm_of(tunnel).view().send([[4, "q1"], [5, "q2"]])
    assert tunnel.send_msg_with_version(4, "reply to q1") is False
    assert tunnel.send_msg_with_version(5, "reply to q2") is True
    assert tunnel.send_msg("push") == 6
    tunnel.flush()
    # The reply goes to the page that asked (view1), the push to every page.
    assert comm_of(tunnel).entries() == [[5, "reply to q2", 0, "view1"], [6, "push"]]


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda t: t.send_msg(42), r"send_msg\(\) expects msg to be a str, got int: 42"),
        (lambda t: t.send_msg(b"x"), r"got bytes: b'x'"),
        (lambda t: t.send_msg_with_version("3", "x"), r"version to be an int, got str: '3'"),
        (lambda t: t.send_msg_with_version(1.0, "x"), r"got float: 1.0"),
        (lambda t: t.send_msg_with_version(True, "x"), r"got bool: True"),
        (lambda t: t.send_msg_with_version(1, None), r"msg to be a str, got NoneType"),
        (lambda t: t.on_receive("not callable"), r"expects a callable"),
    ],
)
def test_bad_arguments_raise_type_error(tunnel: SlowTunnelWidget, call, pattern: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=pattern):
        call(tunnel)
    assert tunnel.send_msg("still works") == 1


@pytest.mark.parametrize(
    "kwargs", [{"tunnel_id": ""}, {"tunnel_id": 5}, {"max_pending": 0}, {"on_interrupt": "x"}]
)
def test_refused_constructor_arguments_leave_no_traceback_behind(kwargs: dict[str, object]) -> None:
    """ipywidgets' __del__ closes the half-built widget: that printed "Exception ignored in ...
    AttributeError: 'SlowTunnelWidget' object has no attribute '_lock'" under the clear error."""
    unraisable: list[object] = []
    previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with pytest.raises((TypeError, ValueError)):
            SlowTunnelWidget(**kwargs)  # type: ignore[arg-type]
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert unraisable == []


def test_out_of_range_versions_raise_value_error(tunnel: SlowTunnelWidget) -> None:
    with pytest.raises(ValueError, match="2\\*\\*53"):
        tunnel.send_msg_with_version(2**53, "x")
    with pytest.raises(ValueError, match="-1"):
        tunnel.send_msg_with_version(-1, "x")


def test_messages_queue_until_a_handler_is_attached(tunnel: SlowTunnelWidget) -> None:
    recorder = comm_of(tunnel)
    recorder.view().send([[1, "a"], [2, "b"]])
    recorder.view().send([[3, "c"]])
    assert tunnel.stats.pending_in == 3
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    assert got == [(1, "a"), (2, "b"), (3, "c")]
    assert tunnel.py_endpoint == (3, "c")


def test_on_receive_replaces_the_previous_handler(tunnel: SlowTunnelWidget) -> None:
    first: list[int] = []
    second: list[int] = []
    tunnel.on_receive(lambda v, m: first.append(v))
    comm_of(tunnel).view().send([[1, "a"]])
    tunnel.on_receive(lambda v, m: second.append(v))
    comm_of(tunnel).view().send([[2, "b"]])
    assert (first, second) == ([1], [2])


def test_the_pending_queue_is_bounded_and_overflow_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tunnel = SlowTunnelWidget(max_pending=3)
    comm_of(tunnel).view().send([[i, str(i)] for i in range(1, 6)])
    assert "dropped the 2 oldest message(s)" in capsys.readouterr().err
    got: list[int] = []
    tunnel.on_receive(lambda v, m: got.append(v))
    assert got == [3, 4, 5]
    assert tunnel.stats.dropped == 2


def test_a_raising_handler_is_reported_and_the_tunnel_keeps_working(
    tunnel: SlowTunnelWidget, capsys: pytest.CaptureFixture[str]
) -> None:
    got: list[str] = []

    def handler(version: int, msg: str) -> None:
        if msg == "boom":
            raise RuntimeError("kaboom")
        got.append(msg)

    tunnel.on_receive(handler)
    comm_of(tunnel).view().send([[1, "boom"], [2, "after"]])
    comm_of(tunnel).view().send([[3, "later"]])
    err = capsys.readouterr().err
    assert "raised on message version 1" in err
    assert "RuntimeError: kaboom" in err
    assert got == ["after", "later"]
    assert tunnel.stats.handler_errors == 1


def test_chunked_messages_are_reassembled(tunnel: SlowTunnelWidget) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.send([[1, "small"]])
    # One entry (seq 2) in three pieces, the last arriving first (another kernel thread).
    view.frame(s=2, k=[2, 3], b=[[2, "e"]])
    view.frame(s=2, k=[0, 3], b=[[2, "ab"]])
    view.frame(s=2, k=[1, 3], b=[[2, "cd"]])
    view.next_seq = 3
    view.send([[3, "next"]])
    assert got == [(1, "small"), (2, "abcde"), (3, "next")]


def test_malformed_frames_are_reported_and_skipped(
    tunnel: SlowTunnelWidget, capsys: pytest.CaptureFixture[str]
) -> None:
    got: list[int] = []
    tunnel.on_receive(lambda v, m: got.append(v))
    recorder = comm_of(tunnel)
    view = recorder.view()
    recorder.from_browser("junk")
    recorder.from_browser({"x": 1})
    # Bad entries keep their seq, so the good ones around them are still delivered in order.
    view.send([[1, "ok"], ["2", "bad version"], [3, 3], [4, "ok"]])
    view.frame(s=5, k=[3, 2], b=[[5, "piece"]])
    view.send([[5, "ok"]])
    err = capsys.readouterr().err
    assert err.count("ignored a malformed frame") == 3
    assert got == [1, 4, 5]
    assert tunnel.stats.bad_frames == 5


def test_closing_flushes_then_refuses_to_send() -> None:
    tunnel = SlowTunnelWidget(tunnel_id="closing")
    for i in range(200):
        tunnel.send_msg(str(i))
    recorder = comm_of(tunnel)
    tunnel.close()
    assert len(recorder.entries()) == 200
    assert recorder.published[-1][0] == "comm_close"
    with pytest.raises(TunnelClosedError, match="tunnel 'closing' is closed"):
        tunnel.send_msg("late")
    with pytest.raises(TunnelClosedError):
        tunnel.send_msg_with_version(1, "late")


def test_a_new_tunnel_with_the_same_id_replaces_the_old_one() -> None:
    old = SlowTunnelWidget(tunnel_id="x")
    old_comm = comm_of(old)
    new = SlowTunnelWidget(tunnel_id="x")
    assert old.closed
    assert not new.closed
    assert old_comm.published[-1][0] == "comm_close"
    assert new.send_msg("hi") == 1
    new.close()


def test_full_state_requests_carry_the_latest_endpoints(tunnel: SlowTunnelWidget) -> None:
    comm_of(tunnel).view().send([[7, "from js"]])
    tunnel.send_msg("from py")
    tunnel.flush()
    recorder = comm_of(tunnel)
    updates_before = sum(1 for k, d in recorder.published if d.get("method") == "update")
    assert updates_before == 0, "endpoints must not cost an update message per user message"
    recorder.handle_msg(
        {
            "content": {"comm_id": recorder.comm_id, "data": {"method": "request_state"}},
            "buffers": [],
        }
    )
    state = recorder.published[-1][1]["state"]
    assert state["py_endpoint"] == [7, "from js"]
    assert state["js_endpoint"] == [1, "from py"]


def test_concurrent_senders_get_unique_versions_in_wire_order(tunnel: SlowTunnelWidget) -> None:
    def send_many() -> None:
        for i in range(2000):
            tunnel.send_msg(str(i))

    threads = [threading.Thread(target=send_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tunnel.flush()
    versions = [entry[0] for entry in comm_of(tunnel).entries()]
    assert versions == list(range(1, 8001))
