"""End-to-end proof that ipycallback_testing drives real JupyterLab and Notebook 7."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Playwright

from ipycallback_testing import (
    CellExecutionError,
    JupyterServer,
    NotebookPage,
    launch_browser,
    write_notebook,
)

pytestmark = pytest.mark.browser

SMOKE_CELLS: list[str | tuple[str, str]] = [
    "x = 41 + 1; print(x)",
    ("markdown", "# markdown cells are run too"),
    "%%javascript\nwindow.__smoke = 42",
]
ESM = (
    "export default { initialize({model}) { window.__aw = (window.__aw||0)+1;"
    " model.on('msg:custom', (m) => { window.__last = m; }); } }"
)
# The widget is created but never displayed.
WIDGET_CELLS: list[str | tuple[str, str]] = [
    f"import anywidget\n\nclass Probe(anywidget.AnyWidget):\n    _esm = {ESM!r}\n\nw = Probe()",
    "w.send({'hi': 1})",
    "import ipywidgets\nipywidgets.IntSlider(7)",
]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def check_cells_and_javascript(nb: NotebookPage) -> None:
    results = nb.run_all_cells()
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert results[0].text == "42\n"
    nb.wait_for_js("window.__smoke === 42", timeout=10)
    assert nb.evaluate("window.__smoke") == 42
    assert nb.execute("print(x)").stdout == "42\n"
    failed = nb.execute("import sys; print('out'); print('err', file=sys.stderr); 1/0")
    assert failed.status == "error"
    assert "out\nerr\nZeroDivisionError: division by zero" in failed.text


def check_widget_without_display(nb: NotebookPage) -> None:
    assert nb.run_cell(0).outputs == []
    nb.wait_for_js("window.__aw === 1", timeout=20)
    nb.run_cell(1)
    nb.wait_for_js("window.__last && window.__last.hi === 1", timeout=20)
    assert nb.evaluate("window.__aw") == 1
    # A displayed widget renders: the labextensions are found despite the
    # private JUPYTER_DATA_DIR.
    assert "IntSlider" in nb.run_cell(2).text
    nb.wait_for_js("document.querySelector('.widget-slider')", timeout=20)


def test_lab_runs_cells_and_javascript(jupyter_lab: JupyterServer, browser: BrowserContext) -> None:
    write_notebook(jupyter_lab.root_dir / "smoke.ipynb", SMOKE_CELLS)
    with NotebookPage(jupyter_lab, browser, "smoke.ipynb") as nb:
        check_cells_and_javascript(nb)
    assert "Kernel started" in jupyter_lab.log_text()


def test_lab_run_all_cells_reports_failing_cell(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    write_notebook(jupyter_lab.root_dir / "fails.ipynb", ["y = 1", "raise ValueError('boom')"])
    with (
        NotebookPage(jupyter_lab, browser, "fails.ipynb") as nb,
        pytest.raises(CellExecutionError, match=r"(?s)cell 1 .*raise ValueError.*boom"),
    ):
        nb.run_all_cells()


def test_lab_anywidget_without_display_survives_reload(
    jupyter_lab: JupyterServer, browser: BrowserContext
) -> None:
    write_notebook(jupyter_lab.root_dir / "widget.ipynb", WIDGET_CELLS)
    with NotebookPage(jupyter_lab, browser, "widget.ipynb") as nb:
        check_widget_without_display(nb)
        kernel = nb.kernel_id
        nb.reload()
        assert nb.kernel_id == kernel
        assert nb.execute("print(type(w).__name__)").stdout == "Probe\n"
        # The fresh page re-creates the undisplayed model from kernel state,
        # running initialize() exactly once more.
        nb.wait_for_js("window.__aw === 1", timeout=20)
        assert nb.evaluate("window.__last") is None
        nb.execute("w.send({'hi': 2})")
        nb.wait_for_js("window.__last && window.__last.hi === 2", timeout=20)
        assert nb.evaluate("window.__aw") == 1


def test_notebook7(playwright_instance: Playwright, tmp_path: Path) -> None:
    write_notebook(tmp_path / "smoke.ipynb", SMOKE_CELLS)
    write_notebook(tmp_path / "sub dir" / "widget.ipynb", WIDGET_CELLS)
    server = JupyterServer(tmp_path, app="notebook")
    server.disable_server_extension("jupyter_server_terminals")
    with server, launch_browser(playwright_instance) as ctx:
        with NotebookPage(server, ctx, "smoke.ipynb") as nb:
            check_cells_and_javascript(nb)
            kernel_pid = int(nb.execute("import os; print(os.getpid())").stdout)
        with NotebookPage(server, ctx, "sub dir/widget.ipynb") as nb:
            check_widget_without_display(nb)
            nb.reload()
            nb.wait_for_js("window.__aw === 1", timeout=20)
        assert _alive(kernel_pid)
    assert not _alive(kernel_pid), "kernel outlived the server"
    log = server.log_text()
    assert "Shutting down on /api/shutdown request" in log
    assert "jupyter_server_terminals" not in log
