"""ipycallback: a fast, versioned message tunnel between a notebook's browser and its kernel."""

from ._tunnel import SlowTunnelWidget, TunnelClosedError, TunnelStats
from ._version import __version__

__all__ = ["SlowTunnelWidget", "TunnelClosedError", "TunnelStats", "__version__"]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ipycallback._server_extension"}]
