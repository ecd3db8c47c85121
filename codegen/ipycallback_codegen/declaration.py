"""Loading a declaration: read it (by format), normalise it, check it. The one way in.

    read.<format>.read(path) -> Declaration -> normalise -> check_ir -> IR

Errors are located the same way for every format: by line where the reader knows it, else by
JSON pointer (see `read.Declaration.locate`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from .check import check_ir
from .check.text import SURROGATE, unpaired_surrogate
from .errors import CodegenError, pointer
from .ir import IR
from .normalise import normalise
from .normalise.all_of import Location
from .normalise.defs import translate
from .read import Declaration

# The reader module of each suffix, imported when used: the Python reader imports the runtime
# (and with it ipywidgets), a third of the command's start-up, which other formats never need.
READERS = {
    ".py": "python",
    ".json": "json_text",
    ".yaml": "yaml_text",
    ".yml": "yaml_text",
    ".ts": "typescript",
}


def _read(suffix: str, path: Path) -> Declaration:
    reader = importlib.import_module(f".read.{READERS[suffix]}", __package__)
    declaration: Declaration = reader.read(path)
    return declaration


@dataclass(frozen=True)
class Loaded:
    """A checked IR and the declaration it came from, to locate later errors (an emitter's,
    which knows only a pointer into the IR) in the file the user wrote."""

    ir: IR
    declaration: Declaration
    # Where each type the normaliser named or renamed was written (normalise.defs.translate).
    origins: dict[str, Location] = field(default_factory=dict)

    def locate(self, error: CodegenError) -> CodegenError:
        moved = CodegenError(
            error.message,
            file=error.file or self.declaration.file,
            line=error.line,
            pointer=translate(error.pointer, self.origins),
        )
        return self.declaration.locate(moved)


def load_declaration(path: Path, *, name: str | None = None) -> IR:
    """Read a declaration (.py, .json, .yaml/.yml, .ts) and return its checked IR; `name`, if
    given, is the set's name whatever the declaration says."""
    return load(path, name=name).ir


def load(path: Path, *, name: str | None = None) -> Loaded:
    """`load_declaration`, keeping what locates errors found later."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise CodegenError(
            f"unknown declaration format {suffix or '(no suffix)'!r}; "
            "use .py, .json, .yaml, .yml or .ts",
            file=str(path),
        )
    if not path.is_file():
        raise CodegenError("not a file" if path.exists() else "no such file", file=str(path))
    declaration = _read(suffix, path)
    file = declaration.file
    origins: dict[str, Location] = {}
    try:
        unpaired = unpaired_surrogate(declaration.doc)
        if unpaired is not None:  # before anything reads the text as text
            raise CodegenError(SURROGATE, file=file, pointer=pointer(*unpaired))
        default_name = declaration.default_name
        ir, origins = normalise(declaration.doc, file=file, name=name, default_name=default_name)
        check_ir(ir, file=file)
    except CodegenError as error:
        raise Loaded({}, declaration, origins).locate(error) from None
    return Loaded(ir, declaration, origins)
