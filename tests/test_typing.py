"""The typed API's types are part of the feature: mypy must accept what users write and reject
misuse exactly where tests/typing/typed_misuse.py marks it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent / "typing"
ROOT = HERE.parents[1]


def mypy(*files: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *files],
        cwd=HERE,
        # This checkout's package, even where another checkout is installed.
        env={**os.environ, "MYPYPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [line for line in result.stdout.splitlines() if ": error:" in line]


def test_what_users_write_type_checks_and_types_flow() -> None:
    assert mypy("typed_usage.py") == []


def test_misuse_is_a_type_error_exactly_where_marked() -> None:
    source = (HERE / "typed_misuse.py").read_text(encoding="utf-8").splitlines()
    expected = {
        (number, match.group(1))
        for number, line in enumerate(source, start=1)
        if (match := re.search(r"# expect-error: ([a-z-]+)", line))
    }
    found = set()
    for line in mypy("typed_misuse.py"):
        where = re.match(r"typed_misuse\.py:(\d+): error: .*\[([a-z-]+)\]$", line)
        assert where, f"an error outside the marked file: {line}"
        found.add((int(where.group(1)), where.group(2)))
    assert found == expected
