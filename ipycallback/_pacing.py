"""Pacing for kernel-to-browser comm messages.

jupyter_server drops iopub messages beyond 1000 per second (averaged over 3 s), and comm
messages count. A process-wide token bucket keeps all tunnels together far below that, and a
single timer thread sends whatever a burst left behind once the bucket refills, even while a
cell keeps the kernel's event loop busy.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
import time
import traceback
from collections.abc import Callable


class TokenBucket:
    """Allows `capacity` sends at once and `rate` per second after that."""

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self._tokens = capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token; return 0.0 on success, else the seconds until one is due."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


class Scheduler:
    """Runs callbacks at deadlines on one daemon thread, started on first use."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def call_later(self, delay: float, callback: Callable[[], None]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), callback))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ipycallback-pacer", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                due, _, callback = self._heap[0]
                delay = due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
            try:
                callback()
            except Exception:  # a failing flush must not stop every other tunnel's flushes
                sys.stderr.write("ipycallback: a scheduled flush failed\n" + traceback.format_exc())


# 50 at once, then 250/s: at most 800 comm messages in any 3 s window, against a limit of 3000.
BUDGET = TokenBucket(capacity=50, rate=250)
SCHEDULER = Scheduler()
