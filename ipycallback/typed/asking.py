"""Requests the kernel sends to the page, waiting for their replies.

A request is a declared message whose type has a declared reply. Any page showing the tunnel may
answer; the first valid reply wins, and the others are dropped quietly (two tabs both answered).
A newer request of the same type supersedes an older one still waiting: the older raises
SupersededError, and the page drops its answer to it. Giving up (a timeout, a cancelled await,
KeyboardInterrupt in `call()`) tells the page, whose handler's AbortSignal then fires.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from ..tunnel.kinds import CANCEL
from ..tunnel.widget import SlowTunnelWidget
from .errors import MessageValidationError, SupersededError, TunnelError
from .message_set import MessageSet

# Outcome of a request: the reply, or the exception the waiter raises.
Settle = Callable[[Any, BaseException | None], None]
# How many finished requests are remembered, to tell a late reply from a bogus one.
_REMEMBERED = 1_000


@dataclass
class Pending:
    version: int
    tag: str
    reply_type: type[msgspec.Struct]
    settle: Settle


class Asking:
    def __init__(
        self,
        tunnel: SlowTunnelWidget,
        out: MessageSet,
        incoming: MessageSet,
        asks: dict[type[msgspec.Struct], type[msgspec.Struct]],
    ) -> None:
        self._tunnel = tunnel
        self._out = out
        self._in = incoming
        self._asks = asks
        self._lock = threading.Lock()
        self._pending: dict[int, Pending] = {}
        self._by_tag: dict[str, Pending] = {}
        # version -> "answered" or "superseded" (later answers are dropped quietly: another page
        # answered, or the page answered before it learnt of the newer request), or "given up".
        self._finished: OrderedDict[int, str] = OrderedDict()
        self.superseded = 0
        self.duplicate_replies = 0

    def check(self, msg: msgspec.Struct) -> tuple[type[msgspec.Struct], str]:
        """The reply type of `msg` and its validated text; TypeError for a type that is not a
        declared request, MessageValidationError for an invalid one."""
        reply_type = self._asks.get(type(msg))
        if reply_type is None:
            declared = ", ".join(t.__name__ for t in self._asks) or "none"
            raise TypeError(
                f"request(): {type(msg).__name__} has no declared reply "
                f"(requests the kernel may send: {declared})"
            )
        return reply_type, self._out.encode(msg)

    def start(self, msg: msgspec.Struct, settle: Settle) -> Pending:
        """Validate and send the request; `settle` is called once with its outcome."""
        reply_type, text = self.check(msg)
        tag = self._out.tag(type(msg)) or type(msg).__name__
        with self._lock:
            version = self._tunnel.send_msg(text)
            pending = Pending(version, tag, reply_type, settle)
            older = self._by_tag.get(tag)
            self._pending[version] = pending
            self._by_tag[tag] = pending
            if older is not None:
                self._finish(older, "superseded")
                self.superseded += 1
        if older is not None:
            older.settle(None, SupersededError(tag, older.version, version))
        return pending

    def give_up(self, pending: Pending, reason: str) -> None:
        """The waiter stopped waiting: forget the request and tell the page."""
        with self._lock:
            if self._pending.get(pending.version) is not pending:
                return
            self._finish(pending, "given up")
        if not self._tunnel.closed:
            self._tunnel._send_kind(pending.version, reason, CANCEL, drop_stale=False)

    def reply(self, version: int, text: str, view: str) -> TunnelError | None:
        """A reply from `view`; returns the error to send back to it, if any."""
        with self._lock:
            pending = self._pending.get(version)
            finished = self._finished.get(version)
            if pending is not None:
                self._finish(pending, "answered")
            elif finished in ("answered", "superseded"):
                self.duplicate_replies += 1
        if pending is None:
            if finished in ("answered", "superseded"):
                return None
            state = "timed out or was cancelled" if finished else "is unknown"
            return TunnelError(
                version, "unknown_request", f"no request with version {version} waits: it {state}"
            )
        try:
            value = self._in.receive(text)
        except (msgspec.ValidationError, msgspec.DecodeError) as bad:
            invalid = MessageValidationError.from_msgspec(bad)
            pending.settle(None, invalid)
            return TunnelError(version, "validation", invalid.reason, invalid.path)
        except MessageValidationError as invalid:
            pending.settle(None, invalid)
            return TunnelError(version, "validation", invalid.reason, invalid.path)
        if type(value) is not pending.reply_type:
            wrong = MessageValidationError(
                f"expected a {pending.reply_type.__name__} reply to {pending.tag}, "
                f"got {type(value).__name__}",
                "$",
            )
            pending.settle(None, wrong)
            return TunnelError(version, "validation", wrong.reason, "$", pending.tag)
        pending.settle(value, None)
        self._cancel_elsewhere(version)
        return None

    def error(self, error: TunnelError) -> bool:
        """An error report from the page: True if it ended a waiting request.

        The page's own requests count their versions apart from this side's, so an error about a
        reply this side sent may carry a waiting request's version: only an error that names the
        request's type (or none) and is not about an unknown request ends it.
        """
        with self._lock:
            pending = self._pending.get(error.version)
            if (
                pending is None
                or error.code == "unknown_request"
                or error.type not in (None, pending.tag)
            ):
                return False
            self._finish(pending, "given up")
        pending.settle(None, error)
        return True

    def close(self, error: BaseException) -> None:
        with self._lock:
            waiting = list(self._pending.values())
            for pending in waiting:
                self._finish(pending, "given up")
        for pending in waiting:
            pending.settle(None, error)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)

    def _finish(self, pending: Pending, how: str) -> None:
        self._pending.pop(pending.version, None)
        if self._by_tag.get(pending.tag) is pending:
            del self._by_tag[pending.tag]
        self._finished[pending.version] = how
        while len(self._finished) > _REMEMBERED:
            self._finished.popitem(last=False)

    def _cancel_elsewhere(self, version: int) -> None:
        # With several pages, the others may still be working on it: let them stop.
        if self._tunnel.stats.views > 1 and not self._tunnel.closed:
            self._tunnel._send_kind(version, "answered", CANCEL, drop_stale=False)
