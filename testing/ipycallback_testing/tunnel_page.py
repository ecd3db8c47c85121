"""Helpers for browser tests of the tunnel: read kernel values, wait on both sides."""

from __future__ import annotations

import json
import time
from typing import Any

from .notebook_page import NotebookPage


def kernel_json(page: NotebookPage, expr: str) -> Any:
    """Evaluate `expr` in the kernel and return it, via JSON."""
    # Waiting for idle (settle) matters: stream output travels on iopub, after the reply.
    result = page.execute(f"import json as _j; print(_j.dumps({expr}))", settle=10)
    lines = result.stdout.strip().splitlines()
    assert result.status == "ok", f"{expr!r} gave {result.status}: {result.outputs}"
    assert lines, f"{expr!r} gave {result.status}: {result.outputs}"
    return json.loads(lines[-1])


def wait_kernel(page: NotebookPage, expr: str, timeout: float = 60) -> Any:
    """Poll `expr` in the kernel until it is truthy; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = kernel_json(page, expr)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def output_text(page: NotebookPage, index: int) -> str:
    """What cell `index` shows under it (its output area), as the user reads it."""
    cell = page.page.locator(".jp-Notebook .jp-Cell").nth(index)
    area = cell.locator(".jp-OutputArea")
    return area.inner_text() if area.count() else ""


def wait_output(page: NotebookPage, index: int, needle: str, timeout: float = 30) -> str:
    """Waits until cell `index` shows `needle`; returns all it shows."""
    deadline = time.monotonic() + timeout
    while True:
        text = output_text(page, index)
        if needle in text:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"cell {index} does not show {needle!r}; it shows:\n{text}")
        page.page.wait_for_timeout(50)


def console_lines(page: NotebookPage) -> list[str]:
    return [entry.text for entry in page.console]


def wait_console(page: NotebookPage, needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in console_lines(page):
            if needle in line:
                return line
        page.page.wait_for_timeout(50)
    raise AssertionError(f"no console line contains {needle!r}; got {console_lines(page)[-20:]}")


# Collects the kernel's stderr stream text from every message (including comm-driven ones,
# which JupyterLab shows in its log console rather than under a cell).
WATCH_STDERR = """() => {
  const kernel = window.__harness.panel.sessionContext.session.kernel;
  window.__stderr = [];
  kernel.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type === 'stream' && msg.content.name === 'stderr') {
      window.__stderr.push(msg.content.text);
    }
  });
}"""
