"""How long the page takes to handle real input events, e.g. while a burst keeps it busy.

`measure_input_latency(page, n)` adds an <input> on top of the page, types n keys into it with
Playwright's keyboard (real CDP input events) and returns, per keydown, the delay before the
handler ran: `performance.now() - event.timeStamp` (the timestamp is taken when the browser
process created the event, so the delay includes the wait for a busy main thread).

`start_busy_loop(page, slice_ms)` / `stop_busy_loop(page)` keep the main thread busy in slices
of `slice_ms` (setTimeout between slices), to check the probe itself.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from ._scripts import script
from .notebook_page import NotebookPage

PROBE_ID = "__latency_probe"

_INSTALL = script("latency_probe.js")

_BUSY = script("busy_loop.js")


@dataclass(frozen=True)
class LatencySummary:
    samples_ms: list[float]

    @property
    def max_ms(self) -> float:
        return max(self.samples_ms)

    @property
    def p50_ms(self) -> float:
        return float(statistics.median(self.samples_ms))

    def __str__(self) -> str:
        return f"n={len(self.samples_ms)} p50={self.p50_ms:.1f} ms max={self.max_ms:.1f} ms"


def measure_input_latency(
    page: NotebookPage, n: int = 20, gap_ms: tuple[float, float] = (20, 120), seed: int = 0
) -> LatencySummary:
    """Type n keys with a random pause (uniform in gap_ms) between them, so the keystrokes
    land at random points of whatever the page is doing."""
    rng = random.Random(seed)
    page.evaluate(_INSTALL, PROBE_ID)
    page.page.focus(f"#{PROBE_ID}")
    for i in range(n):
        page.page.keyboard.press("abcdefghij"[i % 10])
        page.page.wait_for_timeout(rng.uniform(*gap_ms))
    samples: list[float] = page.evaluate("() => window.__latency")
    assert len(samples) == n, f"{n} keys typed, {len(samples)} keydown events handled"
    return LatencySummary([float(s) for s in samples])


def start_busy_loop(page: NotebookPage, slice_ms: float = 200) -> None:
    page.evaluate(_BUSY, slice_ms)


def stop_busy_loop(page: NotebookPage) -> int:
    """Stop it; returns how many slices ran."""
    return int(page.evaluate("() => { window.__busy.on = false; return window.__busy.slices; }"))
