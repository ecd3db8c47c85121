"""Front-end files of the 2020 original (ipycallback 0.2.x) that an upgrade leaves behind.

0.2.x shipped an nbextension and a JupyterLab extension named `ipycallback`, installed with
`jupyter nbextension install/enable` or `jupyter labextension install`, which copy files that
`pip install`/`uninstall` never remove. 1.0 uses neither (its front end is an anywidget module in
the wheel), but a JupyterLab that still loads the old extension can break the page in ways that
point nowhere near it. The server extension looks for them at startup and names what it finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Relative to a Jupyter data dir: the old nbextension, a prebuilt labextension of that name, and
# the tarball `jupyter labextension install` left in JupyterLab 1-3's application dir.
_DATA = ("nbextensions/ipycallback", "labextensions/ipycallback")
_LAB_SOURCE = ("lab/extensions", "ipycallback-*.tgz")
# Relative to a Jupyter config dir: what `jupyter nbextension enable` wrote.
_CONFIG = ("nbconfig/notebook.d/ipycallback.json",)


def find_leftovers(data_dirs: Iterable[str | Path], config_dirs: Iterable[str | Path]) -> list[str]:
    """The leftovers of 0.2.x in these Jupyter data and config dirs, in search order."""
    found: list[str] = []
    for data in map(Path, data_dirs):
        found += [str(data / rel) for rel in _DATA if (data / rel).exists()]
        folder, pattern = _LAB_SOURCE
        found += sorted(str(path) for path in (data / folder).glob(pattern))
    for config in map(Path, config_dirs):
        found += [str(config / rel) for rel in _CONFIG if (config / rel).exists()]
    return list(dict.fromkeys(found))  # a dir listed twice in the path is reported once


def installed_leftovers() -> list[str]:
    """find_leftovers() over the dirs this Jupyter searches (JUPYTER_PATH and the rest)."""
    from jupyter_core.paths import jupyter_config_path, jupyter_path

    return find_leftovers(jupyter_path(), jupyter_config_path())


def leftovers_advice(found: list[str]) -> str:
    """What to tell the user about `found` (non-empty)."""
    listed = "".join(f"\n  {path}" for path in found)
    return (
        "ipycallback: front-end files of ipycallback 0.2.x are still installed; 1.0 does not use "
        f"them and they can break the page:{listed}\n"
        "Remove them: `jupyter nbextension uninstall ipycallback` and `jupyter labextension "
        "uninstall ipycallback` (with --sys-prefix or --user as they were installed), or delete "
        "the paths above, then restart the server. See CHANGELOG.md, 'Migrating from 0.2.x'."
    )
