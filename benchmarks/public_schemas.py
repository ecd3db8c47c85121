"""What share of public JSON Schemas the code generator accepts, and why it refuses the rest.

The corpus is datamodel-code-generator's test data (tests/data/jsonschema of its sdist, pinned
to the version the tests use): every top-level .json and .yaml file, schemas written by others
for another generator. Each is wrapped as a user would wrap it: its definitions become $defs,
the root object a named type `Root`, and one message `Message` carries it in both directions.
A schema is accepted when both the Python and the TypeScript modules are generated.

    python benchmarks/public_schemas.py [CORPUS_DIR] [--compile]

Without CORPUS_DIR the sdist is fetched with `pip download` into build/. Prints the share
accepted and the most common reasons for refusal; nothing from the corpus is committed. With
--compile, what was generated for the accepted ones must pass mypy --strict and tsc --strict
(the generator's promise), which takes a few minutes.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ipycallback_codegen.declaration import load
from ipycallback_codegen.emit import emit_python, emit_typescript
from ipycallback_codegen.errors import CodegenError

ROOT = Path(__file__).resolve().parents[1]
PINNED = "datamodel-code-generator==0.89.0"


def corpus() -> Path:
    """The pinned sdist's tests/data/jsonschema, downloaded once into build/."""
    build = ROOT / "build" / "public-schemas"
    found = sorted(build.glob("datamodel_code_generator-*/tests/data/jsonschema"))
    if found:
        return found[0]
    build.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "--quiet", "-d", str(build), PINNED],
        check=True,
    )  # fmt: skip
    (sdist,) = build.glob("datamodel_code_generator-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if "/tests/data/jsonschema/" in m.name]
        archive.extractall(build, members=members, filter="data")
    return corpus()


def _rewrite(value: Any, external: list[str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                if item == "#":
                    item = "#/$defs/Root"
                elif item.startswith("#/definitions/"):
                    item = "#/$defs/" + item[len("#/definitions/") :]
                elif not item.startswith("#/$defs/"):
                    external.append(item)
            out[key] = _rewrite(item, external)
        return out
    if isinstance(value, list):
        return [_rewrite(item, external) for item in value]
    return value


def wrap(doc: Any) -> dict[str, Any] | None:
    """The declaration a user would write around a public schema, or None for a schema that
    refers to other files (not standalone)."""
    if not isinstance(doc, dict):
        return None
    defs: dict[str, Any] = {}
    for key in ("definitions", "$defs"):
        if isinstance(doc.get(key), dict):
            defs.update(doc[key])
    skip = ("$schema", "$id", "id", "definitions", "$defs", "title")
    root = {k: v for k, v in doc.items() if k not in skip}
    name = "Message"
    while name in defs:
        name += "_"
    if root.get("type") == "object" or "properties" in root:
        defs = {"Root": root, **defs}
        payload: Any = {"$ref": "#/$defs/Root"}
    else:
        payload = root
    defs[name] = {
        "type": "object",
        "properties": {"type": {"const": "Message"}, "payload": payload},
        "required": ["type", "payload"],
    }
    meta = {"name": "wrapped", "toKernel": [name], "toBrowser": [name]}
    external: list[str] = []
    out = _rewrite({"x-ipycallback": meta, "$defs": defs}, external)
    return None if external else out


def verdict(path: Path, scratch: Path, out: Path | None = None) -> str:
    """One of `accepted`, `refused: <reason>`, `skipped: <why>` or `crashed: <error>` (a bug);
    the generated modules go into `out` if given."""
    try:
        text = path.read_text("utf-8")
        doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        return "skipped: not parseable"
    declaration = wrap(doc)
    if declaration is None:
        return "skipped: refers to other files"
    source = scratch / f"{path.stem}.schema.json"
    source.write_text(json.dumps(declaration), encoding="utf-8")
    try:
        loaded = load(source)
        try:
            py = emit_python(loaded.ir, source=source.name, fingerprint="sha256:0")
            ts = emit_typescript(loaded.ir, source=source.name, fingerprint="sha256:0")
        except CodegenError as error:
            raise loaded.locate(error) from None
    except CodegenError as error:
        return f"refused: {error.message}"
    except Exception as error:  # the generator's bug: counted, shown, and the run fails
        return f"crashed: {type(error).__name__}: {error}"
    if out is not None:
        stem = re.sub(r"\W", "_", path.stem)
        (out / f"m_{stem}.py").write_text(py, "utf-8")
        (out / f"m_{stem}.ts").write_text(ts, "utf-8")
    return "accepted"


def compiles(out: Path) -> bool:
    """mypy --strict and tsc --strict on every generated module in `out`."""
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    print(f"mypy --strict: {mypy.stdout.strip().splitlines()[-1]}")
    options = {
        "target": "ES2020", "module": "ESNext", "moduleResolution": "Bundler",
        "lib": ["ES2022", "DOM"], "strict": True, "noUncheckedIndexedAccess": True,
        "exactOptionalPropertyTypes": True, "noUnusedLocals": True, "skipLibCheck": True,
        "noEmit": True, "types": [],
        "paths": {"ipycallback": [str(ROOT / "frontend" / "src" / "index.ts")]},
    }  # fmt: skip
    files = sorted(str(f) for f in out.glob("*.ts"))
    (out / "tsconfig.json").write_text(json.dumps({"compilerOptions": options, "files": files}))
    tsc = subprocess.run(
        [ROOT / "node_modules" / ".bin" / "tsc", "-p", out], capture_output=True, text=True
    )
    print(f"tsc --strict: {'ok' if tsc.returncode == 0 else tsc.stdout[-3000:]}")
    return mypy.returncode == 0 and tsc.returncode == 0


def reason_class(reason: str) -> str:
    """A refusal without its names and values, to count alike ones together."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|\{.*\}|\d+", "…", reason)[:90]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--list", action="store_true", help="print each file's verdict")
    parser.add_argument("--compile", action="store_true", help="type-check what was generated")
    args = parser.parse_args()
    folder = args.corpus or corpus()
    files = sorted([*folder.glob("*.json"), *folder.glob("*.yaml")])
    verdicts = {}
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as out:
        for path in files:
            verdicts[path.name] = verdict(path, Path(scratch), Path(out) if args.compile else None)
        if args.compile and not compiles(Path(out)):
            sys.exit(1)
    kinds = collections.Counter(v.split(":")[0] for v in verdicts.values())
    tried = kinds["accepted"] + kinds["refused"]
    print(f"corpus: {folder} ({len(files)} files; {len(files) - tried} skipped: {dict(kinds)})")
    print(f"accepted: {kinds['accepted']} of {tried} ({kinds['accepted'] / tried:.1%})")
    reasons = collections.Counter(
        reason_class(v[len("refused: ") :]) for v in verdicts.values() if v.startswith("refused")
    )
    for reason, count in reasons.most_common(25):
        print(f"{count:5d}  {reason}")
    crashed = {name: v for name, v in verdicts.items() if v.startswith("crashed")}
    for name, result in crashed.items():
        print(f"CRASH {name}: {result}")
    if args.list:
        for name, result in verdicts.items():
            print(f"{name}: {result}")
    if crashed:
        sys.exit(1)


if __name__ == "__main__":
    main()
