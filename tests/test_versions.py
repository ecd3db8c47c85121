"""One version for the Python package, the npm package and the built bundle."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

import ipycallback
import ipycallback_codegen

ROOT = Path(__file__).resolve().parents[1]


def test_runtime_generator_and_npm_versions_match() -> None:
    # ipycallback/_version.py is the one source: the generator's build reads it
    # (codegen/hatch_build.py), package.json repeats it.
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == ipycallback.__version__
    assert metadata.version("ipycallback") == ipycallback.__version__
    assert metadata.version("ipycallback-codegen") == ipycallback.__version__
    assert ipycallback_codegen.__version__ == ipycallback.__version__
    requires = metadata.requires("ipycallback-codegen") or []
    assert f"ipycallback=={ipycallback.__version__}" in requires


def test_the_shipped_bundle_names_the_same_version() -> None:
    bundle = (ROOT / "ipycallback" / "static" / "tunnel.js").read_text(encoding="utf-8")
    assert f"// ipycallback {ipycallback.__version__}:" in bundle.splitlines()[0]
    assert f'"{ipycallback.__version__}"' in bundle


@pytest.mark.skipif(not (ROOT / "node_modules" / "esbuild").exists(), reason="npm ci not run")
def test_the_committed_bundle_is_what_the_sources_build(tmp_path: Path) -> None:
    out = tmp_path / "tunnel.js"
    node = shutil.which("node")
    assert node is not None
    subprocess.run(
        [node, "frontend/build.mjs"],
        cwd=ROOT,
        env={**os.environ, "IPYCALLBACK_BUNDLE_OUT": str(out)},
        check=True,
    )
    shipped = (ROOT / "ipycallback" / "static" / "tunnel.js").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == shipped, (
        "run `npm run build` and commit ipycallback/static"
    )
