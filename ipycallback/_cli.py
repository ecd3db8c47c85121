"""The `ipycallback` command: a dispatcher for the commands other distributions provide.

The runtime has no command of its own. A distribution registers one under the entry point
group `ipycallback.commands` (`codegen = "ipycallback_codegen.cli:main"`): `main(args)` receives
the arguments after the command's name. Looking commands up by entry point keeps the runtime
from importing the code generator, which sits above it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata

from ._version import __version__

GROUP = "ipycallback.commands"
# Commands this project documents, and where they come from when they are not installed.
KNOWN = {"codegen": "ipycallback-codegen"}


def _usage(commands: Sequence[str]) -> str:
    lines = ["usage: ipycallback COMMAND [ARGS...]", "", "commands:"]
    for name in sorted({*commands, *KNOWN}):
        where = "" if name in commands else f"  (not installed: pip install {KNOWN[name]})"
        lines.append(f"  {name}{where}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {entry.name: entry for entry in metadata.entry_points(group=GROUP)}
    if not args or args[0] in ("-h", "--help"):
        print(_usage(list(commands)), file=sys.stdout if args else sys.stderr)
        sys.exit(0 if args else 2)
    if args[0] in ("-V", "--version"):
        print(f"ipycallback {__version__}")
        sys.exit(0)
    name = args[0]
    if name not in commands:
        if name in KNOWN:
            print(
                f"error: `ipycallback {name}` is provided by a separate distribution; install it "
                f"with: pip install '{KNOWN[name]}=={__version__}'",
                file=sys.stderr,
            )
        else:
            print(f"error: unknown command {name!r}\n\n{_usage(list(commands))}", file=sys.stderr)
        sys.exit(2)
    command = commands[name].load()
    command(args[1:])
