"""`make bench`: the tunnel against the raw anywidget echo and trait sync, in real JupyterLab.

Two JupyterLab servers with default settings, one with the ipycallback server extension and one
without; one headless Chromium page per server measures round-trip latency and bursts both ways
for the three mechanisms. Then the typed layer: encode+decode in the kernel against raw msgspec
and pydantic, validation in the browser against JSON.parse, and a typed round trip against the
raw one. Prints tables and same-run ratios, writes build/bench.json, and with --write-docs
regenerates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from importlib import metadata
from pathlib import Path

import typed_browser
import typed_python
from _measure import Counts, Result, log, measure_page
from _report import (
    BASELINE,
    WITH,
    WITHOUT,
    Context,
    document,
    ratio_lines,
    table,
)
from playwright.sync_api import sync_playwright

from ipycallback_testing import JupyterServer, NotebookPage, launch_browser, write_notebook

ROOT = Path(__file__).resolve().parents[1]
FULL = Counts(round_trips=200, burst=10_000, burst_timeout_s=180)
QUICK = Counts(round_trips=30, burst=2_000, burst_timeout_s=60)
# The last commit with wire protocol v1 (no sequence numbers, no acknowledgements): its tunnel
# runs on a third server in the same run, so the cost of v2's guarantees is a same-run ratio.
BASELINE_REV = "9a3ec19"
PACKAGES = ["jupyterlab", "jupyter_server", "notebook", "ipykernel", "ipywidgets", "anywidget"]


def extension_status(server: JupyterServer) -> str:
    try:
        return f"200 {json.dumps(server.api('GET', 'ipycallback/status'))}"
    except urllib.error.HTTPError as error:
        return str(error.code)


def baseline_tree(base: Path, rev: str) -> Path:
    """The `ipycallback` package as of `rev`, unpacked for a kernel's PYTHONPATH."""
    target = base / "baseline"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "ipycallback"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def start_servers(stack: ExitStack, baseline: str | None) -> dict[str, JupyterServer]:
    base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ipycallback-bench-")))
    servers = {}
    labels = [WITH, WITHOUT] + ([BASELINE] if baseline else [])
    for label in labels:
        root = base / label.replace(" ", "-")
        root.mkdir()
        write_notebook(root / "bench.ipynb", ["import ipycallback"])
        env = None
        if label == BASELINE and baseline:
            # Found before the installed package, by the server and by its kernels alike.
            env = {"PYTHONPATH": str(baseline_tree(base, baseline))}
        server = JupyterServer(root, env=env)
        if label == WITHOUT:
            server.disable_server_extension("ipycallback")
        log(f"starting JupyterLab {label}")
        servers[label] = stack.enter_context(server.start())
    for label, server in servers.items():
        status = extension_status(server)
        print(f"GET /ipycallback/status on the server {label}: {status}")
        if status.startswith("200") != (label != WITHOUT):
            raise SystemExit(f"the server {label} answered {status}: the comparison would be void")
    return servers


def machine(chromium: str) -> list[tuple[str, str]]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    facts = [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Load average before the run", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
    ]
    facts += [(name, metadata.version(name)) for name in PACKAGES]
    return [*facts, ("ipycallback", metadata.version("ipycallback")), ("Chromium", chromium)]


def typed_section(typed_py: dict[str, dict[str, float]], typed_js: dict[str, object]) -> str:
    return "\n".join(
        [
            "## Typed messages",
            "",
            "Kernel side: one message encoded by the typed sender (validation, JSON-safety",
            "checks, msgspec encoding) and decoded by the typed receiver, against msgspec's plain",
            "encode + typed decode, and pydantic v2's `model_dump_json` + `model_validate_json`;",
            "results discarded. Timed rounds alternate between the contenders and each keeps",
            "its fastest of 7. `small` is a Query, `medium` a QueryResult",
            "with 20 hits (`benchmarks/typed_python.py`). The rows built in the loop also build",
            "the message every time: pydantic validates when a model is built and its dump does",
            "not validate, while the typed sender validates when it sends, so those rows compare",
            "equal guarantees. Sending validates by decoding the encoded bytes with a strict twin",
            "of the declared types: msgspec has no way to validate an instance",
            "(msgspec/msgspec#615), so typed costs at least encode + 2 decodes. The second",
            "table measures that floor with msgspec's calls alone, none of our Python around",
            "them, and how far the typed layer stays above it.",
            "",
            typed_python.report(typed_py),
            "",
            "Browser side, in the same Chromium page as the tables above (server extension on):",
            "`JSON.parse` alone against `JSON.parse` plus each validator: the runtime one,",
            "compiled in the page from the schema the kernel ships, and the one the code",
            "generator emits (ajv standalone code). Timed rounds alternate between the three and",
            "each keeps its fastest of 11, as noise only adds time. Then round trips both ways,",
            "taking turns in 10 blocks: the raw tunnel echo and a typed `request()` the page",
            "starts (timed in the page), and, timed in the kernel, the raw tunnel echo the kernel",
            "starts and the kernel's typed requests, `await request()` in an async cell and",
            "`call()` in a plain one (`benchmarks/typed_browser.py`; `benchmarks/round_trips.py`",
            "repeats them alone, `benchmarks/validation_cost.py` the validation table).",
            "",
            typed_browser.report(typed_js) if typed_js else "(not measured)",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 round trips, bursts of 2,000")
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/benchmarks.md")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    # For development only: published figures use the default counts.
    parser.add_argument("--round-trips", type=int, help="override the number of round trips")
    parser.add_argument("--burst", type=int, help="override the burst size")
    parser.add_argument(
        "--baseline",
        default=BASELINE_REV,
        help="git revision whose tunnel (protocol v1) is measured beside this one ('' for none)",
    )
    args = parser.parse_args()
    counts = replace(
        QUICK if args.quick else FULL,
        **{k: v for k, v in (("round_trips", args.round_trips), ("burst", args.burst)) if v},
    )
    began, date = time.monotonic(), datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    python = Path(sys.executable)
    python_shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    command = shlex.join([str(python_shown), "benchmarks/bench.py", *sys.argv[1:]])
    facts = machine("?")  # before the servers start: the load average is the machine's own
    # The kernel-side micro-benchmark first, while no server competes for the two cores.
    log("typed encode+decode in Python")
    typed_py = typed_python.measure(2_000 if args.quick else 20_000)
    typed_js: dict[str, object] = {}
    results: list[Result] = []
    chromium = "unknown"
    with ExitStack() as stack:
        servers = start_servers(stack, args.baseline or None)
        with sync_playwright() as pw:
            for label, server in servers.items():
                with launch_browser(pw) as browser:
                    if browser.browser is not None:
                        chromium = browser.browser.version
                    with NotebookPage(server, browser, "bench.ipynb") as page:
                        kinds = ("tunnel",) if label == BASELINE else None
                        results += measure_page(page, label, counts, kinds)
                        if label == WITH:
                            log("typed layer in the browser")
                            typed_js = typed_browser.measure(
                                page, counts.round_trips, 2_000 if args.quick else 20_000
                            )
    facts[-1] = ("Chromium", chromium)
    # The issue-13 goal compares the kernel's typed requests with the raw anywidget echo too.
    raw_echo = next((r for r in results if r.mechanism == "raw" and r.server == WITH), None)
    if typed_js and raw_echo is not None and raw_echo.latency.median_ms is not None:
        typed_js["raw_anywidget_echo_ms"] = {
            "median": raw_echo.latency.median_ms,
            "p99": raw_echo.latency.p99_ms or 0.0,
        }
    seconds = time.monotonic() - began

    print()
    print(table(results))
    print()
    print("Ratios from the same run:")
    print(ratio_lines(results))
    typed_text = typed_section(typed_py, typed_js)
    print()
    print(typed_text)
    print(f"\nwall time: {seconds:.0f} s")

    context = Context(date, command, facts, counts.round_trips, counts.burst)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": date,
        "command": command,
        "wall_seconds": seconds,
        "machine": dict(facts),
        "counts": {"round_trips": counts.round_trips, "burst": counts.burst},
        "results": [r.as_json() for r in results],
        "typed_python": typed_py,
        "typed_browser": typed_js,
    }
    args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    print(f"raw results: {args.json}")
    if args.write_docs:
        path = ROOT / "docs" / "benchmarks.md"
        path.write_text(document(results, context) + "\n" + typed_text + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
