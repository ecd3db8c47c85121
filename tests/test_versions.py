"""One version for the Python package, the npm package and the built bundle."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

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


def test_the_changelog_describes_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in changelog.splitlines() if line.startswith("## ")]
    assert headings, "CHANGELOG.md has no '## <version>' section"
    assert headings[0] == ipycallback.__version__  # newest first


def test_the_version_is_above_the_registrys_2020_original() -> None:
    # The package registry's `ipycallback` 0.2.5 is the 2020 original; pip must see ours as newer.
    assert Version(ipycallback.__version__) > Version("0.2.5")
    assert Version(ipycallback.__version__).major >= 1  # a new major line: not a 0.2.x upgrade


def test_the_readme_installs_the_files_of_this_version() -> None:
    # The install section names make dist's files; a release that forgets them fails here.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.findall(
        r"dist/(ipycallback(?:_codegen)?)-(\d[^-\s]*?)(?:-py3-none-any\.whl|\.tgz)", readme
    )
    assert {name for name, _ in named} == {"ipycallback", "ipycallback_codegen"}
    assert {version for _, version in named} == {ipycallback.__version__}
