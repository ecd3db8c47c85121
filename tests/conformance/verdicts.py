"""The three validators' verdicts on message texts: the kernel's (MessageSet.receive, what the
typed tunnel decodes with), the generated validator's and the runtime validator's (both with
the runtime's wireIssue, what TypedTunnel checks a text with), the last two run by Node."""

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

from ipycallback import MessageValidationError, SlowTunnelWidget
from ipycallback.typed.message_set import MessageSet

ROOT = Path(__file__).resolve().parents[2]


def load_generated(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # msgspec resolves the postponed annotations through it
    spec.loader.exec_module(module)
    return module


def kernel_sets(module: ModuleType) -> dict[str, MessageSet]:
    def of(union: Any, direction: str) -> MessageSet:
        return MessageSet(typing.get_args(union) or (union,), direction)

    return {"to_kernel": of(module.ToKernel, "kernel"), "to_browser": of(module.ToBrowser, "page")}


def kernel_verdict(sets: dict[str, MessageSet], direction: str, text: str) -> str | None:
    """None when the kernel accepts `text`, else its path and reason."""
    try:
        sets[direction].receive(text)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        invalid = MessageValidationError.from_msgspec(error)
        return f"{invalid.path}: {invalid.reason}"
    except MessageValidationError as invalid:
        return f"{invalid.path}: {invalid.reason}"
    return None


def shipped_schema(module: ModuleType) -> str:
    """The schema the generated tunnel class attaches to its widget."""
    tunnel_class = next(
        v
        for k, v in vars(module).items()
        if k.endswith("Tunnel") and isinstance(v, type) and v.__module__ == module.__name__
    )
    widget = SlowTunnelWidget()
    try:
        tunnel_class(widget)
        return str(widget._typed_schema)
    finally:
        widget.close()


def browser_bundle(generated_ts: Path, out: Path) -> Path | None:
    """`generated_ts` bundled with the runtime's checks for verdicts.mjs, or None without node."""
    node, esbuild = shutil.which("node"), ROOT / "node_modules" / ".bin" / "esbuild"
    if node is None or not esbuild.exists():
        return None
    entry = out / "entry.ts"
    entry.write_text(
        f"export * as gen from {json.dumps(str(generated_ts))};\n"
        'export { compile, wireIssue } from "ipycallback";\n',
        encoding="utf-8",
    )
    bundle = out / "verdicts-bundle.mjs"
    subprocess.run(
        [str(esbuild), str(entry), "--bundle", "--format=esm", "--platform=node",
         f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="conformance"', f"--outfile={bundle}",
         "--log-level=warning"],
        check=True,
    )  # fmt: skip
    return bundle


def browser_verdicts(bundle: Path, schema: str, cases: list[tuple[str, str]]) -> list[Any]:
    """[generated issue, runtime issue] per (direction, text)."""
    node = shutil.which("node")
    assert node is not None
    payload = {
        "schema": schema,
        "cases": [
            {"direction": "toKernel" if d == "to_kernel" else "toBrowser", "json": text}
            for d, text in cases
        ],
    }
    done = subprocess.run(
        [node, str(Path(__file__).parent / "verdicts.mjs"), str(bundle)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout)
    assert "polluted" not in out["objectPrototype"]
    results: list[Any] = out["results"]
    return results
