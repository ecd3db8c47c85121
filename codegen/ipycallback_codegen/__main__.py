"""`python -m ipycallback_codegen ARGS` is `ipycallback codegen ARGS`."""

from .cli import main

main()
