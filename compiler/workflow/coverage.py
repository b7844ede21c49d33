"""Source coverage: which lines of each source document the policy cites, which it marks out of
scope (`buiten_scope`), and which quantified passages it does neither (the likely missed
commitments: "unaddressed"). Backs `beleid sources`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from compiler.check import views
from compiler.check.model import Policy, SourceText
from dsl import nodes
from dsl.printable import escaped

# A passage is "quantified" when it holds an amount, a share, a quantity with a unit, or a year.
QUANTIFIED = re.compile(
    r"€\s?\d|\d\s?%|\b\d+(?:[.,]\d+)*\s?(?:procent|miljoen|miljard|mln|mld|ha|hectare|kton|ton|"
    r"km|kilometer|liter|cm|meter|Mton|TWh|PJ|GW|MW|woningen|jaar)\b|"
    r"(?<!Natura )(?<!Natura-)(?<!N)\b(?:19|20)\d{2}\b"
)
_PAGE_FURNITURE = re.compile(r"^\s*(?:Pagina \d+ van \d+|\d{1,3})\s*$")
# A reference line names where something is published and commits to nothing: after an optional
# footnote number, only web addresses (`https://...`, `www....`), or only a reference to a
# parliamentary paper (`Kamerstukken II, 2022/23, 32 813, nr. 1113`, `Kamerstuk 35 334, nr. 362.`).
# Its numbers (years in paths, dossier numbers) never make a passage quantified; it still counts as
# a line of text. docs/language.md ('Passages out of scope') states the rule for drafters.
_URL = r"(?:https?://|www\.)\S+"
REFERENCE_LINE = re.compile(
    r"^\s*(?:\d{1,3}\s+)?(?:"
    rf"{_URL}(?:\s+{_URL})*"
    r"|Kamerstuk(?:ken)?(?:\s+I{1,2})?,?(?:\s+\d{4}/\d{2},)?\s+\d{2}\s?\d{3}"
    r"(?:\s+[A-Z]{1,4})?(?:,\s+nr\.\s+\d+)?\.?"
    r")\s*$"
)


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of source lines with text that are neither cited nor out of scope: its first and last
    line, and the lines joined.
    """

    first_line: int
    last_line: int
    text: str


@dataclass(frozen=True, slots=True)
class DocumentCoverage:
    """How much of a source document the policy cites or marks out of scope, with the quantified
    passages it does neither (`unaddressed`).
    """

    document: str
    title: str
    lines: int  # lines with text (blank lines and page numbers do not count)
    cited: int  # of those, lines inside at least one citation
    citations: int
    unaddressed: tuple[Passage, ...]
    out_of_scope: int = 0  # lines with text marked out of scope and not cited
    # what the document's `bereik` asks to address, when only that was measured (`in_scope`)
    scope: views.DocumentScope | None = None

    @property
    def share(self) -> float:
        return self.cited / self.lines if self.lines else 0.0


def coverage(policy: Policy, *, in_scope: bool = False) -> list[DocumentCoverage]:
    """Coverage of every document that has a source text, in id order. With `in_scope`, only the
    documents with a `bereik`, and of each only the passages within it.
    """
    scopes = {d.id: d.scope for d in policy.views(views.SourceDocument) if d.scope is not None}
    marked = out_of_scope_lines(policy)
    cited: dict[str, set[int]] = {name: set() for name in policy.sources}
    counts: dict[str, int] = {name: 0 for name in policy.sources}
    for decl in policy.declarations.values():
        for f in decl.node.all("bron"):
            citation: nodes.Citation = f.value
            if citation.document.name in cited:
                cited[citation.document.name].update(
                    range(citation.first_line, citation.last_line + 1)
                )
                counts[citation.document.name] += 1
    return [
        _document_coverage(
            policy,
            source,
            cited[name],
            marked.get(name, set()),
            counts[name],
            scopes[name] if in_scope else None,
        )
        for name, source in sorted(policy.sources.items())
        if not in_scope or name in scopes
    ]


def out_of_scope_lines(policy: Policy) -> dict[str, set[int]]:
    """The lines each document's `buiten_scope` passages mark, by document id."""
    marked: dict[str, set[int]] = {}
    for scope in policy.views(views.OutOfScope):
        for passage in scope.passages:
            marked.setdefault(passage.document, set()).update(
                range(passage.first, passage.last + 1)
            )
    return marked


def _document_coverage(
    policy: Policy,
    source: SourceText,
    cited: set[int],
    marked: set[int],
    count: int,
    scope: views.DocumentScope | None,
) -> DocumentCoverage:
    text_lines = [n for n, line in enumerate(source.lines, start=1) if _has_text(line)]
    covered = sum(1 for n in text_lines if n in cited)
    excluded = sum(1 for n in text_lines if n in marked and n not in cited)
    title = policy.declarations[source.document].title
    addressed = cited | marked
    if scope is not None:  # lines outside the scope are not asked for: they end a passage
        addressed |= {n for n in range(1, len(source.lines) + 1) if not scope.holds(n)}
    passages = tuple(p for p in _passages(source, addressed) if _quantified(source, p))
    return DocumentCoverage(
        source.document, title, len(text_lines), covered, count, passages, excluded, scope
    )


def _quantified(source: SourceText, passage: Passage) -> bool:
    """Whether the passage, read without its reference lines, holds a number, amount or year."""
    lines = source.lines[passage.first_line - 1 : passage.last_line]
    return any(QUANTIFIED.search(line) for line in lines if not REFERENCE_LINE.match(line))


def _has_text(line: str) -> bool:
    return bool(line.strip()) and not _PAGE_FURNITURE.match(line)


def _passages(source: SourceText, addressed: set[int]):
    """Runs of lines with text that are not addressed, split at blank and addressed lines."""
    run: list[int] = []
    for number, line in enumerate(source.lines, start=1):
        if _has_text(line) and number not in addressed:
            run.append(number)
            continue
        if run:
            yield _passage(source, run)
            run = []
    if run:
        yield _passage(source, run)


def _passage(source: SourceText, numbers: list[int]) -> Passage:
    text = " ".join(source.lines[n - 1].strip() for n in numbers)
    return Passage(numbers[0], numbers[-1], text)


# rendering -------------------------------------------------------------------------------------


@escaped
def render_text(report: list[DocumentCoverage], *, passages: bool = True, width: int = 100) -> str:
    out = [
        f"{'document':<24} {'cited lines':>12} {'coverage':>9} {'citations':>10} "
        f"{'out of scope':>13}  unaddressed quantified passages"
    ]
    for doc in report:
        out.append(
            f"{doc.document:<24} {doc.cited:>5} / {doc.lines:<5} {doc.share:>8.1%} "
            f"{doc.citations:>10} {doc.out_of_scope:>13}"
            f"  {len(doc.unaddressed)}"
        )
    scoped = [d for d in report if d.scope is not None]
    if scoped:
        out += ["", "unaddressed passages counted only within each document's `bereik`:"]
        out += [f"  {d.document:<22} {_scope_text(d.scope)}" for d in scoped]
    if passages:
        for doc in report:
            if not doc.unaddressed:
                continue
            out += [
                "",
                f"{doc.document}: passages with a number, amount or year, "
                "neither cited nor marked out of scope",
            ]
            for p in doc.unaddressed:
                lines = (
                    f"{p.first_line}"
                    if p.first_line == p.last_line
                    else f"{p.first_line}-{p.last_line}"
                )
                text = p.text if len(p.text) <= width else p.text[: width - 1] + "…"
                out.append(f"  {lines:>11}  {text}")
    return "\n".join(out)


def _scope_text(scope: views.DocumentScope) -> str:
    if scope.whole:
        return "the whole document (bereik volledig)"
    return ", ".join(f"lines {r.first}-{r.last}" for r in scope.ranges) or "no lines"


def render_json(report: list[DocumentCoverage]) -> str:
    return json.dumps(
        [
            {
                "document": d.document,
                "title": d.title,
                "lines": d.lines,
                "cited": d.cited,
                "coverage": round(d.share, 4),
                "citations": d.citations,
                "out_of_scope": d.out_of_scope,
                "scope": None
                if d.scope is None
                else ("whole" if d.scope.whole else [[r.first, r.last] for r in d.scope.ranges]),
                "unaddressed": [
                    {"first_line": p.first_line, "last_line": p.last_line, "text": p.text}
                    for p in d.unaddressed
                ],
            }
            for d in report
        ],
        indent=2,
        ensure_ascii=False,
        sort_keys=True,
    )
