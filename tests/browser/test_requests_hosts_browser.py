"""The README's host matrix for requests the kernel sends, checked row by row in real hosts:

- JupyterLab with "Kernel Comms over subshells" disabled (the setting
  `@jupyterlab/apputils-extension:kernels-settings` `commsOverSubshells`): `call()` in a plain
  cell raises at once, saying what to enable, and never asks the page; `await request()` in an
  async cell gets the reply;
- Notebook 7 with its default settings: `call()` in a plain cell gets the reply, and
  examples/kernel_asks.ipynb's stop button ends the running loop.

Figures are printed (run with -s to see them); no assertion is about time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kernel_asks_flow import pick_colour_then_stop_the_loop
from playwright.sync_api import BrowserContext, Playwright
from requests_page import asks_page, comms_over_subshells, page_state, run_ok, wait_page

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser

pytestmark = pytest.mark.browser

SETTING = Path("@jupyterlab", "apputils-extension", "kernels-settings.jupyterlab-settings")

CALL_OR_REFUSE = """
t0 = time.perf_counter()
try:
    picked = asks.call(PickColour('gold'), timeout=30)
    print(json.dumps(['reply', picked.colour, time.perf_counter() - t0]))
except RuntimeError as error:
    print(json.dumps(['refused', str(error), time.perf_counter() - t0]))
"""


@pytest.fixture(scope="module")
def lab_without_subshells(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    server = JupyterServer(tmp_path_factory.mktemp("lab-no-subshells"))
    settings = Path(server.env["JUPYTERLAB_SETTINGS_DIR"]) / SETTING
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"commsOverSubshells": "disabled"}), encoding="utf-8")
    with server:
        yield server


@pytest.fixture(scope="module")
def page_without_subshells(
    lab_without_subshells: JupyterServer, browser: BrowserContext
) -> Iterator[NotebookPage]:
    with asks_page(lab_without_subshells, browser, "no_subshells.ipynb") as nb:
        yield nb


def _call_or_refuse(page: NotebookPage) -> list[object]:
    got: list[object] = json.loads(run_ok(page, "import json\n" + CALL_OR_REFUSE))
    return got


def test_with_subshells_off_call_raises_at_once_saying_what_to_enable(
    page_without_subshells: NotebookPage,
) -> None:
    page = page_without_subshells
    assert comms_over_subshells(page) == "disabled", "the settings file took effect"
    how, text, seconds = _call_or_refuse(page)
    assert how == "refused", text
    assert isinstance(text, str)
    assert isinstance(seconds, float)
    assert "call() cannot wait for the page here" in text
    assert "'Kernel Comms over subshells' is perCommTarget" in text
    assert page_state(page, "asked") == [], "the page was never asked"
    print(f"\nsubshells off: call() refused after {seconds * 1000:.1f} ms: {text}")


def test_with_subshells_off_the_page_is_still_asked_between_cells(
    page_without_subshells: NotebookPage,
) -> None:
    """What the README offers instead: the request from one cell, its reply awaited in the next
    (the reply can only arrive once the cell that asked has ended)."""
    page = page_without_subshells
    run_ok(
        page,
        "task = asyncio.ensure_future(asks.request(PickColour('olive'), timeout=30))\n"
        "await asyncio.sleep(0)",
    )
    wait_page(page, "s.asked.some((a) => a[1] === 'olive')")
    assert run_ok(page, "print((await task).colour)") == "olive\n"


def test_with_subshells_off_an_async_cell_awaits_the_pages_reply(
    page_without_subshells: NotebookPage,
) -> None:
    """ipykernel 7 handles the page's messages on the main shell while an async cell awaits."""
    page = page_without_subshells
    out = run_ok(
        page,
        "t0 = time.perf_counter()\n"
        "picked = await asks.request(PickColour('lime'), timeout=20)\n"
        "print(picked.colour, time.perf_counter() - t0)",
    )
    colour, seconds = out.split()
    assert colour == "lime"
    print(
        f"\nsubshells off: await request() in an async cell: reply after {float(seconds) * 1000:.1f} ms"
    )


def test_notebook_7_calls_the_page_from_a_plain_cell_and_stops_a_running_loop(
    tmp_path: Path, playwright_instance: Playwright
) -> None:
    with (
        JupyterServer(tmp_path, app="notebook") as server,
        launch_browser(playwright_instance) as context,
    ):
        with asks_page(server, context, "asks.ipynb") as page:
            setting = comms_over_subshells(page)
            how, colour, seconds = _call_or_refuse(page)
            print(f"\nNotebook 7 (commsOverSubshells={setting}): call() -> {how} {colour}")
            assert (setting, how, colour) == ("perCommTarget", "reply", "gold")
            assert isinstance(seconds, float)
            print(f"Notebook 7: call() reply after {seconds * 1000:.1f} ms")
        delay, step = pick_colour_then_stop_the_loop(server, context)
        print(f"Notebook 7 stop button: the loop ended {delay * 1000:.0f} ms after the click")
        assert step < 1000
