"""The example notebook is the README's examples, cell for cell."""

from __future__ import annotations

from make_example_notebook import render
from readme_cells import EXAMPLE_NOTEBOOK, readme_cells


def test_readme_has_python_and_javascript_examples() -> None:
    cells = readme_cells()
    assert any(cell.startswith("%%javascript") for cell in cells)
    assert any("SlowTunnelWidget" in cell for cell in cells)


def test_example_notebook_matches_the_readme() -> None:
    assert EXAMPLE_NOTEBOOK.read_text(encoding="utf-8") == render(), (
        "regenerate with: .venv/bin/python tests/make_example_notebook.py"
    )
