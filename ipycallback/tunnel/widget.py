"""SlowTunnelWidget: the kernel side of a versioned string tunnel to the browser."""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .checks import check_text, check_version
from .delivery import CURRENT_VIEW, Delivery, Handler, Item, OnInterrupt, RawHandler
from .kinds import CANCEL, MESSAGE
from .outbox import Frame, Outbox
from .pacing import BUDGET, SCHEDULER, Clock, TokenBucket
from .report import Reporter
from .routing import Router, main_shell_waiting
from .views import Views
from .waiting import blocking_problem
from .wire import Entry, read_frame

_BUNDLE = Path(__file__).parent.parent / "static" / "tunnel.js"

# The live tunnel for each id, so that re-running `SlowTunnelWidget(tunnel_id="x")` replaces x.
_LIVE: weakref.WeakValueDictionary[str, SlowTunnelWidget] = weakref.WeakValueDictionary()
_LIVE_LOCK = threading.Lock()

# The widget state carries the latest message of each direction only up to this size, so a
# reloaded page never has to swallow (or replay) a huge payload.
STATE_MSG_LIMIT = 64 * 1024


class TunnelClosedError(RuntimeError):
    """Raised when sending on a tunnel that was closed or replaced."""


@dataclass(frozen=True)
class TunnelStats:
    sent: int
    received: int
    batches_sent: int
    frames_received: int
    pending_out: int
    pending_in: int
    dropped: int
    handler_errors: int
    bad_frames: int
    resent: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    lost: int = 0
    views: int = 0
    kept: int = 0
    interrupted: int = 0


class SlowTunnelWidget(anywidget.AnyWidget):
    """A versioned string tunnel between this kernel and `window.IPyCallback.get(tunnel_id)`.

    Messages travel as batched anywidget custom messages. `py_endpoint` and `js_endpoint` hold
    the latest (version, msg) of each direction and are part of the widget state a reloaded page
    starts from; they are read-only snapshots, not a way to receive every message.
    """

    _esm = _BUNDLE
    # Where time and the pacing budget come from; tests put a hand-driven clock here.
    _clock: Clock = SCHEDULER
    _budget: TokenBucket = BUDGET
    tunnel_id = traitlets.Unicode(read_only=True).tag(sync=True)

    def __init__(
        self,
        tunnel_id: str | None = None,
        *,
        max_pending: int = 100_000,
        on_interrupt: OnInterrupt = "deliver",
        **kwargs: Any,
    ) -> None:
        tid = str(uuid.uuid4()) if tunnel_id is None else tunnel_id
        if not isinstance(tid, str) or not tid:
            raise TypeError(f"tunnel_id must be a non-empty str, got {tid!r}")
        # Lock order: _lock (sending) before the views' lock before the outbox's; _received_lock
        # is a leaf, taken while the views hand in messages.
        self._lock = threading.RLock()
        self._received_lock = threading.Lock()
        self._closed = False
        self._close_callbacks: list[Callable[[], object]] = []
        self._urgent: RawHandler | None = None
        self._sent_version = 0
        self._py_endpoint: tuple[int, str] = (0, "")
        self._js_endpoint: tuple[int, str] = (0, "")
        self._sent = 0
        self._received = 0
        self._frames_received = 0
        self._bad_frames = 0
        # Set once a typed layer receives through this tunnel: on_receive would take its messages.
        self._typed_layer = False
        clock = self._clock
        self._reporter = Reporter(tid, clock)
        self._delivery = Delivery(
            self._reporter, max_pending, on_interrupt, clock, while_handling=_while_handling
        )
        self._outbox = Outbox(self._transmit, self._budget, clock)
        self._views = Views(self._outbox, self._reporter, self._accept_items, clock)
        with _LIVE_LOCK:
            previous = _LIVE.get(tid)
            _LIVE[tid] = self
        if previous is not None:
            # Closing first means the browser sees the old model go before the new one arrives.
            previous.close()
        self.set_trait("tunnel_id", tid)
        self._router = Router()
        super().__init__(**kwargs)
        self._router.install(self.comm)
        self.on_msg(self._on_custom_msg)

    # ----------------------------------------------------------------- sending

    def send_msg(self, msg: str) -> int:
        """Send `msg` to the browser and return its version (the previous version + 1)."""
        check_text("send_msg", msg)
        with self._lock:
            self._check_open()
            version = self._sent_version + 1
            self._enqueue(version, msg, MESSAGE, None)
        return version

    def send_msg_with_version(self, version: int, msg: str) -> bool:
        """Send a reply tagged with its request's version; return whether it was sent.

        The reply goes to the page whose message is being handled (outside a handler: the page
        that sent the latest message). It is stale, and dropped, when it is older than the
        newest message received from that page.
        """
        check_version("send_msg_with_version", version)
        check_text("send_msg_with_version", msg)
        with self._lock:
            self._check_open()
            view = CURRENT_VIEW.get() or self._views.last_view
            if view is not None and version < self._views.received_version(view):
                return False
            self._enqueue(version, msg, MESSAGE, view)
        return True

    def flush(self) -> None:
        """Send queued messages now instead of waiting for the pacing budget."""
        self._outbox.flush()

    def _send_kind(
        self, version: int, msg: str, kind: int, *, drop_stale: bool, to: str | None = None
    ) -> bool:
        """The typed layer's way to send replies, errors and cancellations to view `to`."""
        check_text("send", msg)
        with self._lock:
            self._check_open()
            if drop_stale and to is not None and version < self._views.received_version(to):
                return False
            self._enqueue(version, msg, kind, to)
        return True

    def _enqueue(self, version: int, msg: str, kind: int, to: str | None) -> None:
        entry: Entry = [version, msg]
        if to is not None:
            entry += [kind, to]
        elif kind != MESSAGE:
            entry.append(kind)
        if kind == MESSAGE:
            # Replies, errors and cancellations carry the other side's versions: they must not
            # move this side's counter.
            self._sent_version = max(self._sent_version, version)
            self._js_endpoint = (version, msg)
        self._sent += 1
        self._outbox.push(entry, len(msg))
        self._views.note_sent()

    def _transmit(self, frame: Frame) -> None:
        try:
            self.send(frame)
        except Exception as error:  # the entries stay kept: a probe or hello sends them again
            self._reporter.report(f"sending a frame failed: {type(error).__name__}: {error}")

    def _check_open(self) -> None:
        if self._closed:
            raise TunnelClosedError(
                f"tunnel {self.tunnel_id!r} is closed; create a new SlowTunnelWidget to send again"
            )

    # --------------------------------------------------------------- receiving

    def on_receive(self, handler: Handler | None) -> None:
        """Call `handler(version, msg)` for each message from the browser, replacing any
        previous handler. Messages that arrived while no handler was set are delivered now."""
        if handler is not None and not callable(handler):
            raise TypeError(
                f"on_receive() expects a callable (version, msg) -> None, "
                f"got {type(handler).__name__}"
            )
        if self._typed_layer:
            # Replacing the typed layer's handler would leave its requests waiting and its
            # handlers silently unused.
            raise TypeError(
                f"on_receive(): tunnel {self.tunnel_id!r} carries typed messages; receive its "
                "plain strings with on_plain(handler) of the TypedTunnel"
            )
        self._delivery.set_handler(
            None
            if handler is None
            else lambda v, m, kind, _view: handler(v, m) if kind == 0 else None
        )

    def _report(self, summary: str, detail: str = "") -> None:
        """For the layers above: a problem report that cannot flood the output."""
        self._reporter.report(summary, detail)

    def _on_close(self, callback: Callable[[], object]) -> None:
        """For the layers above: `callback()` once, when this tunnel closes."""
        with self._lock:
            if not self._closed:
                self._close_callbacks.append(callback)
                return
        callback()

    def _main_shell_waiting(self) -> AbstractContextManager[None]:
        """For the layers above: marks the main shell as blocked waiting for the page."""
        return main_shell_waiting()

    def _blocking_problem(self, wait_for_page: float = 0.0) -> str | None:
        """For the layers above: why this thread cannot block until the page answers, or None
        if it can (see waiting.blocking_problem)."""
        return blocking_problem(self._views, self._router, wait_for_page)

    def _on_receive_kind(self, handler: RawHandler | None) -> None:
        """Like on_receive, for the typed layer, which also needs each message's kind."""
        self._typed_layer = handler is not None
        self._delivery.set_handler(handler)

    def _on_custom_msg(self, _widget: object, content: object, _buffers: object) -> None:
        frame, problems = read_frame(content)
        if problems:
            with self._lock:
                self._bad_frames += len(problems)
            self._reporter.report("ignored a malformed frame: " + "; ".join(problems[:3]))
        with self._lock:
            self._frames_received += 1
        if frame is not None:
            self._views.accept(frame)
        self._delivery.drain()

    def _accept_items(self, items: list[Item]) -> None:
        # Runs under the views' lock, in stream order.
        with self._received_lock:
            self._received += len(items)
            for version, msg, kind, _ in reversed(items):
                if kind == MESSAGE:
                    self._py_endpoint = (version, msg)
                    break
        urgent = self._urgent
        if urgent is not None:
            # Cancellations must reach a handler that is still running, not wait behind it.
            for item in items:
                if item[2] == CANCEL:
                    urgent(*item)
            items = [item for item in items if item[2] != CANCEL]
        self._delivery.enqueue(items)

    def _on_receive_urgent(self, handler: RawHandler | None) -> None:
        """For the typed layer: cancellations, handed over on arrival instead of in turn."""
        self._urgent = handler

    # ------------------------------------------------------------------- state

    @property
    def py_endpoint(self) -> tuple[int, str]:
        """The latest (version, msg) received from the browser."""
        return self._py_endpoint

    @property
    def js_endpoint(self) -> tuple[int, str]:
        """The latest (version, msg) sent to the browser."""
        return self._js_endpoint

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def stats(self) -> TunnelStats:
        counts = self._views.counts()
        with self._lock:
            return TunnelStats(
                sent=self._sent,
                received=self._received,
                batches_sent=self._outbox.batches_sent,
                frames_received=self._frames_received,
                pending_out=self._outbox.pending,
                pending_in=self._delivery.pending,
                dropped=self._delivery.dropped,
                handler_errors=self._delivery.handler_errors,
                bad_frames=self._bad_frames,
                resent=self._outbox.resent,
                duplicates=counts.duplicates,
                out_of_order=counts.out_of_order,
                lost=counts.lost_in + counts.lost_out,
                views=self._views.count,
                kept=self._outbox.kept,
                interrupted=self._delivery.interrupted,
            )

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        # The endpoints ride along with full-state requests (page load, reload, second view)
        # instead of costing an update message each time they change.
        state: dict[str, Any] = super().get_state(key=key, drop_defaults=drop_defaults)
        if key is None:
            with self._lock:
                state["py_endpoint"] = _state_endpoint(self._py_endpoint)
                state["js_endpoint"] = _state_endpoint(self._js_endpoint)
        return state

    def close(self) -> None:
        """Send what is queued, then close the tunnel on both sides."""
        if "_router" not in self.__dict__:
            return  # __init__ refused its arguments; ipywidgets' __del__ still calls close()
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._outbox.flush()
        finally:
            self._views.close()
            for callback in self._close_callbacks:
                try:
                    callback()
                except Exception as error:
                    self._reporter.report(f"a close callback failed: {error!r}")
            with _LIVE_LOCK:
                if _LIVE.get(self.tunnel_id) is self:
                    del _LIVE[self.tunnel_id]
            super().close()


def _state_endpoint(endpoint: tuple[int, str]) -> list[int | str | None]:
    version, msg = endpoint
    return [version, msg if len(msg) <= STATE_MSG_LIMIT else None]


def _while_handling() -> AbstractContextManager[None]:
    # A handler running on the main shell makes it busy: messages that arrive meanwhile run on
    # the page's subshell, so a cancellation reaches the handler while it still runs.
    if threading.current_thread() is threading.main_thread():
        return main_shell_waiting()
    return nullcontext()
