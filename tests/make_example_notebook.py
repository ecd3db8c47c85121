"""Writes examples/introduction.ipynb from the README's examples (a test keeps them equal)."""

from __future__ import annotations

import nbformat
from readme_cells import EXAMPLE_NOTEBOOK, readme_cells


def build() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# ipycallback: the README's examples")]
    for index, source in enumerate(readme_cells()):
        cell = nbformat.v4.new_code_cell(source)
        cell.id = f"example-{index}"  # stable ids keep the file deterministic
        nb.cells.append(cell)
    nb.cells[0].id = "title"
    return nb


def render() -> str:
    return nbformat.writes(build()) + "\n"


if __name__ == "__main__":
    EXAMPLE_NOTEBOOK.write_text(render(), encoding="utf-8")
