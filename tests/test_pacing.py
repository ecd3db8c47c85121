"""Pacing keeps kernel-to-browser comm messages under jupyter_server's rate limit."""

from __future__ import annotations

import threading
from typing import Any

from fake_clock import FakeClock

from ipycallback.tunnel.outbox import Outbox
from ipycallback.tunnel.pacing import Scheduler, TokenBucket

Frame = dict[str, Any]


def outbox_on(
    clock: FakeClock, capacity: float = 5, rate: float = 100
) -> tuple[Outbox, list[Frame]]:
    frames: list[Frame] = []
    return Outbox(frames.append, TokenBucket(capacity, rate, clock.now), clock), frames


def test_token_bucket_allows_its_capacity_then_asks_to_wait() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=3, rate=10, now=clock.now)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take() == 0.1
    clock.advance(0.1)
    assert bucket.take() == 0.0


def test_outbox_sends_at_once_while_budget_lasts_then_batches() -> None:
    clock = FakeClock()
    outbox, frames = outbox_on(clock)
    for version in range(1, 1001):
        outbox.push([version, "x"], 1)
    assert [len(frame["b"]) for frame in frames] == [1, 1, 1, 1, 1]
    clock.advance(0.01)  # one token refills: the rest of the burst leaves as one batch
    assert [frame["s"] for frame in frames] == [1, 2, 3, 4, 5, 6]
    assert len(frames[-1]["b"]) == 995
    assert [entry[0] for frame in frames for entry in frame["b"]] == list(range(1, 1001))


def test_a_paced_burst_stays_far_below_the_server_rate_limit() -> None:
    # jupyter_server allows 1000 msg/s averaged over 3 s: 3000 in any window.
    clock = FakeClock()
    outbox, frames = outbox_on(clock, capacity=50, rate=250)
    for version in range(1, 100_001):  # one message every 10 us for a simulated second
        outbox.push([version, "x"], 1)
        clock.advance(0.00001)
    outbox.flush()
    assert len(frames) <= 50 + 250 + 1
    assert [entry[0] for frame in frames for entry in frame["b"]] == list(range(1, 100_001))


def test_large_batches_leave_at_once_whatever_the_budget() -> None:
    clock = FakeClock()
    outbox, frames = outbox_on(clock, capacity=1, rate=0.001)
    outbox.push([1, "a"], 1)
    outbox.push([2, "b" * (1 << 20)], 1 << 20)
    assert [frame["s"] for frame in frames] == [1, 2]


def test_kept_entries_are_resent_repacked_until_released() -> None:
    clock = FakeClock()
    outbox, frames = outbox_on(clock, capacity=100)
    for version in range(1, 6):
        outbox.push([version, "x"], 1)
    frames.clear()
    outbox.resend_from(3)
    assert frames == [{"s": 3, "b": [[3, "x"], [4, "x"], [5, "x"]]}]
    assert outbox.resent == 3
    outbox.release_through(4)
    assert outbox.oldest_kept == 5
    frames.clear()
    outbox.resend_from(1)  # what is released can no longer be resent
    assert frames == [{"s": 5, "b": [[5, "x"]]}]


def test_eviction_bounds_memory_but_never_drops_unsent_or_the_last_entry() -> None:
    clock = FakeClock()
    frames: list[Frame] = []
    outbox = Outbox(frames.append, TokenBucket(100, 100, clock.now), clock, max_kept=3)
    for version in range(1, 11):
        outbox.push([version, "x"], 1)
    assert outbox.kept == 3
    assert outbox.evicted_through == 7
    big = Outbox(frames.append, TokenBucket(100, 100, clock.now), clock, max_kept_chars=10)
    big.push([1, "y" * 50], 50)
    assert big.kept == 1, "an entry larger than the limit is still kept until acknowledged"


def test_acks_wait_for_their_delay_or_ride_on_data() -> None:
    clock = FakeClock()
    outbox, frames = outbox_on(clock, capacity=100)
    outbox.control("a", 7, "view1", delay=0.2)
    assert frames == []
    clock.advance(0.1)
    outbox.push([1, "x"], 1)
    assert frames == [{"s": 1, "b": [[1, "x"]], "a": {"view1": 7}}]
    clock.advance(0.5)
    assert len(frames) == 1, "the ack left with the data; nothing is left to send alone"
    outbox.control("a", 9, "view1", delay=0.2)
    clock.advance(0.2)
    assert frames[-1] == {"a": {"view1": 9}}


def test_urgent_control_goes_at_once_and_standalone_control_respects_the_budget() -> None:
    clock = FakeClock()
    outbox, frames = outbox_on(clock, capacity=1, rate=10)
    outbox.control("h", 1, "view1")
    assert frames == [{"h": {"view1": 1}}]
    outbox.control("n", 4, "view2")
    assert len(frames) == 1, "the budget is spent: the nack waits for a token"
    clock.advance(0.1)
    assert frames[-1] == {"n": {"view2": 4}}


def test_scheduler_runs_callbacks_in_deadline_order_and_skips_cancelled_ones() -> None:
    scheduler = Scheduler()
    order: list[str] = []
    done = threading.Event()

    def late() -> None:
        order.append("late")
        done.set()

    scheduler.call_later(0.05, late)
    scheduler.call_later(0.01, lambda: order.append("early"))
    scheduler.call_later(0.02, lambda: order.append("cancelled")).cancel()
    assert done.wait(2)
    assert order == ["early", "late"]
