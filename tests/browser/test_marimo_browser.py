"""marimo (`marimo run`, from .venv-marimo) in a real browser: examples/marimo_app.py sends
during the first run, before the page has any widget, and its page code is an anywidget of its
own that reaches the tunnels through window.IPyCallbackReady.

Runs from .venv-marimo (`make marimo-venv`); skipped only where that venv is not built.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hosts import MARIMO_VENV, HostPage, MarimoServer, venv_python
from playwright.sync_api import BrowserContext
from screenshots import save

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def marimo_page(
    tmp_path_factory: pytest.TempPathFactory, browser: BrowserContext
) -> Iterator[HostPage]:
    if venv_python(MARIMO_VENV) is None:
        pytest.skip(".venv-marimo (marimo) is not built: run `make marimo-venv`")
    app = tmp_path_factory.mktemp("marimo-root") / "marimo_app.py"
    shutil.copy(ROOT / "examples" / "marimo_app.py", app)
    with MarimoServer(app) as server, HostPage(browser, server.url) as page:
        yield page


def test_strings_flow_both_ways_from_the_first_run(marimo_page: HostPage) -> None:
    # Sent by the cell that created the tunnel, before the page had loaded any widget.
    marimo_page.wait_text('JavaScript received version 1: {"msg": "hello from Python"}')
    marimo_page.wait_text('Python received version 1: {"msg":"hello from JavaScript"}')
    rtt = marimo_page.wait_text("round trip: median")
    median = re.search(r"round trip: median (\d+\.\d) ms over 100", rtt)
    assert median is not None, rtt
    print(f"marimo run: round trip median {median[1]} ms over 100")


def test_bursts_arrive_whole_and_in_order(marimo_page: HostPage) -> None:
    marimo_page.wait_text("JavaScript received 10000 messages, in order: true", timeout=90)
    marimo_page.wait_text("Python received 10000 messages, in order: True", timeout=90)
    marimo_page.page.wait_for_timeout(300)  # nothing more may arrive
    shown = marimo_page.page.locator(".ipycallback-marimo .burst-page").inner_text()
    assert shown == "JavaScript received 10000 messages, in order: true"


@pytest.mark.screenshot
def test_call_says_at_once_why_it_cannot_wait(marimo_page: HostPage) -> None:
    shown = marimo_page.wait_text("call() refused at once")
    assert "marimo runs the page's widget messages only between cells" in shown
    assert "handle the page's answer in a handler" in shown
    marimo_page.wait_text("Python received 10000 messages, in order: True", timeout=90)
    save(marimo_page.page, "marimo", clip={"x": 264, "y": 30, "width": 752, "height": 440})
    assert marimo_page.errors() == []
