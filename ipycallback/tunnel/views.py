"""The kernel's bookkeeping of the views of one tunnel (see docs/protocol.md).

A view is one page's copy of the widget model. Each sends its own stream of entries, which is
put back in order here, and acknowledges the kernel's one stream, which lets the outbox stop
keeping what every live view has. Hellos, nacks and probes make the outbox send again what a
view lacks; what is no longer kept is reported as lost, never skipped in silence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .delivery import Item
from .kinds import MESSAGE
from .outbox import Outbox
from .pacing import SCHEDULER, Clock, Timer
from .reorder import Reorder
from .report import Reporter
from .wire import Hello, InFrame, Received

ACK_DELAY = 0.2
PROBE_FIRST = 2.0
PROBE_MAX = 30.0
NACK_FIRST = 0.5
NACK_REPEAT = 2.0
RESEND_QUIET = 2.0
# A view that is behind and silent this long no longer holds entries in the outbox.
LIVE_SILENCE = 60.0
MAX_VIEWS = 256


@dataclass
class View:
    peer: str
    reorder: Reorder = field(default_factory=Reorder)
    acked: int = 0
    # The highest ack told to this view: a delayed ack that says nothing new is not sent again.
    ack_told: int = 0
    heard: float = 0.0
    received_version: int = 0
    greeted: bool = False
    base: int = 1
    gone: bool = False
    resent_from: int = 0
    resent_at: float = float("-inf")
    caps: dict[str, Any] = field(default_factory=dict)
    nack_timer: Timer | None = None


@dataclass
class ViewCounts:
    duplicates: int = 0
    out_of_order: int = 0
    lost_in: int = 0  # entries of a view's stream that never arrived
    lost_out: int = 0  # kernel entries a view asked for that were no longer kept


class Views:
    def __init__(
        self,
        outbox: Outbox,
        reporter: Reporter,
        accept_items: Callable[[list[Item]], None],
        clock: Clock = SCHEDULER,
    ) -> None:
        self._outbox = outbox
        self._reporter = reporter
        # Called under this object's lock, so entries reach the delivery queue in order even
        # when two kernel threads hand in frames at once.
        self._accept_items = accept_items
        self._clock = clock
        self._lock = threading.RLock()
        self._views: dict[str, View] = {}
        self._retired = ViewCounts()
        self._probe_timer: Timer | None = None
        self._probe_delay = PROBE_FIRST
        self._probe_floor = -1
        self._closed = False
        self.last_view: str | None = None

    # ------------------------------------------------------------ frames in

    def accept(self, frame: InFrame) -> None:
        with self._lock, self._outbox.hold():
            view = self._view(frame.peer)
            view.heard = self._clock.now()
            # A page restored from the back/forward cache comes back after saying goodbye.
            view.gone = frame.bye
            if frame.ack is not None and frame.ack > view.acked:
                view.acked = min(frame.ack, self._outbox.sent_through)
            if frame.hello is not None:
                self._hello(view, frame.hello)
            if frame.nack is not None:
                self._resend(view, frame.nack)
            ready: list[Received] = []
            if frame.gone is not None:
                before = view.reorder.lost
                ready += view.reorder.skip(*frame.gone)
                if view.reorder.lost > before:
                    self._reporter.report(
                        f"{view.reorder.lost - before} message(s) from the page {view.peer} "
                        "were lost before they arrived (the page no longer had them)."
                    )
                self._ack(view, ACK_DELAY)
            if frame.seq is not None:
                if frame.piece is None:
                    ready += view.reorder.accept(frame.seq, frame.entries)
                else:
                    ready += view.reorder.accept_piece(frame.seq, *frame.piece, frame.entries[0])
                self._ack(view, ACK_DELAY)
                self._watch_gap(view)
            if frame.probe is not None:
                self._ack(view, answer=True)
            self._release()
            if ready:
                for version, _, kind in ready:
                    if kind == MESSAGE and version > view.received_version:
                        view.received_version = version
                self.last_view = view.peer
                self._accept_items([(v, m, k, view.peer) for v, m, k in ready])

    def _view(self, peer: str) -> View:
        view = self._views.get(peer)
        if view is None:
            if len(self._views) >= MAX_VIEWS:
                oldest = min(self._views.values(), key=lambda v: v.heard)
                self._retire(oldest)
            view = self._views[peer] = View(peer)
        return view

    def _retire(self, view: View) -> None:
        del self._views[view.peer]
        self._retired.duplicates += view.reorder.duplicates
        self._retired.out_of_order += view.reorder.out_of_order
        self._retired.lost_in += view.reorder.lost
        if view.nack_timer is not None:
            view.nack_timer.cancel()

    def _hello(self, view: View, hello: Hello) -> None:
        view.caps = hello.caps
        if not view.greeted:
            view.greeted = True
            view.base = self._outbox.oldest_kept
            if hello.first_seen is not None:
                view.base = min(view.base, hello.first_seen)
            view.acked = max(view.acked, view.base - 1)
            self._mark_resend(view, view.base)
            self._outbox.resend_from(view.base)
        elif (
            self._clock.now() - view.resent_at >= RESEND_QUIET or view.acked + 1 < view.resent_from
        ):
            # Hellos repeat while a cell keeps the kernel busy, and arrive together when it is
            # done: one resend answers them all.
            self._mark_resend(view, view.acked + 1)
            self._resend(view, view.acked + 1)
        # Every hello gets its answer (the first may have been lost), with the ack at once, so
        # the view learns what to send again.
        self._outbox.control("h", view.base, view.peer)
        self._ack(view, answer=True)

    def _ack(self, view: View, delay: float = 0.0, *, answer: bool = False) -> None:
        """Queue this view's ack. A delayed ack goes only when it says something new: the page
        takes an ack that arrives while its probe or hello is unanswered as the answer, and an
        old ack still repeated while, say, the pieces of a large entry trickle in would make it
        send them all again while they are still on their way."""
        through = view.reorder.received_through
        if answer or through > view.ack_told:
            view.ack_told = max(view.ack_told, through)
            self._outbox.control("a", through, view.peer, delay)

    def _mark_resend(self, view: View, seq: int) -> None:
        view.resent_from, view.resent_at = seq, self._clock.now()

    def _resend(self, view: View, seq: int) -> None:
        oldest = self._outbox.oldest_kept
        if seq < oldest and seq <= self._outbox.sent_through:
            last = min(oldest - 1, self._outbox.sent_through)
            self._outbox.control("g", [seq, last], view.peer)
            self._retired.lost_out += last - seq + 1
            view.acked = max(view.acked, last)
            self._reporter.report(
                f"{last - seq + 1} message(s) to the page {view.peer} were no longer kept "
                "for resending and are lost (the kernel keeps at most 64 Mi characters or "
                "100,000 unacknowledged messages)."
            )
            seq = last + 1
        self._outbox.resend_from(seq)

    def _watch_gap(self, view: View) -> None:
        if view.reorder.waiting and view.nack_timer is None:
            expected = view.reorder.expected
            view.nack_timer = self._clock.call_later(
                NACK_FIRST, lambda: self._nack(view.peer, expected)
            )

    def _nack(self, peer: str, expected: int) -> None:
        with self._lock:
            view = self._views.get(peer)
            if view is None or self._closed:
                return
            view.nack_timer = None
            if not view.reorder.waiting:
                return
            if view.reorder.expected != expected:
                self._watch_gap(view)
                return
            self._outbox.control("n", expected, peer)
            view.nack_timer = self._clock.call_later(
                NACK_REPEAT, lambda: self._nack(peer, expected)
            )

    # --------------------------------------------------- keeping and probing

    def note_sent(self) -> None:
        """The kernel queued an entry: make sure someone will notice if it never arrives."""
        with self._lock:
            if self._probe_timer is None and not self._closed:
                self._probe_delay = PROBE_FIRST
                self._probe_timer = self._clock.call_later(PROBE_FIRST, self._probe)

    def _floor(self) -> int | None:
        """The kernel seq every live view has; None when no view is live."""
        now = self._clock.now()
        sent = self._outbox.sent_through
        live = [
            view.acked
            for view in self._views.values()
            if not view.gone and (view.acked >= sent or now - view.heard < LIVE_SILENCE)
        ]
        return min(live) if live else None

    def _release(self) -> None:
        floor = self._floor()
        if floor is not None:
            self._outbox.release_through(floor)

    def _probe(self) -> None:
        with self._lock:
            self._probe_timer = None
            if self._closed:
                return
            self._release()
            floor = self._floor()
            if floor is None or floor >= self._outbox.sent_through:
                if self._outbox.pending:
                    self.note_sent()
                return
            if floor > self._probe_floor:
                self._probe_delay = PROBE_FIRST  # progress: views are acknowledging
            else:
                self._outbox.control("t", self._outbox.sent_through)
                self._probe_delay = min(self._probe_delay * 2, PROBE_MAX)
            self._probe_floor = floor
            self._probe_timer = self._clock.call_later(self._probe_delay, self._probe)

    # ----------------------------------------------------------------- state

    def received_version(self, peer: str) -> int:
        with self._lock:
            view = self._views.get(peer)
            return 0 if view is None else view.received_version

    def counts(self) -> ViewCounts:
        with self._lock:
            total = ViewCounts(**vars(self._retired))
            for view in self._views.values():
                total.duplicates += view.reorder.duplicates
                total.out_of_order += view.reorder.out_of_order
                total.lost_in += view.reorder.lost
            return total

    @property
    def count(self) -> int:
        with self._lock:
            return sum(1 for view in self._views.values() if not view.gone)

    def caps(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {peer: dict(view.caps) for peer, view in self._views.items() if not view.gone}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._probe_timer is not None:
                self._probe_timer.cancel()
            for view in self._views.values():
                if view.nack_timer is not None:
                    view.nack_timer.cancel()
