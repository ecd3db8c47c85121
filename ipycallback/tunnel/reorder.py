"""Puts one view's stream of entries back in seq order.

ipykernel may run one widget's incoming messages on two threads at once (the main shell and a
subshell), so frames can arrive out of order without any loss. Entries ahead of the next
expected seq wait here until the gap fills; entries already delivered are duplicates.
"""

from __future__ import annotations

from .wire import Received

# Entries held behind a gap; beyond this a peer that never fills its gap is cut off.
MAX_HELD = 200_000


class Reorder:
    def __init__(self) -> None:
        self.expected = 1  # the next seq to deliver
        self._held: dict[int, Received] = {}
        self._pieces: dict[int, list[str | None]] = {}
        self._piece_meta: dict[int, tuple[int, int]] = {}
        self.duplicates = 0
        self.out_of_order = 0
        self.lost = 0

    @property
    def waiting(self) -> bool:
        """Whether entries are held behind a gap."""
        return bool(self._held) or any(seq > self.expected for seq in self._pieces)

    @property
    def received_through(self) -> int:
        """Every entry up to this seq has been received (the cumulative ack)."""
        return self.expected - 1

    def accept(self, seq: int, entries: list[Received]) -> list[Received]:
        """Take entries numbered from `seq`; return those now deliverable, in order."""
        ahead = False
        for offset, entry in enumerate(entries):
            number = seq + offset
            if number < self.expected or number in self._held:
                self.duplicates += 1
                continue
            if seq > self.expected:  # a gap before this frame: it overtook an earlier one
                ahead = True
            if len(self._held) < MAX_HELD:
                self._held[number] = entry
        if ahead:
            self.out_of_order += 1
        return self._release()

    def accept_piece(self, seq: int, index: int, count: int, entry: Received) -> list[Received]:
        """Take piece `index` of `count` of the large entry `seq`."""
        if seq < self.expected or seq in self._held:
            self.duplicates += 1
            return []
        pieces = self._pieces.setdefault(seq, [None] * count)
        if len(pieces) != count or pieces[index] is not None:
            self.duplicates += 1
            return []
        pieces[index] = entry[1]
        self._piece_meta[seq] = (entry[0], entry[2])
        if any(piece is None for piece in pieces):
            return []
        version, kind = self._piece_meta.pop(seq)
        del self._pieces[seq]
        return self.accept(seq, [(version, "".join(p for p in pieces if p is not None), kind)])

    def skip(self, first: int, last: int) -> list[Received]:
        """The sender says entries first..last are gone: count them lost and move on."""
        if last < self.expected:
            return []
        start = max(first, self.expected)
        if start > self.expected:
            return []  # not at the gap we wait on; the sender will say so again
        for seq in range(start, last + 1):
            if self._held.pop(seq, None) is None:
                self.lost += 1
            self._pieces.pop(seq, None)
            self._piece_meta.pop(seq, None)
        self.expected = last + 1
        return self._release()

    def _release(self) -> list[Received]:
        ready: list[Received] = []
        while self.expected in self._held:
            entry = self._held.pop(self.expected)
            self.expected += 1
            if entry[0] >= 0:  # a malformed entry keeps its place but is not delivered
                ready.append(entry)
        return ready
