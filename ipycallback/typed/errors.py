"""Errors of the typed layer, shaped the same on both sides of the tunnel."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

ErrorCode = Literal["validation", "unknown_type", "handler_exception"]

_PATH = re.compile(r" - at `(\$[^`]*)`$")


class MessageValidationError(ValueError):
    """A message that its receiver would reject; `path` points at the offending field."""

    def __init__(self, message: str, path: str | None) -> None:
        super().__init__(f"{message} (at {path})" if path else message)
        self.reason = message
        self.path = path

    @classmethod
    def from_msgspec(
        cls, error: msgspec.ValidationError | msgspec.DecodeError
    ) -> MessageValidationError:
        text = str(error)
        match = _PATH.search(text)
        if match is None:
            return cls(text, None)
        return cls(text[: match.start()], match.group(1))


class TunnelError(Exception):
    """An error the other side reported about a message this side sent."""

    def __init__(
        self,
        version: int,
        code: ErrorCode,
        message: str,
        path: str | None = None,
        type: str | None = None,
    ) -> None:
        where = f" at {path}" if path else ""
        super().__init__(f"[{code}] message version {version}{where}: {message}")
        self.version = version
        self.code = code
        self.message = message
        self.path = path
        self.type = type


class WireError(msgspec.Struct, omit_defaults=True):
    """How an error travels: the body of an ERROR-kind tunnel message."""

    code: ErrorCode
    message: str
    path: str | None = None
    type: str | None = None
