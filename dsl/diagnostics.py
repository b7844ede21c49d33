"""Diagnostics as data: `Diagnostic` (code, span, message, hint, related) and the `Diagnostics`
collector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl.codes import Code, Severity
from dsl.source import Span


@dataclass(frozen=True, slots=True)
class Related:
    """A second place that explains a diagnostic, e.g. the first declaration of a duplicate id."""

    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable code, where, what (one line), and how to fix it."""

    code: Code
    span: Span | None
    message: str
    hint: str | None = None
    related: tuple[Related, ...] = ()
    severity: Severity = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.severity is None:
            object.__setattr__(self, "severity", self.code.severity)

    def sort_key(self) -> tuple:
        span = self.span
        where = (span.path, span.line, span.column) if span else ("", 0, 0)
        return (*where, self.code.id, self.message)


class Diagnostics:
    """Collects diagnostics during one run. Stages add; the pipeline decides when to stop."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def add(
        self,
        code: Code,
        span: Span | None,
        message: str,
        *,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        self._items.append(Diagnostic(code, span, message, hint, related))

    def extend(self, other: Diagnostics) -> None:
        self._items.extend(other._items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self._items)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._items if d.severity is severity)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self._items, key=Diagnostic.sort_key)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)
