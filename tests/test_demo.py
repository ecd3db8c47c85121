"""`make demo` starts JupyterLab on examples/ and prints the URL to open, with nothing alarming
around it, as root or not; and Jupyter run from the repository's venv prints no screen of
minified JavaScript (Node once loaded JupyterLab's bundled yarn.js as an ES module, because the
root package.json said "type": "module")."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)
# What went wrong before, or would alarm someone trying the project for the first time.
ALARMING = re.compile(
    r"Dynamic require|yarn configuration|Traceback|Error|\[[WE] |not recommended|"
    r"No web browser",
    re.IGNORECASE,
)


def make_demo_dry_run(**variables: str) -> str:
    args = [f"{name}={value}" for name, value in variables.items()]
    done = subprocess.run(
        ["make", "-n", "-o", f"{VENV}/.installed", "demo", f"VENV={VENV}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_root_package_json_does_not_make_node_read_js_as_esm() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert "type" not in package  # its scripts are .mjs; the npm build sets its own folder's type


def test_jupyter_lab_from_the_repositorys_venv_prints_only_its_version() -> None:
    if not VENV.is_relative_to(ROOT):
        pytest.skip(f"the venv ({VENV}) is not inside the repository: nothing to check")
    done = subprocess.run(
        [VENV / "bin" / "jupyter", "lab", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"4\.\d+\.\d+\S*\n", done.stdout), done.stdout
    assert done.stderr == ""


def test_make_demo_passes_allow_root_only_as_root_and_opens_a_browser_where_there_is_one() -> None:
    as_root = make_demo_dry_run(USER_ID="0", DISPLAY="", WAYLAND_DISPLAY="")
    assert "--allow-root" in as_root
    assert "--no-browser" in as_root
    as_user = make_demo_dry_run(USER_ID="1000", DISPLAY=":0")
    assert "--allow-root" not in as_user
    assert "--no-browser" not in as_user
    assert f"{VENV}/bin/jupyter lab examples/" in as_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_make_demo_starts_jupyterlab_on_the_examples_and_prints_the_url(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    env.pop("JUPYTER_TOKEN", None)
    for name in ("CONFIG", "DATA", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = str(tmp_path / name.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "lab-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp_path / "lab-workspaces")
    env["IPYTHONDIR"] = str(tmp_path / "ipython")
    command = ["make", "-s", "-o", f"{VENV}/.installed", "demo", f"VENV={VENV}"]
    command.append(f"DEMO_ARGS=--port={port} --ServerApp.port_retries=0")
    demo = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so that the whole group (make, jupyter) can be stopped
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(demo.stdout or []), daemon=True)
    reader.start()
    url = re.compile(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)")
    try:
        deadline = time.monotonic() + 90
        while not any(url.search(line) for line in lines):
            assert demo.poll() is None, "make demo exited early:\n" + "".join(lines)
            assert time.monotonic() < deadline, "no URL after 90 s:\n" + "".join(lines)
            time.sleep(0.2)
        (token,) = {m.group(1) for line in lines if (m := url.search(line))}
        status = f"http://127.0.0.1:{port}/api/contents/generated?token={token}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(status, timeout=10) as answer:
            served = json.load(answer)
        assert served["path"] == "generated"  # examples/ is the root it serves
        time.sleep(1)  # whatever it prints right after starting is judged too
        before_stop = "".join(lines)
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
        reader.join(timeout=5)
    assert before_stop.startswith("Starting JupyterLab on examples/"), before_stop
    assert not ALARMING.search(before_stop), before_stop
