"""ipycallback-codegen: typed tunnels from one declaration.

A declaration (Python, JSON Schema or TypeScript) is read into the internal form of
docs/internal-form.md (`ir.load_declaration`), from which Python and TypeScript modules are
generated. The command is `ipycallback codegen` (see `cli`).
"""

from ._version import __version__

__all__ = ["__version__"]
