"""Where command output goes and how results map to exit codes: stdout or an atomically written
file, colour only on a terminal, the one-line summary of policy errors, ledger errors as text.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from compiler.cli import formats
from compiler.cli.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from compiler.workflow.atomicwrite import write_text_atomically
from dsl import codes
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.printable import escape_controls
from dsl.source import Span


def emit(text: str, output: str | None) -> None:
    """Print, or write the file atomically so an interrupted run never leaves half a file."""
    if output is None:
        if text:
            print(text)
        return
    write_text_atomically(Path(output), text)


def warn(text: str) -> None:
    """A line for the user on stderr, control characters escaped."""
    print(escape_controls(text), file=sys.stderr)


def is_terminal(output: str | None) -> bool:
    """Whether text goes to a terminal that wants colour (stdout, a tty, NO_COLOR unset)."""
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def exit_code(diagnostics: Diagnostics) -> int:
    """2 when a file could not be read, 1 for other errors, 0 otherwise (warnings allowed)."""
    if any(d.code is codes.UNREADABLE_FILE for d in diagnostics):
        return EXIT_USAGE
    return EXIT_FINDINGS if diagnostics.has_errors else EXIT_OK


def policy_errors(compilation) -> int:
    """Say on stderr that the policy has errors (details are `beleid check`'s job); its exit
    code.
    """
    warn(
        formats.summary(compilation.diagnostics, len(compilation.files))
        + "; run `beleid check` for details"
    )
    return exit_code(compilation.diagnostics)


def diagnostics_to_stderr(diagnostics: Diagnostics, *, colour: bool = False) -> None:
    """Render diagnostics as text on stderr."""
    warn(formats.render(diagnostics.sorted(), "text", colour=colour))


def ledger_error(error, path: str) -> int:
    """Render a LedgerError as a diagnostic at the ledger file; exit 1."""
    warn(formats.render_text(Diagnostic(error.code, Span.point(path), error.message, error.hint)))
    return EXIT_FINDINGS
