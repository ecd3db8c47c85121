"""The README's examples as notebook cells, so tests run exactly what users read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE_NOTEBOOK = ROOT / "examples" / "introduction.ipynb"

_BLOCK = re.compile(r"^```(python|javascript)\n(.*?)^```\n", re.S | re.M)


def readme_cells(marker: str = "example", readme: Path = README) -> list[str]:
    """Code cells for the README's marked examples; JavaScript becomes a %%javascript cell."""
    text = readme.read_text(encoding="utf-8")
    start = text.index(f"<!-- {marker}:start -->")
    end = text.index(f"<!-- {marker}:end -->")
    cells = []
    for language, body in _BLOCK.findall(text[start:end]):
        cells.append(body.rstrip("\n") if language == "python" else "%%javascript\n" + body)
    return [cell.rstrip("\n") for cell in cells]
