"""The README's examples also run in Notebook 7 (`jupyter notebook`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser
from ipycallback_testing.tunnel_page import kernel_json, wait_console, wait_kernel

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
        wait_console(page, 'from Python: 1 {"msg": "hello from Python"}')
        wait_console(page, "showing reply 2 results for 'fast query'")
        # The stale reply to the slow query is dropped by the kernel (it saw the newer query while
        # answering) or, where the page's messages wait for the handler, by the page.
        dropped_in_kernel = wait_kernel(page, "stale", timeout=5) == [1]
        in_page = "dropped stale reply 1 results for 'slow query'"
        assert dropped_in_kernel != any(in_page in line.text for line in page.console)
        assert wait_kernel(page, "len(from_js) == 10_000") is True
        assert kernel_json(page, "from_js == [str(i) for i in range(10_000)]") is True
        page.wait_for_js(
            "window.fromPython.length === 10000 && "
            "window.fromPython.every((m, i) => m === String(i))",
            timeout=60,
        )
