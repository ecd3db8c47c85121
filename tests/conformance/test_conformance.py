"""Cross-language conformance: the kernel's decoder and the browser's generated validator give
the same verdict on every payload in tests/conformance/<set>/{good,bad}/.

Files are named `<direction>--<case>.json` (direction `to_kernel` or `to_browser`) and hold the
raw message text, so cases like integers beyond 2**53 are written exactly.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from ipycallback.typed.message_set import MessageSet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GENERATED = ROOT / "examples" / "generated"
CASES = sorted((HERE / "search").glob("*/*.json"))


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@functools.cache
def generated_python() -> ModuleType:
    name = "conformance_search_messages"
    spec = importlib.util.spec_from_file_location(name, GENERATED / "search_messages.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # msgspec resolves the postponed annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    node, esbuild = shutil.which("node"), ROOT / "node_modules" / ".bin" / "esbuild"
    if node is None or not esbuild.exists():
        pytest.skip("node and npm ci are needed")  # make test provides both
    bundle = tmp_path_factory.mktemp("conformance") / "search.mjs"
    subprocess.run(
        [str(esbuild), str(GENERATED / "search_messages.ts"), "--bundle", "--format=esm",
         "--platform=node", f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="conformance"', f"--outfile={bundle}",
         "--log-level=warning"],
        check=True,
    )  # fmt: skip
    cases = [
        {"direction": "toKernel" if path.stem.startswith("to_kernel") else "toBrowser",
         "json": path.read_text(encoding="utf-8")}
        for path in CASES
    ]  # fmt: skip
    done = subprocess.run(
        [node, str(ROOT / "tests" / "codegen" / "run_validators.mjs"), str(bundle)],
        input=json.dumps({"cases": cases, "fingerprint": ""}),
        capture_output=True,
        text=True,
        check=True,
    )
    results = json.loads(done.stdout)["results"]
    assert "polluted" not in json.loads(done.stdout)["objectPrototype"]
    return {case_id(path): result for path, result in zip(CASES, results, strict=True)}


def test_the_suite_covers_both_verdicts_and_directions() -> None:
    names = {case_id(path) for path in CASES}
    for kind in ("good", "bad"):
        for direction in ("to_kernel", "to_browser"):
            assert any(n.startswith(f"{kind}/{direction}--") for n in names), (kind, direction)


def kernel_decoder(module: ModuleType, direction: str) -> msgspec.json.Decoder[Any]:
    """What the kernel's typed tunnel decodes with: the runtime's view of the generated set."""
    union = module.ToKernel if direction == "to_kernel" else module.ToBrowser
    return MessageSet(typing.get_args(union) or (union,), direction).decoder


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_kernel_and_browser_agree(path: Path, browser_verdicts: dict[str, Any]) -> None:
    decoder = kernel_decoder(generated_python(), path.stem.split("--")[0])
    try:
        decoder.decode(path.read_text(encoding="utf-8"))
        kernel_ok = True
    except msgspec.ValidationError:
        kernel_ok = False
    browser = browser_verdicts[case_id(path)]
    expected = path.parent.name == "good"
    assert kernel_ok is expected, f"kernel says {kernel_ok} for {case_id(path)}"
    assert (browser is None) is expected, f"browser says {browser} for {case_id(path)}"
