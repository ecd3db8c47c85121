"""The package version; package.json carries the same string (a test keeps them equal)."""

__version__ = "1.0.0"
