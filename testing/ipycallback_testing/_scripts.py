"""The page-side halves of the tools, kept as JavaScript files in js/."""

from __future__ import annotations

from importlib import resources


def script(name: str) -> str:
    """The text of js/<name>, a function expression for `page.evaluate`."""
    return resources.files(__package__).joinpath("js").joinpath(name).read_text("utf-8")
