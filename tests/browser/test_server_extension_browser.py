"""The bundled server extension sets TCP_NODELAY: active by default, off when disabled, faster."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser, write_notebook
from ipycallback_testing.probes import echo_latencies, summary

pytestmark = pytest.mark.browser

ROUND_TRIPS = 40


def measure(server: JupyterServer, playwright: Playwright) -> list[float]:
    write_notebook(server.root_dir / "echo.ipynb", ["import ipycallback"])
    with launch_browser(playwright) as context, NotebookPage(server, context, "echo.ipynb") as page:
        echo_latencies(page, 5)  # warm up: module load, first comm messages
        return echo_latencies(page, ROUND_TRIPS)


@pytest.fixture(scope="module")
def enabled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    with JupyterServer(tmp_path_factory.mktemp("enabled")) as server:
        yield server


def toggle(action: str) -> str:
    """Run the usual `jupyter server extension <action> ipycallback`."""
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", action, "ipycallback"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def disabled(
    tmp_path_factory: pytest.TempPathFactory, enabled: JupyterServer
) -> Iterator[JupyterServer]:
    server = JupyterServer(tmp_path_factory.mktemp("disabled"))
    # The documented command writes the environment's config, so it is undone right after this
    # server has read it (the `enabled` server started earlier).
    output = toggle("disable")
    try:
        assert "successfully disabled" in output, output
        server.start()
    finally:
        assert "successfully enabled" in toggle("enable")
    with server:
        yield server


def test_the_extension_is_active_by_default(enabled: JupyterServer) -> None:
    status = enabled.api("GET", "ipycallback/status")
    assert status["tcp_nodelay"] is True
    assert "TCP_NODELAY set on kernel websockets" in enabled.log_text()


def test_the_extension_can_be_disabled(disabled: JupyterServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        disabled.api("GET", "ipycallback/status")
    assert error.value.code == 404
    assert "TCP_NODELAY" not in disabled.log_text()


def test_the_extension_cuts_round_trip_latency(
    enabled: JupyterServer, disabled: JupyterServer, playwright_instance: Playwright
) -> None:
    fast = summary(measure(enabled, playwright_instance))
    slow = summary(measure(disabled, playwright_instance))
    report = {"with_extension_ms": fast, "without_extension_ms": slow}
    print(json.dumps(report, indent=2))
    Path(enabled.root_dir / "latency.json").write_text(json.dumps(report), encoding="utf-8")
    # Nagle plus delayed ACKs costs ~40 ms a round trip; a same-run ratio, not a time limit.
    assert slow["median"] / fast["median"] > 2, report
