"""A jupyter_server extension that sets TCP_NODELAY on kernel websockets.

jupyter_server leaves Nagle's algorithm on for the kernel websocket, and with delayed ACKs that
adds ~40 ms to every small kernel reply. Enabled on install through
`etc/jupyter/jupyter_server_config.d/ipycallback.json`; turn it off with
`jupyter server extension disable ipycallback`. Tunnels work without it, only slower.
"""

from __future__ import annotations

import json
import socket
import weakref
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ._leftovers import installed_leftovers, leftovers_advice
from ._version import __version__

_SETTING = "kernel_websocket_connection_class"


# The websocket handlers this extension set TCP_NODELAY on, so that the status endpoint can
# report what each live socket actually has (a user checking "is the fix active?" and the
# browser tests read it, instead of inferring it from latency on a noisy machine).
_HANDLERS: weakref.WeakSet[Any] = weakref.WeakSet()


def _nodelay_of(handler: Any) -> bool | None:
    """TCP_NODELAY as the kernel's socket has it now; None once the socket is gone."""
    stream = getattr(getattr(handler, "ws_connection", None), "stream", None)
    sock = getattr(stream, "socket", None)
    if stream is None or sock is None or stream.closed():
        return None
    try:
        return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    except OSError:
        return None


def _with_nodelay(base: type) -> type:
    class NoDelayConnection(base):  # type: ignore[misc]
        """The configured kernel websocket connection, plus TCP_NODELAY on its socket."""

        def connect(self) -> Any:
            handler = getattr(self, "websocket_handler", None)
            if handler is not None:
                handler.set_nodelay(True)
                _HANDLERS.add(handler)
            # The base may be sync or async; its result is passed through untouched.
            return super().connect()

    NoDelayConnection.__name__ = f"NoDelay{base.__name__}"
    NoDelayConnection.__qualname__ = NoDelayConnection.__name__
    return NoDelayConnection


class _StatusHandler(APIHandler):
    """Lets the browser and tests see that the extension is active, and what 0.2.x left."""

    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        leftovers = self.settings.get(_LEFTOVERS, [])
        live = [n for n in map(_nodelay_of, list(_HANDLERS)) if n is not None]
        status = {
            "version": __version__,
            "tcp_nodelay": True,
            # TCP_NODELAY of each open kernel websocket, read from its socket.
            "kernel_websockets_nodelay": live,
            "leftovers": leftovers,
        }
        self.finish(json.dumps(status))


_LEFTOVERS = "ipycallback_leftovers"


def _load_jupyter_server_extension(serverapp: Any) -> None:
    settings = serverapp.web_app.settings
    leftovers = settings[_LEFTOVERS] = installed_leftovers()
    if leftovers:
        serverapp.log.warning(leftovers_advice(leftovers))
    base = settings.get(_SETTING)
    if base is None:
        serverapp.log.warning("ipycallback: no kernel websocket connection class; left as is")
        return
    if not getattr(base, "_ipycallback_nodelay", False):
        wrapped = _with_nodelay(base)
        wrapped._ipycallback_nodelay = True  # type: ignore[attr-defined]
        settings[_SETTING] = wrapped
    base_url = settings.get("base_url", "/")
    serverapp.web_app.add_handlers(
        ".*$", [(base_url.rstrip("/") + "/ipycallback/status", _StatusHandler)]
    )
    serverapp.log.info("ipycallback %s: TCP_NODELAY set on kernel websockets", __version__)
