"""Generation time grows in proportion to the message set. One pass over ajv's output per
schema constant made it grow with the square (300 messages took 12-23 s); `make bench` times
the whole command (benchmarks/codegen_speed.py, under 3 s for 300 messages)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from ipycallback_codegen.declaration import load_declaration
from ipycallback_codegen.emit import emit_python
from ipycallback_codegen.emit.ajv import run_ajv, typed_validators
from ipycallback_codegen.emit.ajv_input import ajv_input


def message_set(size: int) -> dict[str, Any]:
    defs: dict[str, Any] = {
        f"Msg{i}": {
            "type": "object",
            "properties": {
                "type": {"const": f"Msg{i}"},
                "text": {"type": "string", "maxLength": 100},
                "count": {"type": "integer", "minimum": 0, "default": 1},
                "tags": {"type": "array", "items": {"type": "string"}, "default": []},
            },
            "required": ["type", "text"],
        }
        for i in range(size)
    }
    names = list(defs)
    return {"x-ipycallback": {"toKernel": names[::2], "toBrowser": names[1::2]}, "$defs": defs}


def python_side_seconds(size: int, folder: Path) -> float:
    """Reading, checking and emitting, without the one call to node (timed by the bench)."""
    path = folder / f"set{size}.schema.json"
    path.write_text(json.dumps(message_set(size)), "utf-8")
    code = run_ajv(ajv_input(load_declaration(path)))
    best = float("inf")
    # This process's CPU time, not wall time: on a shared machine, time spent waiting for a core
    # made the ratio swing to 10 with linear code. And the fastest of five runs.
    for _ in range(5):
        start = time.process_time()
        ir = load_declaration(path)
        emit_python(ir, source="s", fingerprint="sha256:0")
        ajv_input(ir)
        typed_validators(code)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_four_times_the_messages_take_about_four_times_as_long(tmp_path: Path) -> None:
    small, large = python_side_seconds(60, tmp_path), python_side_seconds(240, tmp_path)
    # Linear is 4; the quadratic pass gave about 16.
    assert large / small < 8, (small, large)


def enum_seconds(size: int, folder: Path) -> float:
    """Reading and checking a set whose one enum has `size` values, as JSON and as Python
    (whose reader restores the Literal order msgspec sorts)."""
    values = [f"v{i}" for i in range(size)]
    doc = message_set(2)
    doc["$defs"]["Msg0"]["properties"]["mode"] = {"enum": values, "default": "v0"}
    json_path = folder / f"enum{size}.schema.json"
    json_path.write_text(json.dumps(doc), "utf-8")
    py_path = folder / f"enum{size}.py"
    literal = ", ".join(repr(v) for v in values)
    py_path.write_text(
        "from typing import Literal\n\nimport msgspec\n\n"
        f"class Msg(msgspec.Struct, tag=True):\n    mode: Literal[{literal}] = 'v0'\n\n"
        "TO_KERNEL = TO_BROWSER = [Msg]\n",
        "utf-8",
    )
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        load_declaration(json_path)
        load_declaration(py_path)
        best = min(best, time.process_time() - start)
    return best


def test_four_times_the_enum_values_take_about_four_times_as_long(tmp_path: Path) -> None:
    # Each value was compared with every other one: 5000 values took 26 s.
    small, large = enum_seconds(500, tmp_path), enum_seconds(2000, tmp_path)
    assert large / small < 8, (small, large)
