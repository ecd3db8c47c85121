"""Putting a view's frames back in order: frames in order, ahead of a gap, overlapping what
arrived, repeated after a resend; what is delivered, acknowledged and counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_clock import FakeClock
from recording_comm import comm_of

from ipycallback import SlowTunnelWidget
from ipycallback.tunnel.reorder import Reorder


@pytest.fixture
def tunnel(clock: FakeClock) -> Iterator[SlowTunnelWidget]:
    widget = SlowTunnelWidget(tunnel_id="reorder")
    yield widget
    widget.close()


def entries(first: int, last: int) -> list[list[Any]]:
    return [[n, f"m{n}"] for n in range(first, last + 1)]


def messages(first: int, last: int) -> list[tuple[int, str]]:
    return [(n, f"m{n}") for n in range(first, last + 1)]


def acks(tunnel: SlowTunnelWidget, clock: FakeClock) -> list[int]:
    clock.advance(0.2)
    return [f["a"]["view1"] for f in comm_of(tunnel).custom() if "a" in f]


def test_in_order_frames_are_delivered_whole_and_acknowledged_once(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.send(entries(1, 100))
    view.send(entries(101, 200))
    assert got == messages(1, 200)
    assert acks(tunnel, clock) == [200]
    stats = tunnel.stats
    # In-order frames of several entries are not out of order (they once counted as such).
    assert (stats.received, stats.duplicates, stats.out_of_order) == (200, 0, 0)


def test_an_in_order_frame_then_one_after_a_gap_waits_for_the_gap(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.frame(s=1, b=entries(1, 3))
    view.frame(s=7, b=entries(7, 9))  # 4..6 are on their way on another thread
    assert got == messages(1, 3)
    # Contiguous with what was delivered while something is held: it releases what waited.
    view.frame(s=4, b=entries(4, 6))
    assert got == messages(1, 9)
    assert acks(tunnel, clock) == [9]
    assert (tunnel.stats.duplicates, tunnel.stats.out_of_order) == (0, 1)


def test_a_frame_reaching_into_held_entries_counts_those_as_duplicates(
    tunnel: SlowTunnelWidget,
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.frame(s=5, b=entries(5, 6))
    view.frame(s=1, b=entries(1, 5))  # 5 is already held
    view.frame(s=7, b=entries(7, 8))
    assert got == messages(1, 8)
    assert (tunnel.stats.duplicates, tunnel.stats.out_of_order) == (1, 1)


def test_a_frame_overlapping_delivered_entries_delivers_only_the_new_ones(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.frame(s=1, b=entries(1, 3))
    view.frame(s=2, b=entries(2, 5))  # duplicates inside the frame, then new entries
    view.frame(s=1, b=entries(1, 5))  # nothing new at all
    assert got == messages(1, 5)
    assert acks(tunnel, clock) == [5]
    assert (tunnel.stats.duplicates, tunnel.stats.out_of_order) == (2 + 5, 0)


def test_frames_after_a_resend_continue_in_order(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.frame(s=1, b=entries(1, 2))
    view.frame(s=5, b=entries(5, 6))  # 3..4 were lost in a websocket cut
    clock.advance(0.5)
    assert comm_of(tunnel).custom()[-1].get("n") == {"view1": 3}
    # The page sends everything from the nacked seq again, in one frame, then goes on.
    view.frame(s=3, b=entries(3, 6))
    view.frame(s=7, b=entries(7, 8))
    assert got == messages(1, 8)
    assert acks(tunnel, clock)[-1] == 8
    assert (tunnel.stats.duplicates, tunnel.stats.out_of_order) == (2, 1)


def test_a_malformed_entry_keeps_its_place_in_an_in_order_frame(
    tunnel: SlowTunnelWidget, clock: FakeClock
) -> None:
    got: list[tuple[int, str]] = []
    tunnel.on_receive(lambda v, m: got.append((v, m)))
    view = comm_of(tunnel).view()
    view.frame(s=1, b=[[1, "a"], "not an entry", [3, "c"]])
    view.frame(s=4, b=[[4, "d"]])
    assert got == [(1, "a"), (3, "c"), (4, "d")]
    assert acks(tunnel, clock) == [4]
    assert tunnel.stats.bad_frames == 1


def test_frames_follow_the_entry_by_entry_rule() -> None:
    # Every way a frame can meet the stream (before, overlapping, at, ahead of what is expected;
    # with and without held entries) against the rule applied one entry at a time.
    for held_at in (None, 6, 9):
        for seq in range(1, 9):
            for size in (1, 2, 4):
                reorder, model = Reorder(), _Model()
                for r in (reorder, model):
                    r.accept(1, [(n, "", 0) for n in range(1, 4)])
                    if held_at is not None:
                        r.accept(held_at, [(held_at, "", 0)])
                frame = [(n, "", 0) for n in range(seq, seq + size)]
                case = (held_at, seq, size)
                assert reorder.accept(seq, frame) == model.accept(seq, frame), case
                assert (reorder.expected, reorder.duplicates) == (
                    model.expected,
                    model.duplicates,
                ), case
                assert reorder.waiting == bool(model.held), case


class _Model:
    """The delivery rule entry by entry: deliver in seq order, count repeats as duplicates."""

    def __init__(self) -> None:
        self.expected = 1
        self.held: dict[int, tuple[int, str, int]] = {}
        self.duplicates = 0

    def accept(self, seq: int, frame: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
        for offset, entry in enumerate(frame):
            if seq + offset < self.expected or seq + offset in self.held:
                self.duplicates += 1
            else:
                self.held[seq + offset] = entry
        ready = []
        while self.expected in self.held:
            ready.append(self.held.pop(self.expected))
            self.expected += 1
        return ready
