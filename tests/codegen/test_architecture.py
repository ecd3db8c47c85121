"""The generator's modules import in one direction: load a declaration -> normalise -> check,
and the emitters beside them, all on the IR's vocabulary; and it uses only the runtime's
public API (the floor below)."""

from __future__ import annotations

import ast
from pathlib import Path

import ipycallback_codegen

PACKAGE = Path(ipycallback_codegen.__file__).parent
NAME = "ipycallback_codegen"

# Each part of the generator, and the parts it may import (besides itself). Parts are module
# names relative to the package, where a subpackage counts as one part.
ALLOWED = {
    "errors": set(),
    "ir": set(),
    "_version": {"errors"},
    "read": {"errors", "ir"},
    "normalise": {"errors", "ir"},
    "check": {"errors", "ir"},
    "emit": {"errors", "ir", "_version", "check"},  # check.patterns: the regex dialect
    "declaration": {"errors", "ir", "read", "normalise", "check"},
    "compat": {"errors", "ir"},
    "cli": {"errors", "ir", "_version", "declaration", "emit", "compat"},
    "__init__": {"_version"},
    "__main__": {"cli"},
}
RUNTIME_API = {"ipycallback", "ipycallback.schema"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join([NAME, *parts])


def imports(path: Path) -> set[str]:
    """Absolute names of what the module at `path` imports (from X import y gives X.y too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def part(name: str) -> str:
    return name.split(".")[1] if name != NAME else "__init__"


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {i for i in imports(path) if i in modules and i != name}
        for name, path in modules.items()
    }


def test_parts_import_only_what_is_below_them() -> None:
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if part(target) != part(module) and part(target) not in ALLOWED[part(module)]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " -> ".join((*trail, module))
        if module in done:
            return
        for target in edges[module]:
            visit(target, (*trail, module))
        done.add(module)

    for module in edges:
        visit(module, ())


def test_only_the_runtime_public_api_is_used() -> None:
    used = set()
    for path in PACKAGE.rglob("*.py"):
        used |= {i for i in imports(path) if i.split(".")[0] == "ipycallback"}
    private = sorted(u for u in used if any(p.startswith("_") for p in u.split(".")[1:]))
    assert private == []
    modules = {u for u in used if u in RUNTIME_API or u.rpartition(".")[0] in RUNTIME_API}
    assert modules == used
