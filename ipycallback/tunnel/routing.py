"""Which kernel thread runs a tunnel's incoming messages, and whether a cell may wait for one.

JupyterLab 4.4+ sends widget messages on a kernel subshell (its "Kernel Comms over subshells"
setting), and ipykernel 7 asks each comm where to run an incoming message. A tunnel answers:
while the main shell is free, on the main shell, where a KeyboardInterrupt reaches the handler;
while a cell runs or `call()` waits for the page, on the subshell the page chose, so handlers
keep running during the cell and the page's reply can end the wait. Without subshells (older
ipykernel, other front ends) nothing changes: messages run between cells on the main shell.
marimo runs them between cells too, on the thread that runs the session's cells (not the main
thread under `marimo run`).
"""

from __future__ import annotations

import sys
import threading
from contextlib import AbstractContextManager
from typing import Any

MAX_REMEMBERED = 256


class _MainShell:
    """How busy the main shell is: cells executing, and call()s waiting for the page."""

    def __init__(self) -> None:
        self.cells = 0
        self.waits = 0
        self._hooked = False
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        return self.cells > 0 or self.waits > 0

    def hook(self) -> None:
        with self._lock:
            if self._hooked:
                return
            self._hooked = True
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - ipykernel brings IPython
            return
        shell = get_ipython()
        events = getattr(shell, "events", None)
        if events is None:
            return
        events.register("pre_execute", self._pre)
        events.register("post_execute", self._post)

    def _pre(self) -> None:
        self.cells += 1

    def _post(self) -> None:
        self.cells = max(0, self.cells - 1)


MAIN_SHELL = _MainShell()


# JupyterLab's commsOverSubshells values under which a page sends widget messages on a subshell.
_SUBSHELL_SETTINGS = ("perCommTarget", "perComm")


class Router:
    def __init__(self) -> None:
        self.installed = False
        # The subshell each view's messages arrive for (None: the main shell), as last seen.
        self.subshell_of: dict[str, str | None] = {}
        # Views that have sent on a subshell at least once.
        self.ever_on_subshell: set[str] = set()

    def install(self, comm: object) -> None:
        # ipykernel >= 7.4 calls comm._reply_subshell_for(data, default) for each comm_msg.
        if not callable(getattr(comm, "_reply_subshell_for", None)):
            return
        comm._reply_subshell_for = self.route  # type: ignore[attr-defined]
        self.installed = True
        MAIN_SHELL.hook()

    def route(self, data: Any, default: str | None) -> str | None:
        content = data.get("content") if isinstance(data, dict) else None
        view = content.get("p") if isinstance(content, dict) else None
        if isinstance(view, str):
            if view not in self.subshell_of and len(self.subshell_of) >= MAX_REMEMBERED:
                oldest = next(iter(self.subshell_of))
                del self.subshell_of[oldest]
                self.ever_on_subshell.discard(oldest)
            self.subshell_of[view] = default
            if default is not None:
                self.ever_on_subshell.add(view)
        if default is None or not MAIN_SHELL.busy:
            return None
        return default

    def answers_while_busy(self, caps: dict[str, dict[str, Any]]) -> bool:
        """Whether any of these views (peer -> its hello's caps) sends its messages on a subshell,
        so that they reach the kernel while the main shell is blocked.

        A view whose frames have all gone to the main shell so far may still be about to use a
        subshell: JupyterLab creates a comm's subshell only after the comm exists, so a page's
        first frames (its hello, right at model creation) leave before it does, and a page that
        has nothing else to say sends nothing later that would show the change. Its hello's caps
        tell: JupyterLab's setting, and whether the kernel connection supports subshells. A view
        seen on a subshell before and on the main shell since has had its subshell closed (the
        setting changed): what it sends goes to the main shell.
        """
        for view, view_caps in caps.items():
            if self.subshell_of.get(view) is not None:
                return True
            if (
                view not in self.ever_on_subshell
                and view_caps.get("subshells") in _SUBSHELL_SETTINGS
                and view_caps.get("supportsSubshells") is True
            ):
                return True
        return False


class _MainShellWaiting(AbstractContextManager[None]):
    # A class rather than @contextmanager: every message handled on the main shell enters it,
    # and a generator-based one cost about as much as the rest of the receive path per message.
    # It keeps no state of its own, so one instance serves every (nested) use.
    def __enter__(self) -> None:
        MAIN_SHELL.waits += 1

    def __exit__(self, *_exc: object) -> None:
        MAIN_SHELL.waits -= 1


_WAITING = _MainShellWaiting()


def main_shell_waiting() -> AbstractContextManager[None]:
    """Marks the main shell as blocked by a wait for the page, for the router to see."""
    return _WAITING


def on_marimo_runtime_thread() -> bool:
    """Whether this thread runs a marimo session's cells, which also runs the page's widget
    messages. marimo's context is per thread, so a thread the user started is not one."""
    # Only asked where the host has loaded marimo: importing it here would cost every kernel.
    marimo = sys.modules.get("marimo")
    running_in_notebook = getattr(marimo, "running_in_notebook", None)
    return callable(running_in_notebook) and bool(running_in_notebook())
