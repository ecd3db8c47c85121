"""Notebook files for tests: cells in, an .ipynb out."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: Path, cells: list[str | tuple[str, str]]) -> Path:
    """Output-less cells; a ("markdown", text) tuple makes a markdown cell."""
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    # With a kernelspec Lab opens without a "Select Kernel" dialog.
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for cell in cells:
        kind, source = cell if isinstance(cell, tuple) else ("code", cell)
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}[kind]
        nb.cells.append(make(source))  # type: ignore[no-untyped-call]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))  # type: ignore[no-untyped-call]
    return path
