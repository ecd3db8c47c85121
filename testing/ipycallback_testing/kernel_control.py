"""Kernel faults from the outside and what the page sees of them.

- `KernelEvents.install(page)` records, with wall-clock times, every `status` and
  `connectionStatus` change of the notebook's kernel as the page's `KernelConnection` reports it
  (through the SessionContext, so a changed kernel object is followed too), plus the iopub
  `shutdown_reply` and the first message of a new kernel process: a restart from outside the
  page (REST) may change no status at all.
- `restart_rest` / `interrupt_rest`: POST /api/kernels/{id}/restart|interrupt, as another client
  (or the server's own culling) would do.
- `restart_page`: the page's own `session.kernel.restart()`, as the Restart Kernel command does
  (without its confirmation dialog).
- `start_execute` / `wait_execute`: run code without waiting, e.g. to interrupt it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ._scripts import script
from .notebook_page import NotebookPage
from .server import JupyterServer

_INSTALL = script("kernel_events.js")

_STATE = script("kernel_state.js")


@dataclass(frozen=True)
class KernelEvent:
    at: float  # wall-clock seconds (the page's Date.now() / 1000)
    kind: str  # "status" | "connection" | "kernel" | "shutdown_reply" | "kernel_session"
    # a status ("restarting"), a connectionStatus ("connecting"), a new kernel id,
    # "restart" | "shutdown", or the new kernel process's session id
    value: str | None
    kernel_id: str | None


class KernelEvents:
    """The page's record of kernel status changes; `install` once per page."""

    def __init__(self, page: NotebookPage) -> None:
        self.page = page

    @classmethod
    def install(cls, page: NotebookPage) -> KernelEvents:
        page.evaluate(_INSTALL)
        return cls(page)

    def all(self, since: float = 0.0) -> list[KernelEvent]:
        raw: list[list[Any]] = self.page.evaluate("() => window.__kernelEvents")
        events = [KernelEvent(t / 1000, kind, value, kid) for t, kind, value, kid in raw]
        return [e for e in events if e.at >= since]

    def sequence(self, since: float = 0.0, kind: str | None = None) -> list[str]:
        """Compact "kind:value" strings, e.g. ["status:restarting", "status:idle"]."""
        return [f"{e.kind}:{e.value}" for e in self.all(since) if kind is None or e.kind == kind]

    def first(self, kind: str, value: str | None = None, since: float = 0.0) -> KernelEvent | None:
        """The first event of `kind` (with `value`, unless None) at or after `since`."""
        return next(
            (e for e in self.all(since) if e.kind == kind and (value is None or e.value == value)),
            None,
        )

    def wait_for(
        self, kind: str, value: str | None = None, since: float = 0.0, timeout: float = 60
    ) -> float:
        """Wall-clock time of the first event of `kind` (and `value`) at or after `since`."""
        deadline = time.monotonic() + timeout
        while (event := self.first(kind, value, since)) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.page.path}: no {kind} {value!r} within {timeout}s after {since}; "
                    f"events: {self.sequence(since)}"
                )
            self.page.page.wait_for_timeout(20)
        return event.at


def kernel_state(page: NotebookPage) -> tuple[str | None, str | None, str | None]:
    """(id, status, connectionStatus) of the page's current KernelConnection."""
    kid, status, conn = page.evaluate(_STATE)
    return kid, status, conn


def wait_kernel_ready(page: NotebookPage, timeout: float = 60) -> str:
    """Wait until the page's kernel is connected and idle; returns its id."""
    got = page.wait_for_js(
        """() => { const k = window.__harness.panel.sessionContext.session?.kernel;
          return k && k.connectionStatus === 'connected' && k.status === 'idle' && k.id; }""",
        timeout=timeout,
    )
    return str(got)


def restart_rest(server: JupyterServer, kernel_id: str, timeout: float = 60) -> float:
    """POST /api/kernels/{id}/restart; returns how long the call took (it answers once the new
    kernel process is up)."""
    start = time.monotonic()
    server.api("POST", f"/api/kernels/{kernel_id}/restart", body={}, timeout=timeout)
    return time.monotonic() - start


def interrupt_rest(server: JupyterServer, kernel_id: str) -> None:
    """POST /api/kernels/{id}/interrupt (SIGINT to the kernel process)."""
    server.api("POST", f"/api/kernels/{kernel_id}/interrupt", body={})


def restart_page(page: NotebookPage, timeout: float = 60) -> float:
    """The page's `session.kernel.restart()`; returns seconds until its promise resolved."""
    ms = page.evaluate(
        """async (ms) => {
          const k = window.__harness.panel.sessionContext.session.kernel;
          const t0 = performance.now();
          await Promise.race([k.restart(), new Promise((_, no) =>
            setTimeout(() => no(new Error('kernel.restart() hung')), ms))]);
          return performance.now() - t0;
        }""",
        timeout * 1000,
    )
    return float(ms) / 1000


_START = script("start_execute.js")


def start_execute(page: NotebookPage, code: str) -> int:
    """Send an execute_request and return at once; a handle for `wait_execute`."""
    return int(page.evaluate(_START, code))


def wait_execute(page: NotebookPage, handle: int, timeout: float = 60) -> dict[str, Any]:
    """The execute_reply content ({"status": ..., "ename": ...}), or {"status": "disposed",
    "error": ...} if the future was disposed (e.g. by a restart)."""
    got: dict[str, Any] = page.wait_for_js(
        f"""() => {{ const r = window.__runs[{handle}];
          return r.reply || (r.error && {{ status: 'disposed', error: r.error }}); }}""",
        timeout=timeout,
    )
    return got
