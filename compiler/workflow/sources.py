"""What `beleid sources` asks for: the coverage of each source document the policy cites (or of
one, or of those with a `bereik`, within it), rendered as text or JSON, which documents fall below
a threshold and which quantified passages are unaddressed; nothing is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.check.pipeline import Compilation, compile_paths
from compiler.check.resolve import did_you_mean
from compiler.check.run import NotFound
from compiler.workflow import coverage


@dataclass(frozen=True)
class SourcesRun:
    """The compilation and the coverage of the documents asked for."""

    compilation: Compilation
    documents: tuple[coverage.DocumentCoverage, ...]

    def render(self, output_format: str, *, passages: bool = True) -> str:
        """The coverage as `text` (with the uncited passages unless told not to) or `json`."""
        if output_format == "json":
            return coverage.render_json(list(self.documents))
        return coverage.render_text(list(self.documents), passages=passages)

    def unaddressed(self) -> list[tuple[str, coverage.Passage]]:
        """Every quantified passage of the documents asked for that is neither cited nor marked
        out of scope, as (document, passage).
        """
        return [(d.document, p) for d in self.documents for p in d.unaddressed]

    def below(self, percent: float | None) -> list[coverage.DocumentCoverage]:
        """The documents whose coverage is below `percent` (none when no threshold is given)."""
        if percent is None:
            return []
        return [d for d in self.documents if d.share * 100 < percent]


def source_coverage(
    paths: list[str], document: str | None = None, *, in_scope: bool = False
) -> SourcesRun:
    """Check the policy and measure what it cites; NotFound when `document` has no text (or,
    with `in_scope`, no `bereik`).
    """
    compilation = compile_paths(paths)
    documents = coverage.coverage(compilation.policy, in_scope=in_scope)
    if document:
        known = [d.document for d in documents]
        if document not in known:
            hint = did_you_mean(document, known) or f"documents with a text: {', '.join(known)}"
            raise NotFound(f"unknown document `{document}`", hint)
        documents = [d for d in documents if d.document == document]
    return SourcesRun(compilation, tuple(documents))
