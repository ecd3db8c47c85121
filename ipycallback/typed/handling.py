"""Running the kernel's handlers for typed messages from the page, and sending their replies.

Handlers of request types see only the newest request of each page and type: older queued ones
are skipped, and an older async handler still running is cancelled, so a stale reply is never
sent. A page that gives up on a request (its AbortSignal, a timeout) cancels the handler too:
an async handler gets CancelledError, a sync one can ask `typed.cancelled(version)`.
"""

from __future__ import annotations

import asyncio
import inspect
import signal
import threading
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import msgspec

from ..tunnel.kinds import REPLY
from ..tunnel.widget import SlowTunnelWidget
from .errors import ErrorCode, MessageValidationError
from .message_set import MessageSet

AnyHandler = Callable[[int, Any], Any]
SendError = Callable[..., None]
_MAX_WAITING = 10_000
# Requests that wait this long for a handler to be registered are answered with an error.
NO_HANDLER_GRACE = 5.0


@dataclass
class Running:
    view: str
    version: int
    cls: type
    task: asyncio.Task[None] | None = None
    cancelled: bool = False


class Handling:
    def __init__(
        self,
        tunnel: SlowTunnelWidget,
        incoming: MessageSet,
        out: MessageSet,
        replies: dict[type[msgspec.Struct], type[msgspec.Struct]],
        send_error: SendError,
        count: Callable[[str], None],
    ) -> None:
        self._tunnel = tunnel
        self._in = incoming
        self._out = out
        self._replies = replies
        self._send_error = send_error
        self._count = count
        self._lock = threading.Lock()
        self._handlers: dict[type, AnyHandler] = {}
        self._queued: dict[tuple[str, type], tuple[int, msgspec.Struct]] = {}
        self._drain_scheduled = False
        self._latest: dict[tuple[str, type], int] = {}
        self._running: dict[tuple[str, int], Running] = {}
        self._newest_running: dict[tuple[str, type], Running] = {}
        # Requests the page gave up on before their handler started.
        self._cancelled_early: deque[tuple[str, int]] = deque(maxlen=1_000)
        # Messages of a type whose handler is not registered yet; bounded, oldest dropped.
        self._waiting: dict[type, deque[tuple[int, msgspec.Struct, str]]] = {}

    # ------------------------------------------------------------ handlers

    def register(self, cls: type, handler: AnyHandler) -> None:
        with self._lock:
            self._handlers[cls] = handler
            waiting = self._waiting.pop(cls, deque())
        for version, msg, view in waiting:
            self._dispatch(cls, version, msg, view)

    def cancelled(self, version: int, view: str | None) -> bool:
        with self._lock:
            for (running_view, running_version), running in self._running.items():
                if running_version == version and view in (None, running_view):
                    return running.cancelled
        return False

    # ------------------------------------------------------------- arrival

    def arrived(self, version: int, msg: msgspec.Struct, view: str) -> None:
        cls = type(msg)
        key = (view, cls)
        with self._lock:
            if version >= self._latest.get(key, 0):
                self._latest[key] = version
            if cls not in self._replies:
                queued = False
            else:
                if key in self._queued:
                    self._count("superseded")
                self._queued[key] = (version, msg)
                queued = True
        if not queued:
            self._dispatch(cls, version, msg, view)
        else:
            self._schedule_drain()

    def cancel(self, version: int, view: str) -> None:
        """The page gave up on its request `version`."""
        with self._lock:
            running = self._running.get((view, version))
            for key, (queued_version, _) in list(self._queued.items()):
                if key[0] == view and queued_version == version:
                    del self._queued[key]
        if running is None:
            with self._lock:
                self._cancelled_early.append((view, version))
            return
        if running.cancelled:
            return
        running.cancelled = True
        self._count("cancelled")
        _cancel_task(running.task)

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
            with self._lock:
                older = self._newest_running.get((view, cls))
            if older is not None and not older.cancelled and older.task is not None:
                older.cancelled = True
                _cancel_task(older.task)
                self._count("superseded")
            self._dispatch(cls, version, msg, view)

    def _dispatch(self, cls: type, version: int, msg: msgspec.Struct, view: str) -> None:
        with self._lock:
            handler = self._handlers.get(cls)
            if handler is None:
                waiting = self._waiting.setdefault(cls, deque(maxlen=_MAX_WAITING))
                waiting.append((version, msg, view))
        if handler is None:
            if cls in self._replies:
                self._tunnel._clock.call_later(
                    NO_HANDLER_GRACE, lambda: self._no_handler(cls, version, view)
                )
            return
        running = Running(view, version, cls)
        with self._lock:
            if (view, version) in self._cancelled_early:
                self._cancelled_early.remove((view, version))
                self._count("cancelled")
                return
            self._running[(view, version)] = running
            self._newest_running[(view, cls)] = running
        self._count("handled")
        try:
            with self._blocking_main_shell():
                result = handler(version, msg)
        except (Exception, KeyboardInterrupt) as error:
            # A KeyboardInterrupt stops this handler only: the page's request gets the error
            # instead of waiting forever, and raising it out of an event-loop callback would stop
            # the kernel's loop.
            self._done(running)
            self._failed(version, cls, error, view)
            return
        if not inspect.isawaitable(result):
            self._done(running)
            if not running.cancelled:
                self._reply(cls, version, result, view)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._done(running)
            self._failed(version, cls, RuntimeError("async handlers need an event loop"), view)
            return
        running.task = loop.create_task(self._finish(running, result))
        if running.cancelled:  # cancelled while the handler was starting
            running.task.cancel()

    def _blocking_main_shell(self) -> AbstractContextManager[None]:
        # A handler running on the main shell blocks it as a cell does: the page's messages
        # meanwhile, its cancellation of this very request among them, go to its subshell
        # (where it has one), so that a sync handler can see `typed.cancelled(version)`.
        if threading.current_thread() is threading.main_thread():
            return _interruptible(self._tunnel._main_shell_waiting())
        return nullcontext()

    async def _finish(self, running: Running, pending: Awaitable[Any]) -> None:
        try:
            result = await pending
        except asyncio.CancelledError:
            return  # superseded or cancelled by the page: its reply must never be sent
        except Exception as error:
            self._failed(running.version, running.cls, error, running.view)
            return
        finally:
            self._done(running)
        if not running.cancelled:
            self._reply(running.cls, running.version, result, running.view)

    def _done(self, running: Running) -> None:
        with self._lock:
            self._running.pop((running.view, running.version), None)
            key = (running.view, running.cls)
            if self._newest_running.get(key) is running:
                del self._newest_running[key]

    def _no_handler(self, cls: type, version: int, view: str) -> None:
        with self._lock:
            waiting = self._waiting.get(cls)
            entry = next((item for item in waiting or () if item[0] == version), None)
            if waiting is None or entry is None or entry[2] != view:
                return
            waiting.remove(entry)
        tag = self._in.tag(cls)
        self._send_error(
            version,
            "no_handler",
            f"the kernel has no handler for {tag} requests (register one with typed.on)",
            type=tag,
            view=view,
        )

    # ------------------------------------------------------------- replies

    def _reply(self, cls: type, version: int, result: Any, view: str) -> None:
        if result is None:
            if cls in self._replies:
                # The page's request() would otherwise wait for its timeout.
                needed = self._replies[cls].__name__
                missing = TypeError(f"the handler returned None; a {needed} reply was expected")
                self._failed(version, cls, missing, view)
            return
        expected = self._replies.get(cls)
        if self._out.tag(type(result)) is None or (
            expected is not None and type(result) is not expected
        ):
            wanted = expected.__name__ if expected else "a declared message"
            bad = TypeError(f"the handler returned {type(result).__name__}, not {wanted}")
            self._failed(version, cls, bad, view)
            return
        try:
            data = self._out.encode(result)
        except ValueError as error:
            self._failed(version, cls, error, view)
            return
        if version < self._latest.get((view, cls), 0):
            self._count("stale_replies")  # a newer request of this type arrived meanwhile
            return
        if not self._tunnel.closed:
            self._tunnel._send_kind(version, data, REPLY, drop_stale=False, to=view)

    def _failed(self, version: int, cls: type | None, error: BaseException, view: str) -> None:
        self._count("handler_errors")
        name = cls.__name__ if cls else "plain message"
        self._tunnel._report(
            f"the handler for {name} failed on version {version}: {type(error).__name__}",
            "".join(traceback.format_exception(error)),
        )
        tag = self._in.tag(cls) if cls else None
        code: ErrorCode = "handler_exception"
        # A reply the handler returned that its declared type refuses: say where.
        path = error.path if isinstance(error, MessageValidationError) else None
        text = f"{type(error).__name__}: {error}"
        self._send_error(version, code, text, path, type=tag, view=view)


@contextmanager
def _interruptible(inner: AbstractContextManager[None]) -> Iterator[None]:
    """`inner`, with the stop button reaching the handler. ipykernel turns SIGINT into a
    KeyboardInterrupt only while it dispatches a message and ignores it otherwise; a handler
    deferred to the event loop (see _schedule_drain) runs outside that window, so install
    Python's default handler around it, as ipykernel does around a message."""
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main interpreter
        previous = None
    try:
        with inner:
            yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _cancel_task(task: asyncio.Task[None] | None) -> None:
    # The cancellation may come in on another kernel thread than the task's loop.
    if task is None or task.done():
        return
    loop = task.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        task.cancel()
    else:
        loop.call_soon_threadsafe(task.cancel)
