"""The typed layer: msgspec messages over a tunnel, validated on both sides."""

from .errors import MessageValidationError, TunnelError
from .typed_tunnel import TypedStats, TypedTunnel

__all__ = ["MessageValidationError", "TunnelError", "TypedStats", "TypedTunnel"]
