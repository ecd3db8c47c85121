"""Browser-side validation cost alone, in seconds instead of `make bench`'s minutes.

The same measurement as benchmarks/typed_browser.py (VALIDATION_COST: `validate(JSON.parse(t))`
against `JSON.parse(t)` for both shipped validators) in a blank headless Chromium page, without
JupyterLab: the schema text is the one a SearchTunnel attaches to its widget.
It measures in several fresh browsers, since one JIT's luck should not decide, and prints each
run's table and then the per-cell medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import typed_browser  # noqa: E402
from generated.search_messages import SearchTunnel  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from ipycallback import SlowTunnelWidget  # noqa: E402
from ipycallback_testing import launch_browser  # noqa: E402


def shipped_schema() -> str:
    """What SearchTunnel puts in the widget's `_typed_schema`, from SearchTunnel itself."""
    widget = SlowTunnelWidget()
    try:
        SearchTunnel(widget)
        return str(widget._typed_schema)
    finally:
        widget.close()


def measure(runs: int, count: int) -> list[dict[str, Any]]:
    bundle, schema = typed_browser.validator_bundle(), shipped_schema()
    results = []
    with sync_playwright() as playwright:
        for _ in range(runs):
            # A fresh browser per run: one JIT's luck is not repeated in every figure.
            with launch_browser(playwright) as context:
                page = context.new_page()
                page.goto("about:blank")
                page.add_script_tag(content=bundle)
                results.append(page.evaluate(typed_browser.VALIDATION_COST, [schema, count]))
    return results


def medians(results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        label: {key: statistics.median(r[label][key] for r in results) for key in row}
        for label, row in results[0].items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh browsers to measure in")
    parser.add_argument("--count", type=int, default=20_000, help="calls per timed loop")
    args = parser.parse_args()
    results = measure(args.runs, args.count)
    for i, result in enumerate(results, 1):
        print(f"run {i}:")
        print("\n".join(typed_browser.validation_table(result)))
    print(f"\nmedian of {len(results)} runs:")
    print("\n".join(typed_browser.validation_table(medians(results))))


if __name__ == "__main__":
    main()
