"""A private JupyterLab 4 / Notebook 7 server on 127.0.0.1, with its own user dirs."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Literal


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids_mentioning(needle: str) -> list[int]:
    """Live processes whose command line contains needle."""
    pids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if needle in Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(entry))
        except OSError:
            continue
    return pids


class JupyterServer:
    """A private `jupyter lab|notebook|server` on 127.0.0.1 with its own user dirs (`server`:
    a plain jupyter_server, for what its extensions serve, such as Voilà's /voila/render/).

    Construct, optionally prepare `config_dir` (run e.g. `jupyter server
    extension disable X --user` with `env=server.env`), then `start()` or
    enter it as a context manager.
    """

    def __init__(
        self,
        root_dir: Path,
        app: Literal["lab", "notebook", "server"] = "lab",
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.root_dir, self.app, self.python = Path(root_dir).resolve(), app, python
        self.extra_args = list(extra_args or [])
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.tmp = Path(tempfile.mkdtemp(prefix="jupyter-harness-"))
        self.config_dir, self.log_path = self.tmp / "config", self.tmp / "server.log"
        # Only user-level dirs are private: sys.prefix/{share,etc}/jupyter are
        # still searched, so installed labextensions, kernelspecs and
        # server-extension configs keep loading.
        private = {
            "JUPYTER_CONFIG_DIR": self.config_dir,
            "JUPYTER_DATA_DIR": self.tmp / "data",
            "JUPYTER_RUNTIME_DIR": self.tmp / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": self.tmp / "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": self.tmp / "lab-workspaces",
            "IPYTHONDIR": self.tmp / "ipython",
        }
        for path in private.values():
            path.mkdir(parents=True)
        self.env: dict[str, str] = {**os.environ, **{k: str(v) for k, v in private.items()}}
        self.env.pop("JUPYTER_TOKEN", None)
        self.env.update(env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self._final_log: str | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log_text(self) -> str:
        """Server stdout+stderr so far (kept after stop())."""
        if self._final_log is not None:
            return self._final_log
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.log_path.exists()
            else ""
        )

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def api(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        """Call the REST API with the token; decoded JSON, or None if empty."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}", data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        # Empty ProxyHandler: an inherited http_proxy must never see our traffic.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def disable_server_extension(self, module: str) -> None:
        """Disable a server extension for this server only; call before start().

        `jupyter server extension disable X --user` refuses (yet exits 0) for
        extensions enabled in sys.prefix but not listed in the user dir.
        """
        cfg = self.config_dir / "jupyter_server_config.json"
        data = json.loads(cfg.read_text(encoding="utf-8")) if cfg.exists() else {}
        data.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})[module] = False
        cfg.write_text(json.dumps(data, indent=1), encoding="utf-8")

    def start(self, timeout: float = 90) -> JupyterServer:
        if self.proc is not None:
            raise RuntimeError("JupyterServer.start() called twice")
        # fmt: off
        args = [
            self.python, "-m", "jupyter", self.app, "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
        ] + ([] if self.app == "server" else ["--expose-app-in-browser"]) + (
            ["--allow-root"] if os.geteuid() == 0 else []) + self.extra_args
        with open(self.log_path, "wb") as log:
            # Own session so stop() can signal the whole process group.
            self.proc = subprocess.Popen(
                args, cwd=self.root_dir, env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        # fmt: on
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                code, self.proc = self.proc.returncode, None
                raise RuntimeError(
                    f"jupyter {self.app} exited with {code} before GET /api/status "
                    f"answered; log tail:\n{self._log_tail()}"
                )
            try:
                self.api("GET", "/api/status", timeout=2)
                return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                tail = self._log_tail()
                self.stop()
                raise TimeoutError(
                    f"jupyter {self.app} did not answer GET /api/status on port "
                    f"{self.port} within {timeout}s; log tail:\n{tail}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels", timeout=5) or []:
                    self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=10)
                self.api("POST", "/api/shutdown", timeout=5)
                proc.wait(timeout=10)
            except (urllib.error.URLError, OSError, subprocess.TimeoutExpired, ValueError):
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=5)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        # Kernels run in sessions of their own, so killpg misses them, and
        # they outlive a crashed server; their `-f <runtime>/kernel-*.json`
        # argument names our private runtime dir, which finds them anyway.
        for pid in _pids_mentioning(f"{self.tmp}{os.sep}"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._final_log = self.log_text()
        if not os.environ.get("JUPYTER_HARNESS_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> JupyterServer:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
