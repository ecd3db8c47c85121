"""The generator's version, and the check that the runtime it generates code for matches.

One version source: ipycallback/_version.py. The build (codegen/hatch_build.py) gives this
distribution the runtime's version and pins `ipycallback==<that version>`; the installed
metadata is what this module reads.
"""

from __future__ import annotations

from importlib import metadata

from .errors import CodegenError

__version__ = metadata.version("ipycallback-codegen")


def check_runtime(runtime_version: str | None = None) -> None:
    """Refuse to generate code for another version of the runtime: generated modules call the
    runtime's API, in Python and in TypeScript, as of this version. pip refuses such an install
    (the pin); this catches the installs that bypass it (`--no-deps`, editable checkouts)."""
    if runtime_version is None:
        import ipycallback

        runtime_version = ipycallback.__version__
    if runtime_version != __version__:
        raise CodegenError(
            f"ipycallback-codegen {__version__} generates code for ipycallback {__version__}, "
            f"but ipycallback {runtime_version} is installed; install matching versions: "
            f"pip install 'ipycallback-codegen=={runtime_version}'"
        )
