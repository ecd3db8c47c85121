"""Both distributions build without Node: the runtime wheel carries the bundle and enables the
server extension, and no generator; the generator's wheel carries the generator, pinned to the
runtime of the same version."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ipycallback

ROOT = Path(__file__).resolve().parents[1]
VERSION = ipycallback.__version__


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, zipfile.ZipFile]:
    tmp_path = tmp_path_factory.mktemp("wheels")
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
    for project in (".", "./codegen"):
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "dist"),
             project],
            cwd=source,
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    (runtime,) = (tmp_path / "dist").glob("ipycallback-*.whl")
    (codegen,) = (tmp_path / "dist").glob("ipycallback_codegen-*.whl")
    return {"runtime": zipfile.ZipFile(runtime), "codegen": zipfile.ZipFile(codegen)}


def read(wheel: zipfile.ZipFile, suffix: str) -> str:
    return wheel.read(next(n for n in wheel.namelist() if n.endswith(suffix))).decode()


def test_the_runtime_wheel_ships_the_runtime_and_no_generator(
    wheels: dict[str, zipfile.ZipFile],
) -> None:
    wheel = wheels["runtime"]
    assert Path(str(wheel.filename)).name.startswith(f"ipycallback-{VERSION}-")
    names = wheel.namelist()
    assert "ipycallback/static/tunnel.js" in names
    assert "ipycallback/_server_extension.py" in names
    assert "ipycallback/py.typed" in names
    assert "ipycallback/schema.py" in names  # the API the generator builds on
    generator = [n for n in names if "codegen" in n or n.endswith((".mjs", ".ts"))]
    assert generator == []
    # The `ipycallback` command is the runtime's dispatcher, which finds `codegen` if installed.
    assert "ipycallback = ipycallback._cli:main" in read(wheel, ".dist-info/entry_points.txt")
    config = [n for n in names if n.endswith("jupyter_server_config.d/ipycallback.json")]
    assert config
    assert config[0].split(".data/data/")[1] == (
        "etc/jupyter/jupyter_server_config.d/ipycallback.json"
    )


def test_the_generator_wheel_ships_the_generator_pinned_to_the_runtime(
    wheels: dict[str, zipfile.ZipFile],
) -> None:
    wheel = wheels["codegen"]
    assert Path(str(wheel.filename)).name.startswith(f"ipycallback_codegen-{VERSION}-")
    names = wheel.namelist()
    for name in ("cli.py", "emit/support.ts", "node/ts_to_schema.mjs"):
        assert f"ipycallback_codegen/{name}" in names
    # The Node helper with ajv inside, and the licences of what it bundles; not its source.
    bundle = "ipycallback_codegen/node/ajv_standalone.cjs"
    assert bundle in names
    assert f"{bundle}.LICENSES.txt" in names
    assert wheel.read(bundle) == (ROOT / "codegen" / bundle).read_bytes()
    assert not [n for n in names if n.endswith("ajv_standalone.mjs")]
    assert not [n for n in names if n.startswith("ipycallback/")]
    metadata = read(wheel, ".dist-info/METADATA")
    assert f"Version: {VERSION}\n" in metadata
    assert f"Requires-Dist: ipycallback=={VERSION}\n" in metadata  # pip refuses a mismatch
    assert "requires-dist: pyyaml>=6" in metadata.lower()
    entry_points = read(wheel, ".dist-info/entry_points.txt")
    assert "[ipycallback.commands]\ncodegen = ipycallback_codegen.cli:main" in entry_points
    assert "console_scripts" not in entry_points  # `ipycallback` is the runtime's
