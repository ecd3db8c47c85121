"""The README's examples also run in Notebook 7 (`jupyter notebook`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from introduction_page import LISTEN, PAGE, check_bursts, check_stale_reply_dropped
from playwright.sync_api import Playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser
from ipycallback_testing.tunnel_page import wait_kernel, wait_output

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_readme_examples_run_in_notebook_7(tmp_path: Path, playwright_instance: Playwright) -> None:
    shutil.copy(ROOT / "examples" / "introduction.ipynb", tmp_path)
    with (
        JupyterServer(tmp_path, app="notebook") as server,
        launch_browser(playwright_instance) as context,
        NotebookPage(server, context, "introduction.ipynb") as page,
    ):
        page.run_all_cells(timeout=120)
        assert wait_kernel(page, "received") == [[1, '{"msg":"hello from JavaScript"}']]
        wait_output(page, LISTEN, 'Python received version 1: {"msg":"hello from JavaScript"}')
        wait_output(page, PAGE, 'JavaScript received version 1: {"msg": "hello from Python"}')
        check_stale_reply_dropped(page)
        check_bursts(page)
