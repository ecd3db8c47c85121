"""Readers: a declaration file in, a JSON Schema declaration out (see docs/internal-form.md,
"Declaring messages"), with where each of its parts is in the file.

Each format has its reader (`json_text`, `yaml_text`, `python`, `typescript`); none of them
normalises or checks: `declaration.load_declaration` does that, the same way for all formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CodegenError, with_line


@dataclass(frozen=True)
class Declaration:
    """A declaration as JSON Schema: `doc` as the JSON Schema format spells it, `default_name`
    the set's name when the declaration gives none, and `lines` the line of each JSON pointer
    into `doc` that the reader could place."""

    doc: Any
    file: str
    default_name: str
    lines: dict[str, int] = field(default_factory=dict)
    # Python and TypeScript readers write `doc` themselves: a pointer into it names a schema the
    # user never wrote, so once a line is known the pointer is dropped.
    pointer_is_internal: bool = False

    def locate(self, error: CodegenError) -> CodegenError:
        located = with_line(error, self.lines)
        if self.pointer_is_internal and located.line is not None:
            return CodegenError(located.message, file=self.file, line=located.line)
        return located


# Limits on what a declaration may be: a user's schema is far below them, and past them a
# reader would take minutes or exhaust Python's stack (a YAML file of 0.4 KB can alias its way
# to billions of values).
MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 500_000


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (refused with the line of the first bad byte otherwise), at
    most MAX_BYTES, without a leading byte order mark. Editors on Windows write one; YAML and
    Python skip it themselves, but json.loads and ast.parse refuse a string that starts with
    it, so every reader gets the text without it (the lines stay where they were)."""
    file = str(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        message = f"the file has {size} bytes; declarations are limited to {MAX_BYTES}"
        raise CodegenError(message, file=file, line=1)
    data = path.read_bytes()
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CodegenError(
            f"not UTF-8 text: byte {data[error.start]:#04x} cannot start or continue a "
            "character here",
            file=file,
            line=line,
        ) from None


def stem_name(path: Path) -> str:
    """`search.schema.yaml` declares the set `search`."""
    return path.name.split(".")[0]
