"""The round trips of the typed layer alone, both ways, in minutes instead of `make bench`'s 20.

One JupyterLab with default settings (the server extension on, comms over subshells on) and one
headless Chromium page; the same measurement as `make bench`'s typed section
(benchmarks/typed_browser.py): the raw tunnel echo the page starts, a typed request the page
sends, and, timed in the kernel, the raw echo the kernel starts and typed requests the kernel
sends (`await request()` and `call()`), taking turns in blocks. Prints the table and the
same-run ratios.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import typed_browser
from playwright.sync_api import sync_playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser, write_notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=10, help="turns the kinds take")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ipycallback-round-trips-") as root:
        write_notebook(Path(root) / "bench.ipynb", ["import ipycallback"])
        with (
            JupyterServer(Path(root)) as server,
            sync_playwright() as pw,
            launch_browser(pw) as browser,
            NotebookPage(server, browser, "bench.ipynb") as page,
        ):
            results = typed_browser.all_round_trips(page, args.round_trips, args.blocks)
    print("\n".join(typed_browser.round_trip_table(results)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
