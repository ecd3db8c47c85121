"""Several views of one notebook: two tabs, or two users under real-time collaboration.

- `open_views(server, [ctx, ctx], path)`: two tabs of one browser (each in its own Lab
  workspace); `open_views(server, [ctx_a, ctx_b], path)`: two browsers, i.e. two users;
  `with views(...) as pages:` closes them afterwards.
- `assert_one_kernel(server, pages, path)`: every view talks to the kernel of the notebook's
  one session.
- `install_model_probe(pages)` then `wait_widget_model(page, model_id)`: whether a widget model
  (any widget, by its `model_id` / comm id) exists in a page's widget manager.
- RTC: `rtc_python()` finds `.venv-rtc` (built by `make rtc-venv`, with jupyter-collaboration),
  `rtc_server(root)` starts a server with it; `is_collaborative(page)` tells whether a page's
  notebook is a shared (Yjs) document.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import BrowserContext

from .notebook_page import NotebookPage
from .server import JupyterServer

ROOT = Path(__file__).resolve().parents[2]
RTC_VENV = ROOT / ".venv-rtc"

# A hidden anywidget whose only job is to hand the page's widget manager to the tests.
PROBE_ESM = (
    "export default { initialize({ model }) {"
    " window.__harnessWidgetManager = model.widget_manager; } }"
)
PROBE_CELL = (
    "import anywidget as _harness_aw\n"
    "class _HarnessModelProbe(_harness_aw.AnyWidget):\n"
    f"    _esm = {PROBE_ESM!r}\n"
    "_harness_model_probe = _HarnessModelProbe()\n"
)
_HAS_MODEL = """async (id) => {
  const wm = window.__harnessWidgetManager;
  if (!wm || !wm.has_model(id)) return false;
  try { await wm.get_model(id); return true; } catch (e) { return false; }
}"""


def open_views(
    server: JupyterServer,
    contexts: Sequence[BrowserContext],
    path: str,
    timeout: float = 120,
    base_url: str | None = None,
) -> list[NotebookPage]:
    """One NotebookPage per context (repeat a context for several tabs of one browser); each
    in a workspace of its own, so no tab restores or steals another's layout."""
    pages: list[NotebookPage] = []
    try:
        for i, context in enumerate(contexts):
            ws = f"view{i}-{secrets.token_hex(3)}"
            pages.append(
                NotebookPage(server, context, path, timeout, base_url=base_url, workspace=ws)
            )
    except BaseException:
        for page in pages:
            page.close()
        raise
    return pages


@contextmanager
def views(
    server: JupyterServer,
    contexts: Sequence[BrowserContext],
    path: str,
    timeout: float = 120,
    base_url: str | None = None,
) -> Iterator[list[NotebookPage]]:
    """`open_views` as a context manager that closes the pages."""
    pages = open_views(server, contexts, path, timeout, base_url)
    try:
        yield pages
    finally:
        for page in pages:
            page.close()


def session_kernel_id(server: JupyterServer, path: str) -> str:
    """The kernel of the server's session for `path` (there must be exactly one)."""
    sessions = [s for s in server.api("GET", "/api/sessions") if s["path"] == path]
    assert len(sessions) == 1, f"expected one session for {path}, got {sessions}"
    return str(sessions[0]["kernel"]["id"])


def assert_one_kernel(server: JupyterServer, pages: Sequence[NotebookPage], path: str) -> str:
    """All pages are connected to the kernel of the one session for `path`; returns its id."""
    kernel_id = session_kernel_id(server, path)
    seen = {page.kernel_id for page in pages}
    live = {
        page.evaluate("() => window.__harness.panel.sessionContext.session?.kernel?.id")
        for page in pages
    }
    assert seen == live == {kernel_id}, f"views on {seen} (now {live}), session on {kernel_id}"
    return kernel_id


def install_model_probe(pages: Sequence[NotebookPage], timeout: float = 30) -> None:
    """Create the probe widget from the first page; wait until every page has its manager."""
    result = pages[0].execute(PROBE_CELL)
    assert result.status == "ok", result.text
    for page in pages:
        page.wait_for_js("() => !!window.__harnessWidgetManager", timeout=timeout)


def has_widget_model(page: NotebookPage, model_id: str) -> bool:
    return bool(page.evaluate(_HAS_MODEL, model_id))


def wait_widget_model(page: NotebookPage, model_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not has_widget_model(page, model_id):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{page.path}: no widget model {model_id} within {timeout}s")
        page.page.wait_for_timeout(50)


def kernel_model_id(page: NotebookPage, expr: str) -> str:
    """`expr.model_id` evaluated in the kernel (e.g. "w" for a widget bound to w)."""
    out = page.execute(f"print({expr}.model_id)").stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", out), f"not a model id: {out!r}"
    return out


# -- real-time collaboration ------------------------------------------------------------------


def rtc_python() -> Path | None:
    """.venv-rtc's python, if `make rtc-venv` has built it."""
    python = RTC_VENV / "bin" / "python"
    return python if (RTC_VENV / ".installed").exists() and python.exists() else None


def rtc_pinned_version() -> str:
    """The jupyter-collaboration version the Makefile pins."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^JUPYTER_COLLABORATION\s*:=\s*(\S+)", text, re.M)
    assert match, "Makefile has no JUPYTER_COLLABORATION := <version>"
    return match.group(1)


def rtc_installed_version() -> str:
    python = rtc_python()
    assert python is not None, f"{RTC_VENV} is not built; run `make rtc-venv`"
    code = "import importlib.metadata as m; print(m.version('jupyter-collaboration'))"
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def rtc_server(root_dir: Path, app: Literal["lab", "notebook"] = "lab", **kw: Any) -> JupyterServer:
    """A JupyterServer run by .venv-rtc's python (jupyter-collaboration on)."""
    python = rtc_python()
    if python is None:
        raise RuntimeError(f"{RTC_VENV} is not built; run `make rtc-venv`")
    return JupyterServer(root_dir, app=app, python=str(python), **kw)


def is_collaborative(page: NotebookPage) -> bool:
    """Whether the page's notebook model is a collaborative (shared) document."""
    return bool(page.evaluate("() => !!window.__harness.panel.context.model.collaborative"))
