"""Issue 13 in a real JupyterLab with its default settings (comms over subshells on): the kernel
asks the page (an async cell awaits, a plain cell calls), the README's example and
examples/kernel_asks.ipynb run, the page's stop button ends a running loop, and the kernel's
stop button (interrupt) ends a waiting call() and aborts the page's handler.

Figures are printed (run with -s to see them); no assertion is about time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kernel_asks_flow import pick_colour_then_stop_the_loop
from playwright.sync_api import BrowserContext
from readme_cells import readme_cells
from requests_page import (
    asks_page,
    comms_over_subshells,
    page_state,
    run_ok,
    start_timed,
    wait_page,
    wait_timed,
)

from ipycallback_testing import JupyterServer, NotebookPage, write_notebook
from ipycallback_testing.tunnel_page import kernel_json

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[NotebookPage]:
    with asks_page(jupyter_lab, browser, "requests.ipynb") as nb:
        yield nb


def test_an_async_cell_awaits_the_pages_typed_reply(page: NotebookPage) -> None:
    out = run_ok(
        page,
        "reply = await asks.request(PickColour('teal'), timeout=20)\n"
        "print(type(reply).__name__, reply.colour)",
    )
    assert out == "ColourPicked teal\n"
    version, prompt, _ = page_state(page, "asked")[-1]
    assert prompt == "teal"
    assert kernel_json(page, "asks.tunnel.js_endpoint[0]") >= version


def test_a_plain_cell_calls_the_page_and_gets_the_reply_on_a_subshell(page: NotebookPage) -> None:
    assert comms_over_subshells(page) == "perCommTarget", "JupyterLab's default"
    out = run_ok(
        page,
        "t0 = time.perf_counter()\n"
        "picked = asks.call(PickColour('gold'), timeout=20)\n"
        "print(type(picked).__name__, picked.colour, f'{time.perf_counter() - t0:.3f}')",
    )
    name, colour, seconds = out.split()
    assert (name, colour) == ("ColourPicked", "gold")
    print(f"\ncall() in a plain cell: reply after {float(seconds) * 1000:.1f} ms")


def test_the_kernels_stop_button_ends_a_waiting_call_and_aborts_the_pages_handler(
    page: NotebookPage,
) -> None:
    # The host's own interrupt latency first, on a cell that waits for nothing of ours.
    baseline = _interrupt(page, "threading.Event().wait(120)", "true")
    version_js = "s.asked.length && s.asked.at(-1)[1] === 'hang' && s.asked.at(-1)[0]"
    interrupted_at, replied_at = _interrupt(
        page, "asks.call(PickColour('hang'), timeout=120)", version_js
    )
    version = wait_page(page, "s.asked.at(-1)[0]")
    aborted = wait_page(page, f"s.aborted.find((a) => a[0] === {version})")
    assert aborted[1:3] == ["RequestCancelledError", "interrupted"]
    print(
        f"\nstop button during call(): the cell ended {(replied_at - interrupted_at) * 1000:.0f} ms "
        f"after the interrupt (a cell waiting on an Event: "
        f"{(baseline[1] - baseline[0]) * 1000:.0f} ms); the page's signal aborted "
        f"{(aborted[3] / 1000 - interrupted_at) * 1000:.0f} ms after it"
    )
    # The tunnel still answers.
    assert run_ok(page, "print(asks.call(PickColour('navy'), timeout=20).colour)") == "navy\n"


def _interrupt(page: NotebookPage, code: str, started_js: str) -> tuple[float, float]:
    """Run `code`, interrupt it once `started_js` (over `s`) holds; (interrupted at, replied at),
    both on the page's clock, once the cell ended with KeyboardInterrupt."""
    run = start_timed(page, code)
    # The kernel is busy with the cell (no wait on our side could tell "started" better).
    page.wait_for_js("() => window.__harness.panel.sessionContext.session.kernel.status === 'busy'")
    wait_page(page, started_js)
    interrupted_at: float = page.evaluate(
        """() => { window.__harness.panel.sessionContext.session.kernel.interrupt();
          return Date.now() / 1000; }"""
    )
    reply, replied_at = wait_timed(page, run, timeout=60)
    assert (reply["status"], reply.get("ename")) == ("error", "KeyboardInterrupt"), reply
    return interrupted_at, replied_at


def test_the_readme_asks_example_runs_as_written(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    # The README's cells continue its typed example: they use its imports.
    typed = readme_cells("typed-example")
    cells: list[str | tuple[str, str]] = [typed[0], *readme_cells("asks-example")]
    write_notebook(jupyter_lab.root_dir / "readme_asks.ipynb", cells)
    with NotebookPage(jupyter_lab, browser, "readme_asks.ipynb") as readme:
        results = readme.run_all_cells(timeout=60)
        assert results[-1].stdout == "teal\n"


def test_kernel_asks_notebook_picks_a_colour_and_the_stop_button_ends_the_loop(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    delay, step = pick_colour_then_stop_the_loop(jupyter_lab, browser)
    print(f"\nstop button: the loop ended {delay * 1000:.0f} ms after the click, at step {step}")
