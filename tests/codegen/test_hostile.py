"""The generator's promise, on declarations users will try (hostile_cases.py), in every format:
either the generated code compiles (mypy --strict, tsc --strict) and both sides give the same
verdict on every payload, or the declaration is refused with exit 2, a location (`file:line` or
`file#/pointer`), a reason, and nothing written. Never a traceback, a hang or a silent break."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import msgspec
import pytest
from hostile_cases import Case, cases, file_cases, runtime_cases
from ir_payloads import payloads

from ipycallback_codegen.cli import main

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
HERE = Path(__file__).parent
LOCATED = re.compile(r"^error: (?P<file>\S[^:#]*)(?::(?P<line>\d+))?(?:#(?P<pointer>/\S*))?: \S")
needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (BIN / "tsc").exists(), reason="needs node and npm ci"
)


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
    folder = root / f"{case.name}{suffix.replace('.', '_')}"
    folder.mkdir()
    declaration = folder / f"hostile{suffix}"
    if isinstance(content, bytes):
        declaration.write_bytes(content)
    else:
        declaration.write_text(content, encoding="utf-8")
    outputs = {k: folder / f"out_{case.name}{suffix.replace('.', '_')}{k}" for k in (".py", ".ts")}
    ir = folder / "out.ir.json"
    args = [str(declaration), "--py", str(outputs[".py"]), "--ts", str(outputs[".ts"])]
    stderr = io.StringIO()
    code: int | str
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            main([*args, "--ir", str(ir)])
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else str(exited.code)
        except BaseException as error:  # the promise is broken: report, do not stop
            code = f"traceback: {type(error).__name__}: {error}"
    outcome = Outcome(case, suffix, declaration, code, stderr.getvalue())
    if code == 0:
        outcome.outputs = {**outputs, ".ir.json": ir}
    return outcome


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    if shutil.which("node") is None:
        pytest.skip("needs node")
    root = tmp_path_factory.mktemp("hostile")
    return [
        generate(case, suffix, content, root)
        for case in [*cases(), *runtime_cases(), *file_cases()]
        for suffix, content in case.files().items()
    ]


def test_every_declaration_is_generated_or_refused_with_a_location(
    outcomes: list[Outcome],
) -> None:
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
    assert not broken, "\n".join(broken)


def accepted(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.code == 0]


def test_generated_python_passes_mypy_strict(outcomes: list[Outcome], tmp_path: Path) -> None:
    files = [o.outputs[".py"] for o in accepted(outcomes)]
    assert files
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / ".cache"), *map(str, files)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr


@needs_node
def test_generated_typescript_passes_tsc_strict(outcomes: list[Outcome], tmp_path: Path) -> None:
    files = [str(o.outputs[".ts"]) for o in accepted(outcomes)]
    options = {
        "target": "ES2020", "module": "ESNext", "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM"], "strict": True, "noUncheckedIndexedAccess": True,
        "noImplicitOverride": True, "exactOptionalPropertyTypes": True, "noUnusedLocals": True,
        "noUnusedParameters": True, "noImplicitReturns": True,
        "noFallthroughCasesInSwitch": True, "verbatimModuleSyntax": True,
        "isolatedModules": True, "skipLibCheck": True, "noEmit": True, "types": [],
        "paths": {"ipycallback": [str(ROOT / "frontend" / "src" / "index.ts")]},
    }  # fmt: skip
    (tmp_path / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": options, "files": files}), encoding="utf-8"
    )
    done = subprocess.run([BIN / "tsc", "-p", tmp_path], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr


def test_generated_typescript_is_safe_inside_a_script_element(outcomes: list[Outcome]) -> None:
    for o in accepted(outcomes):
        text = o.outputs[".ts"].read_text("utf-8")
        assert re.search(r"</script|<!--", text, re.IGNORECASE) is None, o.label


def python_module(path: Path) -> ModuleType:
    name = f"hostile_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def python_verdicts(o: Outcome, texts: list[tuple[str, str]]) -> list[bool]:
    module = python_module(o.outputs[".py"])
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


@needs_node
def test_both_sides_agree_on_every_payload(outcomes: list[Outcome], tmp_path: Path) -> None:
    jobs = []
    root = outcomes[0].declaration.parent.parent  # each case has its folder below it
    for o in accepted(outcomes):
        ir = json.loads(o.outputs[".ir.json"].read_text("utf-8"))
        bundle = tmp_path / f"{o.label}.mjs"
        jobs.append((o, payloads(ir), bundle))
    subprocess.run(
        [BIN / "esbuild", *(str(o.outputs[".ts"]) for o, _, _ in jobs), "--bundle",
         "--format=esm", "--platform=node", f"--outdir={tmp_path}", f"--outbase={root}",
         "--out-extension:.js=.mjs",
         f"--alias:ipycallback={ROOT / 'frontend' / 'src' / 'index.ts'}",
         '--define:__IPYCALLBACK_VERSION__="test"', "--log-level=warning"],
        check=True,
    )  # fmt: skip
    request = [
        (
            o.label,
            str(tmp_path / o.outputs[".ts"].parent.name / f"{o.outputs['.ts'].stem}.mjs"),
            cases,
        )
        for o, cases, _ in jobs
    ]
    done = subprocess.run(
        ["node", "--input-type=module", "-e", RUN_ALL],
        input=json.dumps(request),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    browser = json.loads(done.stdout)
    disagreements = []
    accepted_somewhere = 0
    for o, texts, _ in jobs:
        kernel = python_verdicts(o, texts)
        accepted_somewhere += any(kernel)
        for (direction, text), py, ts in zip(texts, kernel, browser[o.label], strict=True):
            if py != ts:
                disagreements.append(
                    f"{o.label} {direction} {text[:200]}: kernel {py}, browser {ts}"
                )
    assert not disagreements, "\n".join(disagreements[:50])
    assert accepted_somewhere == len(jobs)  # a valid payload was built and accepted for each
