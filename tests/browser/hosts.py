"""Other hosts than JupyterLab and Notebook 7, each from a venv of its own (the Makefile's
voila-venv and marimo-venv targets), so the main test venv stays as users of JupyterLab have it.

- Voilà as a jupyter_server extension: `voila_server(root)` is a JupyterServer (our server
  extension active beside Voilà's); `HostPage(context, server.url("voila/render/x.ipynb"))`.
- marimo: `MarimoServer(app_file)` runs `marimo run` on 127.0.0.1 with a token.
- `HostPage` opens a page and reads what it shows; these hosts have no JupyterLab app to drive,
  so the tests check the page, as a person would.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import BrowserContext

from ipycallback_testing import ConsoleEntry, JupyterServer
from ipycallback_testing.server import _free_port

ROOT = Path(__file__).resolve().parents[2]
VOILA_VENV = ROOT / ".venv-voila"
MARIMO_VENV = ROOT / ".venv-marimo"


def venv_python(venv: Path) -> Path | None:
    """The venv's python, if its Makefile target has built it."""
    python = venv / "bin" / "python"
    return python if (venv / ".installed").exists() and python.exists() else None


def voila_server(root_dir: Path) -> JupyterServer:
    """A plain jupyter_server from .venv-voila, where Voilà serves /voila/render/<path>."""
    python = venv_python(VOILA_VENV)
    if python is None:
        raise RuntimeError(f"{VOILA_VENV} is not built; run `make voila-venv`")
    return JupyterServer(root_dir, app="server", python=str(python))


class MarimoServer:
    """`marimo run APP` from .venv-marimo on 127.0.0.1, with a token, in its own session."""

    def __init__(self, app_file: Path, mode: str = "run") -> None:
        python = venv_python(MARIMO_VENV)
        if python is None:
            raise RuntimeError(f"{MARIMO_VENV} is not built; run `make marimo-venv`")
        self.python, self.app_file, self.mode = python, app_file, mode
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.tmp = Path(tempfile.mkdtemp(prefix="marimo-harness-"))
        self.log_path = self.tmp / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?access_token={self.token}"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 90) -> MarimoServer:
        # fmt: off
        args = [
            str(self.python), "-m", "marimo", self.mode, str(self.app_file), "--headless",
            "--host", "127.0.0.1", "--port", str(self.port), "--token",
            "--token-password", self.token, "--no-sandbox",
        ]
        # fmt: on
        env = {**os.environ, "HOME": str(self.tmp), "XDG_CONFIG_HOME": str(self.tmp / "config")}
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                args, cwd=self.app_file.parent, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"marimo exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with opener.open(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"marimo did not answer in {timeout}s:\n{self.log_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> MarimoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class HostPage:
    """A page of a host without JupyterLab's app object: open it, read what it shows."""

    def __init__(self, context: BrowserContext, url: str, timeout: float = 120) -> None:
        self.console: list[ConsoleEntry] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.console.append(ConsoleEntry(m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(ConsoleEntry("pageerror", str(e))))
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)

    def text(self) -> str:
        return self.page.locator("body").inner_text()

    def wait_text(self, needle: str, timeout: float = 60) -> str:
        """Waits until the page shows `needle`; returns all it shows."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                tail = "\n".join(f"  [{c.type}] {c.text}" for c in self.console[-15:])
                raise AssertionError(
                    f"the page does not show {needle!r}; it shows:\n{text[-3000:]}\n"
                    f"console tail:\n{tail}"
                )
            self.page.wait_for_timeout(100)

    def errors(self) -> list[str]:
        """Uncaught exceptions and console errors, less the CDN files (fonts, MathJax) these
        hosts link to, which this machine cannot reach."""
        offline = "Failed to load resource: net::ERR_NAME_NOT_RESOLVED"
        return [
            c.text for c in self.console if c.type in ("pageerror", "error") and c.text != offline
        ]

    def close(self) -> None:
        self.page.close()

    def __enter__(self) -> HostPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
