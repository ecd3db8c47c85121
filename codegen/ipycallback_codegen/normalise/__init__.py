"""Normalising: a JSON Schema declaration (as any reader spells it) to the internal form.

Every format reaches the IR through `normalise`, so every format obeys the same rules and gives
the same IR. The result is not checked yet: `check.check_ir` does that.
"""

from __future__ import annotations

from .core import normalise

__all__ = ["normalise"]
