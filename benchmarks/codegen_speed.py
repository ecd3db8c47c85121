"""How long `ipycallback codegen` takes, by the size of the message set: the time must grow in
proportion (it grew with the square: 300 messages took 12-23 s), and 300 messages must take
under 3 s (LIMIT_S). Each set is generated into Python and TypeScript by the real command, in
a fresh process, fastest of three runs. Wall time depends on whatever else the machine runs;
CPU time (the command's and its node helper's, user + system) does not, so the limit is judged
on it, and both are printed.

    python benchmarks/codegen_speed.py [--sizes 100 300 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LIMIT_S = 3.0
COMMAND = [str(Path(sys.executable).parent / "ipycallback"), "codegen"]


def message_set(size: int) -> dict[str, Any]:
    """`size` messages of six fields each (constraints, defaults, a nullable date-time), half
    each way, and a helper object and an enum they share."""
    defs: dict[str, Any] = {
        "Level": {"enum": ["low", "high"]},
        "Point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
    }
    for i in range(size):
        defs[f"Msg{i}"] = {
            "type": "object",
            "properties": {
                "type": {"const": f"Msg{i}"},
                "text": {"type": "string", "maxLength": 100, "description": f"Text {i}."},
                "count": {"type": "integer", "minimum": 0, "default": 1},
                "level": {"$ref": "#/$defs/Level"},
                "points": {"type": "array", "items": {"$ref": "#/$defs/Point"}, "default": []},
                "when": {"type": ["string", "null"], "format": "date-time", "default": None},
                "note": {"type": "string", "default": ""},
            },
            "required": ["type", "text", "level"],
        }
    names = [f"Msg{i}" for i in range(size)]
    half = size // 2
    meta = {"name": "big", "toKernel": names[:half], "toBrowser": names[half:]}
    return {"x-ipycallback": meta, "$defs": defs}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def seconds(size: int, folder: Path, runs: int = 3) -> tuple[float, float]:
    """The fastest of `runs`: (wall seconds, CPU seconds)."""
    schema = folder / f"big{size}.schema.json"
    schema.write_text(json.dumps(message_set(size)), "utf-8")
    args = [str(schema), "--py", str(folder / "out.py"), "--ts", str(folder / "out.ts")]
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _children_cpu()
        subprocess.run([*COMMAND, *args], check=True, capture_output=True)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, _children_cpu() - start_cpu)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    sizes = parser.parse_args().sizes
    print("| messages | wall s | CPU s | CPU ms per message |")
    print("| ---: | ---: | ---: | ---: |")
    cpu = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            wall, cpu[size] = seconds(size, Path(scratch))
            per = cpu[size] / size * 1000
            print(f"| {size} | {wall:.2f} | {cpu[size]:.2f} | {per:.1f} |")
    if 300 in cpu:
        verdict = "within" if cpu[300] < LIMIT_S else "OVER"
        print(f"300 messages: {cpu[300]:.2f} CPU s, {verdict} the {LIMIT_S:.0f} s limit")
        return 0 if cpu[300] < LIMIT_S else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
