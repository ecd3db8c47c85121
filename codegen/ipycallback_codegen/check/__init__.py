"""Checking the internal form: every rule of docs/internal-form.md, in one place.

The emitters rely on a checked IR and check nothing again. A construct whose meaning would
differ between Python and the browser is refused here too, so that every such refusal has one
home (`rules`).
"""

from __future__ import annotations

from typing import Any

from .rules import check


def check_ir(ir: Any, *, file: str | None = None) -> None:
    """Raise CodegenError, with a JSON pointer, at the first rule of the spec `ir` breaks."""
    check(ir, file)


__all__ = ["check_ir"]
