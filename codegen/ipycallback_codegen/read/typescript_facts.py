"""Running node on node/ts_to_schema.mjs, which reports the facts of a TypeScript declaration
that read/typescript.py judges. It needs typescript-json-schema in the user's project."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..errors import CodegenError
from . import read_text

# The one npm package the generator does not bundle: it reads TypeScript with the TypeScript
# compiler, which a TypeScript project has anyway. Pinned, so a declaration reads the same
# everywhere.
_TJS_VERSION = "0.68.0"
_INSTALL = f"npm install --save-dev typescript-json-schema@{_TJS_VERSION}"
_PACKAGE = Path("node_modules", "typescript-json-schema", "package.json")
_SCRIPT = Path(__file__).parent.parent / "node" / "ts_to_schema.mjs"


def facts(path: Path) -> dict[str, Any]:
    file = str(path)
    node = shutil.which("node")
    if node is None:
        raise CodegenError(
            f"reading TypeScript needs Node.js on PATH, then `{_INSTALL}`", file=file
        )
    read_text(path)  # UTF-8 and not too large, or refused with a line
    project = _project(path)
    try:
        done = subprocess.run(
            [node, str(_SCRIPT), str(project), str(path.resolve())],
            capture_output=True,
            encoding="utf-8",
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CodegenError("the TypeScript reader timed out", file=file) from None
    if done.returncode != 0:
        raise CodegenError(f"the TypeScript reader failed:\n{done.stderr.strip()}", file=file)
    facts: dict[str, Any] = json.loads(done.stdout)
    return facts


def _project(path: Path) -> Path:
    """The nearest directory, above the declaration or the working directory, whose
    node_modules holds typescript-json-schema."""
    for start in (path.resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            if (directory / _PACKAGE).is_file():
                _check_version(directory / _PACKAGE, path)
                return directory
    raise CodegenError(
        "reading a TypeScript declaration needs typescript-json-schema, which is not installed "
        "(no node_modules with it above this file or the working directory); in your project, "
        f"run `{_INSTALL}`. Declarations in Python or JSON Schema need only node.",
        file=str(path),
    )


def _check_version(package: Path, path: Path) -> None:
    try:
        version = json.loads(package.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        version = None
    if version != _TJS_VERSION:
        raise CodegenError(
            f"found typescript-json-schema {version} ({package.parent}); the TypeScript reader "
            f"is pinned to {_TJS_VERSION}: run `{_INSTALL}`",
            file=str(path),
        )
