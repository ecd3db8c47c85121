"""The npm package as a user gets it: `npm pack`'s tarball, installed from the file into a strict
TypeScript project outside this repository together with generated code, type-checks with no
path alias (under both bundler and Node resolution) and bundles with esbuild. The browser half
(tests/browser/test_installed_dist.py) runs that bundle against a kernel."""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

import pytest
from user_project import ROOT, WRONG_TS, bundle, node_tools_missing, npm_pack, tsc, user_project

import ipycallback

pytestmark = pytest.mark.skipif(node_tools_missing() is not None, reason=str(node_tools_missing()))

GENERATED = ROOT / "examples" / "generated" / "search_messages.ts"  # `codegen --check` keeps it


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return npm_pack(tmp_path_factory.mktemp("npm-pack"))


def members(tarball: Path) -> dict[str, bytes]:
    with tarfile.open(tarball) as tar:
        files = [m for m in tar.getmembers() if m.isfile()]
        return {m.name: tar.extractfile(m).read() for m in files}  # type: ignore[union-attr]


def test_the_tarball_ships_the_runtime_its_types_and_the_licence_and_nothing_internal(
    tarball: Path,
) -> None:
    files = members(tarball)
    package = json.loads(files["package/package.json"])
    assert package["name"] == "ipycallback"
    assert package["version"] == ipycallback.__version__
    entry = package["exports"]["."]
    for target in (entry["types"], entry["default"], package["main"], package["types"]):
        assert f"package/{target.removeprefix('./')}" in files, target
    assert "package/LICENSE" in files
    assert json.loads(files["package/build/npm/package.json"]) == {"type": "module"}
    # No sources, no Python bundle, no tests: only what build/npm/ holds, and the docs.
    inside = {name.split("/")[1] for name in files}
    assert inside == {"build", "LICENSE", "README.md", "CHANGELOG.md", "package.json"}
    assert not package.get("dependencies")  # installs offline from the file alone
    runtime = files["package/build/npm/index.js"].decode()
    assert f'"{ipycallback.__version__}"' in runtime  # VERSION, the same as the wheel's
    # Node resolution needs explicit extensions in an ES module's declarations.
    declarations = [n for n in files if n.endswith(".d.ts")]
    for name in declarations:
        for spec in re.findall(r'from "(\.{1,2}/[^"]*)"', files[name].decode()):
            assert spec.endswith(".js"), f"{name}: {spec}"


@pytest.mark.parametrize("resolution", ["bundler", "nodenext"])
def test_generated_code_type_checks_in_a_strict_user_project_with_no_alias(
    tmp_path: Path, tarball: Path, resolution: str
) -> None:
    project = user_project(tmp_path / "project", tarball, GENERATED, resolution)
    installed = project / "node_modules" / "ipycallback"
    assert installed.is_dir()
    assert not installed.is_symlink()  # a copy from the tarball, not a link back here
    done = tsc(project)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_types_refuse_a_wrong_message(tmp_path: Path, tarball: Path) -> None:
    # The check above is worth something only if the types are not `any`.
    project = user_project(tmp_path / "project", tarball, GENERATED)
    (project / "wrong.ts").write_text(WRONG_TS, encoding="utf-8")
    done = tsc(project)
    assert done.returncode != 0
    errors = [line for line in done.stdout.splitlines() if "error TS" in line]
    assert len(errors) == 1, done.stdout
    assert errors[0].startswith("wrong.ts(4,"), errors
    assert "'number' is not assignable to type 'string'" in done.stdout


def test_the_user_project_bundles_with_esbuild(tmp_path: Path, tarball: Path) -> None:
    project = user_project(tmp_path / "project", tarball, GENERATED)
    code = bundle(project)
    # The runtime came from the installed package (esbuild names each input file in a comment),
    # once, beside the generated class and the user's code.
    assert code.count("// node_modules/ipycallback/build/npm/index.js\n") == 1
    assert code.count(f'var VERSION = "{ipycallback.__version__}";') == 1
    assert re.search(r"SearchTunnel = class \w* ?extends TypedTunnel", code)
    assert "// main.ts\n" in code
    assert "frontend/src" not in code
