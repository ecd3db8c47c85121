"""Pacing keeps kernel-to-browser comm messages under jupyter_server's rate limit."""

from __future__ import annotations

import threading
import time

from ipycallback._outbox import Entry, Outbox
from ipycallback._pacing import Scheduler, TokenBucket


def test_token_bucket_allows_its_capacity_then_asks_to_wait() -> None:
    bucket = TokenBucket(capacity=3, rate=10)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.take()
    assert 0.0 < wait <= 0.1


def test_outbox_sends_at_once_while_budget_lasts_then_batches() -> None:
    frames: list[list[Entry]] = []
    done = threading.Event()

    def transmit(entries: list[Entry]) -> None:
        frames.append(entries)
        if entries[-1][0] == 1000:
            done.set()

    outbox = Outbox(transmit, TokenBucket(capacity=5, rate=100), Scheduler())
    for version in range(1, 1001):
        outbox.push(version, "x")
    assert done.wait(5), "the scheduler must send the tail of a burst"
    assert [len(frame) for frame in frames[:5]] == [1, 1, 1, 1, 1]
    assert [entry[0] for frame in frames for entry in frame] == list(range(1, 1001))
    assert len(frames) < 20


def test_scheduler_runs_callbacks_in_deadline_order() -> None:
    scheduler = Scheduler()
    order: list[str] = []
    done = threading.Event()
    scheduler.call_later(0.05, lambda: (order.append("late"), done.set()))
    scheduler.call_later(0.01, lambda: order.append("early"))
    assert done.wait(2)
    assert order == ["early", "late"]


def test_a_paced_burst_stays_far_below_the_server_rate_limit() -> None:
    # jupyter_server allows 1000 msg/s averaged over 3 s: 3000 in any window.
    sent_at: list[float] = []
    outbox = Outbox(lambda entries: sent_at.append(time.monotonic()), TokenBucket(50, 250))
    deadline = time.monotonic() + 1.0
    version = 0
    while time.monotonic() < deadline:
        version += 1
        outbox.push(version, "x")
    outbox.flush()
    assert len(sent_at) <= 50 + 250 * 1.2 + 2
