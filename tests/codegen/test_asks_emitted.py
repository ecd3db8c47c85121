"""Requests both ways in generated code (fixtures/picker.ir.json): the Python tunnel class types
`request()`/`call()` by the reply each ask declares, the TypeScript class types the handlers that
answer, both sides ship the pairs, and the Python class really asks through the runtime."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest
from recording_comm import comm_of

from ipycallback import SlowTunnelWidget
from ipycallback.tunnel.kinds import REPLY
from ipycallback_codegen.emit import emit_python, emit_typescript

HERE = Path(__file__).parent
REPO = HERE.parents[1]
BIN = REPO / "node_modules" / ".bin"
needs_tsc = pytest.mark.skipif(
    shutil.which("node") is None or not (BIN / "tsc").exists(), reason="needs node and npm ci"
)


def picker() -> dict[str, Any]:
    ir: dict[str, Any] = json.loads((HERE / "fixtures" / "picker.ir.json").read_text("utf-8"))
    return ir


def write_python(folder: Path) -> Path:
    path = folder / "picker_messages.py"
    path.write_text(emit_python(picker(), source="picker", fingerprint="sha256:1"), "utf-8")
    return path


def load_python(folder: Path) -> ModuleType:
    sys.path.insert(0, str(folder))
    try:
        write_python(folder)
        sys.modules.pop("picker_messages", None)
        import picker_messages
    finally:
        sys.path.remove(str(folder))
    module: ModuleType = picker_messages
    return module


def marked(path: Path, pattern: str) -> set[int]:
    lines = path.read_text("utf-8").splitlines()
    return {n for n, text in enumerate(lines, 1) if re.search(pattern, text)}


def test_python_request_and_call_are_typed_by_each_asks_reply(tmp_path: Path) -> None:
    write_python(tmp_path)
    usage = tmp_path / "picker_usage.py"
    shutil.copy(HERE / "typing" / "picker_usage.py", usage)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", usage.name,
         "picker_messages.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "MYPYPATH": str(REPO)},
    )  # fmt: skip
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    found = set()
    for line in errors:
        where = re.match(r"picker_usage\.py:(\d+): error: .*\[([a-z-]+)\]$", line)
        assert where, f"an error outside the marked lines: {line}"
        found.add(int(where.group(1)))
    assert found == marked(usage, r"# expect-error: "), done.stdout


@needs_tsc
def test_typescript_answer_handlers_are_typed_by_each_asks_reply(tmp_path: Path) -> None:
    text = emit_typescript(picker(), source="picker", fingerprint="sha256:1")
    (tmp_path / "picker_messages.ts").write_text(text, "utf-8")
    shutil.copy(HERE / "typing" / "picker_usage.ts", tmp_path / "picker_usage.ts")
    options = {
        "target": "ES2020", "module": "ESNext", "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM"], "strict": True, "noUncheckedIndexedAccess": True,
        "exactOptionalPropertyTypes": True, "noUnusedLocals": True, "noEmit": True,
        "skipLibCheck": True, "types": [],
        "paths": {"ipycallback": [str(REPO / "frontend" / "src" / "index.ts")]},
    }  # fmt: skip
    config = {"compilerOptions": options, "files": ["picker_messages.ts", "picker_usage.ts"]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), "utf-8")
    done = subprocess.run([BIN / "tsc", "-p", tmp_path], capture_output=True, text=True)
    # Every @ts-expect-error was needed (else TS2578 "unused"), and nothing else failed.
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(marked(tmp_path / "picker_usage.ts", r"@ts-expect-error")) == 3
    assert "asks: ASKS," in text
    assert "extends TypedTunnel<ToKernel, ToBrowser, Replies, Asks, " in text


def test_both_sides_ship_the_pairs_and_the_kernel_asks(tmp_path: Path) -> None:
    module = load_python(tmp_path)
    assert {module.PickColour: module.Picked, module.Confirm: module.Confirmed} == module.ASKS
    tunnel = module.PickerTunnel(SlowTunnelWidget())
    shipped = json.loads(tunnel.tunnel._typed_schema)
    assert shipped["asks"] == {"PickColour": "Picked", "Confirm": "Confirmed"}
    assert shipped["replies"] == {"Find": "Found"}
    recorder = comm_of(tunnel.tunnel)
    view = recorder.view()

    async def ask() -> Any:
        task = asyncio.ensure_future(tunnel.request(module.PickColour(prompt="?"), timeout=5))
        await asyncio.sleep(0)
        tunnel.tunnel.flush()
        (sent,) = recorder.entries()
        assert json.loads(sent[1]) == {"type": "PickColour", "prompt": "?", "palette": []}
        reply = msgspec.json.encode(module.Picked(colour="#00ff7f")).decode()
        view.send([[sent[0], reply, REPLY]])
        return await task

    assert asyncio.run(ask()) == module.Picked(colour="#00ff7f")
    with pytest.raises(TypeError, match="no declared reply"):
        asyncio.run(tunnel.request(module.Found(count=1)))  # not an ask: refused at run time
