"""pytest fixtures for tests that drive a real Jupyter server in headless Chromium.

Servers and browsers are module-scoped: a module's tests share one server and one fresh
browser profile, so no state leaks between modules and a module does not pay for a server per
test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright, sync_playwright

from .chromium import DEFAULT_CHROMIUM, launch_browser
from .fault_proxy import FaultProxy
from .multi_view import rtc_python, rtc_server
from .notebook_page import NotebookPage
from .notebooks import write_notebook
from .server import JupyterServer

OpenNotebook = Callable[[str, list[str | tuple[str, str]]], NotebookPage]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--chromium",
        default=DEFAULT_CHROMIUM,
        help=f"the Chromium executable for browser tests (default {DEFAULT_CHROMIUM})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Jupyter server in headless Chromium")


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
def browser(
    playwright_instance: Playwright, pytestconfig: pytest.Config
) -> Iterator[BrowserContext]:
    """A fresh browser profile per module, i.e. per module-scoped server."""
    executable = str(pytestconfig.getoption("--chromium"))
    with launch_browser(playwright_instance, executable=executable) as context:
        yield context


@pytest.fixture
def notebook(jupyter_lab: JupyterServer, browser: BrowserContext) -> Iterator[OpenNotebook]:
    """`notebook(path, cells)` writes the notebook into the server's root, opens it in a tab of
    `browser` and waits until its kernel is idle; the tabs close after the test."""
    opened: list[NotebookPage] = []

    def open_notebook(path: str, cells: list[str | tuple[str, str]]) -> NotebookPage:
        write_notebook(Path(jupyter_lab.root_dir) / path, cells)
        opened.append(NotebookPage(jupyter_lab, browser, path))
        return opened[-1]

    yield open_notebook
    for page in opened:
        page.close()


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
