"""Running the generator on a declaration as the command does, and checking its promise on
what it generated: mypy --strict, tsc --strict, safe inside <script>, and both sides' verdicts
on payloads. Used by test_hostile.py and test_names_property.py."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import msgspec
from hostile_cases import Case
from ir_payloads import payloads

from ipycallback_codegen.cli import main

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
# What every refusal starts with: the declaration, and a line or a pointer into it.
LOCATED = re.compile(r"^error: (?P<file>\S[^:#]*)(?::(?P<line>\d+))?(?:#(?P<pointer>/\S*))?: \S")


@dataclass
class Outcome:
    case: Case
    suffix: str
    declaration: Path
    code: int | str
    stderr: str
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.case.name}{self.suffix}"


def generate(case: Case, suffix: str, content: str | bytes, root: Path) -> Outcome:
    """`ipycallback codegen` on `content` (written as a declaration), in this process."""
    folder = root / f"{case.name}{suffix.replace('.', '_')}"
    folder.mkdir()
    declaration = folder / f"hostile{suffix}"
    if isinstance(content, bytes):
        declaration.write_bytes(content)
    else:
        declaration.write_text(content, encoding="utf-8")
    stem = f"out_{case.name}{suffix.replace('.', '_')}"
    outputs = {k: folder / f"{stem}{k}" for k in (".py", ".ts", ".ir.json")}
    args = [str(declaration), *(f"--{k.split('.')[1]}={v}" for k, v in outputs.items())]
    stderr = io.StringIO()
    code: int | str
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(args)
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else str(exited.code)
        except BaseException as error:  # the promise is broken: report, do not stop
            code = f"traceback: {type(error).__name__}: {error}"
    outcome = Outcome(case, suffix, declaration, code, stderr.getvalue())
    if code == 0:
        outcome.outputs = outputs
    return outcome


def broken_promises(outcomes: list[Outcome]) -> list[str]:
    """What each outcome did that the promise does not allow, or that its case did not expect."""
    broken = []
    for o in outcomes:
        if o.code == 0:
            if o.case.expect == "refuse":
                broken.append(f"{o.label}: accepted, expected a refusal ({o.case.reason})")
            continue
        found = LOCATED.match(o.stderr)
        if o.code != 2 or found is None or not (found["line"] or found["pointer"]):
            broken.append(f"{o.label}: exit {o.code}: {o.stderr.strip()[:300]}")
        elif Path(found["file"]) != o.declaration:
            broken.append(f"{o.label}: names {found['file']}, not the declaration")
        elif o.case.expect == "accept":
            broken.append(f"{o.label}: refused: {o.stderr.strip()[:300]}")
        elif not re.search(o.case.reason, o.stderr):
            broken.append(f"{o.label}: refused for another reason: {o.stderr.strip()[:300]}")
        elif any(path.exists() for path in o.declaration.parent.glob("out*")):
            broken.append(f"{o.label}: refused, but wrote files")
    return broken


def mypy_strict(files: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(cache),
         *map(str, files)],
        capture_output=True, text=True,
    )  # fmt: skip


def tsc_strict(files: list[Path], folder: Path) -> subprocess.CompletedProcess[str]:
    options = {
        "target": "ES2020", "module": "ESNext", "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM"], "strict": True, "noUncheckedIndexedAccess": True,
        "noImplicitOverride": True, "exactOptionalPropertyTypes": True, "noUnusedLocals": True,
        "noUnusedParameters": True, "noImplicitReturns": True,
        "noFallthroughCasesInSwitch": True, "verbatimModuleSyntax": True,
        "isolatedModules": True, "skipLibCheck": True, "noEmit": True, "types": [],
        "paths": {"ipycallback": [str(ROOT / "frontend" / "src" / "index.ts")]},
    }  # fmt: skip
    config = {"compilerOptions": options, "files": [str(f) for f in files]}
    (folder / "tsconfig.json").write_text(json.dumps(config), "utf-8")
    return subprocess.run([BIN / "tsc", "-p", folder], capture_output=True, text=True)


def script_unsafe(text: str) -> bool:
    """Whether a page that inlines `text` in a <script> element would break."""
    return re.search(r"</script|<!--", text, re.IGNORECASE) is not None


def python_module(path: Path) -> ModuleType:
    name = f"hostile_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # msgspec resolves the lazy annotations through it
    spec.loader.exec_module(module)
    return module


def python_verdicts(path: Path, texts: list[tuple[str, str]]) -> list[bool]:
    module = python_module(path)
    verdicts = []
    for direction, text in texts:
        target = module.ToKernel if direction == "toKernel" else module.ToBrowser
        try:
            msgspec.json.decode(text, type=target)
            verdicts.append(True)
        except msgspec.ValidationError:
            verdicts.append(False)
    return verdicts


RUN_ALL = r"""
import { pathToFileURL } from "node:url";
let text = "";
for await (const chunk of process.stdin) text += chunk;
const out = {};
for (const [label, bundle, cases] of JSON.parse(text)) {
  const mod = await import(pathToFileURL(bundle).href);
  const check = (d) => (d === "toKernel" ? mod.validateToKernel : mod.validateToBrowser);
  out[label] = cases.map(([direction, json]) => check(direction)(JSON.parse(json)) === null);
}
process.stdout.write(JSON.stringify(out));
"""


def disagreements(accepted: list[Outcome], folder: Path) -> tuple[list[str], int]:
    """Payloads (ir_payloads) the kernel's and the browser's generated code judge differently,
    and how many declarations had a payload both accepted."""
    root = accepted[0].declaration.parent.parent  # each case has its folder below it
    jobs = [(o, payloads(json.loads(o.outputs[".ir.json"].read_text("utf-8")))) for o in accepted]
    subprocess.run(
        [BIN / "esbuild", *(str(o.outputs[".ts"]) for o, _ in jobs), "--bundle",
         "--format=esm", "--platform=node", f"--outdir={folder}", f"--outbase={root}",
         "--out-extension:.js=.mjs",
         f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="test"', "--log-level=warning"],
        check=True,
    )  # fmt: skip
    bundles = [
        folder / o.outputs[".ts"].parent.name / f"{o.outputs['.ts'].stem}.mjs" for o, _ in jobs
    ]
    request = [(o.label, str(b), texts) for (o, texts), b in zip(jobs, bundles, strict=True)]
    done = subprocess.run(
        ["node", "--input-type=module", "-e", RUN_ALL],
        input=json.dumps(request),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    browser = json.loads(done.stdout)
    found = []
    valid = 0
    for o, texts in jobs:
        kernel = python_verdicts(o.outputs[".py"], texts)
        valid += any(kernel)
        for (direction, text), py, ts in zip(texts, kernel, browser[o.label], strict=True):
            if py != ts:
                found.append(f"{o.label} {direction} {text[:200]}: kernel {py}, browser {ts}")
    return found, valid
