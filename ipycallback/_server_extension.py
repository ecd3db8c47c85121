"""A jupyter_server extension that sets TCP_NODELAY on kernel websockets.

jupyter_server leaves Nagle's algorithm on for the kernel websocket, and with delayed ACKs that
adds ~40 ms to every small kernel reply. Enabled on install through
`etc/jupyter/jupyter_server_config.d/ipycallback.json`; turn it off with
`jupyter server extension disable ipycallback`. Tunnels work without it, only slower.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from ._leftovers import installed_leftovers, leftovers_advice
from ._version import __version__

_SETTING = "kernel_websocket_connection_class"


def _with_nodelay(base: type) -> type:
    class NoDelayConnection(base):  # type: ignore[misc]
        """The configured kernel websocket connection, plus TCP_NODELAY on its socket."""

        def connect(self) -> Any:
            handler = getattr(self, "websocket_handler", None)
            if handler is not None:
                handler.set_nodelay(True)
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
        self.finish(
            json.dumps({"version": __version__, "tcp_nodelay": True, "leftovers": leftovers})
        )


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
