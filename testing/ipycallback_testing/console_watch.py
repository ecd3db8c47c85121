"""Count what a page printed to its console, e.g. to assert that a fault does not flood it;
list the dialogs it shows.

`NotebookPage.console` collects every console message (and uncaught errors, as type
"pageerror") from the moment the page opened.  Take a `console_mark` before the fault and count
from it afterwards:

    mark = console_mark(page)
    ...  # inject the fault
    assert_console_quiet(page, r"tunnel .* closed", since=mark, at_most=3)
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .notebook_page import ConsoleEntry, NotebookPage


def sync_console(page: NotebookPage) -> None:
    """Wait until every console message the page printed so far has reached `page.console`
    (console events travel on the same CDP session as the answer to this evaluate)."""
    page.evaluate("() => 0")


def console_mark(page: NotebookPage) -> int:
    """A position in `page.console`, to count only what comes after it."""
    sync_console(page)
    return len(page.console)


def console_matches(
    page: NotebookPage,
    pattern: str | re.Pattern[str],
    since: int = 0,
    types: Collection[str] | None = None,
) -> list[ConsoleEntry]:
    """Entries from index `since` whose text matches `pattern` (re.search), optionally only of
    the given console types ("log", "warning", "error", "pageerror", ...)."""
    sync_console(page)
    rx = re.compile(pattern)
    return [
        entry
        for entry in page.console[since:]
        if rx.search(entry.text) and (types is None or entry.type in types)
    ]


def count_console(
    page: NotebookPage,
    pattern: str | re.Pattern[str],
    since: int = 0,
    types: Collection[str] | None = None,
) -> int:
    return len(console_matches(page, pattern, since, types))


def assert_console_quiet(
    page: NotebookPage,
    pattern: str | re.Pattern[str],
    at_most: int = 0,
    since: int = 0,
    types: Collection[str] | None = None,
) -> int:
    """AssertionError if more than `at_most` lines match; returns how many did."""
    hits = console_matches(page, pattern, since, types)
    if len(hits) > at_most:
        sample = "\n".join(f"  [{e.type}] {e.text[:200]}" for e in hits[:10])
        raise AssertionError(
            f"{page.path}: {len(hits)} console lines match {pattern!r} "
            f"(at most {at_most} allowed); the first ones:\n{sample}"
        )
    return len(hits)


def open_dialogs(page: NotebookPage) -> list[str]:
    """The text of every JupyterLab dialog open on the page (e.g. "Server Connection Error",
    "Kernel Restarting", "File Changed"); such a dialog takes the keyboard focus."""
    texts: list[str] = page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-Dialog'))"
        ".map((d) => d.innerText.trim().slice(0, 300))"
    )
    return texts


def dismiss_dialogs(page: NotebookPage, timeout: float = 10) -> list[str]:
    """Close every open dialog with its reject ("Close"/"Cancel") button, or its only button;
    returns their texts.  JupyterLab opens "Server Connection Error" when its REST calls fail
    during a network cut, and it keeps the focus until closed."""
    texts = open_dialogs(page)
    if texts:
        page.evaluate(
            """() => document.querySelectorAll('.jp-Dialog').forEach((d) => {
              const b = d.querySelector('.jp-Dialog-button.jp-mod-reject')
                || d.querySelector('.jp-Dialog-button');
              if (b) b.click();
            })"""
        )
        page.wait_for_js("() => !document.querySelector('.jp-Dialog')", timeout=timeout)
    return texts
