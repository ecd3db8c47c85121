"""A comm that records what a kernel would send, and can play the browser's part."""

from __future__ import annotations

from typing import Any

from comm.base_comm import BaseComm

from ipycallback import SlowTunnelWidget


class RecordingComm(BaseComm):  # type: ignore[misc]
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
        return [entry for frame in self.custom() for entry in frame["b"]]

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


def comm_of(widget: SlowTunnelWidget) -> RecordingComm:
    assert isinstance(widget.comm, RecordingComm)
    return widget.comm
