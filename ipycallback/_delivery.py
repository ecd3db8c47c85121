"""Delivers received messages to the user's handler in order, queueing them while none is set."""

from __future__ import annotations

import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable

Handler = Callable[[int, str], object]
RawHandler = Callable[[int, str, int], object]  # version, msg, kind


class Delivery:
    """One ordered stream of (version, msg) into a replaceable handler.

    Only one thread drains at a time; a thread that brings more messages while another is
    draining just queues them, so messages from a kernel subshell cannot overtake earlier ones.
    """

    def __init__(self, name: str, max_pending: int) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        self._name = name
        self._max_pending = max_pending
        self._lock = threading.Lock()
        self._queue: deque[tuple[int, str, int]] = deque()
        self._handler: RawHandler | None = None
        self._draining = False
        self.dropped = 0
        self.handler_errors = 0

    def set_handler(self, handler: RawHandler | None) -> None:
        with self._lock:
            self._handler = handler
        self._drain()

    def deliver(self, entries: Iterable[tuple[int, str, int]]) -> None:
        with self._lock:
            self._queue.extend(entries)
            overflow = len(self._queue) - self._max_pending
            if self._handler is None and overflow > 0:
                # Keep the newest: a handler attached late wants the current state, not history.
                for _ in range(overflow):
                    self._queue.popleft()
                self.dropped += overflow
                self._report(
                    f"no handler is attached and the queue is full ({self._max_pending}); "
                    f"dropped the {overflow} oldest message(s), {self.dropped} in all. "
                    f"Call on_receive() sooner or raise max_pending."
                )
        self._drain()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _drain(self) -> None:
        with self._lock:
            if self._draining:
                return
            self._draining = True
        try:
            while True:
                with self._lock:
                    if self._handler is None or not self._queue:
                        self._draining = False
                        return
                    handler = self._handler
                    version, msg, kind = self._queue.popleft()
                self._invoke(handler, version, msg, kind)
        except BaseException:
            with self._lock:
                self._draining = False
            raise

    def _invoke(self, handler: RawHandler, version: int, msg: str, kind: int) -> None:
        try:
            handler(version, msg, kind)
        except Exception:
            # The traceback reaches the notebook (Lab's log console for comm-driven output);
            # the next message is still delivered.
            self.handler_errors += 1
            self._report(
                f"the on_receive handler raised on message version {version}; "
                f"the tunnel keeps running.\n{traceback.format_exc()}"
            )

    def _report(self, text: str) -> None:
        sys.stderr.write(f"ipycallback [{self._name}]: {text}\n")
