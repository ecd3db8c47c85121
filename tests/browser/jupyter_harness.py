"""Drive a real JupyterLab 4 / Notebook 7 server from headless Chromium.

`JupyterServer` runs a private server, `launch_browser` gives a fresh browser
context, `NotebookPage` opens and drives one notebook.  Every wait is bounded
and its timeout error names what was being waited for.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = os.environ.get("JUPYTER_HARNESS_CHROMIUM", "/usr/bin/chromium")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


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
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

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
        data = json.loads(cfg.read_text()) if cfg.exists() else {}
        data.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})[module] = False
        cfg.write_text(json.dumps(data, indent=1))

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
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._final_log = self.log_text()
        if not os.environ.get("JUPYTER_HARNESS_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> JupyterServer:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def launch_browser(
    playwright: Playwright | None = None, extra_args: list[str] | None = None
) -> Iterator[BrowserContext]:
    """Fresh headless Chromium with a fresh profile; one per server.

    `launch()` rejects `--user-data-dir` in args, so the profile goes through
    `launch_persistent_context`, which makes browser and context one object.
    Pass the test session's Playwright: sync_playwright() cannot nest.
    """
    # fmt: off
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ] + (extra_args or [])
    # fmt: on
    with ExitStack() as stack:
        pw = playwright or stack.enter_context(sync_playwright())
        profile = tempfile.mkdtemp(prefix="harness-chromium-")
        stack.callback(shutil.rmtree, profile, ignore_errors=True)
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=args
        )
        stack.callback(context.close)
        yield context


@dataclass
class ConsoleEntry:
    type: str  # console message type, or "pageerror" for uncaught exceptions
    text: str


@dataclass
class CellResult:
    status: str  # execute_reply status: "ok" | "error" | "aborted"
    outputs: list[dict[str, Any]] = field(default_factory=list)  # nbformat-shaped
    source: str = ""
    index: int | None = None

    @property
    def text(self) -> str:
        """Streams, text/plain results and error name/value/traceback."""
        parts: list[str] = []
        for out in self.outputs:
            kind = out.get("output_type")
            if kind == "stream":
                parts.append(_joined(out.get("text", "")))
            elif kind in ("execute_result", "display_data") and "text/plain" in out["data"]:
                parts.append(_joined(out["data"]["text/plain"]) + "\n")
            elif kind == "error":
                tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
                parts.append(f"{out.get('ename')}: {out.get('evalue')}\n{tb}\n")
        return "".join(parts)

    @property
    def stdout(self) -> str:
        return "".join(_joined(o["text"]) for o in self.outputs if o.get("name") == "stdout")


def _joined(text: str | list[str]) -> str:
    return "".join(text) if isinstance(text, list) else text


class CellExecutionError(AssertionError):
    pass


def write_notebook(path: Path, cells: list[str | tuple[str, str]]) -> Path:
    """Output-less cells; a ("markdown", text) tuple makes a markdown cell."""
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    # With a kernelspec Lab opens without a "Select Kernel" dialog.
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for cell in cells:
        kind, source = cell if isinstance(cell, tuple) else ("code", cell)
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}[kind]
        nb.cells.append(make(source))  # type: ignore[no-untyped-call]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))  # type: ignore[no-untyped-call]
    return path


# An init script, so it survives reloads.  Completion keys on the cell's
# execute_reply seen via kernel.anyMessage: in bursts the command's promise
# and the idle status are unreliable, so idle only ends a bounded settle early.
_JS = r"""(() => {
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (what) => { throw new Error('harness timeout: ' + what); };
async function until(what, deadline, check) {
  for (;;) {
    let v; try { v = await check(); } catch (e) { v = undefined; }
    if (v) return v;
    if (Date.now() > deadline) fail(typeof what === 'function' ? what() : what);
    await sleep(10);
  }
}
const race = (p, what, deadline) =>
  Promise.race([p, sleep(Math.max(0, deadline - Date.now())).then(() => fail(what))]);
const kernelOf = (panel) => panel && panel.sessionContext.session?.kernel;
const describe = (k) => k ? `connectionStatus=${k.connectionStatus} status=${k.status}` : 'none';
const H = window.__harness = {
  panel: null,
  async ready(path, ms) {
    const deadline = Date.now() + ms;
    const what = 'window.jupyterapp (is --expose-app-in-browser set?)';
    const app = await until(what, deadline, () => window.jupyterapp);
    await race(app.started, 'app.started', deadline);
    await race(app.restored, 'app.restored', deadline);
    const panel = H.panel = await until(`a NotebookPanel for ${path} in the main area`, deadline,
      () => Array.from(app.shell.widgets('main')).find((w) => w.context?.path === path));
    await race(panel.context.ready, 'context.ready of ' + path, deadline);
    await race(panel.sessionContext.ready, 'sessionContext.ready of ' + path, deadline);
    const k = await until(() => 'a connected idle kernel; kernel ' + describe(kernelOf(panel)),
      deadline, () => {
        const k = kernelOf(panel);
        return k && k.connectionStatus === 'connected' && k.status === 'idle' && k;
      });
    return { kernelId: k.id, cells: panel.content.widgets.length };
  },
  async track(ms, settleMs, isOurs, start) {
    const kernel = kernelOf(H.panel), deadline = Date.now() + ms;
    if (!kernel) throw new Error('the notebook has no kernel');
    const st = { msgId: null, reply: null, idle: false, outputs: [] };
    const kinds = ['stream', 'error', 'execute_result', 'display_data'];
    const onMsg = (_, { msg, direction }) => {
      if (direction === 'send') {
        if (st.msgId === null && isOurs(msg)) st.msgId = msg.header.msg_id;
      } else if (st.msgId !== null && msg.parent_header?.msg_id === st.msgId) {
        const t = msg.header.msg_type;
        if (t === 'execute_reply') st.reply = msg.content;
        else if (t === 'status') st.idle ||= msg.content.execution_state === 'idle';
        else if (kinds.includes(t)) st.outputs.push({ output_type: t, ...msg.content });
      }
    };
    kernel.anyMessage.connect(onMsg);
    try {
      start(kernel);
      const what = () => st.msgId ? 'the execute_reply to ' + st.msgId : 'an execute_request';
      await until(what, deadline, () => st.reply);
      await until('', Math.min(deadline, Date.now() + settleMs), () => st.idle).catch(() => {});
      await sleep(30);  // anyMessage fires before the message is handled on a promise chain
      return st;
    } finally { kernel.anyMessage.disconnect(onMsg); }
  },
  async runCell(index, ms, settleMs) {
    const nb = H.panel.content, cell = nb.widgets[index];
    if (!cell) throw new Error(`no cell ${index}; the notebook has ${nb.widgets.length}`);
    const source = cell.model.sharedModel.getSource();
    const run = () => {
      nb.activeCellIndex = index;
      nb.deselectAll();
      window.jupyterapp.commands.execute('notebook:run-cell')
        .catch((e) => console.error('run-cell', e));
    };
    if (cell.model.type !== 'code') { run(); return { status: 'ok', outputs: [], source }; }
    const isOurs = (m) => m.header.msg_type === 'execute_request' && m.content.code === source;
    const st = await H.track(ms, settleMs, isOurs, run);
    return { status: st.reply.status, outputs: cell.model.outputs.toJSON(), source };
  },
  async exec(code, ms, settleMs) {
    let future = null;
    const opts = { code, store_history: false, allow_stdin: false, stop_on_error: false };
    const st = await H.track(ms, settleMs, () => future === null,
      (k) => { future = k.requestExecute(opts); });
    future.dispose();
    return { status: st.reply.status, outputs: st.outputs, source: code };
  },
};
})();"""


class NotebookPage:
    """One notebook open in its own tab of `context`, kernel connected and idle."""

    def __init__(
        self,
        server: JupyterServer,
        context: BrowserContext,
        path: str,
        timeout: float = 120,
        *,
        base_url: str | None = None,
        workspace: str | None = None,
    ) -> None:
        """`base_url` (e.g. a FaultProxy's) replaces the server's http://127.0.0.1:port in
        the page's address, so all of the page's traffic goes there; `workspace` names the
        Lab workspace (a fresh one by default; a name another open tab holds makes Lab
        redirect to an `auto-X` workspace)."""
        self.server, self.path = server, Path(path).as_posix()
        self.base_url = (base_url or server.base_url).rstrip("/")
        self.console: list[ConsoleEntry] = []
        self.kernel_id = ""
        self.page: Page = context.new_page()
        self.page.on("console", lambda m: self.console.append(ConsoleEntry(m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(ConsoleEntry("pageerror", str(e))))
        self.page.add_init_script(_JS)
        quoted = urllib.parse.quote(self.path)
        # A workspace per page: Lab neither restores notebooks of earlier pages
        # nor redirects when another tab holds the default workspace.
        self.workspace = workspace or f"h{secrets.token_hex(4)}"
        route = (
            f"lab/workspaces/{self.workspace}/tree/{quoted}"
            if server.app == "lab"
            else f"notebooks/{quoted}"
        )
        url = server.url(route).replace(server.base_url, self.base_url, 1)
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        self._wait_ready(timeout)

    def _call(self, fn: str, *args: Any) -> Any:
        try:
            return self.page.evaluate(f"(a) => window.__harness.{fn}(...a)", list(args))
        except PlaywrightError as e:
            if "harness timeout:" not in e.message:
                raise
            what = e.message.split("harness timeout:", 1)[1].strip().splitlines()[0]
            tail = "\n".join(f"  [{c.type}] {c.text}" for c in self.console[-15:])
            raise TimeoutError(
                f"{self.path}: timed out waiting for {what}; console tail:\n{tail}"
            ) from None

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                info = self._call("ready", self.path, max(1.0, deadline - time.monotonic()) * 1000)
                break
            except PlaywrightError as e:  # a redirect mid-wait; wait in the new document
                if (
                    "Execution context was destroyed" not in e.message
                    or time.monotonic() > deadline
                ):
                    raise
        if self.kernel_id and info["kernelId"] != self.kernel_id:
            raise AssertionError(
                f"kernel changed across reload: {self.kernel_id} -> {info['kernelId']}"
            )
        self.kernel_id = info["kernelId"]

    def reload(self, timeout: float = 120) -> None:
        """Reload the tab; wait until it is reconnected to the same kernel."""
        self.page.reload(wait_until="domcontentloaded", timeout=timeout * 1000)
        self._wait_ready(timeout)

    def cell_count(self) -> int:
        return int(self.evaluate("window.__harness.panel.content.widgets.length"))

    def run_cell(self, index: int, timeout: float = 60, settle: float = 2) -> CellResult:
        r = self._call("runCell", index, timeout * 1000, settle * 1000)
        return CellResult(r["status"], r["outputs"], r["source"], index)

    def start_cell(self, index: int, timeout: float = 60, settle: float = 2) -> None:
        """Starts running cell `index` and returns at once, for a cell that waits for the page
        (click something meanwhile); `finish_cell()` waits for its reply."""
        self.evaluate(
            "([i, ms, settle]) => { window.__harness.started = window.__harness.runCell(i, ms, settle); }",
            [index, timeout * 1000, settle * 1000],
        )

    def finish_cell(self) -> CellResult:
        """The result of the cell `start_cell()` started."""
        r = self.evaluate("async () => await window.__harness.started")
        return CellResult(r["status"], r["outputs"], r["source"])

    def run_all_cells(self, timeout: float = 60, settle: float = 2) -> list[CellResult]:
        """Run every cell in order; CellExecutionError on the first failure."""
        results = []
        for i in range(self.cell_count()):
            results.append(result := self.run_cell(i, timeout, settle))
            if result.status != "ok":
                raise CellExecutionError(
                    f"{self.path} cell {i} finished with status {result.status!r}\n"
                    f"--- source ---\n{result.source}\n--- outputs ---\n{result.text}"
                )
        return results

    def execute(self, code: str, timeout: float = 60, settle: float = 2) -> CellResult:
        """Run code in the notebook's kernel without a cell; outputs from iopub."""
        r = self._call("exec", code, timeout * 1000, settle * 1000)
        return CellResult(r["status"], r["outputs"], code)

    def evaluate(self, js: str, arg: Any = None) -> Any:
        return self.page.evaluate(js, arg)

    def wait_for_js(self, predicate_js: str, timeout: float = 30) -> Any:
        """Wait until the JS expression/function is truthy; returns its value."""
        try:
            return self.page.wait_for_function(predicate_js, timeout=timeout * 1000).json_value()
        except PlaywrightTimeout:
            raise TimeoutError(
                f"timed out after {timeout}s waiting for JS: {predicate_js}"
            ) from None

    def close(self) -> None:
        self.page.close()

    def __enter__(self) -> NotebookPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
