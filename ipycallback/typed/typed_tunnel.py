"""TypedTunnel: msgspec messages over a SlowTunnelWidget, with replies that never go stale."""

from __future__ import annotations

import asyncio
import inspect
import threading
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar, overload

import msgspec

from .errors import ErrorCode, MessageValidationError, TunnelError, WireError
from ..tunnel.kinds import ERROR, MESSAGE, REPLY
from .message_set import MessageSet, browser_schema
from ..tunnel.widget import SlowTunnelWidget

M = TypeVar("M", bound=msgspec.Struct)
Handler = Callable[[int, M], "msgspec.Struct | None | Awaitable[msgspec.Struct | None]"]
PlainHandler = Callable[[int, str], object]
ErrorHandler = Callable[[TunnelError], object]

_WIRE_ERROR = msgspec.json.Decoder(WireError)
_MAX_WAITING = 10_000
_ENCODER = msgspec.json.Encoder()


@dataclass
class TypedStats:
    received: int = 0
    handled: int = 0
    superseded: int = 0
    stale_replies: int = 0
    rejected: int = 0
    handler_errors: int = 0
    errors_received: int = 0


class TypedTunnel:
    """Typed messages over `tunnel`: msgspec Structs in, msgspec Structs out.

    `receive` lists the types the browser may send, `send` those this side may send, and
    `replies` maps a request type to its reply type. Handlers of request types see only the
    newest request: older queued ones are skipped, and an older async handler still running is
    cancelled, so a stale reply is never sent. Generated code passes the message set's
    `fingerprint`, which generated browser code compares with its own when it attaches.
    """

    def __init__(
        self,
        tunnel: SlowTunnelWidget,
        *,
        receive: Sequence[type[msgspec.Struct]],
        send: Sequence[type[msgspec.Struct]],
        replies: Mapping[type[msgspec.Struct], type[msgspec.Struct]] | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.tunnel = tunnel
        self._in = MessageSet(receive, "receive")
        self._out = MessageSet(send, "send")
        self._replies = dict(replies or {})
        for request, reply in self._replies.items():
            if self._in.tag(request) is None or self._out.tag(reply) is None:
                raise TypeError(
                    f"replies: {request.__name__} must be declared in receive= and "
                    f"{reply.__name__} in send="
                )
        self._lock = threading.Lock()
        self._handlers: dict[type, Handler[Any]] = {}
        self._plain: PlainHandler | None = None
        self._on_error: ErrorHandler | None = None
        # Requests are superseded per page and type: two tabs asking at once both get answers.
        self._queued: dict[tuple[str, type], tuple[int, msgspec.Struct]] = {}
        self._drain_scheduled = False
        self._tasks: dict[tuple[str, type], asyncio.Task[None]] = {}
        self._latest: dict[tuple[str, type], int] = {}
        # Messages of a type whose handler is not registered yet; bounded, oldest dropped.
        self._waiting: dict[type, deque[tuple[int, msgspec.Struct, str]]] = {}
        self.stats = TypedStats()
        tunnel.set_trait(
            "_typed_schema",
            browser_schema(
                self._in,
                self._out,
                {self._in.tag(q) or "": self._out.tag(r) or "" for q, r in self._replies.items()},
                fingerprint,
            ),
        )
        tunnel._on_receive_kind(self._receive)

    # ------------------------------------------------------------------ API

    def send(self, msg: msgspec.Struct) -> int:
        """Validate and send `msg`; return its version. Raises MessageValidationError."""
        return self.tunnel.send_msg(self._out.encode(msg))

    @overload
    def on(self, msg_type: type[M]) -> Callable[[Handler[M]], Handler[M]]: ...
    @overload
    def on(self, msg_type: type[M], handler: Handler[M]) -> Handler[M]: ...
    def on(self, msg_type: type[M], handler: Handler[M] | None = None) -> Any:
        """Register `handler(version, msg)` for `msg_type`, replacing any previous one."""
        if self._in.tag(msg_type) is None:
            raise TypeError(f"{msg_type!r} is not declared in receive=")

        def register(fn: Handler[M]) -> Handler[M]:
            if not callable(fn):
                raise TypeError(f"a handler must be callable, got {type(fn).__name__}")
            self._handlers[msg_type] = fn
            waiting = self._waiting.pop(msg_type, deque())
            for version, msg, view in waiting:
                self._dispatch(msg_type, version, msg, view)
            return fn

        return register if handler is None else register(handler)

    def on_plain(self, handler: PlainHandler | None) -> None:
        """Receive payloads that are not declared messages (plain `send_msg` strings)."""
        self._plain = handler

    def on_error(self, handler: ErrorHandler | None) -> None:
        """Receive errors the browser reports about messages sent from here."""
        self._on_error = handler

    def send_msg(self, msg: str) -> int:
        """Plain strings still travel on the same tunnel."""
        return self.tunnel.send_msg(msg)

    # ------------------------------------------------------------- receive

    def _receive(self, version: int, text: str, kind: int, view: str) -> None:
        if kind == ERROR:
            self._received_error(version, text)
            return
        if kind != MESSAGE:
            return  # replies and cancellations: kernel-side requests come with issue 13
        self.stats.received += 1
        try:
            msg = self._in.decode(text)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            self._reject(version, text, error, view)
            return
        except MessageValidationError as unsafe:  # e.g. a naive datetime: refused both ways
            self.stats.rejected += 1
            tag = _peek_tag(text, self._in.tag_field)
            self._send_error(
                version, "validation", unsafe.reason, path=unsafe.path, type=tag, view=view
            )
            return
        cls = type(msg)
        key = (view, cls)
        with self._lock:
            if version >= self._latest.get(key, 0):
                self._latest[key] = version
            if cls not in self._replies:
                queued = False
            else:
                if key in self._queued:
                    self.stats.superseded += 1
                self._queued[key] = (version, msg)
                queued = True
        if not queued:
            self._dispatch(cls, version, msg, view)
        else:
            self._schedule_drain()

    def _schedule_drain(self) -> None:
        # Deferring to the event loop lets requests that were queued behind a running cell
        # arrive first; then only the newest of each type is handled.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._drain()
            return
        with self._lock:
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        loop.call_soon(self._drain)

    def _drain(self) -> None:
        with self._lock:
            queued, self._queued = self._queued, {}
            self._drain_scheduled = False
        for (view, cls), (version, msg) in queued.items():
            running = self._tasks.pop((view, cls), None)
            if running is not None and not running.done():
                running.cancel()
                self.stats.superseded += 1
            self._dispatch(cls, version, msg, view)

    def _dispatch(self, cls: type, version: int, msg: msgspec.Struct, view: str) -> None:
        handler = self._handlers.get(cls)
        if handler is None:
            waiting = self._waiting.setdefault(cls, deque(maxlen=_MAX_WAITING))
            if len(waiting) == _MAX_WAITING:
                self._report(f"no handler for {cls.__name__}; dropped its oldest waiting message")
            waiting.append((version, msg, view))
            return
        self.stats.handled += 1
        try:
            result = handler(version, msg)
        except Exception as error:
            self._handler_failed(version, cls, error, view)
            return
        if inspect.isawaitable(result):
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self._handler_failed(
                    version, cls, RuntimeError("async handlers need an event loop"), view
                )
                return
            task = loop.create_task(self._finish(cls, version, result, view))
            if cls in self._replies:
                self._tasks[(view, cls)] = task
        else:
            self._reply(cls, version, result, view)

    async def _finish(self, cls: type, version: int, pending: Awaitable[Any], view: str) -> None:
        try:
            result = await pending
        except asyncio.CancelledError:
            return  # superseded by a newer request: its reply must never be sent
        except Exception as error:
            self._handler_failed(version, cls, error, view)
            return
        self._reply(cls, version, result, view)

    def _reply(self, cls: type, version: int, result: Any, view: str) -> None:
        if result is None:
            return
        if self._out.tag(type(result)) is None:
            self._handler_failed(
                version,
                cls,
                TypeError(f"the handler returned {type(result).__name__}, not a declared message"),
                view,
            )
            return
        try:
            data = self._out.encode(result)
        except MessageValidationError as error:
            self._handler_failed(version, cls, error, view)
            return
        if version < self._latest.get((view, cls), 0):
            self.stats.stale_replies += 1  # a newer request of this type arrived meanwhile
            return
        self.tunnel._send_kind(version, data, REPLY, drop_stale=False, to=view)

    def _reject(self, version: int, text: str, error: Exception, view: str) -> None:
        tag = _peek_tag(text, self._in.tag_field)
        if tag is None and self._plain is not None:
            self._call_plain(version, text, view)
            return
        self.stats.rejected += 1
        declared = ", ".join(self._in.by_tag)
        if tag is None:
            self._send_error(
                version,
                "unknown_type",
                f"not a declared message; expected one of {declared}",
                view=view,
            )
        elif tag not in self._in.by_tag:
            self._send_error(
                version,
                "unknown_type",
                f"unknown message type {tag!r}; expected one of {declared}",
                path=f"$.{self._in.tag_field}",
                type=tag,
                view=view,
            )
        else:
            invalid = MessageValidationError.from_msgspec(error)  # type: ignore[arg-type]
            self._send_error(
                version, "validation", invalid.reason, path=invalid.path, type=tag, view=view
            )

    def _call_plain(self, version: int, text: str, view: str) -> None:
        assert self._plain is not None
        try:
            self._plain(version, text)
        except Exception as error:
            self._handler_failed(version, None, error, view)

    def _handler_failed(
        self, version: int, cls: type | None, error: BaseException, view: str | None
    ) -> None:
        self.stats.handler_errors += 1
        name = cls.__name__ if cls else "plain message"
        self._report(
            f"the handler for {name} failed on version {version}:\n"
            + "".join(traceback.format_exception(error))
        )
        tag = self._in.tag(cls) if cls else None
        self._send_error(
            version, "handler_exception", f"{type(error).__name__}: {error}", type=tag, view=view
        )

    def _send_error(
        self,
        version: int,
        code: ErrorCode,
        message: str,
        path: str | None = None,
        type: str | None = None,
        view: str | None = None,
    ) -> None:
        # User text (a payload quoted in a message) may hold what UTF-8 cannot carry.
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")
        body = _ENCODER.encode(WireError(code, message, path, type)).decode()
        if not self.tunnel.closed:
            self.tunnel._send_kind(version, body, ERROR, drop_stale=False, to=view)

    def _received_error(self, version: int, text: str) -> None:
        self.stats.errors_received += 1
        try:
            wire = _WIRE_ERROR.decode(text)
            error = TunnelError(version, wire.code, wire.message, wire.path, wire.type)
        except (msgspec.ValidationError, msgspec.DecodeError):
            error = TunnelError(version, "validation", f"unreadable error report: {text[:200]}")
        if self._on_error is None:
            self._report(f"the browser reported: {error}")
            return
        try:
            self._on_error(error)
        except Exception:
            self._report("the on_error handler failed:\n" + traceback.format_exc())

    def _report(self, text: str) -> None:
        # The tunnel's reporter keeps a flood of failures from tripping the output limiter.
        summary, _, detail = text.partition("\n")
        self.tunnel._reporter.report(summary, detail)

    def __repr__(self) -> str:
        counts = ", ".join(f"{f.name}={getattr(self.stats, f.name)}" for f in fields(self.stats))
        return f"<TypedTunnel {self.tunnel.tunnel_id!r} {counts}>"


def _peek_tag(text: str, tag_field: str) -> str | None:
    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None
    tag = value.get(tag_field) if isinstance(value, dict) else None
    return tag if isinstance(tag, str) else None
