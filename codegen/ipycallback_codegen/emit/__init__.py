"""Emitters: a checked IR in, a generated module out, one module per language (`python`,
`typescript`), written through `printer` with names made safe by `names`. They read only the
IR and check nothing again (`check.check_ir` did)."""

from __future__ import annotations

from .python import emit_python
from .typescript import emit_typescript

__all__ = ["emit_python", "emit_typescript"]
