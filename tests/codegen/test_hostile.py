"""The generator's promise, on declarations users will try (hostile_cases.py, hostile_more.py),
in every format: either the generated code compiles (mypy --strict, tsc --strict) and both sides
give the same verdict on every payload, or the declaration is refused with exit 2, a location
(`file:line` or `file#/pointer`), a reason, and nothing written. Never a traceback, a hang or
a silent break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hostile_asks import ask_cases
from hostile_cases import cases
from hostile_more import file_cases, runtime_cases
from hostile_run import (
    BIN,
    Outcome,
    broken_promises,
    disagreements,
    generate,
    mypy_strict,
    script_unsafe,
    tsc_strict,
)

needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (BIN / "tsc").exists(), reason="needs node and npm ci"
)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    if shutil.which("node") is None:
        pytest.skip("needs node")
    root = tmp_path_factory.mktemp("hostile")
    return [
        generate(case, suffix, content, root)
        for case in [*cases(), *runtime_cases(), *file_cases(), *ask_cases()]
        for suffix, content in case.files().items()
    ]


def accepted(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.code == 0]


def test_every_declaration_is_generated_or_refused_with_a_location(
    outcomes: list[Outcome],
) -> None:
    broken = broken_promises(outcomes)
    assert not broken, "\n".join(broken)


def test_generated_python_passes_mypy_strict(outcomes: list[Outcome], tmp_path: Path) -> None:
    files = [o.outputs[".py"] for o in accepted(outcomes)]
    assert files
    done = mypy_strict(files, tmp_path / ".cache")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr


@needs_node
def test_generated_typescript_passes_tsc_strict(outcomes: list[Outcome], tmp_path: Path) -> None:
    done = tsc_strict([o.outputs[".ts"] for o in accepted(outcomes)], tmp_path)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr


def test_generated_typescript_is_safe_inside_a_script_element(outcomes: list[Outcome]) -> None:
    unsafe = [
        o.label for o in accepted(outcomes) if script_unsafe(o.outputs[".ts"].read_text("utf-8"))
    ]
    assert unsafe == []


@needs_node
def test_both_sides_agree_on_every_payload(outcomes: list[Outcome], tmp_path: Path) -> None:
    found, valid = disagreements(accepted(outcomes), tmp_path)
    assert not found, "\n".join(found[:50])
    assert valid == len(accepted(outcomes))  # a valid payload was built and accepted for each
