"""Scope: each `buiten_scope` names lines that exist in its document, gives a reason, and does
not claim lines a declaration cites; each document's chapters (`hoofdstuk`) lie in its text and its
`bereik` names chapters it declares.

Reports P261 (no reason, or an empty one), P222 (a line range written backwards), P207 (lines
outside the document), P262 (a chapter named in `bereik` that is not declared, or one declared
twice) and the warning P260 (a passage holds lines a `bron` cites: what the policy builds on
cannot be out of its scope). An unknown document is P102, reported by name resolution.
"""

from __future__ import annotations

from compiler.check.model import SourceText
from compiler.check.resolve import did_you_mean
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span


def check_scope(
    symbols: dict[str, nodes.Declaration],
    sources: dict[str, SourceText],
    diags: Diagnostics,
) -> None:
    """Check every `buiten_scope` declaration against the source texts and the citations, and
    every document's chapters and `bereik`.
    """
    for decl in symbols.values():
        if decl.kind == "document":
            _check_chapters(decl, sources.get(decl.id.name), diags)
    scoped = [decl for decl in symbols.values() if decl.kind == "buiten_scope"]
    if not scoped:
        return
    citations = _citations(symbols)
    for decl in scoped:
        _check_reason(decl, diags)
        for f in decl.all("passage"):
            passage = f.value
            if isinstance(passage, nodes.Passage) and _in_document(
                passage.first_line,
                passage.last_line,
                passage.span,
                sources.get(passage.document.name),
                diags,
            ):
                _check_overlap(decl, passage, citations.get(passage.document.name, ()), diags)


def _check_reason(decl: nodes.Declaration, diags: Diagnostics) -> None:
    reason = decl.get("reden")
    if reason is not None and str(reason.value).strip():
        return
    diags.add(
        codes.SCOPE_WITHOUT_REASON,
        reason.span if reason is not None else decl.id.span,
        f"buiten_scope `{decl.id.name}` "
        + ("gives an empty reason" if reason is not None else "gives no reason"),
        hint='say why the passage lies outside the policy, e.g. `reden "Gaat over defensie."`',
    )


def _check_chapters(
    document: nodes.Declaration, source: SourceText | None, diags: Diagnostics
) -> None:
    declared: dict[str, nodes.Chapter] = {}
    for f in document.all("hoofdstuk"):
        chapter = f.value
        if not isinstance(chapter, nodes.Chapter):
            continue
        _in_document(chapter.first_line, chapter.last_line, chapter.span, source, diags)
        if chapter.id.name in declared:
            diags.add(
                codes.UNKNOWN_CHAPTER,
                chapter.id.span,
                f"chapter `{chapter.id.name}` of `{document.id.name}` is declared twice",
                hint="give each chapter its own id",
                related=(Related("first declared here", declared[chapter.id.name].id.span),),
            )
        declared.setdefault(chapter.id.name, chapter)
    scope = document.value("bereik")
    for ref in scope.chapters or () if isinstance(scope, nodes.Scope) else ():
        if ref.name not in declared:
            diags.add(
                codes.UNKNOWN_CHAPTER,
                ref.span,
                f"`{document.id.name}` declares no chapter `{ref.name}`",
                hint=did_you_mean(ref.name, list(declared))
                or 'declare it first: `hoofdstuk ID regels A-B "titel"`',
            )


def _in_document(
    first: int, last: int, span: Span, source: SourceText | None, diags: Diagnostics
) -> bool:
    """True when lines first..last exist in a loaded source text."""
    if last < first:
        diags.add(
            codes.RANGE_REVERSED,
            span,
            f"line range {first}-{last} runs backwards",
            hint=f"write `regels {last}-{first}`",
        )
        return False
    if source is None:
        return False  # unknown document (P102) or unreadable text (P104), reported already
    count = len(source.lines)
    if first < 1 or last > count:
        diags.add(
            codes.LINES_OUT_OF_RANGE,
            span,
            f"lines {first}-{last} are outside `{source.document}`, which has {count} lines",
            hint="line numbers count from 1 in the text file under policy/sources/",
        )
        return False
    return True


def _citations(
    symbols: dict[str, nodes.Declaration],
) -> dict[str, list[tuple[str, nodes.Citation]]]:
    """Every citation by the document it cites, with the id of the declaration citing it."""
    found: dict[str, list[tuple[str, nodes.Citation]]] = {}
    for decl in symbols.values():
        for f in decl.all("bron"):
            if isinstance(f.value, nodes.Citation):
                found.setdefault(f.value.document.name, []).append((decl.id.name, f.value))
    return found


def _check_overlap(
    decl: nodes.Declaration,
    passage: nodes.Passage,
    citations: list[tuple[str, nodes.Citation]] | tuple,
    diags: Diagnostics,
) -> None:
    """P260 once per passage, naming the first declaration whose citation shares its lines."""
    for name, citation in citations:
        if citation.first_line <= passage.last_line and passage.first_line <= citation.last_line:
            shared_first = max(citation.first_line, passage.first_line)
            shared_last = min(citation.last_line, passage.last_line)
            shared = (
                f"line {shared_first}"
                if shared_first == shared_last
                else f"lines {shared_first}-{shared_last}"
            )
            diags.add(
                codes.SCOPE_OVERLAPS_CITATION,
                passage.span,
                f"`{decl.id.name}` marks {shared} of `{passage.document.name}` out of scope, "
                f"but `{name}` cites them",
                hint="narrow the passage to the lines no declaration cites, or drop the citation",
                related=(Related(f"`{name}` cites them here", citation.span),),
            )
            return
