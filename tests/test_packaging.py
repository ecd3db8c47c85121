"""A wheel built without Node carries the bundle and enables the server extension."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import ipycallback

ROOT = Path(__file__).resolve().parents[1]


def test_a_wheel_builds_without_node_and_ships_everything(tmp_path: Path) -> None:
    source = tmp_path / "src"
    # Only what git tracks, as a user's checkout or an sdist would have it.
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    python_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{python_dir}:/usr/bin:/bin"}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not (Path(p) / "node").exists())
    assert shutil.which("node", path=env["PATH"]) is None
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "dist"), "."],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("ipycallback-*.whl")
    assert wheel.name.startswith(f"ipycallback-{ipycallback.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ipycallback/static/tunnel.js" in names
    assert "ipycallback/_server_extension.py" in names
    # The code generator ships too: users generate their own message sets.
    for name in ("node/ajv_standalone.mjs", "node/ts_to_schema.mjs", "support.ts", "cli.py"):
        assert f"ipycallback/codegen/{name}" in names
    assert "ipycallback/py.typed" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert (
        "ipycallback = ipycallback.codegen.cli:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )
    config = [n for n in names if n.endswith("jupyter_server_config.d/ipycallback.json")]
    assert config and config[0].split(".data/data/")[1] == (
        "etc/jupyter/jupyter_server_config.d/ipycallback.json"
    )
