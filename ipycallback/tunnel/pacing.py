"""Time for the tunnel: a clock with timers, and the pacing budget for kernel-to-browser messages.

jupyter_server drops iopub messages beyond 1000 per second (averaged over 3 s), and comm
messages count. A process-wide token bucket keeps all tunnels together far below that, and a
single timer thread sends whatever a burst left behind once the bucket refills, even while a
cell keeps the kernel's event loop busy.

Everything that waits takes a `Clock`, so tests can drive time by hand instead of sleeping.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Monotonic seconds, and callbacks run later (on some thread: callbacks must lock)."""

    def now(self) -> float: ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer: ...


class _Scheduled:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """The real clock: runs callbacks at deadlines on one daemon thread, started on first use."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Scheduled]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        return time.monotonic()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        item = _Scheduled(callback)
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), item))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ipycallback-pacer", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return item

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                due, _, item = self._heap[0]
                delay = due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
            if item.cancelled:
                continue
            try:
                item.callback()
            except Exception:  # one failing timer must not stop every other tunnel's timers
                sys.stderr.write("ipycallback: a timer callback failed\n" + traceback.format_exc())


class TokenBucket:
    """Allows `capacity` sends at once and `rate` per second after that."""

    def __init__(
        self, capacity: float, rate: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self._now = now
        self._tokens = capacity
        self._stamp = now()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token; return 0.0 on success, else the seconds until one is due."""
        with self._lock:
            now = self._now()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            # The tolerance keeps float rounding from asking for waits too short to pass.
            if self._tokens >= 1.0 - 1e-9:
                self._tokens -= 1.0
                return 0.0
            return max((1.0 - self._tokens) / self.rate, 1e-4)

    def take_many(self, amount: float) -> bool:
        """Take `amount` tokens if the bucket holds them; never waits."""
        with self._lock:
            now = self._now()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= amount:
                self._tokens -= amount
                return True
            return False


# 50 at once, then 250/s: at most 800 comm messages in any 3 s window, against a limit of 3000.
BUDGET = TokenBucket(capacity=50, rate=250)
SCHEDULER = Scheduler()
