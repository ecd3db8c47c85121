"""examples/kernel_asks.ipynb driven as a user would: choose a colour when the kernel asks, then
click the page's stop button while the loop runs. Shared by the JupyterLab and Notebook 7 tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import BrowserContext

from ipycallback_testing import JupyterServer, NotebookPage
from ipycallback_testing.kernel_control import start_execute, wait_execute
from ipycallback_testing.tunnel_page import kernel_json, wait_kernel

ROOT = Path(__file__).resolve().parents[2]

_PROGRESS = (
    "Number(/step ([0-9]+)/.exec(document.querySelector('#asks-progress').textContent)?.[1])"
)


def pick_colour_then_stop_the_loop(
    server: JupyterServer, browser: BrowserContext
) -> tuple[float, int]:
    """Runs the notebook; returns (seconds from the stop click to the loop's end, its last step)."""
    shutil.copy(ROOT / "examples" / "kernel_asks.ipynb", server.root_dir)
    with NotebookPage(server, browser, "kernel_asks.ipynb") as nb:
        for index in range(3):  # the markdown, the tunnel, the page's controls
            assert nb.run_cell(index).status == "ok"
        choose = nb.page.locator("#asks-choose")
        colour_cell = start_execute(nb, _source(nb, 3))
        nb.wait_for_js("() => !document.querySelector('#asks-choose').disabled")
        assert nb.page.locator("#asks-prompt").inner_text() == "Pick a colour for the plot"
        choose.click()
        assert wait_execute(nb, colour_cell, timeout=30)["status"] == "ok"
        assert nb.page.locator("#asks-prompt").inner_text() == "You chose #008080."
        assert kernel_json(nb, "picked.colour") == "#008080"

        # The loop cell, with the time each step starts recorded in the kernel.
        loop = _source(nb, 4).replace(
            "    if stop.is_set():", "    step_at = time.time()\n    if stop.is_set():"
        )
        assert "step_at" in loop
        loop_run = start_execute(nb, loop)
        # Well into the loop (about half a second of it), the page's progress says.
        nb.wait_for_js(f"() => {_PROGRESS} >= 50")
        clicked_at = nb.evaluate(
            "() => { document.querySelector('#asks-stop').click(); return Date.now() / 1000; }"
        )
        reply = wait_execute(nb, loop_run, timeout=30)
        assert reply["status"] == "ok", reply
        step, ended_at = wait_kernel(nb, "[step, step_at]")
        assert step < 1000, "the loop ran to its end: the stop never reached it"
        assert ended_at >= clicked_at, "the loop ended before the click"
        return ended_at - clicked_at, step


def _source(nb: NotebookPage, index: int) -> str:
    source: str = nb.evaluate(
        "(i) => window.__harness.panel.content.widgets[i].model.sharedModel.getSource()", index
    )
    return source
