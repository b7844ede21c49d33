"""Source text and positions: `SourceFile` (a path and its text) and `Span` (a region in it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of one source file: 1-based line/column, 0-based [start, end) offsets."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    @classmethod
    def from_meta(cls, path: str, meta) -> Span:
        """Build a span from a Lark `Meta` or `Token` (they share attribute names)."""
        return cls(
            path,
            meta.line,
            meta.column,
            meta.end_line,
            meta.end_column,
            meta.start_pos,
            meta.end_pos,
        )

    @classmethod
    def point(cls, path: str, line: int = 1, column: int = 1) -> Span:
        """A one-character span, for diagnostics about a place rather than a region."""
        return cls(path, line, column, line, column + 1)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A rule file as read from disk: its display path and decoded text."""

    path: str
    text: str
