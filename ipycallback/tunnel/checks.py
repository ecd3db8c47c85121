"""Argument checks shared by the public methods, so every misuse gets the same clear error."""

from __future__ import annotations

# Versions cross into JavaScript, where integers above this lose precision.
MAX_VERSION = 2**53 - 1


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__}: {text}"


def check_msg(method: str, msg: object) -> str:
    if not isinstance(msg, str):
        raise TypeError(f"{method}() expects msg to be a str, got {_describe(msg)}")
    return msg


def check_version(method: str, version: object) -> int:
    # bool is an int subclass, but True as a version is always a mistake.
    if not isinstance(version, int) or isinstance(version, bool):
        raise TypeError(f"{method}() expects version to be an int, got {_describe(version)}")
    if not 0 <= version <= MAX_VERSION:
        raise ValueError(f"{method}() expects version in [0, 2**53 - 1], got {version}")
    return version


def check_text(method: str, msg: object) -> str:
    """A str that JSON over UTF-8 can carry: no lone surrogate, which would fail the whole batch."""
    text = check_msg(method, msg)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{method}() cannot send msg: it holds a lone surrogate "
                f"{text[error.start]!r} at index {error.start}, which UTF-8 cannot encode; "
                "send text, or encode binary data (e.g. base64) first"
            ) from None
    return text
