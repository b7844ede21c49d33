"""Front end, the `beleid` command: arguments in, one library call per command, its result rendered
and an exit code out. May import every stage; nothing imports it."""

from compiler.cli.main import main

__all__ = ["main"]
