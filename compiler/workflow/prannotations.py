"""Diagnostics for a pull request: which of them stand on lines the change touched (those become
annotations, so new findings do not drown among old ones) and the full list as Markdown for the
job summary. A diagnostic without a place in a file belongs to no line and is always annotated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from compiler.workflow.changedlines import ChangedLines
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic

MAX_SUMMARY_ROWS = 1000  # a job summary holds at most 1 MiB; a row is well under 1 KiB
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class PullRequestView:
    """The diagnostics split by whether they stand on changed lines (both in the given order)."""

    annotated: tuple[Diagnostic, ...]
    elsewhere: tuple[Diagnostic, ...]
    revision: str | None


def on_changed_lines(
    diagnostics: Sequence[Diagnostic], changed: ChangedLines | None
) -> PullRequestView:
    """Split diagnostics by the change; with no change given, every one is annotated."""
    if changed is None:
        return PullRequestView(tuple(diagnostics), (), None)
    annotated, elsewhere = [], []
    for diagnostic in diagnostics:
        (annotated if _is_changed(diagnostic, changed) else elsewhere).append(diagnostic)
    return PullRequestView(tuple(annotated), tuple(elsewhere), changed.revision)


def _is_changed(diagnostic: Diagnostic, changed: ChangedLines) -> bool:
    span = diagnostic.span
    if span is None:
        return True
    first = max(span.line, 1)
    return changed.touches(span.path, first, max(span.end_line, first))


def summary_markdown(view: PullRequestView, files: int) -> str:
    """The job summary: counts, then the diagnostics on changed lines and those elsewhere."""
    everything = view.annotated + view.elsewhere
    lines = ["## Rule check", "", _counts(everything, files)]
    if view.revision is not None:
        lines += [
            "",
            f"Annotated on the pull request: the {len(view.annotated)} on lines changed since "
            f"`{_code_text(view.revision)}`; the {len(view.elsewhere)} elsewhere are listed "
            "here only.",
        ]
        sections = [("On changed lines", view.annotated), ("Elsewhere", view.elsewhere)]
    else:
        sections = [("Diagnostics", view.annotated)]
    budget = MAX_SUMMARY_ROWS
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", ""] + _table(items, budget)
            budget = max(budget - len(items), 0)
    return "\n".join(lines) + "\n"


def _counts(diagnostics: Sequence[Diagnostic], files: int) -> str:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    return (
        f"Checked {files} file{'s' * (files != 1)}: **{errors} error{'s' * (errors != 1)}**, "
        f"{warnings} warning{'s' * (warnings != 1)}."
    )


def _table(diagnostics: Sequence[Diagnostic], budget: int) -> list[str]:
    """Errors first, then warnings, then notes; at most `budget` rows and a line for the rest."""
    ordered = sorted(diagnostics, key=lambda d: _SEVERITY_ORDER[d.severity])
    rows = ["| severity | code | where | message |", "|---|---|---|---|"]
    for d in ordered[:budget]:
        where = f"`{_code_text(f'{d.span.path}:{d.span.line}')}`" if d.span else ""
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        rows.append(
            f"| {d.severity.value} | {d.code.id} {d.code.slug} | {where} | {_cell(message)} |"
        )
    if len(ordered) > budget:
        rows += ["", f"… and {len(ordered) - budget} more; run `beleid check` for all of them."]
    return rows


def _cell(text: str) -> str:
    """Text in a table cell: one line, pipes escaped, no HTML."""
    flat = " ".join(text.split())
    return flat.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _code_text(text: str) -> str:
    """Text inside a one-backtick code span: backticks and line breaks cannot stand there."""
    return " ".join(text.split()).replace("`", "'")
