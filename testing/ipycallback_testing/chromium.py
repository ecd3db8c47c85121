"""Headless Chromium (Debian's, not Playwright's download) with a fresh profile."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from playwright.sync_api import BrowserContext, Playwright, sync_playwright

# The `--chromium` pytest option overrides it for the fixtures; the environment variable
# reaches scripts (benchmarks) as well.
DEFAULT_CHROMIUM = os.environ.get("JUPYTER_HARNESS_CHROMIUM", "/usr/bin/chromium")


@contextmanager
def launch_browser(
    playwright: Playwright | None = None,
    extra_args: list[str] | None = None,
    executable: str | None = None,
) -> Iterator[BrowserContext]:
    """Fresh headless Chromium with a fresh profile; one per server.

    `launch()` rejects `--user-data-dir` in args, so the profile goes through
    `launch_persistent_context`, which makes browser and context one object.
    Pass the test session's Playwright: sync_playwright() cannot nest.
    """
    # fmt: off
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ] + (extra_args or [])
    # fmt: on
    with ExitStack() as stack:
        pw = playwright or stack.enter_context(sync_playwright())
        profile = tempfile.mkdtemp(prefix="harness-chromium-")
        stack.callback(shutil.rmtree, profile, ignore_errors=True)
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable or DEFAULT_CHROMIUM, headless=True, args=args
        )
        stack.callback(context.close)
        yield context
