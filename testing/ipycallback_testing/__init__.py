"""Test tooling for ipycallback: a real JupyterLab / Notebook 7 server driven from headless
Chromium, fault injection (a TCP proxy that cuts connections, kernel restarts and interrupts),
several views of one notebook, and measurements of what the user feels (input latency, console).

The pytest plugin (`ipycallback_testing.plugin`, enabled in tests/conftest.py) turns these into
fixtures: `jupyter_lab`, `browser`, `notebook` (open a notebook's page), `fault_proxy`, `rtc_lab`,
and a `--chromium` option. Scripts such as the benchmarks use the classes directly.
"""

from __future__ import annotations

from .chromium import DEFAULT_CHROMIUM, launch_browser
from .notebook_page import CellExecutionError, CellResult, ConsoleEntry, NotebookPage
from .notebooks import write_notebook
from .server import JupyterServer

__all__ = [
    "DEFAULT_CHROMIUM",
    "CellExecutionError",
    "CellResult",
    "ConsoleEntry",
    "JupyterServer",
    "NotebookPage",
    "launch_browser",
    "write_notebook",
]
