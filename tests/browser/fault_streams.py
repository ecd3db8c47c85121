"""Numbered message streams through a real tunnel, for the fault tests (issue 9).

Both sides send "0", "1", ... and record what arrives with a wall-clock time, so a test can tell
whether every message arrived exactly once and in order, and when. The kernel's `time.time()`
and the page's `Date.now() / 1000` share one clock (same machine).

- `KERNEL_SETUP`: defines `record(tunnel)`, `pump(tunnel, n, every)` (a thread sending `n`
  messages, one per `every` s) and `check(got, n)` in the kernel.
- `js_record(page, id)` / `js_check(page, id, n)` / `js_pump(page, id, n, chunk, gap_ms)`: the
  page's counterparts; `js_stats(page, id)` is the tunnel's `stats`.
"""

from __future__ import annotations

import time
from typing import Any

from ipycallback_testing import NotebookPage
from ipycallback_testing.tunnel_page import kernel_json

KERNEL_SETUP = """
import threading, time
from ipycallback import SlowTunnelWidget

def record(tunnel):
    rec = {"got": [], "at": []}
    def handler(version, msg):
        rec["got"].append(msg)
        rec["at"].append(time.time())
    tunnel.on_receive(handler)
    return rec

def check(rec, n):
    got = rec["got"]
    first_bad = next((i for i, m in enumerate(got) if m != str(i)), -1)
    return {"count": len(got), "first_bad": first_bad, "unique": len(set(got)),
            "last": rec["at"][-1] if rec["at"] else None, "complete": got == [str(i) for i in range(n)]}

def pump(tunnel, n, every, chunk=1):
    sent_at = []
    def run():
        for i in range(n):
            sent_at.append(time.time())
            tunnel.send_msg(str(i))
            if every and i % chunk == chunk - 1:
                time.sleep(every)
    threading.Thread(target=run, daemon=True).start()
    return sent_at
"""

_RECORD = """async ([id, timeoutMs]) => {
  const t = await window.IPyCallback.wait(id, { timeoutMs });
  const rec = (window.__rec ||= {})[id] = { got: [], at: [] };
  t.on_receive((v, m) => { rec.got.push(m); rec.at.push(Date.now()); });
  return true;
}"""

_CHECK = """([id, n]) => {
  const r = window.__rec[id];
  let firstBad = -1;
  for (let i = 0; i < r.got.length; i++) if (r.got[i] !== String(i)) { firstBad = i; break; }
  return { count: r.got.length, first_bad: firstBad, unique: new Set(r.got).size,
           last: r.at.length ? r.at[r.at.length - 1] / 1000 : null,
           complete: r.got.length === n && firstBad === -1 };
}"""

_PUMP = """([id, n, chunk, gapMs]) => {
  const t = window.IPyCallback.get(id);
  const s = (window.__pump ||= {})[id] = { sentAt: [], done: false, error: null };
  let i = 0;
  const step = () => {
    try {
      for (let k = 0; k < chunk && i < n; k++, i++) { s.sentAt.push(Date.now()); t.send_msg(String(i)); }
    } catch (e) { s.error = String(e); return; }
    if (i < n) setTimeout(step, gapMs); else s.done = true;
  };
  step();
}"""


def js_record(page: NotebookPage, tunnel_id: str, timeout: float = 30) -> None:
    page.evaluate(_RECORD, [tunnel_id, timeout * 1000])


def js_check(page: NotebookPage, tunnel_id: str, n: int) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_CHECK, [tunnel_id, n])
    return result


def js_stats(page: NotebookPage, tunnel_id: str) -> dict[str, Any]:
    stats: dict[str, Any] = page.evaluate("(id) => window.IPyCallback.get(id).stats", tunnel_id)
    return stats


def js_pump(page: NotebookPage, tunnel_id: str, n: int, chunk: int = 1, gap_ms: int = 0) -> None:
    """Send "0".."n-1" from the page, `chunk` per task, `gap_ms` between tasks."""
    page.evaluate(_PUMP, [tunnel_id, n, chunk, gap_ms])


def js_sent_at(page: NotebookPage, tunnel_id: str) -> list[float]:
    times: list[float] = page.evaluate("(id) => window.__pump[id].sentAt", tunnel_id)
    return [t / 1000 for t in times]


def wait_js_count(page: NotebookPage, tunnel_id: str, n: int, timeout: float = 60) -> None:
    page.wait_for_js(f"() => window.__rec[{tunnel_id!r}].got.length >= {n}", timeout=timeout)


def wait_kernel_count(page: NotebookPage, rec: str, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (count := kernel_json(page, f"len({rec}['got'])")) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel's {rec} has {count} of {n} messages after {timeout}s")
        time.sleep(0.3)


def kernel_stats(page: NotebookPage, tunnel: str) -> dict[str, Any]:
    stats: dict[str, Any] = kernel_json(page, f"{tunnel}.stats.__dict__")
    return stats


def order_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """The counters a fault test reports, from either side's stats (JS names or Python's)."""
    keys = {
        "out_of_order": ("out_of_order", "outOfOrder"),
        "duplicates": ("duplicates",),
        "resent": ("resent",),
        "lost": ("lost",),
    }
    return {k: next((stats[n] for n in names if n in stats), None) for k, names in keys.items()}
