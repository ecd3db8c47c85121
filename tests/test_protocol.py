"""The kernel's side of docs/protocol.md: order, acknowledgement, resending, views, faults.

Time is a FakeClock, so timers (acks, nacks, probes) run exactly when a test moves time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fake_clock import FakeClock
from recording_comm import RecordingComm, comm_of

from ipycallback import SlowTunnelWidget
from ipycallback.tunnel.widget import STATE_MSG_LIMIT


@pytest.fixture
def tunnel(clock: FakeClock) -> Iterator[SlowTunnelWidget]:
    widget = SlowTunnelWidget(tunnel_id="proto")
    yield widget
    widget.close()


def frames(recorder: RecordingComm) -> list[dict[str, Any]]:
    return recorder.custom()


def received(tunnel: SlowTunnelWidget) -> list[tuple[int, str]]:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    return got


def test_frames_from_two_threads_out_of_order_are_delivered_in_order(
    tunnel: SlowTunnelWidget,
) -> None:
    got = received(tunnel)
    view = comm_of(tunnel).view()
    view.frame(s=3, b=[[3, "c"]])
    view.frame(s=2, b=[[2, "b"]])
    assert got == []
    view.frame(s=1, b=[[1, "a"]])
    assert got == [(1, "a"), (2, "b"), (3, "c")]
    view.frame(s=2, b=[[2, "b"]])  # a duplicate, e.g. a resend that crossed the original
    assert got == [(1, "a"), (2, "b"), (3, "c")]
    stats = tunnel.stats
    assert (stats.duplicates, stats.out_of_order) == (1, 2)


def test_many_threads_feeding_frames_concurrently_keep_the_order(tunnel: SlowTunnelWidget) -> None:
    got = received(tunnel)
    view = comm_of(tunnel).view()
    seqs = list(range(1, 2001))

    def feed(part: list[int]) -> None:
        for seq in part:
            view.frame(s=seq, b=[[seq, str(seq)]])

    threads = [threading.Thread(target=feed, args=(seqs[i::4][::-1],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == [(seq, str(seq)) for seq in seqs]


def test_acks_are_cumulative_delayed_and_ride_on_data(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.send([[1, "a"], [2, "b"]])
    assert frames(recorder) == []
    clock.advance(0.2)
    assert frames(recorder) == [{"a": {"view1": 2}}]
    view.send([[3, "c"]])
    tunnel.send_msg("reply")
    assert frames(recorder)[-1] == {"s": 1, "b": [[1, "reply"]], "a": {"view1": 3}}
    clock.advance(1)
    assert len(frames(recorder)) == 2, "no ack is sent twice"


def test_an_ack_that_says_nothing_new_is_sent_only_as_an_answer(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    # The page takes an ack that arrives while its probe is unanswered as the answer: an old ack
    # repeated while the pieces of a large entry trickle in made it send every piece again.
    got = received(tunnel)
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.send([[1, "small"]])
    clock.advance(0.2)
    assert frames(recorder) == [{"a": {"view1": 1}}]
    for index in range(2):
        view.frame(s=2, k=[index, 3], b=[[2, "part"]])
        clock.advance(0.5)
    assert frames(recorder) == [{"a": {"view1": 1}}], "nothing new: no ack"
    view.frame(w=2)  # the page's probe is answered, new or not
    assert frames(recorder)[-1] == {"a": {"view1": 1}}
    view.frame(s=2, k=[2, 3], b=[[2, "part"]])
    clock.advance(0.2)
    assert frames(recorder)[-1] == {"a": {"view1": 2}}
    assert got == [(1, "small"), (2, "partpartpart")]


def test_a_gap_is_nacked_and_filled_by_the_resend(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got = received(tunnel)
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.frame(s=1, b=[[1, "a"]])
    view.frame(s=3, b=[[3, "c"]])  # seq 2 was lost in a websocket cut
    clock.advance(0.5)
    assert {"n": {"view1": 2}}.items() <= frames(recorder)[-1].items()
    clock.advance(2)
    assert frames(recorder)[-1].get("n") == {"view1": 2}, "the nack repeats while the gap lasts"
    view.frame(s=2, b=[[2, "b"]])
    assert got == [(1, "a"), (2, "b"), (3, "c")]


def test_entries_the_page_no_longer_has_are_skipped_and_reported(
    tunnel: SlowTunnelWidget, capsys: pytest.CaptureFixture[str]
) -> None:
    got = received(tunnel)
    view = comm_of(tunnel).view()
    view.frame(s=1, b=[[1, "a"]])
    view.frame(s=4, b=[[4, "d"]])
    view.frame(g=[2, 3])
    assert got == [(1, "a"), (4, "d")]
    assert tunnel.stats.lost == 2
    assert "2 message(s) from the page view1 were lost" in capsys.readouterr().err


def test_messages_sent_before_any_page_exists_reach_the_first_page(
    tunnel: SlowTunnelWidget,
) -> None:
    # marimo's first run, or a cell that sends before the page has loaded the widget's module.
    recorder = comm_of(tunnel)
    for i in range(3):
        tunnel.send_msg(f"early {i}")
    recorder.published.clear()
    recorder.view().hello()
    (answer,) = frames(recorder)
    assert answer["h"] == {"view1": 1}
    assert answer["s"] == 1
    assert [e[1] for e in answer["b"]] == ["early 0", "early 1", "early 2"]


def test_a_second_page_starts_where_the_first_has_acknowledged(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    recorder = comm_of(tunnel)
    first = recorder.view("first")
    first.hello()
    for i in range(5):
        tunnel.send_msg(str(i))
    first.frame(a=5)
    assert tunnel.stats.kept == 0, "every live page has everything"
    tunnel.send_msg("5")
    recorder.published.clear()
    second = recorder.view("second")
    second.hello()
    answer = frames(recorder)[0]
    assert answer["h"] == {"second": 6}
    assert answer["s"] == 6
    assert answer["b"] == [[6, "5"]]


def test_entries_are_kept_until_every_live_page_acknowledged_them(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    recorder = comm_of(tunnel)
    a, b = recorder.view("a"), recorder.view("b")
    a.hello()
    b.hello()
    for i in range(4):
        tunnel.send_msg(str(i))
    a.frame(a=4)
    assert tunnel.stats.kept == 4, "page b has not acknowledged"
    b.frame(a=2)
    assert tunnel.stats.kept == 2
    clock.advance(61)  # b falls silent while behind: it no longer holds entries
    a.frame(a=4)
    assert tunnel.stats.kept == 0


def test_a_reconnected_page_gets_what_it_missed(tunnel: SlowTunnelWidget, clock: FakeClock) -> None:
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.hello()
    for i in range(1, 6):
        tunnel.send_msg(str(i))
    view.frame(a=2)
    recorder.published.clear()
    clock.advance(10)
    view.hello(first_seen=1, a=2)  # after a reconnect: "I have 1..2"
    data = [frame for frame in frames(recorder) if "b" in frame]
    assert [entry[1] for frame in data for entry in frame["b"]] == ["3", "4", "5"]
    assert data[0]["h"] == {"view1": 1}, "every hello is answered"
    assert tunnel.stats.resent == 3
    # Hellos that queued up behind a busy cell arrive together: one resend answers them all.
    recorder.published.clear()
    for _ in range(5):
        view.hello(first_seen=1, a=2)
    assert tunnel.stats.resent == 3
    assert [frame.get("h") for frame in frames(recorder)] == [{"view1": 1}] * 5


def test_a_page_asking_for_entries_no_longer_kept_is_told_they_are_gone(
    tunnel: SlowTunnelWidget, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = comm_of(tunnel)
    first, second = recorder.view("first"), recorder.view("second")
    first.hello()
    second.hello()
    for i in range(1, 4):
        tunnel.send_msg(str(i))
    first.frame(a=3)
    second.frame(a=3)
    second.frame(n=2)  # a bug or a cut made it miss 2..3, already released
    assert frames(recorder)[-1]["g"] == {"second": [2, 3]}
    assert "2 message(s) to the page second were no longer kept" in capsys.readouterr().err
    assert tunnel.stats.lost == 2


def test_unacknowledged_entries_lead_to_a_tail_probe_with_backoff(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.hello()
    tunnel.send_msg("lost in a cut")
    recorder.published.clear()
    clock.advance(2)
    assert frames(recorder) == []  # the first check only records the floor
    clock.advance(4)
    assert frames(recorder) == [{"t": 1}]
    clock.advance(8)
    assert frames(recorder) == [{"t": 1}, {"t": 1}]
    view.frame(a=1)
    clock.advance(100)
    assert frames(recorder) == [{"t": 1}, {"t": 1}], "no probes once everything is acknowledged"


def test_a_probe_from_the_page_is_answered_at_once(tunnel: SlowTunnelWidget) -> None:
    recorder = comm_of(tunnel)
    view = recorder.view()
    view.send([[1, "a"]])
    view.frame(w=2)  # "I sent up to 2": seq 2 never arrived, the page will resend it
    assert frames(recorder)[-1] == {"a": {"view1": 1}}


def test_replies_go_to_the_page_that_asked_and_are_stale_per_page(
    tunnel: SlowTunnelWidget,
) -> None:
    recorder = comm_of(tunnel)
    left, right = recorder.view("left"), recorder.view("right")

    def answer(version: int, msg: str) -> None:
        tunnel.send_msg_with_version(version, f"re: {msg}")

    tunnel.on_receive(answer)
    left.send([[5, "q5"]])
    right.send([[1, "q1"]])  # the other tab counts its own versions
    replies = [e for e in recorder.entries() if e[1].startswith("re:")]
    assert replies == [[5, "re: q5", 0, "left"], [1, "re: q1", 0, "right"]]
    tunnel.on_receive(None)
    left.send([[6, "q6"]])
    assert tunnel.send_msg_with_version(5, "late") is False, "stale for the last sender, left"


def test_plain_handlers_never_see_typed_kinds(tunnel: SlowTunnelWidget) -> None:
    got = received(tunnel)
    comm_of(tunnel).view().send([[1, "reply", 1], [2, "error", 2], [3, "cancel", 3], [4, "m"]])
    assert got == [(4, "m")]


@pytest.mark.parametrize("bad", ["\ud800", "ok \udfff", "x" * 70 + "\udbff"])
def test_lone_surrogates_are_refused_naming_the_index(tunnel: SlowTunnelWidget, bad: str) -> None:
    tunnel.send_msg("before")
    index = len(bad) - 1
    with pytest.raises(ValueError, match=rf"lone surrogate '\\ud[8-9a-f]..' at index {index}"):
        tunnel.send_msg(bad)
    with pytest.raises(ValueError, match="lone surrogate"):
        tunnel.send_msg_with_version(1, bad)
    assert tunnel.send_msg("after 😀") == 2
    tunnel.flush()
    assert [e[1] for e in comm_of(tunnel).entries()] == ["before", "after 😀"]


def test_a_handler_failing_on_every_message_is_summarised(
    tunnel: SlowTunnelWidget, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(version: int, msg: str) -> None:
        raise ValueError(f"cannot handle {version}")

    tunnel.on_receive(broken)
    view = comm_of(tunnel).view()
    for i in range(1, 1001):
        view.send([[i, "x"]])
    clock.advance(5)
    err = capsys.readouterr().err
    assert err.count("Traceback") == 3
    assert "997 more problem(s) in the last 5 s; latest: the on_receive handler raised" in err
    assert len(err) < 8000, "a flood must not become a flood of output"
    assert tunnel.stats.handler_errors == 1000


def test_after_a_keyboard_interrupt_the_queued_messages_still_arrive(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[str] = []

    def handler(version: int, msg: str) -> None:
        if msg == "slow":
            raise KeyboardInterrupt
        got.append(msg)

    tunnel.on_receive(handler)
    with pytest.raises(KeyboardInterrupt):
        comm_of(tunnel).view().send([[1, "slow"], [2, "a"], [3, "b"]])
    assert got == []
    clock.advance(0)  # no event loop in this thread: the timer thread delivers them
    assert got == ["a", "b"]
    assert tunnel.stats.interrupted == 1


def test_on_interrupt_drop_drops_and_counts_the_queued_messages(clock: FakeClock) -> None:
    tunnel = SlowTunnelWidget(on_interrupt="drop")

    def handler(version: int, msg: str) -> None:
        raise KeyboardInterrupt

    tunnel.on_receive(handler)
    with pytest.raises(KeyboardInterrupt):
        comm_of(tunnel).view().send([[1, "x"], [2, "y"], [3, "z"]])
    clock.advance(1)
    assert (tunnel.stats.dropped, tunnel.stats.pending_in) == (2, 0)
    tunnel.close()


def test_the_widget_state_leaves_out_huge_messages(tunnel: SlowTunnelWidget) -> None:
    big = "x" * (STATE_MSG_LIMIT + 1)
    comm_of(tunnel).view().send([[1, big]])
    tunnel.send_msg("small")
    state = tunnel.get_state()
    assert state["py_endpoint"] == [1, None]
    assert state["js_endpoint"] == [1, "small"]
    assert tunnel.py_endpoint == (1, big), "the kernel still has the message itself"


def test_a_page_that_says_goodbye_no_longer_holds_entries(tunnel: SlowTunnelWidget) -> None:
    recorder = comm_of(tunnel)
    stays, leaves = recorder.view("stays"), recorder.view("leaves")
    stays.hello()
    leaves.hello()
    tunnel.send_msg("x")
    stays.frame(a=1)
    assert tunnel.stats.kept == 1
    leaves.frame(x=1)
    stays.frame(a=1)
    assert tunnel.stats.kept == 0
    assert tunnel.stats.views == 1
