"""Generated TypeScript checks at attach() that the runtimes it runs on serve it: the npm package
it is bundled with (a stand-in with another VERSION and API levels plays an incompatible one),
and the page's runtime that made window.IPyCallback (a fake registry plays the kernel's). When
either does not, attach() fails before touching a tunnel, naming both versions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ipycallback import __version__
from ipycallback_codegen.emit import emit_typescript
from ipycallback_codegen.emit.typescript import RUNTIME_API_LEVEL as LEVEL

HERE = Path(__file__).parent
REPO = HERE.parents[1]
RUNTIME = REPO / "frontend" / "src" / "index.ts"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / "esbuild").is_dir(),
    reason="needs node and `npm ci` (esbuild)",
)

# Runs attach() against pages whose runtime is this one, a 0.x one without API levels, a newer
# one that no longer serves this level, and a newer one that still does; and with no page at all.
DRIVER = """
import { API_LEVEL, OLDEST_API_LEVEL, VERSION } from "ipycallback";
import { FINGERPRINT, GENERATED_FOR, SearchTunnel } from "./search_messages.ts";

const tunnel = {
  tunnel_id: "t", _onReceiveKind() {}, _onClose() {}, onStateChange() {},
  _clock: { setTimeout() {}, clearTimeout() {} },
  state: () => JSON.stringify({ fingerprint: FINGERPRINT }),
};
const registry = (version, apiLevel, oldestApiLevel) =>
  ({ version, apiLevel, oldestApiLevel, wait: async () => tunnel });
async function attach(page) {
  globalThis.IPyCallback = page;
  try {
    return { ok: (await SearchTunnel.attach("t", { timeoutMs: 50 })) instanceof SearchTunnel };
  } catch (error) {
    return { error: error.message };
  }
}
const outcome = {
  runtime: { VERSION, API_LEVEL, OLDEST_API_LEVEL },
  generatedFor: GENERATED_FOR,
  samePage: await attach(registry(VERSION, API_LEVEL, OLDEST_API_LEVEL)),
  oldPage: await attach({ version: "0.2.0", wait: async () => tunnel }),
  newerPage: await attach(registry("3.0.0", API_LEVEL + 4, API_LEVEL + 3)),
  widerPage: await attach(registry("1.4.0", API_LEVEL + 2, OLDEST_API_LEVEL)),
  noPage: await attach(undefined),
};
process.stdout.write(JSON.stringify(outcome));
"""

# A copy of the npm package at another version: this runtime's code under other numbers.
STAND_IN = """
export * from {runtime};
export const VERSION: string = {version};
export const API_LEVEL: number = {level};
export const OLDEST_API_LEVEL: number = {oldest};
"""


def run(tmp_path: Path, runtime: Path) -> dict[str, Any]:
    ir = json.loads((HERE / "fixtures" / "search.ir.json").read_text(encoding="utf-8"))
    module = emit_typescript(ir, source="search.ir.json", fingerprint="sha256:search")
    (tmp_path / "search_messages.ts").write_text(module, encoding="utf-8")
    (tmp_path / "driver.ts").write_text(DRIVER, encoding="utf-8")
    bundle = tmp_path / "driver.mjs"
    subprocess.run(
        [REPO / "node_modules" / ".bin" / "esbuild", tmp_path / "driver.ts", "--bundle",
         "--format=esm", "--platform=node", f"--alias:ipycallback={runtime}",
         f"--define:__IPYCALLBACK_VERSION__={json.dumps(__version__)}", f"--outfile={bundle}",
         "--log-level=warning"],
        check=True,
    )  # fmt: skip
    done = subprocess.run(["node", bundle], capture_output=True, text=True, check=True)
    outcome: dict[str, Any] = json.loads(done.stdout)
    return outcome


def stand_in(tmp_path: Path, version: str, level: int, oldest: int) -> Path:
    path = tmp_path / "stand_in.ts"
    text = STAND_IN.format(
        runtime=json.dumps(str(RUNTIME)), version=json.dumps(version), level=level, oldest=oldest
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_generated_code_records_the_runtime_it_was_generated_for(tmp_path: Path) -> None:
    outcome = run(tmp_path, RUNTIME)
    runtime = outcome["runtime"]
    assert runtime["VERSION"] == __version__
    # The emitter's RUNTIME_API_LEVEL is the level this runtime serves.
    assert outcome["generatedFor"] == {"version": __version__, "apiLevel": runtime["API_LEVEL"]}
    assert runtime["OLDEST_API_LEVEL"] <= runtime["API_LEVEL"]


def test_attach_accepts_a_page_runtime_that_serves_the_bundled_one(tmp_path: Path) -> None:
    outcome = run(tmp_path, RUNTIME)
    assert outcome["samePage"] == {"ok": True}
    assert outcome["widerPage"] == {"ok": True}  # a newer kernel that still serves this level


def test_attach_refuses_a_page_runtime_that_cannot_serve_it_naming_both_versions(
    tmp_path: Path,
) -> None:
    outcome = run(tmp_path, RUNTIME)
    level = outcome["runtime"]["API_LEVEL"]
    assert outcome["oldPage"]["error"] == (
        "IPyCallback: the page's ipycallback runtime is 0.2.0 (the kernel's Python package; no "
        f"API level), which cannot serve the ipycallback npm package {__version__} this code "
        f"runs on (API level {level}); install matching versions: pip install "
        f"ipycallback=={__version__} where the kernel runs, or build with the ipycallback npm "
        "package 0.2.0"
    )
    newer = outcome["newerPage"]["error"]
    assert f"runtime is 3.0.0 (the kernel's Python package; API levels {level + 3}-" in newer
    assert f"npm package {__version__} this code runs on" in newer


def test_attach_refuses_a_bundled_runtime_that_cannot_serve_it_naming_both_versions(
    tmp_path: Path,
) -> None:
    outcome = run(tmp_path, stand_in(tmp_path, "2.0.0", level=LEVEL + 2, oldest=LEVEL + 1))
    expected = (
        f"IPyCallback: this module was generated by ipycallback codegen {__version__} (runtime "
        f"API level {LEVEL}), but the ipycallback npm package it runs on is 2.0.0 (API levels "
        f"{LEVEL + 1}-{LEVEL + 2}); "
        f"regenerate it with ipycallback-codegen 2.0.0, or build it with the ipycallback npm "
        f"package {__version__}"
    )
    for page in ("samePage", "oldPage", "newerPage", "widerPage"):
        assert outcome[page] == {"error": expected}, page
    # Before waiting for any page: no "no tunnel appeared" timeout first.
    assert outcome["noPage"] == {"error": expected}


def test_attach_accepts_a_newer_bundled_runtime_that_still_serves_its_level(
    tmp_path: Path,
) -> None:
    outcome = run(tmp_path, stand_in(tmp_path, "1.3.0", level=LEVEL + 1, oldest=LEVEL))
    runtime = {"VERSION": "1.3.0", "API_LEVEL": LEVEL + 1, "OLDEST_API_LEVEL": LEVEL}
    assert outcome["runtime"] == runtime
    assert outcome["samePage"] == {"ok": True}
    assert "no tunnel appeared on this page" in outcome["noPage"]["error"]
