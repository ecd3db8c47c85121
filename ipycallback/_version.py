"""The package version; package.json carries the same string (a test keeps them equal)."""

__version__ = "0.2.0"
