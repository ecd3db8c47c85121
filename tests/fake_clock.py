"""A clock that moves only when a test says so, so timing tests never sleep or race."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable


class _Timer:
    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeClock:
    def __init__(self) -> None:
        self.time = 0.0
        self._heap: list[tuple[float, int, _Timer]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self.time

    def call_later(self, delay: float, callback: Callable[[], None]) -> _Timer:
        timer = _Timer(callback)
        heapq.heappush(self._heap, (self.time + max(delay, 0.0), next(self._seq), timer))
        return timer

    def advance(self, seconds: float) -> None:
        """Move time forward, running each timer that falls due, in deadline order."""
        end = self.time + seconds
        while self._heap and self._heap[0][0] <= end:
            due, _, timer = heapq.heappop(self._heap)
            self.time = max(self.time, due)
            if not timer.cancelled:
                timer.callback()
        self.time = end

    @property
    def armed(self) -> int:
        return sum(1 for _, _, timer in self._heap if not timer.cancelled)
