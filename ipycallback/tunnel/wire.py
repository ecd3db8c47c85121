"""Reading the frames a view (one page's copy of the widget) sends; see docs/protocol.md.

Every part of a frame is checked before it is used: a malformed part is described and skipped,
and never takes the rest of the frame with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .checks import MAX_VERSION
from .kinds import KINDS, MESSAGE

Received = tuple[int, str, int]  # version, msg, kind
# [version, msg], [version, msg, kind] or, kernel to browser, [version, msg, kind, to].
Entry = list[Any]

MAX_PEER_ID = 64


@dataclass
class Hello:
    first_seen: int | None  # the first kernel seq the view has received, if any
    last_sent: int  # the view's last seq sent
    caps: dict[str, Any]


@dataclass
class InFrame:
    """One browser-to-kernel frame, checked. Fields left at their default were absent."""

    peer: str
    seq: int | None = None
    entries: list[Received] = field(default_factory=list)
    piece: tuple[int, int] | None = None  # (index, count) when `entries` holds one piece
    ack: int | None = None
    hello: Hello | None = None
    probe: int | None = None
    nack: int | None = None
    gone: tuple[int, int] | None = None
    bye: bool = False


def _is_int(value: object, low: int = 0, high: int = MAX_VERSION) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_entry(raw: object) -> Received:
    if (
        # Decoded JSON gives lists: that check costs a fraction of the Sequence ABC's.
        (type(raw) is list or (isinstance(raw, Sequence) and not isinstance(raw, str)))
        and len(raw) in (2, 3)
        and _is_int(raw[0])
        and isinstance(raw[1], str)
    ):
        kind = raw[2] if len(raw) == 3 else MESSAGE
        if kind in KINDS and not isinstance(kind, bool):
            return raw[0], raw[1], kind
    raise ValueError(f"expected [version, msg, kind?], got {_short(raw)}")


def read_frame(content: object) -> tuple[InFrame | None, list[str]]:
    """The frame in `content` (None if it has no usable peer id) and a note per bad part."""
    if not isinstance(content, dict):
        return None, [f"expected a frame object, got {type(content).__name__}"]
    peer = content.get("p")
    if not isinstance(peer, str) or not 0 < len(peer) <= MAX_PEER_ID:
        return None, [f"frame without a valid peer id: {_short(peer)}"]
    frame = InFrame(peer)
    problems: list[str] = []

    def number(key: str) -> int | None:
        value = content.get(key)
        if value is None:
            return None
        if _is_int(value):
            return int(value)
        problems.append(f"field {key!r} is not a non-negative integer: {_short(value)}")
        return None

    frame.ack = number("a")
    frame.probe = number("w")
    frame.nack = number("n")
    frame.bye = content.get("x") == 1
    _read_gone(content.get("g"), frame, problems)
    _read_hello(content.get("h"), frame, problems)
    if "b" in content:
        seq = content.get("s")
        if not _is_int(seq, 1):
            problems.append(f"data without a valid seq: {_short(seq)}")
        else:
            frame.seq = int(seq)  # type: ignore[arg-type]
            _read_data(content, frame, problems)
    return frame, problems


def _read_gone(raw: object, frame: InFrame, problems: list[str]) -> None:
    if raw is None:
        return
    match raw:
        case [int() as start, int() as end] if (
            _is_int(start, 1) and _is_int(end, 1) and start <= end
        ):
            frame.gone = (start, end)
            return
    problems.append(f"field 'g' is not [from, to]: {_short(raw)}")


def _read_hello(raw: object, frame: InFrame, problems: list[str]) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict) or raw.get("v") != 2:
        problems.append(f"hello of an unknown protocol: {_short(raw)}")
        return
    first, last = raw.get("f"), raw.get("w", 0)
    caps = raw.get("caps")
    if (first is not None and not _is_int(first, 1)) or not _is_int(last):
        problems.append(f"hello with bad positions: {_short(raw)}")
        return
    frame.hello = Hello(first, last, caps if isinstance(caps, dict) else {})


def _read_data(content: dict[str, Any], frame: InFrame, problems: list[str]) -> None:
    raw = content["b"]
    if not isinstance(raw, list) or not raw:
        problems.append("data 'b' is not a non-empty list")
        frame.seq = None
        return
    piece = content.get("k")
    if piece is not None:
        if not (
            isinstance(piece, list)
            and len(piece) == 2
            and _is_int(piece[1], 1)
            and _is_int(piece[0], 0, int(piece[1]) - 1)
            and len(raw) == 1
        ):
            problems.append(f"piece 'k' is not [index, count] of one entry: {_short(piece)}")
            frame.seq = None
            return
        frame.piece = (piece[0], piece[1])
    for index, item in enumerate(raw):
        try:
            frame.entries.append(read_entry(item))
        except ValueError as error:
            # A bad entry keeps its seq (as an empty plain message is not right either): it is
            # reported and skipped, and the entries around it still count.
            problems.append(f"entry {index}: {error}")
            frame.entries.append((-1, "", MESSAGE))
