"""ipycallback-codegen: typed tunnels from one declaration.

    declaration.load_declaration(path)   read (read/) -> normalise -> check (check/) -> IR
    emit.emit_python(ir, ...)             the kernel's module (msgspec Structs, a typed tunnel)
    emit.emit_typescript(ir, ...)         the browser's module (types, ajv validators, a tunnel)
    compat.compare(old_ir, new_ir)        what a change does to the wire format

The internal form (`ir`) is specified in docs/internal-form.md; `cli` is `ipycallback codegen`.
Arrows point one way: cli -> declaration -> read, normalise, check -> ir; cli -> emit -> ir.
"""

from ._version import __version__

__all__ = ["__version__"]
