"""SlowTunnelWidget: the kernel side of a versioned string tunnel to the browser."""

from __future__ import annotations

import sys
import threading
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ._checks import check_msg, check_version
from ._delivery import Delivery, Handler, RawHandler
from ._inbox import Inbox
from ._kinds import MESSAGE
from ._outbox import Entry, Outbox

_BUNDLE = Path(__file__).parent / "static" / "tunnel.js"

# The live tunnel for each id, so that re-running `SlowTunnelWidget(tunnel_id="x")` replaces x.
_LIVE: weakref.WeakValueDictionary[str, SlowTunnelWidget] = weakref.WeakValueDictionary()
_LIVE_LOCK = threading.Lock()


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


class SlowTunnelWidget(anywidget.AnyWidget):
    """A versioned string tunnel between this kernel and `window.IPyCallback.get(tunnel_id)`.

    Messages travel as batched anywidget custom messages. `py_endpoint` and `js_endpoint` hold
    the latest (version, msg) of each direction and are part of the widget state a reloaded page
    starts from; they are read-only snapshots, not a way to receive every message.
    """

    _esm = _BUNDLE
    tunnel_id = traitlets.Unicode(read_only=True).tag(sync=True)
    # Set by TypedTunnel: the message set's JSON Schema, so browser code can validate without
    # a build step, and a reloaded page still has it.
    _typed_schema = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self, tunnel_id: str | None = None, *, max_pending: int = 100_000, **kwargs: Any
    ) -> None:
        tid = str(uuid.uuid4()) if tunnel_id is None else tunnel_id
        if not isinstance(tid, str) or not tid:
            raise TypeError(f"tunnel_id must be a non-empty str, got {tid!r}")
        self._lock = threading.RLock()
        self._closed = False
        self._sent_version = 0
        self._received_version = 0
        self._py_endpoint: tuple[int, str] = (0, "")
        self._js_endpoint: tuple[int, str] = (0, "")
        self._sent = 0
        self._received = 0
        self._frames_received = 0
        self._bad_frames = 0
        self._inbox = Inbox()
        self._delivery = Delivery(tid, max_pending)
        self._outbox = Outbox(self._transmit)
        with _LIVE_LOCK:
            previous = _LIVE.get(tid)
            _LIVE[tid] = self
        if previous is not None:
            # Closing first means the browser sees the old model go before the new one arrives.
            previous.close()
        self.set_trait("tunnel_id", tid)
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_msg)

    # ----------------------------------------------------------------- sending

    def send_msg(self, msg: str) -> int:
        """Send `msg` to the browser and return its version (the previous version + 1)."""
        check_msg("send_msg", msg)
        with self._lock:
            self._check_open()
            version = self._sent_version + 1
            self._enqueue(version, msg)
        return version

    def send_msg_with_version(self, version: int, msg: str) -> bool:
        """Send a reply tagged with its request's version; return whether it was sent.

        A reply older than the newest message received from the browser is stale and dropped.
        """
        check_version("send_msg_with_version", version)
        check_msg("send_msg_with_version", msg)
        with self._lock:
            self._check_open()
            if version < self._received_version:
                return False
            self._enqueue(version, msg)
        return True

    def flush(self) -> None:
        """Send queued messages now instead of waiting for the pacing budget."""
        self._outbox.flush()

    def _send_kind(self, version: int, msg: str, kind: int, *, drop_stale: bool) -> bool:
        """The typed layer's way to send replies and errors; same rules as the public methods."""
        with self._lock:
            self._check_open()
            if drop_stale and version < self._received_version:
                return False
            self._enqueue(version, msg, kind)
        return True

    def _enqueue(self, version: int, msg: str, kind: int = MESSAGE) -> None:
        self._sent_version = max(self._sent_version, version)
        self._js_endpoint = (version, msg)
        self._sent += 1
        self._outbox.push(version, msg, kind)

    def _transmit(self, entries: list[Entry]) -> None:
        self.send({"b": entries})

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
        self._on_receive_kind(None if handler is None else lambda v, m, _kind: handler(v, m))

    def _on_receive_kind(self, handler: RawHandler | None) -> None:
        """Like on_receive, for the typed layer, which also needs each message's kind."""
        self._delivery.set_handler(handler)

    def _on_custom_msg(self, _widget: object, content: object, _buffers: object) -> None:
        entries, problems = self._inbox.accept(content)
        with self._lock:
            self._frames_received += 1
            self._bad_frames += len(problems)
            if entries:
                self._received += len(entries)
                self._received_version = max(
                    self._received_version, max(entry[0] for entry in entries)
                )
                self._py_endpoint = entries[-1][:2]
        for problem in problems:
            sys.stderr.write(
                f"ipycallback [{self.tunnel_id}]: ignored a malformed frame: {problem}\n"
            )
        if entries:
            self._delivery.deliver(entries)

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
            )

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        # The endpoints ride along with full-state requests (page load, reload, second view)
        # instead of costing an update message each time they change.
        state: dict[str, Any] = super().get_state(key=key, drop_defaults=drop_defaults)
        if key is None:
            with self._lock:
                state["py_endpoint"] = list(self._py_endpoint)
                state["js_endpoint"] = list(self._js_endpoint)
        return state

    def close(self) -> None:
        """Send what is queued, then close the tunnel on both sides."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._outbox.flush()
        finally:
            with _LIVE_LOCK:
                if _LIVE.get(self.tunnel_id) is self:
                    del _LIVE[self.tunnel_id]
            super().close()
