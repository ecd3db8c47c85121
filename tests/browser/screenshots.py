"""Pictures of the examples for the README: `make screenshots` sets IPYCALLBACK_SCREENSHOTS to a
folder and runs the tests marked `screenshot`, which save what the page shows once they have
checked it. Without the variable nothing is written, so CI's runs leave the repository alone."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import FloatRect, Locator, Page

from ipycallback_testing import NotebookPage

WIDTH = 1000


def screenshot_dir() -> Path | None:
    folder = os.environ.get("IPYCALLBACK_SCREENSHOTS")
    return Path(folder) if folder else None


def save(target: Page | Locator, name: str, clip: FloatRect | None = None) -> Path | None:
    """`<folder>/<name>.png` of target (a page, or one element of it), when a folder is set."""
    folder = screenshot_dir()
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if isinstance(target, Page):
        target.screenshot(path=str(path), animations="disabled", caret="hide", clip=clip)
    else:
        target.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def save_notebook(page: NotebookPage, name: str, hide_code: bool = False) -> Path | None:
    """The whole notebook (see fit_notebook), cut below its last cell."""
    if screenshot_dir() is None:
        return None
    fit_notebook(page, hide_code=hide_code)
    page.evaluate(
        """() => {
          const nb = document.querySelector(".jp-Notebook");
          for (const scroller of [nb, ...nb.querySelectorAll(".jp-WindowedPanel-outer")]) {
            scroller.scrollTop = 0;
          }
        }"""
    )
    page.page.wait_for_timeout(300)
    clip = page.evaluate(
        """() => {
          const nb = document.querySelector(".jp-Notebook");
          for (const scroller of [nb, ...nb.querySelectorAll(".jp-WindowedPanel-outer")]) {
            scroller.scrollTop = 0;
          }
          const cells = nb.querySelectorAll(".jp-Cell");
          const top = nb.getBoundingClientRect();
          const last = cells[cells.length - 1].getBoundingClientRect();
          return { x: top.x, y: top.y, width: top.width, height: last.bottom - top.y + 16 };
        }"""
    )
    return save(page.page, name, clip=clip)


def notebook_cells(page: NotebookPage) -> Locator:
    return page.page.locator(".jp-Notebook .jp-Cell")


def fit_notebook(page: NotebookPage, width: int = WIDTH, hide_code: bool = False) -> Locator:
    """Resizes the tab so the whole notebook shows without scrolling, with no side panels or
    notifications, and returns the notebook's element: a Lab notebook scrolls inside its panel,
    where a screenshot of the element would cut it off. `hide_code` collapses every code cell's
    input, leaving the prompts and what each cell shows."""
    # Notifications, the active cell's toolbar and marker are the harness's doing, not the
    # example's.
    page.page.add_style_tag(
        content=".Toastify, .jp-cell-toolbar { display: none !important; }"
        " .jp-Notebook .jp-Cell .jp-Collapser { background: transparent !important; }"
    )
    page.evaluate(
        """(hideCode) => {
          const app = window.jupyterapp;
          app.shell.collapseLeft?.();
          app.shell.collapseRight?.();
          document.activeElement?.blur?.();
          const nb = window.__harness.panel.content;
          for (const cell of nb.widgets) {
            if (hideCode && cell.model.type === "code") cell.inputHidden = true;
          }
          nb.deselectAll();
          nb.mode = "command";
          nb.activeCellIndex = 0;
        }""",
        hide_code,
    )
    notebook = page.page.locator(".jp-Notebook").first
    height = 700
    for _ in range(4):  # the layout settles after a resize: measure again
        page.page.set_viewport_size({"width": width, "height": height})
        page.page.wait_for_timeout(400)
        needed = int(
            page.evaluate(
                """() => {
                  const nb = document.querySelector(".jp-Notebook");
                  nb.scrollTop = 0;
                  const inner = nb.querySelector(".jp-WindowedPanel-viewport") ?? nb;
                  return Math.max(nb.scrollHeight, inner.scrollHeight) + 40;
                }"""
            )
        )
        box = notebook.bounding_box()
        if box is not None and box["height"] >= needed:
            break
        height += needed - int(box["height"] if box else 0)
    return notebook
