"""A comm that records what a kernel would send, and can play the browser's part."""

from __future__ import annotations

from typing import Any

from comm.base_comm import BaseComm

from ipycallback import SlowTunnelWidget


class RecordingComm(BaseComm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, *args: Any, **kwargs: Any) -> None:
        self.published.append((msg_type, data or {}))

    def custom(self) -> list[dict[str, Any]]:
        """The content of every custom message sent so far."""
        return [
            data["content"]
            for kind, data in self.published
            if kind == "comm_msg" and data.get("method") == "custom"
        ]

    def entries(self) -> list[list[Any]]:
        """Every entry of every data frame, in the order sent (resent ones again)."""
        return [entry for frame in self.custom() for entry in frame.get("b", [])]

    def view(self, peer: str = "view1") -> FakeView:
        """The page `peer`, sending frames of docs/protocol.md into this comm."""
        views: dict[str, FakeView] = self.__dict__.setdefault("_views", {})
        if peer not in views:
            views[peer] = FakeView(self, peer)
        return views[peer]

    def from_browser(self, content: Any) -> None:
        """Deliver a custom message as if the browser had sent it."""
        self.handle_msg(
            {
                "content": {
                    "comm_id": self.comm_id,
                    "data": {"method": "custom", "content": content},
                },
                "buffers": [],
            }
        )


class FakeView:
    """Plays one page's part: numbers what it sends, as a real view does."""

    def __init__(self, recorder: RecordingComm, peer: str) -> None:
        self.recorder = recorder
        self.peer = peer
        self.next_seq = 1

    def send(self, entries: list[list[Any]], **fields: Any) -> int:
        """Send entries as one data frame; return the seq of the first."""
        seq = self.next_seq
        self.next_seq += len(entries)
        self.frame(s=seq, b=entries, **fields)
        return seq

    def frame(self, **fields: Any) -> None:
        self.recorder.from_browser({"p": self.peer, **fields})

    def hello(self, first_seen: int | None = None, **fields: Any) -> None:
        self.frame(h={"v": 2, "f": first_seen, "w": self.next_seq - 1, "caps": {}}, **fields)


def comm_of(widget: SlowTunnelWidget) -> RecordingComm:
    assert isinstance(widget.comm, RecordingComm)
    return widget.comm
