"""datamodel-code-generator as a test oracle for the Python emitter.

We write our own emitter (tags, defaults and names need post-processing datamodel-code-generator
cannot do reliably), but its independent reading of the same internal form must accept and
reject the same conformance payloads as our generated module does.
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[2]
IR = ROOT / "examples" / "generated" / "search.ir.json"
CASES = sorted((ROOT / "tests" / "conformance" / "search").glob("*/*.json"))
# Integers beyond 2**53 - 1 are out of the internal form's range by its rules, not by a keyword
# datamodel-code-generator could see.
INTENDED_DIFFERENCES = {"bad/to_browser--big_integer"}
DATAMODEL_CODEGEN_VERSION = "0.89.0"


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    tool = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    if tool is None:
        pytest.skip("datamodel-code-generator is not installed")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
    assert DATAMODEL_CODEGEN_VERSION in version, version
    out = tmp_path_factory.mktemp("oracle") / "oracle_search.py"
    subprocess.run(
        [tool, "--input", str(IR), "--input-file-type", "jsonschema",
         "--output-model-type", "msgspec.Struct", "--disable-timestamp",
         "--output-datetime-class", "datetime", "--set-default-enum-member",
         "--output", str(out)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return load(out, "oracle_search")


def verdict(module: ModuleType, names: list[str], text: str) -> bool:
    for name in names:
        try:
            msgspec.json.decode(text, type=getattr(module, name))
            return True
        except msgspec.ValidationError:
            continue
    return False


def ours_accepts(module: ModuleType, to_kernel: bool, text: str) -> bool:
    union = module.ToKernel if to_kernel else module.ToBrowser
    try:
        MessageSet(typing.get_args(union) or (union,), "test").decoder.decode(text)
    except msgspec.ValidationError:
        return False
    return True


def test_oracle_and_emitter_agree_on_every_conformance_case(oracle: ModuleType) -> None:
    ours = load(ROOT / "examples" / "generated" / "search_messages.py", "oracle_ours")
    meta: dict[str, Any] = json.loads(IR.read_text(encoding="utf-8"))["x-ipycallback"]
    disagreements = []
    for path in CASES:
        case = f"{path.parent.name}/{path.stem}"
        to_kernel = path.stem.startswith("to_kernel")
        text = path.read_text(encoding="utf-8")
        theirs = verdict(oracle, meta["toKernel" if to_kernel else "toBrowser"], text)
        mine = ours_accepts(ours, to_kernel, text)
        if (theirs != mine) != (case in INTENDED_DIFFERENCES):
            disagreements.append((case, {"datamodel-code-generator": theirs, "ours": mine}))
    assert disagreements == []
