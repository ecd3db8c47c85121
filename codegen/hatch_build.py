"""Build-time metadata of ipycallback-codegen: the runtime's version, and a pin on it.

ipycallback/_version.py is the one version source of the repository (the runtime, this
generator and package.json). From an sdist, which has no runtime beside it, hatchling reads
both fields from PKG-INFO instead, and this hook has nothing to do.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface

RUNTIME_VERSION_FILE = Path("..", "ipycallback", "_version.py")


def runtime_version(root: Path) -> str:
    """`__version__` of ipycallback/_version.py, read without importing the runtime."""
    tree = ast.parse((root / RUNTIME_VERSION_FILE).read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        if [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__version__"]:
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise ValueError(f"no __version__ = '...' in {RUNTIME_VERSION_FILE}")


class CustomMetadataHook(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        root = Path(self.root)
        if (root / "PKG-INFO").is_file():
            return
        version = runtime_version(root)
        metadata["version"] = version
        metadata["dependencies"] = [f"ipycallback=={version}", *self.config["dependencies"]]
