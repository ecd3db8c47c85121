"""One notebook open in headless Chromium, driven cell by cell.

`NotebookPage` opens a notebook of a `JupyterServer` in a tab, waits until its kernel is
connected and idle, and runs cells or bare code there. Every wait is bounded and its timeout error
names what was being waited for. The page-side half lives in js/notebook_page.js.
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ._scripts import script
from .server import JupyterServer

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# An init script, so that it survives reloads.
_JS = script("notebook_page.js")


@dataclass
class ConsoleEntry:
    type: str  # console message type, or "pageerror" for uncaught exceptions
    text: str


@dataclass
class CellResult:
    status: str  # execute_reply status: "ok" | "error" | "aborted"
    outputs: list[dict[str, Any]] = field(default_factory=list)  # nbformat-shaped
    source: str = ""
    index: int | None = None

    @property
    def text(self) -> str:
        """Streams, text/plain results and error name/value/traceback."""
        parts: list[str] = []
        for out in self.outputs:
            kind = out.get("output_type")
            if kind == "stream":
                parts.append(_joined(out.get("text", "")))
            elif kind in ("execute_result", "display_data") and "text/plain" in out["data"]:
                parts.append(_joined(out["data"]["text/plain"]) + "\n")
            elif kind == "error":
                tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
                parts.append(f"{out.get('ename')}: {out.get('evalue')}\n{tb}\n")
        return "".join(parts)

    @property
    def stdout(self) -> str:
        return "".join(_joined(o["text"]) for o in self.outputs if o.get("name") == "stdout")


def _joined(text: str | list[str]) -> str:
    return "".join(text) if isinstance(text, list) else text


class CellExecutionError(AssertionError):
    pass


class NotebookPage:
    """One notebook open in its own tab of `context`, kernel connected and idle."""

    def __init__(
        self,
        server: JupyterServer,
        context: BrowserContext,
        path: str,
        timeout: float = 120,
        *,
        base_url: str | None = None,
        workspace: str | None = None,
    ) -> None:
        """`base_url` (e.g. a FaultProxy's) replaces the server's http://127.0.0.1:port in
        the page's address, so all of the page's traffic goes there; `workspace` names the
        Lab workspace (a fresh one by default; a name another open tab holds makes Lab
        redirect to an `auto-X` workspace)."""
        self.server, self.path = server, Path(path).as_posix()
        self.base_url = (base_url or server.base_url).rstrip("/")
        self.console: list[ConsoleEntry] = []
        self.kernel_id = ""
        self.page: Page = context.new_page()
        self.page.on("console", lambda m: self.console.append(ConsoleEntry(m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(ConsoleEntry("pageerror", str(e))))
        self.page.add_init_script(_JS)
        quoted = urllib.parse.quote(self.path)
        # A workspace per page: Lab neither restores notebooks of earlier pages
        # nor redirects when another tab holds the default workspace.
        self.workspace = workspace or f"h{secrets.token_hex(4)}"
        route = (
            f"lab/workspaces/{self.workspace}/tree/{quoted}"
            if server.app == "lab"
            else f"notebooks/{quoted}"
        )
        url = server.url(route).replace(server.base_url, self.base_url, 1)
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        self._wait_ready(timeout)

    def _call(self, fn: str, *args: Any) -> Any:
        try:
            return self.page.evaluate(f"(a) => window.__harness.{fn}(...a)", list(args))
        except PlaywrightError as e:
            if "harness timeout:" not in e.message:
                raise
            what = e.message.split("harness timeout:", 1)[1].strip().splitlines()[0]
            tail = "\n".join(f"  [{c.type}] {c.text}" for c in self.console[-15:])
            raise TimeoutError(
                f"{self.path}: timed out waiting for {what}; console tail:\n{tail}"
            ) from None

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                info = self._call("ready", self.path, max(1.0, deadline - time.monotonic()) * 1000)
                break
            except PlaywrightError as e:  # a redirect mid-wait; wait in the new document
                if (
                    "Execution context was destroyed" not in e.message
                    or time.monotonic() > deadline
                ):
                    raise
        if self.kernel_id and info["kernelId"] != self.kernel_id:
            raise AssertionError(
                f"kernel changed across reload: {self.kernel_id} -> {info['kernelId']}"
            )
        self.kernel_id = info["kernelId"]

    def reload(self, timeout: float = 120) -> None:
        """Reload the tab; wait until it is reconnected to the same kernel."""
        self.page.reload(wait_until="domcontentloaded", timeout=timeout * 1000)
        self._wait_ready(timeout)

    def cell_count(self) -> int:
        return int(self.evaluate("window.__harness.panel.content.widgets.length"))

    def run_cell(self, index: int, timeout: float = 60, settle: float = 2) -> CellResult:
        r = self._call("runCell", index, timeout * 1000, settle * 1000)
        return CellResult(r["status"], r["outputs"], r["source"], index)

    def start_cell(self, index: int, timeout: float = 60, settle: float = 2) -> None:
        """Starts running cell `index` and returns at once, for a cell that waits for the page
        (click something meanwhile); `finish_cell()` waits for its reply."""
        self.evaluate(
            "([i, ms, settle]) => {"
            " window.__harness.started = window.__harness.runCell(i, ms, settle); }",
            [index, timeout * 1000, settle * 1000],
        )

    def finish_cell(self) -> CellResult:
        """The result of the cell `start_cell()` started."""
        r = self.evaluate("async () => await window.__harness.started")
        return CellResult(r["status"], r["outputs"], r["source"])

    def run_all_cells(self, timeout: float = 60, settle: float = 2) -> list[CellResult]:
        """Run every cell in order; CellExecutionError on the first failure."""
        results = []
        for i in range(self.cell_count()):
            results.append(result := self.run_cell(i, timeout, settle))
            if result.status != "ok":
                raise CellExecutionError(
                    f"{self.path} cell {i} finished with status {result.status!r}\n"
                    f"--- source ---\n{result.source}\n--- outputs ---\n{result.text}"
                )
        return results

    def execute(self, code: str, timeout: float = 60, settle: float = 2) -> CellResult:
        """Run code in the notebook's kernel without a cell; outputs from iopub."""
        r = self._call("exec", code, timeout * 1000, settle * 1000)
        return CellResult(r["status"], r["outputs"], code)

    def evaluate(self, js: str, arg: Any = None) -> Any:
        return self.page.evaluate(js, arg)

    def wait_for_js(self, predicate_js: str, timeout: float = 30) -> Any:
        """Wait until the JS expression/function is truthy; returns its value."""
        try:
            return self.page.wait_for_function(predicate_js, timeout=timeout * 1000).json_value()
        except PlaywrightTimeout:
            raise TimeoutError(
                f"timed out after {timeout}s waiting for JS: {predicate_js}"
            ) from None

    def close(self) -> None:
        self.page.close()

    def __enter__(self) -> NotebookPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
