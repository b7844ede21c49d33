"""The exit codes of `beleid` and the one exception for usage errors, which any command may raise
and `main` alone renders (exit 2).
"""

from __future__ import annotations

from dsl.diagnostics import Diagnostics

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments or unreadable input: a message with an optional hint, or the diagnostics that
    say what could not be read (rendered in their place).
    """

    def __init__(
        self, message: str, hint: str | None = None, *, diagnostics: Diagnostics | None = None
    ) -> None:
        super().__init__(message)
        self.message, self.hint, self.diagnostics = message, hint, diagnostics

    def line(self, command: str) -> str:
        """The message as `beleid COMMAND: message; hint`."""
        return f"beleid {command}: {self.message}" + (f"; {self.hint}" if self.hint else "")
