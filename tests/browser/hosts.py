"""Other hosts than JupyterLab and Notebook 7, each from a venv of its own (the Makefile's
voila-venv and marimo-venv targets), so the main test venv stays as users of JupyterLab have it.

- Voilà as a jupyter_server extension: `voila_server(root)` is a JupyterServer (our server
  extension active beside Voilà's); `HostPage(context, server.url("voila/render/x.ipynb"))`.
- standalone Voilà: `StandaloneVoila(root)` runs `voila ROOT`; `.render("x.ipynb")` is a page.
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
from typing import TypeVar

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


Host = TypeVar("Host", bound="HostServer")


class HostServer:
    """A host's own server (`marimo run`, standalone `voila`) from its venv, on 127.0.0.1, in
    its own session and with its own HOME; ready when `ready_path` answers."""

    def __init__(self, venv: Path, cwd: Path, ready_path: str = "/") -> None:
        python = venv_python(venv)
        if python is None:
            raise RuntimeError(f"{venv} is not built; run `make {venv.name.lstrip('.')}`")
        self.python, self.cwd, self.ready_path = python, cwd, ready_path
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.tmp = Path(tempfile.mkdtemp(prefix="host-harness-"))
        self.log_path = self.tmp / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def args(self) -> list[str]:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self: Host, timeout: float = 90) -> Host:
        env = {**os.environ, "HOME": str(self.tmp), "XDG_CONFIG_HOME": str(self.tmp / "config")}
        env.pop("JUPYTER_TOKEN", None)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.python), *self.args()], cwd=self.cwd, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        # Empty ProxyHandler: an inherited http_proxy must never see our traffic.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.args()[:3]} exited with {self.proc.returncode}:\n"
                                   f"{self.log_text()}")  # fmt: skip
            try:
                with opener.open(f"http://127.0.0.1:{self.port}{self.ready_path}", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"no answer in {timeout}s:\n{self.log_text()}")
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

    def __enter__(self: Host) -> Host:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class MarimoServer(HostServer):
    """`marimo run APP` from .venv-marimo, with a token."""

    def __init__(self, app_file: Path) -> None:
        super().__init__(MARIMO_VENV, app_file.parent, "/health")
        self.app_file = app_file

    def args(self) -> list[str]:
        # fmt: off
        return [
            "-m", "marimo", "run", str(self.app_file), "--headless", "--host", "127.0.0.1",
            "--port", str(self.port), "--token", "--token-password", self.token, "--no-sandbox",
        ]
        # fmt: on

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?access_token={self.token}"


class StandaloneVoila(HostServer):
    """`voila ROOT` from .venv-voila: Voilà's own server, which loads no jupyter_server
    extensions (so not ours: no TCP_NODELAY on the kernel's websocket)."""

    def __init__(self, root_dir: Path) -> None:
        # Given a folder, "/" lists it: ready without running a notebook.
        super().__init__(VOILA_VENV, root_dir, "/")

    def args(self) -> list[str]:
        # fmt: off
        return [
            "-m", "voila", str(self.cwd), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={self.port}", "--Voila.port_retries=0", f"--token={self.token}",
        ]
        # fmt: on

    def render(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}?token={self.token}"


# The body's text, then each open shadow root's, outermost first.
SHOWN_TEXT = """() => {
  const parts = [document.body.innerText];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (!el.shadowRoot) continue;
      for (const child of el.shadowRoot.children) {
        if (child.tagName !== "STYLE") parts.push(child.innerText ?? child.textContent);
      }
      walk(el.shadowRoot);
    }
  };
  walk(document);
  return parts.join("\\n");
}"""


class HostPage:
    """A page of a host without JupyterLab's app object: open it, read what it shows."""

    def __init__(self, context: BrowserContext, url: str, timeout: float = 120) -> None:
        self.console: list[ConsoleEntry] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.console.append(ConsoleEntry(m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(ConsoleEntry("pageerror", str(e))))
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)

    def text(self) -> str:
        """What the page shows, also inside shadow roots (marimo renders widgets there)."""
        return str(self.page.evaluate(SHOWN_TEXT))

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
