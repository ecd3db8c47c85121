"""Fixtures for tests that drive a real Jupyter server in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_proxy import FaultProxy
from jupyter_harness import JupyterServer, launch_browser
from multi_view import rtc_python, rtc_server
from playwright.sync_api import BrowserContext, Playwright, sync_playwright


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Jupyter server in headless Chromium")
    config.addinivalue_line("markers", "screenshot: saves a README picture (make screenshots)")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # One per session: sync_playwright() cannot be nested or restarted cheaply.
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    with JupyterServer(tmp_path_factory.mktemp("lab-root")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[BrowserContext]:
    """A fresh browser profile per module, i.e. per module-scoped server."""
    with launch_browser(playwright_instance) as context:
        yield context


@pytest.fixture(scope="module")
def fault_proxy(jupyter_lab: JupyterServer) -> Iterator[FaultProxy]:
    """A FaultProxy in front of the module's server: open pages with
    `NotebookPage(jupyter_lab, browser, path, base_url=fault_proxy.base_url)`."""
    with FaultProxy(jupyter_lab.port) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def rtc_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """JupyterLab with real-time collaboration, run from .venv-rtc (`make rtc-venv`)."""
    if rtc_python() is None:
        pytest.skip(".venv-rtc (jupyter-collaboration) is not built: run `make rtc-venv`")
    with rtc_server(tmp_path_factory.mktemp("rtc-root")) as server:
        yield server
