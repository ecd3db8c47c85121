"""Whether the running thread may block until the page answers (what `call()` needs).

It may where the page's answer can reach the kernel meanwhile: on a thread other than the main
one, or where the page's widget messages run on a subshell while the main shell is busy. The
answer comes from what the page reports in its hello (JupyterLab's setting and whether its
kernel connection supports subshells) and from where its messages were routed, never from
version numbers.
"""

from __future__ import annotations

import threading
import time

from .routing import Router, on_marimo_runtime_thread
from .views import Views

# marimo runs cells and the page's widget messages on one thread per session, one at a time.
MARIMO_PROBLEM = (
    "marimo runs the page's widget messages only between cells (it cannot route them to "
    "a subshell), on the thread that runs this cell, so the page's answer could only arrive "
    "after this cell ends. Send the question with `typed.send(...)` and handle the page's "
    "answer in a handler (`typed.on(...)`) instead"
)
SUBSHELLS_NEEDED = (
    "Widget messages reach a busy kernel with JupyterLab 4.4+ or Notebook 7.4+ and ipykernel 7+, "
    "when Settings > Kernel > 'Kernel Comms over subshells' is perCommTarget (the default) or "
    "perComm. Elsewhere, use `await typed.request(...)` in an async cell"
)


def blocking_problem(views: Views, router: Router, wait_for_page: float = 0.0) -> str | None:
    """Why this thread cannot block until the page answers, or None if it can.

    With no page known yet, it first waits up to `wait_for_page` seconds for one: in "Run All",
    the page's hello can wait behind the cells queued on the main shell, and only its repetition
    (2 s later, once the page's comm has its subshell) arrives meanwhile.
    """
    if on_marimo_runtime_thread():
        return MARIMO_PROBLEM
    if threading.current_thread() is not threading.main_thread():
        return None  # the kernel's shells stay free to handle the answer
    caps = views.caps()
    deadline = time.monotonic() + wait_for_page
    while not caps and time.monotonic() < deadline:
        time.sleep(0.02)
        caps = views.caps()
    if not caps:
        waited = f" within {wait_for_page:g} s" if wait_for_page else " yet"
        return (
            f"no page has shown this tunnel{waited}, so nothing could answer (where widget "
            f"messages cannot reach a busy kernel, a page's first ones wait behind this cell "
            f"too). {SUBSHELLS_NEEDED}"
        )
    if router.installed and router.answers_while_busy(caps):
        return None
    return (
        "the page sends widget messages to the kernel's main shell, which this cell is "
        f"using, so its answer could only arrive after the cell ends. {SUBSHELLS_NEEDED}"
    )
