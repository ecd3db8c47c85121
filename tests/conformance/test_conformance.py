"""Cross-language conformance: the kernel's decoder, the browser's generated validator and its
runtime validator give the same verdict on every payload in tests/conformance/<set>/{good,bad}/
(docs/internal-form.md, "Semantics").

Files are named `<direction>--<case>.json` (direction `to_kernel` or `to_browser`) and hold the
raw message text, so cases like integers beyond 2**53, `1.0`, duplicate keys and unpaired
surrogates are written exactly. The `semantics` set's vectors are written by make_vectors.py.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from verdicts import (
    browser_bundle,
    browser_verdicts,
    kernel_sets,
    kernel_verdict,
    load_generated,
    shipped_schema,
)

from ipycallback.typed.message_set import MessageSet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# set name -> its generated modules (without suffix)
SETS = {
    "search": ROOT / "examples" / "generated" / "search_messages",
    "semantics": HERE / "semantics" / "semantics_messages",
}
CASES = sorted(path for name in SETS for path in (HERE / name).glob("*/*.json"))


def case_id(path: Path) -> str:
    return f"{path.parents[1].name}/{path.parent.name}/{path.stem}"


def direction(path: Path) -> str:
    return path.stem.split("--")[0]


_modules: dict[str, ModuleType] = {}


def generated(name: str) -> ModuleType:
    if name not in _modules:
        _modules[name] = load_generated(SETS[name].with_suffix(".py"), f"conformance_{name}")
    return _modules[name]


_sets: dict[str, dict[str, MessageSet]] = {}


def kernel(name: str) -> dict[str, MessageSet]:
    if name not in _sets:
        _sets[name] = kernel_sets(generated(name))
    return _sets[name]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    verdicts: dict[str, Any] = {}
    for name, stem in SETS.items():
        bundle = browser_bundle(stem.with_suffix(".ts"), tmp_path_factory.mktemp(name))
        if bundle is None:
            pytest.skip("node and npm ci are needed")  # make test provides both
        paths = [p for p in CASES if p.parents[1].name == name]
        cases = [(direction(p), p.read_text(encoding="utf-8")) for p in paths]
        found = browser_verdicts(bundle, shipped_schema(generated(name)), cases)
        verdicts.update(zip(map(case_id, paths), found, strict=True))
    return verdicts


def test_the_suite_covers_both_verdicts_and_directions() -> None:
    assert len(CASES) >= 300
    names = {case_id(path) for path in CASES}
    for name in SETS:
        for kind in ("good", "bad"):
            for way in ("to_kernel", "to_browser"):
                assert any(n.startswith(f"{name}/{kind}/{way}--") for n in names), (name, kind)


@pytest.mark.parametrize("path", CASES, ids=case_id)
def test_kernel_and_browser_agree(path: Path, browser: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    expected = path.parent.name == "good"
    kernel_issue = kernel_verdict(kernel(path.parents[1].name), direction(path), text)
    generated_issue, runtime_issue = browser[case_id(path)]
    assert (kernel_issue is None) is expected, f"kernel: {kernel_issue}"
    assert (generated_issue is None) is expected, f"generated validator: {generated_issue}"
    assert (runtime_issue is None) is expected, f"runtime validator: {runtime_issue}"
