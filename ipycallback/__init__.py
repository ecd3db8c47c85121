"""ipycallback: a fast, versioned message tunnel between a notebook's browser and its kernel."""

from .typed.errors import MessageValidationError, TunnelError
from .tunnel.widget import SlowTunnelWidget, TunnelClosedError, TunnelStats
from .typed.typed_tunnel import TypedStats, TypedTunnel
from ._version import __version__

__all__ = [
    "MessageValidationError",
    "SlowTunnelWidget",
    "TunnelClosedError",
    "TunnelError",
    "TunnelStats",
    "TypedStats",
    "TypedTunnel",
    "__version__",
]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ipycallback._server_extension"}]
