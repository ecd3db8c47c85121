"""Errors of the typed layer, shaped the same on both sides of the tunnel."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

# validation: the message breaks its declared type; unknown_type: no such message type;
# handler_exception: the handler raised; no_handler: nobody handles this request type;
# unknown_request: a reply to a request that is not waiting (finished, timed out, cancelled).
ErrorCode = Literal[
    "validation", "unknown_type", "handler_exception", "no_handler", "unknown_request"
]

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


class SupersededError(Exception):
    """A request that a newer request of the same type replaced before its reply came."""

    def __init__(self, type: str, version: int, superseded_by: int) -> None:
        super().__init__(f"request {type} version {version} was superseded by {superseded_by}")
        self.type = type
        self.version = version
        self.superseded_by = superseded_by


class WireError(msgspec.Struct, omit_defaults=True):
    """How an error travels: the body of an ERROR-kind tunnel message."""

    code: ErrorCode
    message: str
    path: str | None = None
    type: str | None = None
