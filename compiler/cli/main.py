"""The `beleid` command: parse the arguments, import the one module that holds the command, run it,
and turn what escapes into an exit code. A UsageError is rendered here (exit 2), as is unreadable
input (OSError, exit 2) and an interrupt; any other exception is a bug (exit 3, with the traceback
to report). Parsing lives in arguments.py, the commands in *_commands.py.

Exit codes: 0 fine, 1 findings (errors), 2 usage or unreadable input, 3 internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import traceback

from compiler.cli import formats
from compiler.cli.arguments import build_parser
from compiler.cli.errors import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError
from dsl import cache

COMMANDS = {
    "check": "policy_commands",
    "graph": "policy_commands",
    "sources": "policy_commands",
    "schema": "policy_commands",
    "add-source": "workflow_commands",
    "evaluate": "evaluation_commands",
    "explain": "evaluation_commands",
    "simulate": "evaluation_commands",
    "report": "evaluation_commands",
    "test": "workflow_commands",
    "fmt": "workflow_commands",
    "diff": "workflow_commands",
    "lsp": "workflow_commands",
}


def run_command(args: argparse.Namespace) -> int:
    """Import the module of `args.command` (only that one) and run the command; with
    `--no-cache`, no cache is read or written while it runs.
    """
    module = importlib.import_module(f"compiler.cli.{COMMANDS[args.command]}")
    without_cache = cache.switched_off() if args.no_cache else contextlib.nullcontext()
    with without_cache:
        return getattr(module, f"cmd_{args.command.replace('-', '_')}")(args)


def _render_usage_error(error: UsageError, command: str) -> None:
    if error.diagnostics is not None:
        print(formats.render(error.diagnostics.sorted(), "text"), file=sys.stderr)
    else:
        print(error.line(command), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_OK
    try:
        return run_command(args)
    except UsageError as error:
        _render_usage_error(error, args.command)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("beleid: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"beleid: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - the one place a bug is turned into exit 3
        print(
            "beleid: internal error (this is a bug; please report it with the text below)",
            file=sys.stderr,
        )
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
