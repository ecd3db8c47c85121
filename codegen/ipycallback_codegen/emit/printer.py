"""A small code printer: lines, indentation, bracketed groups that fit or explode, escaping.

Emitters write code through this instead of string templates, so every piece of text that came
from a declaration (names, descriptions, tag values) passes through one of the escaping helpers
below before it reaches generated code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from .._version import __version__

_ASCII_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


@dataclass
class Group:
    """`head` + comma-separated `items` + `tail`, laid out on one line if it fits, else split.

    `hug` (black's style, for Python) first tries all items on one indented line; without it
    (prettier's style, for TypeScript) a group that does not fit puts each item on its own line.
    Items may be groups themselves and split in turn.
    """

    head: str
    items: Sequence[str | Group]
    tail: str
    hug: bool = True
    trailing_comma: bool = True
    # Spaces inside the brackets when on one line: `{ a, b }` in TypeScript.
    spaced: bool = False

    def flat(self) -> str:
        space = " " if self.spaced and self.items else ""
        body = ", ".join(_flat(item) for item in self.items)
        return self.head + space + body + space + self.tail


@dataclass
class Chain:
    """`first`, then `glue` and `second` on the line where `first` ends, each split as it needs:
    `x: Annotated[...] = msgspec.field(...)` when neither half fits on a line."""

    first: Group
    glue: str
    second: Group

    def flat(self) -> str:
        return self.first.flat() + self.glue + self.second.flat()


def _flat(item: str | Group) -> str:
    return item if isinstance(item, str) else item.flat()


@dataclass
class Printer:
    indent_unit: str = "    "
    width: int = 100
    _lines: list[str] = field(default_factory=list)
    _level: int = 0

    def line(self, text: str = "") -> None:
        # Text from a declaration reaches here escaped; a raw line break would mean it was not.
        if any(c in text for c in "\n\r\u2028\u2029"):
            raise ValueError(f"a line break inside one line of code: {text!r}")
        self._lines.append(self.indent_unit * self._level + text if text else "")

    def blank(self, count: int = 1) -> None:
        """Exactly `count` blank lines here, whatever blank lines came before."""
        while self._lines and self._lines[-1] == "":
            self._lines.pop()
        if self._lines:
            self._lines.extend([""] * count)

    @contextmanager
    def indented(self) -> Iterator[None]:
        self._level += 1
        try:
            yield
        finally:
            self._level -= 1

    @contextmanager
    def block(self, header: str, closer: str | None = None) -> Iterator[None]:
        """`header` line, an indented body, then `closer` (TypeScript's `}`) if given."""
        self.line(header)
        with self.indented():
            yield
        if closer is not None:
            self.line(closer)

    def group(self, *candidates: str | Group | Chain) -> None:
        """The first candidate layout whose lines all fit; else the first whose first line does.

        Candidates are the ways to split one statement, e.g. at the value's brackets or at the
        annotation's, in the order ruff format tries them.
        """
        layouts = [self._layout(c, self._level) for c in candidates]
        fits = [lines for lines in layouts if all(len(t) <= self.width for t in lines)]
        heads = [lines for lines in layouts if len(lines[0]) <= self.width]
        self._lines.extend((fits or heads or layouts)[0])

    def _layout(self, item: str | Group | Chain, level: int, suffix: str = "") -> list[str]:
        pad = self.indent_unit * level
        if isinstance(item, Chain):
            first = self._layout(item.first, level)
            second = item.second
            joined = Group(first[-1].lstrip() + item.glue + second.head, second.items, second.tail)
            return first[:-1] + self._layout(joined, level, suffix)
        if isinstance(item, str) or len(pad + item.flat() + suffix) <= self.width:
            return [pad + _flat(item) + suffix]
        inner = self.indent_unit * (level + 1)
        body = ", ".join(_flat(i) for i in item.items)
        if item.hug and len(inner + body) <= self.width:
            return [pad + item.head, inner + body, pad + item.tail + suffix]
        lines = [pad + item.head]
        for index, sub in enumerate(item.items):
            last = index == len(item.items) - 1
            lines += self._layout(sub, level + 1, "," if item.trailing_comma or not last else "")
        return [*lines, pad + item.tail + suffix]

    def text(self) -> str:
        while self._lines and self._lines[-1] == "":
            self._lines.pop()
        return "\n".join(self._lines) + "\n"


# ---------------------------------------------------------------------------- identifiers


def is_ascii_identifier(name: str) -> bool:
    """A Python identifier written only in ASCII (non-ASCII ones are NFKC-normalised)."""
    return _ASCII_IDENTIFIER.match(name) is not None


def is_js_identifier(name: str) -> bool:
    return _JS_IDENTIFIER.match(name) is not None


def sanitize(name: str, *, fallback: str) -> str:
    """`name` made of ASCII letters, digits and inner underscores; `fallback` if nothing is left."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    if not cleaned:
        return fallback
    return f"{fallback}_{cleaned}" if cleaned[0].isdigit() else cleaned


def unique(candidate: str, taken: set[str]) -> str:
    """`candidate`, or it with underscores appended until it is not in `taken`; then taken."""
    while candidate in taken:
        candidate += "_"
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------------------- escaping


def _escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_PY_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def py_string(text: str) -> str:
    """A Python string literal whose value is `text`, quoted as ruff format would quote it."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char in _PY_ESCAPES:
            out.append(_PY_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif not char.isprintable():  # controls, line separators, lone surrogates
            out.append(_escape_char(char))
        else:
            out.append(char)
    return quote + "".join(out) + quote


def py_docstring(text: str) -> list[str]:
    """The lines of a docstring (quotes included) whose cleaned value is `text`."""
    body = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    out = []
    for index, char in enumerate(body):
        if char == '"':
            # Escaped when next to another quote or to the docstring's own quotes, so no run
            # of three can end the docstring early.
            near = body[index - 1 : index] + body[index + 1 : index + 2]
            lone = 0 < index < len(body) - 1 and '"' not in near
            out.append(char if lone else '\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in _PY_ESCAPES and char != "\n":
            out.append(_PY_ESCAPES[char])
        elif not char.isprintable() and char not in " \n":
            out.append(_escape_char(char))
        else:
            out.append(char)
    parts = "".join(out).split("\n")
    if len(parts) == 1:
        return [f'"""{parts[0]}"""']
    return [f'"""{parts[0]}', *parts[1:], '"""']


def ts_string(text: str) -> str:
    """A TypeScript string literal whose value is `text`, safe inside an HTML <script> too."""
    out = []
    for char in text:
        code = ord(char)
        if char in _PY_ESCAPES:
            out.append(_PY_ESCAPES[char])
        elif char == '"':
            out.append('\\"')
        elif char == "<":  # "</script>" must not appear literally in a page's inline script
            out.append("\\u003c")
        elif (
            code < 0x20
            or code == 0x7F
            or 0x2028 <= code <= 0x2029
            or 0xD800 <= code <= 0xDFFF
            or (not char.isprintable() and code <= 0xFFFF)
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def ts_property_key(name: str) -> str:
    """`name` as a key in an interface; `__proto__` is quoted too, as it is special elsewhere."""
    return name if is_js_identifier(name) and name != "__proto__" else ts_string(name)


def ts_object_key(name: str) -> str:
    """`name` as a key in an object literal, where `__proto__: x` would set the prototype."""
    if name == "__proto__":
        return f"[{ts_string(name)}]"
    return ts_property_key(name)


def _html_safe(text: str) -> str:
    """Comment text that cannot end or confuse an HTML <script> holding it: `</` and `<!` get
    a backslash, which Markdown (how editors show JSDoc) does not display."""
    return text.replace("</", "<\\/").replace("<!", "<\\!")


def jsdoc(text: str) -> list[str]:
    """A JSDoc block for `text`; `*/` cannot end it early, nor `</script>` the page's script."""
    lines = []
    for raw in text.strip().splitlines():
        chars = [c if c.isprintable() or c == " " else _escape_char(c) for c in raw.rstrip()]
        lines.append(_html_safe("".join(chars).replace("*/", "*\\/")))
    if len(lines) == 1:
        return [f"/** {lines[0]} */"]
    return ["/**", *(f" * {line}".rstrip() for line in lines), " */"]


def comment_text(text: str) -> str:
    """`text` for a one-line comment: a line break in it would end the comment, and `</script`
    the HTML script that may hold it."""
    return _html_safe("".join(c if c.isprintable() else _escape_char(c) for c in text))


def generated_header(marker: str, source: str) -> str:
    """The first line of a generated file; `marker` starts a line comment (`#` or `//`)."""
    where = comment_text(source)
    return f"{marker} @generated by ipycallback codegen {__version__} from {where}. DO NOT EDIT."
