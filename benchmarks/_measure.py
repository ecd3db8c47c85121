"""Measure the three mechanisms in one notebook page: round trips and bursts both ways."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

from _snippets import KERNEL_SETUP, MODELS_READY, PAGE_JS, RAW_BURST_CELL, TRAIT_BURST_CELL

from ipycallback_testing import NotebookPage
from ipycallback_testing.probes import summary
from ipycallback_testing.tunnel_page import kernel_json

MECHANISMS = {
    "tunnel": "ipycallback tunnel",
    "raw": "raw anywidget echo",
    "trait": "trait sync (original)",
}
WARM_UP = 10
TRIP_TIMEOUT_MS = 10_000
QUIET_MS = 3_000
# jupyter_server judges the IOPub rate over a 3 s window; a burst must not inherit the last one's.
SETTLE_S = 3.5


@dataclass
class Counts:
    round_trips: int
    burst: int
    burst_timeout_s: float


@dataclass
class Latency:
    median_ms: float | None
    p99_ms: float | None
    times_ms: list[float]
    error: str | None = None


@dataclass
class Burst:
    sent: int
    delivered: int
    seconds: float | None
    how: str
    note: str = ""
    # Every message the page got from the kernel while it waited, status messages included.
    kernel_messages_seen: int | None = None
    reply_seconds: float | None = None  # first send to the page's receipt of the 'done' reply

    @property
    def per_second(self) -> float | None:
        return self.delivered / self.seconds if self.seconds else None


@dataclass
class Result:
    server: str
    mechanism: str
    latency: Latency
    to_kernel: Burst
    to_browser: Burst

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["to_kernel"]["per_second"] = self.to_kernel.per_second
        data["to_browser"]["per_second"] = self.to_browser.per_second
        return data


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def prepare(page: NotebookPage) -> None:
    result = page.execute(KERNEL_SETUP, timeout=120)
    if result.status != "ok":
        raise RuntimeError(f"benchmark setup failed in the kernel:\n{result.text}")
    page.wait_for_js(MODELS_READY, timeout=60)
    page.evaluate(PAGE_JS)


def settle(page: NotebookPage) -> None:
    """Let the kernel, the server's rate window and the page finish with the last burst."""
    page.execute("pass", timeout=120, settle=10)
    deadline = time.monotonic() + 30
    while not page.evaluate("window.__bench.kernelIdle()") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(SETTLE_S)


def round_trips(page: NotebookPage, kind: str, count: int) -> Latency:
    args = [kind, WARM_UP, "x", TRIP_TIMEOUT_MS]
    warm = page.evaluate("(a) => window.__bench.roundTrips(...a)", args)
    if warm["error"]:
        return Latency(None, None, [], f"warm-up: {warm['error']}")
    run = page.evaluate(
        "(a) => window.__bench.roundTrips(...a)", [kind, count, "x", TRIP_TIMEOUT_MS]
    )
    times = [float(t) for t in run["times"]]
    stats = summary(times) if times else {"median": None, "p99": None}
    return Latency(stats["median"], stats["p99"], times, run["error"])


def kernel_count(page: NotebookPage, kind: str, timeout: float) -> dict[str, float]:
    """The burst's count in the kernel, once it stops growing (a slow kernel may still be busy)."""
    deadline = time.monotonic() + timeout
    report: dict[str, float] = kernel_json(page, f"bursts[{kind!r}].report()")
    while time.monotonic() < deadline:
        time.sleep(1)
        again: dict[str, float] = kernel_json(page, f"bursts[{kind!r}].report()")
        if again["count"] == report["count"]:
            return again
        report = again
    return report


def burst_to_kernel(page: NotebookPage, kind: str, counts: Counts) -> Burst:
    size = counts.burst
    page.execute(f"bursts[{kind!r}].arm({size})")
    args = [kind, size, QUIET_MS, counts.burst_timeout_s * 1000]
    run = page.evaluate("(a) => window.__bench.burstIn(...a)", args)
    report = kernel_count(page, kind, counts.burst_timeout_s)
    delivered, seen = int(report["count"]), int(run["heard"])
    done_ms = page.evaluate("window.__bench.doneInMs()")
    reply = None if done_ms is None else done_ms / 1000
    note = "" if reply is not None else "the kernel's 'done' reply never reached the page"
    if not delivered:
        return Burst(size, 0, None, "nothing arrived", note, seen, reply)
    # The kernel's clock, not the reply: a reply stuck behind the page's backlog of status
    # messages, or lost, would time the page instead of the delivery. Browser and kernel share
    # this machine's wall clock, good to a millisecond.
    seconds = report["last"] - run["wallStart"] / 1000
    return Burst(
        size, delivered, seconds, "first send to the kernel's last arrival", note, seen, reply
    )


def burst_to_browser(page: NotebookPage, kind: str, counts: Counts) -> Burst:
    size = counts.burst
    if kind == "tunnel":
        page.evaluate("(a) => window.__bench.startOut(...a)", [kind, str(size)])
        how = "'go' sent to the last arrival"
    else:
        page.evaluate("(a) => window.__bench.startOut(...a)", [kind, None])
        cell = (RAW_BURST_CELL if kind == "raw" else TRAIT_BURST_CELL).format(size=size)
        result = page.execute(cell, timeout=counts.burst_timeout_s, settle=10)
        if result.status != "ok":
            raise RuntimeError(f"the {kind} burst cell failed:\n{result.text}")
        how = "cell start to the last arrival"
    args = [size, QUIET_MS, counts.burst_timeout_s * 1000]
    run = page.evaluate("(a) => window.__bench.finishOut(...a)", args)
    seconds = None if run["lastMs"] is None else run["lastMs"] / 1000
    return Burst(size, int(run["delivered"]), seconds, how)


def measure_page(
    page: NotebookPage, server: str, counts: Counts, kinds: tuple[str, ...] | None = None
) -> list[Result]:
    prepare(page)
    results = []
    for kind, label in MECHANISMS.items():
        if kinds is not None and kind not in kinds:
            continue
        log(f"[{server}] {label}: {WARM_UP}+{counts.round_trips} round trips")
        latency = round_trips(page, kind, counts.round_trips)
        settle(page)
        log(f"[{server}] {label}: burst of {counts.burst} browser -> kernel")
        to_kernel = burst_to_kernel(page, kind, counts)
        settle(page)
        log(f"[{server}] {label}: burst of {counts.burst} kernel -> browser")
        to_browser = burst_to_browser(page, kind, counts)
        settle(page)
        results.append(Result(server, kind, latency, to_kernel, to_browser))
    return results
