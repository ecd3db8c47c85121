"""In the browser: validation cost against JSON.parse alone, and a typed round trip against the
raw tunnel's, measured in the same page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from jupyter_harness import NotebookPage
from probes import echo_latencies, summary

ROOT = Path(__file__).resolve().parents[1]

TYPED_SETUP = """
from typing import Annotated
import msgspec
from ipycallback import SlowTunnelWidget, TypedTunnel

class BenchQuery(msgspec.Struct, tag="Query"):
    text: str
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 5

class BenchHit(msgspec.Struct):
    title: str
    score: Annotated[float, msgspec.Meta(ge=0, le=1)]

class BenchResult(msgspec.Struct, tag="QueryResult"):
    query: str
    hits: list[BenchHit]
    total: Annotated[int, msgspec.Meta(ge=0)]

bench_typed = TypedTunnel(SlowTunnelWidget(tunnel_id="typed-echo"), receive=[BenchQuery],
                          send=[BenchResult], replies={BenchQuery: BenchResult})
bench_typed.on(BenchQuery, lambda version, q: BenchResult(q.text, [], 0))
"""

TYPED_ROUND_TRIPS = """async ([count]) => {
  const typed = await window.IPyCallback.typed("typed-echo", { timeoutMs: 30000 });
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await typed.request({ type: "Query", text: "x" }, { timeoutMs: 10000 });
    times.push(performance.now() - start);
  }
  return times;
}"""

# Runs in the page with the validator bundle loaded as window.IPCValidate.
VALIDATION_COST = """([schemaText, count]) => {
  const shipped = JSON.parse(schemaText);
  const toBrowser = IPCValidate.compile(shipped.toBrowser, { $defs: shipped.$defs });
  const hits = Array.from({ length: 20 }, (_, i) => ({ title: `title ${i}`, score: i / 20 }));
  const texts = {
    small: JSON.stringify({ type: "QueryResult", query: "json", hits: [], total: 0 }),
    medium: JSON.stringify({ type: "QueryResult", query: "json", hits, total: 20 }),
  };
  const time = (fn) => {
    const runs = [];
    for (let r = 0; r < 7; r++) {
      const start = performance.now();
      for (let i = 0; i < count; i++) fn();
      runs.push(((performance.now() - start) * 1e6) / count);
    }
    runs.sort((a, b) => a - b);
    return runs[3];
  };
  const out = {};
  for (const [label, text] of Object.entries(texts)) {
    if (toBrowser(JSON.parse(text)) !== null) throw new Error(`bench message invalid: ${label}`);
    let sink = 0;
    const parse = time(() => { sink += JSON.parse(text).total; });
    const both = time(() => { const v = JSON.parse(text); sink += toBrowser(v) === null ? 1 : 0; });
    out[label] = { parse_ns: parse, parse_validate_ns: both, sink };
  }
  return out;
}"""


def _validator_bundle() -> str:
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    done = subprocess.run(
        [
            str(esbuild),
            "frontend/src/typed/validate.ts",
            "--bundle",
            "--format=iife",
            "--global-name=IPCValidate",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def measure(page: NotebookPage, round_trips: int, count: int) -> dict[str, Any]:
    result = page.execute(TYPED_SETUP)
    assert result.status == "ok", result.text
    page.page.add_script_tag(content=_validator_bundle())
    schema = page.evaluate("async () => (await window.IPyCallback.wait('typed-echo'))._typedSchema")
    validation = page.evaluate(VALIDATION_COST, [schema, count])
    raw = echo_latencies(page, round_trips + 10)[10:]
    typed = page.evaluate(TYPED_ROUND_TRIPS, [round_trips + 10])[10:]
    return {
        "validation": validation,
        "raw_round_trip_ms": summary(raw),
        "typed_round_trip_ms": summary([float(t) for t in typed]),
    }


def report(results: dict[str, Any]) -> str:
    lines = [
        "| message | JSON.parse (ns) | JSON.parse + validate (ns) | overhead |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, row in results["validation"].items():
        parse, both = row["parse_ns"], row["parse_validate_ns"]
        lines.append(f"| {label} | {parse:.0f} | {both:.0f} | {(both / parse - 1) * 100:+.0f}% |")
    raw, typed = results["raw_round_trip_ms"], results["typed_round_trip_ms"]
    lines += [
        "",
        "| round trip | median (ms) | p99 (ms) |",
        "| --- | ---: | ---: |",
        f"| raw tunnel echo | {raw['median']:.2f} | {raw['p99']:.2f} |",
        f"| typed request/reply | {typed['median']:.2f} | {typed['p99']:.2f} |",
        "",
        f"Typed / raw median round trip: {typed['median'] / raw['median']:.2f}x.",
    ]
    return "\n".join(lines)
