"""What reader pages show in place of the drafters' internals: chapter names instead of rule file
paths, quotes cleaned for display (compiler/report/quotes.py), budget tables in the page's
language with their sections and totals (compiler/report/budgettables.py), and which rules cite
each line of a source. The ids, files and lines themselves go to the drafter's view, a
`<details class="drafter">` on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.report import quotes
from compiler.report.handbook import Chapter, Handbook, Quote


@dataclass(frozen=True)
class Citation:
    """A rule that cites a source document, and the lines it cites."""

    declaration: str
    first_line: int
    last_line: int


def chapter_title(chapter: Chapter, labels: dict) -> str:
    """A rule file as a chapter heading: its name in the language, or its file name in words."""
    return labels.get("chapter_names", {}).get(chapter.name) or (
        chapter.name.replace("_", " ").capitalize()
    )


def shown_quote(handbook: Handbook, quote: Quote) -> quotes.Shown:
    """The quote as the reader reads it; as written when its source text is not loaded."""
    source = handbook.policy.sources.get(quote.document)
    if source is None:
        return quotes.Shown(" ".join(quote.text.split()))
    return quotes.display(quote.text, source.lines, quote.first_line, quote.last_line)


def citations(handbook: Handbook, document: str) -> tuple[Citation, ...]:
    """Every rule citing `document`, in the order of the lines they cite."""
    found = {
        (q.first_line, q.last_line, entry.id)
        for entry in handbook.entries.values()
        for q in entry.quotes
        if q.document == document and entry.id != document
    }
    return tuple(Citation(ident, first, last) for first, last, ident in sorted(found))
