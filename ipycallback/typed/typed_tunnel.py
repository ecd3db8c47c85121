"""TypedTunnel: msgspec messages over a SlowTunnelWidget, with requests both ways."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar, overload

import msgspec
import traitlets

from ..tunnel.delivery import CURRENT_VIEW
from ..tunnel.kinds import CANCEL, ERROR, MESSAGE, REPLY
from ..tunnel.widget import SlowTunnelWidget, TunnelClosedError
from .asking import Asking, Pending
from .errors import ErrorCode, MessageValidationError, TunnelError, WireError
from .handling import Handling
from .json_semantics import read_json, top_level_string
from .message_set import MessageSet, browser_schema

In = TypeVar("In", bound=msgspec.Struct)  # what the page sends
Out = TypeVar("Out", bound=msgspec.Struct)  # what this side sends
Ask = TypeVar("Ask", bound=msgspec.Struct)  # the requests this side may send
M = TypeVar("M", bound=msgspec.Struct)
Handler = Callable[[int, M], Any]
PlainHandler = Callable[[int, str], object]
ErrorHandler = Callable[[TunnelError], object]

# How long call() waits for a first page to show the tunnel before it refuses: in "Run All", the
# page's first message can be queued behind the cells (SlowTunnelWidget._blocking_problem).
PAGE_WAIT = 5.0

_WIRE_ERROR = msgspec.json.Decoder(WireError)
_ENCODER = msgspec.json.Encoder()


@dataclass
class TypedStats:
    received: int = 0
    handled: int = 0
    superseded: int = 0
    cancelled: int = 0
    stale_replies: int = 0
    rejected: int = 0
    handler_errors: int = 0
    errors_received: int = 0
    requests_sent: int = 0
    replies_received: int = 0


class TypedTunnel(Generic[In, Out, Ask]):
    """Typed messages over `tunnel`: msgspec Structs in, msgspec Structs out.

    `receive` lists the types the page may send and `send` those this side may send. `replies`
    maps a request the page may send to the reply this side returns; `asks` maps a request this
    side may send (with `request()` or `call()`) to the reply the page returns. Generated code
    passes the message set's `fingerprint`, which generated browser code compares with its own.
    """

    def __init__(
        self,
        tunnel: SlowTunnelWidget,
        *,
        receive: Sequence[type[In]],
        send: Sequence[type[Out]],
        replies: Mapping[type[In], type[Out]] | None = None,
        asks: Mapping[type[Ask], type[In]] | None = None,
        fingerprint: str | None = None,
    ) -> None:
        self.tunnel = tunnel
        self._in = MessageSet(receive, "receive")
        self._out = MessageSet(send, "send")
        replies_: dict[type[msgspec.Struct], type[msgspec.Struct]] = {
            q: r for q, r in (replies or {}).items()
        }
        asks_: dict[type[msgspec.Struct], type[msgspec.Struct]] = {
            q: r for q, r in (asks or {}).items()
        }
        _check_pairs(replies_, self._in, self._out, "replies", "receive=", "send=")
        _check_pairs(asks_, self._out, self._in, "asks", "send=", "receive=")
        self.stats = TypedStats()
        self._plain: PlainHandler | None = None
        self._on_error: ErrorHandler | None = None
        self._handling = Handling(
            tunnel, self._in, self._out, replies_, self._send_error, self._count
        )
        self._asking = Asking(tunnel, self._out, self._in, asks_)
        schema = browser_schema(
            self._in,
            self._out,
            _tags(replies_, self._in, self._out),
            fingerprint,
            asks=_tags(asks_, self._out, self._in),
        )
        # The tunnel knows nothing of types: this layer adds its schema to the widget state
        # itself, so browser code can validate without a build step, and a reloaded page still
        # has it.
        if tunnel.has_trait("_typed_schema"):
            tunnel.set_trait("_typed_schema", schema)
        else:
            tunnel.add_traits(_typed_schema=traitlets.Unicode(schema).tag(sync=True))
        tunnel._on_receive_kind(self._receive)
        tunnel._on_receive_urgent(self._receive)
        tunnel._on_close(lambda: self._asking.close(_closed(tunnel)))

    # ------------------------------------------------------------- sending

    def send(self, msg: Out) -> int:
        """Validate and send `msg` to every page; return its version."""
        return self.tunnel.send_msg(self._out.encode(msg))

    def send_msg(self, msg: str) -> int:
        """Plain strings still travel on the same tunnel."""
        return self.tunnel.send_msg(msg)

    async def request(self, msg: Ask, *, timeout: float | None = None) -> In:
        """Send a request to the page and return its validated reply.

        Raises SupersededError when a newer request of the same type replaces it, TunnelError
        when the page reports a failure, MessageValidationError for a reply of the wrong shape,
        TimeoutError after `timeout` seconds, TunnelClosedError when the tunnel closes.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def settle(value: Any, error: BaseException | None) -> None:
            def apply() -> None:
                if future.done():
                    return
                if error is None:
                    future.set_result(value)
                else:
                    future.set_exception(error)

            loop.call_soon_threadsafe(apply)

        pending = self._start(msg, settle)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            self._asking.give_up(pending, "timeout")
            raise TimeoutError(
                f"{pending.tag} version {pending.version}: no reply in {timeout} s"
            ) from None
        except asyncio.CancelledError:
            self._asking.give_up(pending, "cancelled")
            raise

    def call(self, msg: Ask, *, timeout: float | None = None) -> In:
        """The blocking form of request(), for plain synchronous cell code.

        Works where the page's messages reach the kernel while a cell runs (JupyterLab 4.4+ with
        ipykernel 7 sends them on a subshell); elsewhere it raises RuntimeError at once, saying
        what to enable, instead of waiting for a reply that could only come after the cell.
        """
        if CURRENT_VIEW.get() is not None:
            raise RuntimeError(
                "call() inside a handler of this tunnel would wait for a reply that can only "
                "be handled after the handler returns; use `await typed.request(...)` in an "
                "async handler instead"
            )
        self._asking.check(msg)  # a wrong message fails at once, not after waiting for a page
        problem = self.tunnel._blocking_problem(wait_for_page=PAGE_WAIT)
        if problem is not None:
            raise RuntimeError(f"call() cannot wait for the page here: {problem}")
        done = threading.Event()
        outcome: list[tuple[Any, BaseException | None]] = []

        def settle(value: Any, error: BaseException | None) -> None:
            if not outcome:
                outcome.append((value, error))
            done.set()

        with self.tunnel._main_shell_waiting():
            pending = self._start(msg, settle)
            try:
                if not done.wait(timeout):
                    self._asking.give_up(pending, "timeout")
                    raise TimeoutError(
                        f"{pending.tag} version {pending.version}: no reply in {timeout} s"
                    )
            except KeyboardInterrupt:
                self._asking.give_up(pending, "interrupted")
                raise
        value, error = outcome[0]
        if error is not None:
            raise error
        return value  # type: ignore[no-any-return]

    def _start(self, msg: Ask, settle: Callable[[Any, BaseException | None], None]) -> Pending:
        pending = self._asking.start(msg, settle)
        self.stats.requests_sent += 1
        return pending

    # ----------------------------------------------------------- receiving

    @overload
    def on(self, msg_type: type[M]) -> Callable[[Handler[M]], Handler[M]]: ...
    @overload
    def on(self, msg_type: type[M], handler: Handler[M]) -> Handler[M]: ...
    def on(self, msg_type: type[M], handler: Handler[M] | None = None) -> Any:
        """Register `handler(version, msg)` for `msg_type`, replacing any previous one.

        For a request type, the handler returns (or, if async, resolves to) the reply.
        """
        if self._in.tag(msg_type) is None:
            raise TypeError(f"{msg_type!r} is not declared in receive=")

        def register(fn: Handler[M]) -> Handler[M]:
            if not callable(fn):
                raise TypeError(f"a handler must be callable, got {type(fn).__name__}")
            self._handling.register(msg_type, fn)
            return fn

        return register if handler is None else register(handler)

    def cancelled(self, version: int) -> bool:
        """Whether the page gave up on its request `version` (for sync handlers to check)."""
        return self._handling.cancelled(version, CURRENT_VIEW.get())

    def on_plain(self, handler: PlainHandler | None) -> None:
        """Receive payloads that are not declared messages (plain `send_msg` strings)."""
        self._plain = handler

    def on_error(self, handler: ErrorHandler | None) -> None:
        """Receive errors the page reports about messages sent from here."""
        self._on_error = handler

    def _receive(self, version: int, text: str, kind: int, view: str) -> None:
        if kind == ERROR:
            self._received_error(version, text)
        elif kind == REPLY:
            self.stats.replies_received += 1
            problem = self._asking.reply(version, text, view)
            if problem is not None:
                self._send_error(
                    version, problem.code, problem.message, problem.path, problem.type, view
                )
        elif kind == CANCEL:
            self._handling.cancel(version, view)
        elif kind == MESSAGE:
            self._received_message(version, text, view)

    def _received_message(self, version: int, text: str, view: str) -> None:
        self.stats.received += 1
        try:
            msg = self._in.receive(text)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            self._reject(version, text, error, view)
            return
        except MessageValidationError as unsafe:  # e.g. a naive datetime: refused both ways
            tag = _peek_tag(text, self._in.tag_field)
            if tag is None and self._plain is not None:
                self._deliver_plain(version, text, view)
                return
            self.stats.rejected += 1
            self._send_error(version, "validation", unsafe.reason, unsafe.path, tag, view)
            return
        self._handling.arrived(version, msg, view)

    def _reject(self, version: int, text: str, error: Exception, view: str) -> None:
        tag = _peek_tag(text, self._in.tag_field)
        if tag is None and self._plain is not None:
            self._deliver_plain(version, text, view)
            return
        self.stats.rejected += 1
        declared = ", ".join(self._in.by_tag)
        if tag is None:
            message = f"not a declared message; expected one of {declared}"
            self._send_error(version, "unknown_type", message, view=view)
        elif tag not in self._in.by_tag:
            message = f"unknown message type {tag!r}; expected one of {declared}"
            path = f"$.{self._in.tag_field}"
            self._send_error(version, "unknown_type", message, path, tag, view)
        else:
            invalid = MessageValidationError.from_msgspec(error)  # type: ignore[arg-type]
            self._send_error(version, "validation", invalid.reason, invalid.path, tag, view)

    def _deliver_plain(self, version: int, text: str, view: str) -> None:
        assert self._plain is not None
        try:
            self._plain(version, text)
        except Exception as failure:
            self._handling._failed(version, None, failure, view)

    def _received_error(self, version: int, text: str) -> None:
        self.stats.errors_received += 1
        try:
            wire = _WIRE_ERROR.decode(text)
            error = TunnelError(version, wire.code, wire.message, wire.path, wire.type)
        except (msgspec.ValidationError, msgspec.DecodeError):
            error = TunnelError(version, "validation", f"unreadable error report: {text[:200]}")
        if self._asking.error(error):
            return
        if self._on_error is None:
            self.tunnel._report(f"the page reported: {error}")
            return
        try:
            self._on_error(error)
        except Exception as failure:
            self.tunnel._report(f"the on_error handler failed: {failure!r}")

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

    def _count(self, name: str) -> None:
        setattr(self.stats, name, getattr(self.stats, name) + 1)

    def __repr__(self) -> str:
        counts = ", ".join(f"{f.name}={getattr(self.stats, f.name)}" for f in fields(self.stats))
        return f"<TypedTunnel {self.tunnel.tunnel_id!r} {counts}>"


def _check_pairs(
    pairs: dict[type, type], ask: MessageSet, answer: MessageSet, name: str, a: str, b: str
) -> None:
    for request, reply in pairs.items():
        if ask.tag(request) is None or answer.tag(reply) is None:
            raise TypeError(
                f"{name}: {request.__name__} must be declared in {a} and {reply.__name__} in {b}"
            )


def _tags(pairs: dict[type, type], ask: MessageSet, answer: MessageSet) -> dict[str, str]:
    return {ask.tag(q) or "": answer.tag(r) or "" for q, r in pairs.items()}


def _closed(tunnel: SlowTunnelWidget) -> TunnelClosedError:
    return TunnelClosedError(f"tunnel {tunnel.tunnel_id!r} closed while a request waited")


def _peek_tag(text: str, tag_field: str) -> str | None:
    try:
        value = read_json(text)  # as the browser reads it: lone surrogates and all
    except RecursionError:
        return top_level_string(text, tag_field)
    except ValueError:
        return None
    tag = value.get(tag_field) if isinstance(value, dict) else None
    return tag if isinstance(tag, str) else None
