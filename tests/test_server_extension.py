"""The server extension wraps the kernel websocket connection class to set TCP_NODELAY."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ipycallback
from ipycallback import _server_extension

ROOT = Path(__file__).resolve().parents[1]


class FakeHandler:
    def __init__(self) -> None:
        self.nodelay: bool | None = None

    def set_nodelay(self, value: bool) -> None:
        self.nodelay = value


class AsyncConnection:
    def __init__(self, handler: FakeHandler) -> None:
        self.websocket_handler = handler
        self.connected = False

    async def connect(self) -> str:
        self.connected = True
        return "connected"


class FakeWebApp:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.handlers: list[Any] = []

    def add_handlers(self, host: str, handlers: list[Any]) -> None:
        self.handlers.extend(handlers)


def load(settings: dict[str, Any]) -> FakeWebApp:
    app = FakeWebApp(settings)
    log = SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)
    _server_extension._load_jupyter_server_extension(SimpleNamespace(web_app=app, log=log))
    return app


def test_loading_wraps_the_configured_connection_class_once() -> None:
    app = load({"kernel_websocket_connection_class": AsyncConnection, "base_url": "/base/"})
    wrapped = app.settings["kernel_websocket_connection_class"]
    assert issubclass(wrapped, AsyncConnection)
    assert app.handlers[0][0] == "/base/ipycallback/status"
    load(app.settings)
    assert app.settings["kernel_websocket_connection_class"] is wrapped


def test_the_wrapped_connection_sets_nodelay_before_connecting() -> None:
    app = load({"kernel_websocket_connection_class": AsyncConnection, "base_url": "/"})
    handler = FakeHandler()
    connection = app.settings["kernel_websocket_connection_class"](handler)
    assert asyncio.run(connection.connect()) == "connected"
    assert handler.nodelay is True
    assert connection.connected


def test_the_extension_is_declared_and_enabled_by_the_shipped_config() -> None:
    points = ipycallback._jupyter_server_extension_points()
    assert points == [{"module": "ipycallback._server_extension"}]
    config = json.loads(
        (ROOT / "jupyter-config" / "jupyter_server_config.d" / "ipycallback.json").read_text(
            encoding="utf-8"
        )
    )
    assert config == {"ServerApp": {"jpserver_extensions": {"ipycallback": True}}}


def test_the_status_reads_nodelay_from_each_live_socket() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    with listener, socket.create_connection(listener.getsockname()) as sock:
        stream = SimpleNamespace(socket=sock, closed=lambda: False)
        handler = SimpleNamespace(ws_connection=SimpleNamespace(stream=stream))
        assert _server_extension._nodelay_of(handler) is False
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        assert _server_extension._nodelay_of(handler) is True
        stream.closed = lambda: True
        assert _server_extension._nodelay_of(handler) is None
    # A handler whose websocket never opened has no socket to report.
    assert _server_extension._nodelay_of(SimpleNamespace(ws_connection=None)) is None
