"""`beleid fmt` over files: find the rule files under the given paths, lay each out in the canonical
format, and either write the changed ones or describe them (as unified diffs); nothing is
printed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from compiler.check.pipeline import discover
from compiler.workflow import fmt
from compiler.workflow.atomicwrite import write_text_atomically
from dsl import parser
from dsl.diagnostics import Diagnostics


@dataclass(frozen=True)
class FileFormat:
    """One rule file: its text, and its formatted text or why it could not be formatted."""

    path: Path
    text: str
    formatted: str | None = None
    error: fmt.FormatError | None = None

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.text

    def unified_diff(self) -> list[str]:
        """What formatting changes, as the lines of a unified diff (empty when nothing changes)."""
        if not self.changed:
            return []
        return list(
            difflib.unified_diff(
                self.text.splitlines(True),
                self.formatted.splitlines(True),
                str(self.path),
                f"{self.path} (formatted)",
            )
        )


@dataclass(frozen=True)
class FormatRun:
    """Every rule file found, in order, and what finding them reported (P008, P011, P012)."""

    discovery: Diagnostics
    files: tuple[FileFormat, ...]
    written: bool

    @property
    def found(self) -> bool:
        """False when the paths held no rule file or could not be searched; nothing was
        formatted.
        """
        return bool(self.files) and not self.discovery.has_errors

    @property
    def unformatted(self) -> list[FileFormat]:
        return [f for f in self.files if f.changed]

    @property
    def broken(self) -> list[FileFormat]:
        """The files with a syntax error, left as they were."""
        return [f for f in self.files if f.error is not None]


def format_files(paths: list[str], *, write: bool) -> FormatRun:
    """Format every rule file under `paths`; with `write`, replace each changed file atomically."""
    discovery = Diagnostics()
    found = discover(paths, discovery)
    if discovery.has_errors or not found:
        return FormatRun(discovery, (), written=False)
    files = tuple(_format_file(path) for path in found)
    if write:
        for file in files:
            if file.changed:
                write_text_atomically(file.path, file.formatted)
    return FormatRun(discovery, files, written=write)


def _format_file(path: Path) -> FileFormat:
    """A rule file read as `check` reads it (the same size limit, regular files only, UTF-8
    without NUL bytes); a file that cannot be read is reported at its place and left alone.
    """
    diags = Diagnostics()
    data = parser.read_rule_bytes(path, str(path), diags)
    if data is None or parser.decode_source(data, str(path), diags) is None:
        return FileFormat(path, "", error=_unreadable(path, diags))
    text = data.decode("utf-8")
    try:
        return FileFormat(path, text, formatted=fmt.format_text(text, str(path)))
    except fmt.FormatError as error:
        return FileFormat(path, text, error=error)


def _unreadable(path: Path, diags: Diagnostics) -> fmt.FormatError:
    first = diags.sorted()[0]
    where = first.span
    line, column = (where.line, where.column) if where is not None else (1, 1)
    return fmt.FormatError(str(path), line, column, f"error[{first.code.id}]: {first.message}")
