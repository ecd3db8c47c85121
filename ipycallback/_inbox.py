"""Turns browser-to-kernel comm messages back into (version, msg) pairs.

The browser sends `{"b": [[version, msg], ...]}` batches, and splits a message too large for
one websocket frame into `{"c": [version, piece, last]}` chunks that arrive in order. Either may
carry a third or fourth element: the message kind the typed layer uses (see `_kinds`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ._checks import MAX_VERSION
from ._kinds import KINDS, MESSAGE

Received = tuple[int, str, int]  # version, msg, kind


class FrameError(ValueError):
    """A comm message from the browser that is not a tunnel frame."""


def _entry(raw: object) -> Received:
    if (
        isinstance(raw, Sequence)
        and not isinstance(raw, str)
        and len(raw) in (2, 3)
        and isinstance(raw[0], int)
        and not isinstance(raw[0], bool)
        and 0 <= raw[0] <= MAX_VERSION
        and isinstance(raw[1], str)
    ):
        kind = raw[2] if len(raw) == 3 else MESSAGE
        if kind in KINDS and not isinstance(kind, bool):
            return raw[0], raw[1], kind
    raise FrameError(f"expected [version, msg], got {str(raw)[:80]}")


class Inbox:
    def __init__(self) -> None:
        self._chunk_version: int | None = None
        self._pieces: list[str] = []

    def accept(self, content: object) -> tuple[list[Received], list[str]]:
        """Return the complete messages in `content` and a description of each bad part."""
        if not isinstance(content, dict):
            return [], [f"expected a frame object, got {type(content).__name__}"]
        if "b" in content:
            return self._batch(content["b"])
        if "c" in content:
            return self._chunk(content["c"])
        return [], [f"unknown frame with keys {sorted(content)[:5]}"]

    def _batch(self, raw: object) -> tuple[list[Received], list[str]]:
        if not isinstance(raw, list):
            return [], ["batch is not a list"]
        good: list[Received] = []
        bad: list[str] = []
        for index, item in enumerate(raw):
            try:
                good.append(_entry(item))
            except FrameError as error:
                bad.append(f"batch item {index}: {error}")
        return good, bad

    def _chunk(self, raw: object) -> tuple[list[Received], list[str]]:
        if not (isinstance(raw, list) and len(raw) in (3, 4) and isinstance(raw[2], bool)):
            return [], ["chunk is not [version, piece, last]"]
        try:
            version, piece, kind = _entry(raw[:2] + raw[3:])
        except FrameError as error:
            return [], [f"chunk: {error}"]
        problems: list[str] = []
        if self._chunk_version is not None and self._chunk_version != version:
            problems.append(f"chunked message {self._chunk_version} was cut off by {version}")
            self._pieces = []
        self._chunk_version = version
        self._pieces.append(piece)
        if not raw[2]:
            return [], problems
        msg = "".join(self._pieces)
        self._chunk_version, self._pieces = None, []
        return [(version, msg, kind)], problems
