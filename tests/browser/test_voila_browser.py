"""Voilà, served as a jupyter_server extension (/voila/render/...), in a real browser: the
examples' page code runs before any widget model exists there, and must still work.

Runs from .venv-voila (`make voila-venv`); skipped only where that venv is not built.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hosts import VOILA_VENV, HostPage, StandaloneVoila, venv_python, voila_server
from playwright.sync_api import BrowserContext
from screenshots import save

from ipycallback_testing import JupyterServer

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    if venv_python(VOILA_VENV) is None:
        pytest.skip(".venv-voila (Voilà) is not built: run `make voila-venv`")
    root = tmp_path_factory.mktemp("voila-root")
    for name in ("introduction.ipynb", "search_as_you_type.ipynb", "live_stream.ipynb"):
        shutil.copy(ROOT / "examples" / name, root)
    shutil.copytree(ROOT / "examples" / "generated", root / "generated")
    with voila_server(root) as server:
        yield server


def render(server: JupyterServer, context: BrowserContext, notebook: str) -> HostPage:
    return HostPage(context, server.url(f"voila/render/{notebook}"))


def test_our_server_extension_is_active_beside_voila(voila: JupyterServer) -> None:
    assert voila.api("GET", "ipycallback/status")["tcp_nodelay"] is True


def test_the_readme_examples_show_both_directions(
    voila: JupyterServer, browser: BrowserContext
) -> None:
    with render(voila, browser, "introduction.ipynb") as page:
        page.wait_text('Python received version 1: {"msg":"hello from JavaScript"}')
        page.wait_text('JavaScript received version 1: {"msg": "hello from Python"}')
        page.wait_text("showing reply 2: results for 'fast query'")
        # The kernel sent its 10,000 while Voilà executed the notebook, before the page existed.
        page.wait_text("Python received 10000 messages, in order: True")
        page.wait_text("JavaScript received 10000 messages, in order: true")
        page.page.wait_for_timeout(700)  # the slow reply, if the kernel sent it, has arrived
        shown = page.text()
        assert shown.count("showing reply") == 1, shown
        assert page.errors() == []


@pytest.mark.screenshot
def test_the_search_example_runs_on_the_page(voila: JupyterServer, browser: BrowserContext) -> None:
    with render(voila, browser, "search_as_you_type.ipynb") as page:
        page.wait_text('1 hit for "json enc"')
        page.wait_text("The kernel: 8 queries received")
        counts = page.page.locator(".search-demo .stats").inner_text()
        assert counts.startswith("This page: 8 requests sent"), counts
        box = page.page.get_by_placeholder("type to search the standard library")
        box.fill("time")
        page.wait_text('2 hits for "time"')
        save(page.page.locator(".search-demo"), "voila_search")
        assert page.errors() == []


def test_the_live_example_streams_and_measures_round_trips(
    voila: JupyterServer, browser: BrowserContext
) -> None:
    with render(voila, browser, "live_stream.ipynb") as page:
        page.wait_text("frames lost")
        page.page.wait_for_timeout(6000)
        figures = page.page.locator(".live-demo .figures").inner_text()
        rate, rtt, lost = (
            page.page.locator(f".live-demo {name}").inner_text()
            for name in (".rate", ".rtt", ".lost")
        )
        print(f"live example in Voilà (server extension): {rate} frames/s, {rtt} ms, {lost} lost")
        # The rate within the page's one-second window depends on load: reported, not bounded.
        assert int(rate) > 0, figures
        assert re.fullmatch(r"\d+\.\d", rtt), figures
        assert float(rtt) > 0, figures
        assert lost == "0", figures
        page.page.locator(".live-demo button", has_text="Stop").click()
        page.page.wait_for_timeout(1500)
        assert page.page.locator(".live-demo .rate").inner_text() == "0"


def test_standalone_voila_runs_the_examples_without_our_server_extension(
    voila: JupyterServer, browser: BrowserContext
) -> None:
    # The same notebooks, served by `voila ROOT`: no server extension, so slower round trips.
    with (
        StandaloneVoila(voila.root_dir) as server,
        HostPage(browser, server.render("introduction.ipynb")) as intro,
    ):
        intro.wait_text('Python received version 1: {"msg":"hello from JavaScript"}')
        intro.wait_text('JavaScript received version 1: {"msg": "hello from Python"}')
        intro.wait_text("JavaScript received 10000 messages, in order: true")
        assert intro.errors() == []
        with HostPage(browser, server.render("live_stream.ipynb")) as live:
            live.wait_text("frames lost")
            live.page.wait_for_timeout(6000)
            rate, rtt, lost = (
                live.page.locator(f".live-demo {name}").inner_text()
                for name in (".rate", ".rtt", ".lost")
            )
            print(f"live example in standalone Voilà: {rate} frames/s, {rtt} ms, {lost} lost")
            assert int(rate) > 0, rate
            assert lost == "0", lost
