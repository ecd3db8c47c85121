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
