"""The tunnel: versioned strings between the kernel and every page that shows the widget."""

from .widget import SlowTunnelWidget, TunnelClosedError, TunnelStats

__all__ = ["SlowTunnelWidget", "TunnelClosedError", "TunnelStats"]
