"""Fixtures for tests that drive a real Jupyter server in headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jupyter_harness import JupyterServer, launch_browser
from playwright.sync_api import BrowserContext, Playwright, sync_playwright


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
def browser(playwright_instance: Playwright) -> Iterator[BrowserContext]:
    """A fresh browser profile per module, i.e. per module-scoped server."""
    with launch_browser(playwright_instance) as context:
        yield context
