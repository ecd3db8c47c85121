"""ipycallback: a fast, versioned message tunnel between a notebook's browser and its kernel."""

from ._version import __version__
from .tunnel.widget import SlowTunnelWidget, TunnelClosedError, TunnelStats
from .typed.errors import MessageValidationError, SupersededError, TunnelError
from .typed.typed_tunnel import TypedStats, TypedTunnel

__all__ = [
    "MessageValidationError",
    "SlowTunnelWidget",
    "SupersededError",
    "TunnelClosedError",
    "TunnelError",
    "TunnelStats",
    "TypedStats",
    "TypedTunnel",
    "__version__",
]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ipycallback._server_extension"}]
