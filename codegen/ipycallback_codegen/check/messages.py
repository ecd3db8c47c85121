"""The message set: each direction's messages, their tags, and the requests both ways (`replies`:
the page asks and the kernel answers; `asks`: the kernel asks and the page answers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import CodegenError

Fail = Callable[..., CodegenError]


def check_messages(meta: dict[str, Any], defs: dict[str, Any], fail: Fail) -> None:
    """The two directions, the tags (one per message, unique) and the request/reply pairs."""
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
    pairs = {
        "replies": _pairs(meta, "replies", "toKernel", "toBrowser", fail),
        "asks": _pairs(meta, "asks", "toBrowser", "toKernel", fail),
    }
    # Each side tells a reply from a request by its tag alone: the page drops a "reply" whose
    # tag is one of the kernel's requests, and a request answered both ways is two protocols.
    role: dict[str, tuple[str, str]] = {}
    for key, found in pairs.items():
        for request, reply in found.items():
            for name, what in ((request, "request"), (reply, "reply")):
                known = role.get(name)
                if known is not None and known != (key, what) and "request" in (what, known[1]):
                    raise fail(
                        f"{name} is a {what} in {key} and a {known[1]} in {known[0]}: a message "
                        "is a request one way only, and never also a reply",
                        "x-ipycallback",
                        key,
                        request,
                    )
                role.setdefault(name, (key, what))


def _pairs(
    meta: dict[str, Any], key: str, asking: str, answering: str, fail: Fail
) -> dict[str, str]:
    """`replies` (the page asks, the kernel answers) or `asks` (the other way round)."""
    pairs = meta[key]
    if not isinstance(pairs, dict):
        raise fail(f"{key} must be an object: {{request: reply}}", "x-ipycallback", key)
    for request, reply in pairs.items():
        at = ("x-ipycallback", key, request)
        if request not in meta[asking]:
            raise fail(f"the request {request!r} is not in {asking}", *at)
        if not isinstance(reply, str) or reply not in meta[answering]:
            raise fail(f"the reply {reply!r} to {request} is not in {answering}", *at)
    return pairs
