"""The message set: each direction's messages, their tags and the replies between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import CodegenError

Fail = Callable[..., CodegenError]


def check_messages(meta: dict[str, Any], defs: dict[str, Any], fail: Fail) -> None:
    """The two directions, the tags (one per message, unique) and the replies."""
    listed: set[str] = set()
    for direction in ("toKernel", "toBrowser"):
        names = meta[direction]
        if not isinstance(names, list) or not names:
            raise fail("declare at least one message", "x-ipycallback", direction)
        seen: set[str] = set()
        for index, name in enumerate(names):
            at = ("x-ipycallback", direction, index)
            if not isinstance(name, str) or name not in defs:
                raise fail(f"unknown message {name!r}: not in $defs", *at)
            if "x-tag" not in defs[name]:
                raise fail(f"{name} is not a message: it has no x-tag", *at)
            if name in seen:
                raise fail(f"{name} is listed twice", *at)
            seen.add(name)
        listed.update(names)
    tags: dict[str, str] = {}
    for name, schema in defs.items():
        if "x-tag" not in schema:
            continue
        if name not in listed:
            raise fail(f"{name} has an x-tag but is not a message", "$defs", name)
        if schema["x-tag"] in tags:
            other = tags[schema["x-tag"]]
            raise fail(
                f"duplicate tag {schema['x-tag']!r}: {other} and {name}", "$defs", name, "x-tag"
            )
        tags[schema["x-tag"]] = name
    replies = meta["replies"]
    if not isinstance(replies, dict):
        raise fail("replies must be an object", "x-ipycallback", "replies")
    for request, reply in replies.items():
        at = ("x-ipycallback", "replies", request)
        if request not in meta["toKernel"]:
            raise fail(f"the request {request!r} is not in toKernel", *at)
        if reply not in meta["toBrowser"]:
            raise fail(f"the reply {reply!r} is not in toBrowser", *at)
