"""`ipycallback codegen`: declarations in, generated Python and TypeScript out.

The runtime's `ipycallback` command runs `main` with the arguments after `codegen` (this
distribution registers it under the entry point group `ipycallback.commands`);
`python -m ipycallback_codegen` does the same.

Exit status: 0 when done (or up to date), 1 when `--check` finds a stale file or
`--breaking-against` finds a breaking change, 2 on bad input (or a runtime of another version),
3 on a bug in the generator.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ._version import __version__, check_runtime
from .compat import compare, is_breaking
from .declaration import load, load_declaration
from .emit import emit_python, emit_typescript
from .errors import CodegenError
from .ir import canonical_json, fingerprint

_ENTRY_KEYS = ("schema", "py", "ts", "ir", "name")


@dataclass(frozen=True)
class Job:
    schema: Path
    py: Path | None
    ts: Path | None
    ir: Path | None
    name: str | None
    base: Path  # paths in headers are written relative to this, so output is machine-independent


def _parser() -> argparse.ArgumentParser:
    codegen = argparse.ArgumentParser(
        prog="ipycallback codegen",
        description="Generate msgspec Structs, TypeScript types, validators and typed tunnels. "
        "Without SCHEMA, runs every [[tool.ipycallback.codegen]] entry of pyproject.toml.",
    )
    codegen.add_argument("schema", nargs="?", type=Path, help=".py, .json, .yaml or .ts")
    codegen.add_argument("--py", type=Path, help="where to write the Python module")
    codegen.add_argument("--ts", type=Path, help="where to write the TypeScript module")
    codegen.add_argument("--ir", type=Path, help="where to write the internal form (JSON)")
    codegen.add_argument("--name", help="the message set's name (default: from the file)")
    codegen.add_argument("--config", type=Path, default=Path("pyproject.toml"))
    codegen.add_argument("--check", action="store_true", help="fail with a diff if stale")
    codegen.add_argument(
        "--breaking-against",
        type=Path,
        metavar="OLD",
        help="compare with an older internal form (.json) or declaration; fail if breaking",
    )
    return codegen


def _jobs(args: argparse.Namespace) -> list[Job]:
    if args.schema is not None:
        if args.py is None and args.ts is None and args.ir is None and not args.breaking_against:
            raise CodegenError("nothing to do: give --py, --ts, --ir or --breaking-against")
        return [Job(args.schema, args.py, args.ts, args.ir, args.name, Path.cwd())]
    config: Path = args.config
    if not config.is_file():
        raise CodegenError("no SCHEMA given and no pyproject.toml here", file=str(config))
    try:
        document = tomllib.loads(config.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CodegenError(f"not a TOML file: {error}", file=str(config)) from None
    entries = document.get("tool", {}).get("ipycallback", {}).get("codegen", [])
    if not isinstance(entries, list) or not entries:
        raise CodegenError("no [[tool.ipycallback.codegen]] entries", file=str(config))
    base = config.resolve().parent
    jobs = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("schema"), str):
            raise CodegenError(f'entry {index} needs a schema = "..." key', file=str(config))
        for key, value in entry.items():
            if key not in _ENTRY_KEYS or not isinstance(value, str):
                raise CodegenError(
                    f'entry {index}: {key!r} is not one of {", ".join(_ENTRY_KEYS)} = "..."',
                    file=str(config),
                )

        def path(key: str, entry: dict[str, str] = entry) -> Path | None:
            return base / entry[key] if key in entry else None

        jobs.append(
            Job(base / entry["schema"], path("py"), path("ts"), path("ir"), entry.get("name"), base)
        )
    return jobs


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _render(job: Job) -> dict[Path, str]:
    loaded = load(job.schema, name=job.name)
    ir = loaded.ir
    source = _relative(job.schema, job.base)
    stamp = fingerprint(ir)
    outputs: dict[Path, str] = {}
    try:
        if job.ir is not None:
            outputs[job.ir] = canonical_json(ir)
        if job.py is not None:
            outputs[job.py] = emit_python(ir, source=source, fingerprint=stamp)
        if job.ts is not None:
            outputs[job.ts] = emit_typescript(ir, source=source, fingerprint=stamp)
    except CodegenError as error:
        raise loaded.locate(error) from None
    return outputs


def _breaking(job: Job, old_path: Path) -> bool:
    # An internal form (.json) reads back as itself, so any declaration or IR can be the old one.
    changes = compare(load_declaration(old_path), load_declaration(job.schema, name=job.name))
    for change in changes:
        print(change)
    verdict = "BREAKING" if is_breaking(changes) else "compatible"
    print(f"{_relative(job.schema, job.base)} against {old_path}: {verdict}")
    return is_breaking(changes)


def _check_outputs(jobs: list[Job]) -> None:
    """Refuse, before anything is written, an output that would overwrite a declaration or
    another output, or that is not a regular file (a directory, or /dev/full, which reading
    to compare would never finish)."""
    inputs = {job.schema.resolve() for job in jobs}
    seen: dict[Path, str] = {}
    for job in jobs:
        for option, path in (("--py", job.py), ("--ts", job.ts), ("--ir", job.ir)):
            if path is None:
                continue
            resolved = path.resolve()
            if resolved in inputs:
                raise CodegenError(f"{option} would overwrite a declaration", file=str(path))
            if resolved in seen:
                raise CodegenError(f"{option} is the file {seen[resolved]} writes", file=str(path))
            if path.exists() and not path.is_file():
                raise CodegenError(f"{option} is not a regular file", file=str(path))
            seen[resolved] = option


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stale = False
    jobs = _jobs(args)
    _check_outputs(jobs)
    for job in jobs:
        if args.breaking_against is not None:
            stale |= _breaking(job, args.breaking_against)
    # Everything is generated before anything is written: bad input leaves no file behind.
    outputs = {path: text for job in jobs for path, text in _render(job).items()}
    for path, text in outputs.items():
        # Bytes: a file on disk that is not UTF-8 (hand-edited, say) is simply stale.
        data = path.read_bytes() if path.exists() else None
        if data == text.encode("utf-8"):
            continue
        current = None if data is None else data.decode("utf-8", "replace")
        if args.check:
            stale = True
            diff = difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{path} (on disk)",
                f"{path} (generated)",
            )
            sys.stdout.writelines(diff)
            print(f"stale: {path}; run `ipycallback codegen` to regenerate")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path}")
    return 1 if stale else 0


def main(argv: Sequence[str] | None = None) -> None:
    """`ipycallback codegen ARGS`; `argv` are the ARGS (default: the process's arguments)."""
    try:
        check_runtime()
        sys.exit(run(argv))
    except CodegenError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except Exception as error:
        print(
            f"error: internal error in ipycallback-codegen {__version__} "
            f"({type(error).__name__}: {error}); please report it with the declaration",
            file=sys.stderr,
        )
        sys.exit(3)
