"""Delivers received messages to the user's handler in order, queueing them while none is set."""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import Literal

from .pacing import SCHEDULER, Clock
from .report import Reporter

Handler = Callable[[int, str], object]
RawHandler = Callable[[int, str, int, str], object]  # version, msg, kind, view
Item = tuple[int, str, int, str]
OnInterrupt = Literal["deliver", "drop"]

# The view whose message the running handler is handling: a reply goes back to it.
CURRENT_VIEW: ContextVar[str | None] = ContextVar("ipycallback_current_view", default=None)


class Delivery:
    """One ordered stream of messages into a replaceable handler.

    Only one thread drains at a time; a thread that brings more messages while another is
    draining just queues them, so messages handled on a kernel subshell cannot overtake earlier
    ones. A KeyboardInterrupt stops the running handler; the messages queued behind it are then
    delivered on the next turn of the event loop (or dropped and counted, with
    `on_interrupt="drop"`), never left waiting for a new arrival.
    """

    def __init__(
        self,
        reporter: Reporter,
        max_pending: int,
        on_interrupt: OnInterrupt = "deliver",
        clock: Clock = SCHEDULER,
        while_handling: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        if on_interrupt not in ("deliver", "drop"):
            raise ValueError(f"on_interrupt must be 'deliver' or 'drop', got {on_interrupt!r}")
        self._reporter = reporter
        self._max_pending = max_pending
        self._on_interrupt = on_interrupt
        self._clock = clock
        # Asked once per drain, which runs on one thread: what it returns is entered around
        # each message of that drain, so it must be reusable (nullcontext and the main shell's
        # busy mark are).
        self._while_handling = while_handling
        self._lock = threading.Lock()
        self._queue: deque[Item] = deque()
        self._handler: RawHandler | None = None
        self._draining = False
        self.dropped = 0
        self.handler_errors = 0
        self.interrupted = 0

    def set_handler(self, handler: RawHandler | None) -> None:
        with self._lock:
            self._handler = handler
        self.drain()

    def enqueue(self, items: Iterable[Item]) -> None:
        """Queue messages; the caller drains (outside its own locks)."""
        with self._lock:
            self._queue.extend(items)
            overflow = len(self._queue) - self._max_pending
            if self._handler is None and overflow > 0:
                # Keep the newest: a handler attached late wants the current state, not history.
                for _ in range(overflow):
                    self._queue.popleft()
                self.dropped += overflow
                self._reporter.report(
                    f"no handler is attached and the queue is full ({self._max_pending}); "
                    f"dropped the {overflow} oldest message(s), {self.dropped} in all. "
                    f"Call on_receive() sooner or raise max_pending."
                )

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def drain(self) -> None:
        with self._lock:
            if self._draining:
                return
            self._draining = True
        try:
            handling = self._while_handling()
            while True:
                with self._lock:
                    if self._handler is None or not self._queue:
                        self._draining = False
                        return
                    handler = self._handler
                    item = self._queue.popleft()
                self._invoke(handler, item, handling)
        except BaseException as stop:
            with self._lock:
                self._draining = False
            if isinstance(stop, KeyboardInterrupt):
                self._after_interrupt()
            raise

    def _invoke(
        self, handler: RawHandler, item: Item, handling: AbstractContextManager[None]
    ) -> None:
        version, msg, kind, view = item
        token = CURRENT_VIEW.set(view)
        try:
            with handling:
                handler(version, msg, kind, view)
        except Exception:
            # The next message is still delivered; the reporter keeps a flood of failures from
            # tripping the server's output limiter.
            self.handler_errors += 1
            self._reporter.report(
                f"the on_receive handler raised on message version {version}; "
                "the tunnel keeps running.",
                traceback.format_exc(),
            )
        finally:
            CURRENT_VIEW.reset(token)

    def _after_interrupt(self) -> None:
        self.interrupted += 1
        with self._lock:
            waiting = len(self._queue)
            if self._on_interrupt == "drop":
                self._queue.clear()
                self.dropped += waiting
        if waiting == 0:
            return
        if self._on_interrupt == "drop":
            self._reporter.report(
                f"KeyboardInterrupt stopped the handler; dropped the {waiting} queued message(s)."
            )
            return
        self._reporter.report(
            f"KeyboardInterrupt stopped the handler; the {waiting} queued message(s) follow."
        )
        try:
            asyncio.get_running_loop().call_soon(self.drain)
        except RuntimeError:  # no event loop on this thread: the timer thread delivers them
            self._clock.call_later(0.0, self.drain)
