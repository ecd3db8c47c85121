"""The kernel's one stream of entries to every view (see docs/protocol.md).

Entries are numbered as they are queued and kept until every live view has acknowledged them, so
they can be sent again after a websocket reconnect or to a view that appears later. Sending is
paced: the first messages of a burst leave at once, the rest in batches as the process-wide
budget refills. Control information (acks, hello answers, nacks) rides on the next data frame,
or goes alone, paced by the same budget.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .pacing import BUDGET, SCHEDULER, Clock, Timer, TokenBucket
from .wire import Entry

# Above this many characters a batch goes out at once, whatever the budget says: large
# payloads are few, so they cannot approach the message-rate limit. Resent entries are packed
# into frames of about this size.
MAX_BATCH_CHARS = 1 << 20
MAX_KEPT_CHARS = 64 << 20
MAX_KEPT = 100_000

Frame = dict[str, Any]


class Outbox:
    def __init__(
        self,
        transmit: Callable[[Frame], None],
        budget: TokenBucket = BUDGET,
        clock: Clock = SCHEDULER,
        *,
        max_kept_chars: int = MAX_KEPT_CHARS,
        max_kept: int = MAX_KEPT,
    ) -> None:
        self._transmit = transmit
        self._budget = budget
        self._clock = clock
        self._max_kept_chars = max_kept_chars
        self._max_kept = max_kept
        # Sending happens under this lock, so frames leave in seq order whichever thread sends.
        self._lock = threading.RLock()
        self._kept: deque[tuple[int, Entry, int]] = deque()  # seq, entry, characters
        self._kept_chars = 0
        self._next_seq = 1
        self._sent_through = 0
        self._resend_from: int | None = None
        self._pending_chars = 0
        self._control: Frame = {}
        self._pace_timer: Timer | None = None
        self._control_timer: Timer | None = None
        self._control_due = float("inf")
        self._holding = 0
        self.evicted_through = 0
        self.batches_sent = 0
        self.resent = 0

    # ------------------------------------------------------------- queueing

    def push(self, entry: Entry, chars: int) -> int:
        """Queue an entry; return its seq."""
        with self._lock:
            seq = self._next_seq
            self._next_seq += 1
            self._kept.append((seq, entry, chars))
            self._kept_chars += chars
            self._pending_chars += chars
            if self._pending_chars >= MAX_BATCH_CHARS:
                self._send_locked()
            else:
                self._send_if_budget_locked()
            self._evict_locked()
            return seq

    def flush(self) -> None:
        """Send everything queued now, ignoring the budget."""
        with self._lock:
            self._send_locked()

    def resend_from(self, seq: int) -> None:
        """Send kept entries from `seq` again (those still kept), with the next batch."""
        with self._lock:
            if seq > self._sent_through:
                return
            self._resend_from = seq if self._resend_from is None else min(self._resend_from, seq)
            self._send_if_budget_locked()

    def control(self, key: str, value: Any, peer: str | None = None, delay: float = 0.0) -> None:
        """Queue control information; it rides on the next frame, or leaves alone after `delay`."""
        with self._lock:
            if peer is None:
                self._control[key] = value
            else:
                self._control.setdefault(key, {})[peer] = value
            if delay <= 0:
                self._control_due = float("-inf")
                self._send_if_budget_locked()
                return
            due = self._clock.now() + delay
            if due < self._control_due:
                if self._control_timer is not None:
                    self._control_timer.cancel()
                self._control_due = due
                self._control_timer = self._clock.call_later(delay, self._on_control_timer)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Gather what is queued inside the block into as few frames as possible."""
        with self._lock:
            self._holding += 1
            try:
                yield
            finally:
                self._holding -= 1
                if self._holding == 0:
                    self._send_if_budget_locked()

    def release_through(self, seq: int) -> None:
        """Every view that matters has these entries: stop keeping them."""
        with self._lock:
            while self._kept and self._kept[0][0] <= min(seq, self._sent_through):
                _, _, chars = self._kept.popleft()
                self._kept_chars -= chars

    # ---------------------------------------------------------------- state

    @property
    def next_seq(self) -> int:
        return self._next_seq

    @property
    def sent_through(self) -> int:
        return self._sent_through

    @property
    def oldest_kept(self) -> int:
        """The seq of the oldest entry still kept, or the next seq when none is."""
        with self._lock:
            return self._kept[0][0] if self._kept else self._next_seq

    @property
    def pending(self) -> int:
        """Entries queued and not yet sent."""
        return self._next_seq - 1 - self._sent_through

    @property
    def kept(self) -> int:
        return len(self._kept)

    # -------------------------------------------------------------- sending

    def _send_if_budget_locked(self) -> None:
        if self._holding:
            return
        if self.pending == 0 and self._resend_from is None and not self._has_urgent_control():
            return
        wait = self._budget.take()
        if wait == 0.0:
            self._send_locked()
        elif self._pace_timer is None:
            self._pace_timer = self._clock.call_later(wait, self._on_pace_timer)

    def _has_urgent_control(self) -> bool:
        # Acks alone can wait for their delay; everything else should leave now.
        return any(key != "a" for key in self._control) or (
            bool(self._control) and self._control_due <= self._clock.now()
        )

    def _on_pace_timer(self) -> None:
        with self._lock:
            self._pace_timer = None
            self._send_if_budget_locked()

    def _on_control_timer(self) -> None:
        with self._lock:
            self._control_timer = None
            self._control_due = float("-inf")  # due now: let the budget decide
            self._send_if_budget_locked()
            if not self._control:
                self._control_due = float("inf")

    def _send_locked(self) -> None:
        frames = self._data_frames_locked()
        if self._control:
            if frames:
                frames[0].update(self._control)
            else:
                frames.append(self._control)
            self._control = {}
            self._control_due = float("inf")
            if self._control_timer is not None:
                self._control_timer.cancel()
                self._control_timer = None
        for frame in frames:
            self.batches_sent += 1
            self._transmit(frame)
        self._evict_locked()

    def _data_frames_locked(self) -> list[Frame]:
        start = self._sent_through + 1 if self._resend_from is None else self._resend_from
        end = self._next_seq - 1
        self._resend_from = None
        self._pending_chars = 0
        if not self._kept or start > end:
            self._sent_through = end
            return []
        first_kept = self._kept[0][0]
        start = max(start, first_kept)
        frames: list[Frame] = []
        batch: list[Entry] = []
        batch_start, chars = start, 0
        for index in range(start - first_kept, len(self._kept)):
            seq, entry, size = self._kept[index]
            if batch and chars + size > MAX_BATCH_CHARS:
                frames.append({"s": batch_start, "b": batch})
                batch, batch_start, chars = [], seq, 0
            batch.append(entry)
            chars += size
            if seq <= self._sent_through:
                self.resent += 1
        if batch:
            frames.append({"s": batch_start, "b": batch})
        self._sent_through = end
        return frames

    def _evict_locked(self) -> None:
        while (
            len(self._kept) > 1
            and (self._kept_chars > self._max_kept_chars or len(self._kept) > self._max_kept)
            and self._kept[0][0] <= self._sent_through
        ):
            seq, _, chars = self._kept.popleft()
            self._kept_chars -= chars
            self.evicted_through = seq
