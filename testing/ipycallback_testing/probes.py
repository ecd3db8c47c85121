"""Measurements shared by the browser tests and `make bench`: they run inside the page."""

from __future__ import annotations

import statistics
from typing import Any

from .notebook_page import NotebookPage

ECHO_SETUP = """
from ipycallback import SlowTunnelWidget
echo = SlowTunnelWidget(tunnel_id="echo")
echo.on_receive(lambda version, msg: echo.send_msg_with_version(version, msg))
"""

# Sequential round trips over a tunnel whose kernel side echoes each message back.
ECHO_ROUND_TRIPS = """async ([tunnelId, count, payload]) => {
  const tunnel = await window.IPyCallback.wait(tunnelId, { timeoutMs: 30000 });
  const times = [];
  let resolveReply = null;
  tunnel.on_receive(() => resolveReply && resolveReply());
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await new Promise((resolve) => { resolveReply = resolve; tunnel.send_msg(payload); });
    times.push(performance.now() - start);
  }
  tunnel.on_receive(null);
  return times;
}"""


def summary(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p99": p99, "n": float(len(ordered))}


def echo_latencies(page: NotebookPage, count: int, payload: str = "x") -> list[float]:
    result = page.execute(ECHO_SETUP)
    assert result.status == "ok", result.text
    times: Any = page.evaluate(ECHO_ROUND_TRIPS, ["echo", count, payload])
    return [float(t) for t in times]
