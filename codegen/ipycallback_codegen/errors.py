"""The one error of code generation: bad input, located precisely enough to fix it."""

from __future__ import annotations

from urllib.parse import quote


class CodegenError(Exception):
    """Bad input. `str(error)` reads `file:line: message`, `file#/json/pointer: message` or
    `file:line#/json/pointer: message`, whichever parts are known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        pointer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.pointer = pointer

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer is not None:
            where += f"#{fragment(self.pointer)}"
        return f"{where}: {self.message}" if where else self.message

    def located(
        self, *, file: str | None = None, line: int | None = None, pointer: str | None = None
    ) -> CodegenError:
        """A copy with the missing parts of its location filled in."""
        return CodegenError(
            self.message,
            file=self.file or file,
            line=self.line if self.line is not None else line,
            pointer=self.pointer if self.pointer is not None else pointer,
        )


def fragment(pointer: str) -> str:
    """A JSON pointer as a URI fragment (RFC 6901, section 6): `file#/$defs/My%20Type` stays one
    word, whatever the names in it hold (spaces, quotes, `: `, line breaks)."""
    # surrogatepass: even a lone surrogate in a name (refused, and reported) has a spelling.
    return quote(pointer.encode("utf-8", "surrogatepass"), safe="/$!&'()*+,;=@~-._")


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer: property names may contain `/` and `~`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def with_line(error: CodegenError, lines: dict[str, int]) -> CodegenError:
    """Add the line of the nearest enclosing pointer that `lines` knows, if any."""
    at = error.pointer
    while at is not None and error.line is None:
        if at in lines:
            return error.located(line=lines[at])
        at = at.rpartition("/")[0] if at else None
    return error
