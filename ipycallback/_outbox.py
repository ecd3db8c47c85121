"""Batches kernel-to-browser messages into few comm messages without reordering them."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ._pacing import BUDGET, SCHEDULER, Scheduler, TokenBucket

# [version, msg], or [version, msg, kind] for the typed layer's replies and errors: a JSON
# array is the smallest frame per message.
Entry = list[int | str]

# Above this many characters a batch goes out at once, whatever the budget says: large
# payloads are few, so they cannot approach the message-rate limit.
MAX_BATCH_CHARS = 1 << 20


class Outbox:
    """Sends the first messages of a burst at once and the rest in paced batches."""

    def __init__(
        self,
        transmit: Callable[[list[Entry]], None],
        budget: TokenBucket = BUDGET,
        scheduler: Scheduler = SCHEDULER,
    ) -> None:
        self._transmit = transmit
        self._budget = budget
        self._scheduler = scheduler
        self._lock = threading.Lock()
        self._entries: list[Entry] = []
        self._chars = 0
        self._timer_armed = False
        self.batches_sent = 0

    def push(self, version: int, msg: str, kind: int = 0) -> None:
        with self._lock:
            self._entries.append([version, msg] if kind == 0 else [version, msg, kind])
            self._chars += len(msg)
            if self._chars >= MAX_BATCH_CHARS:
                self._send_locked()
            else:
                self._send_if_budget_locked()

    def flush(self) -> None:
        """Send everything queued now, ignoring the budget (used by close and by users)."""
        with self._lock:
            self._send_locked()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._entries)

    def _send_if_budget_locked(self) -> None:
        if not self._entries:
            return
        wait = self._budget.take()
        if wait == 0.0:
            self._send_locked()
        elif not self._timer_armed:
            self._timer_armed = True
            self._scheduler.call_later(wait, self._on_timer)

    def _on_timer(self) -> None:
        with self._lock:
            self._timer_armed = False
            self._send_if_budget_locked()

    def _send_locked(self) -> None:
        # Sending under the lock keeps batches from two threads in version order.
        if not self._entries:
            return
        entries, self._entries, self._chars = self._entries, [], 0
        self.batches_sent += 1
        self._transmit(entries)
