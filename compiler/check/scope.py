"""Passages out of scope: each `buiten_scope` names lines that exist in its document, gives a
reason, and does not claim lines a declaration cites.

Reports P261 (no reason, or an empty one), P222 (a line range written backwards), P207 (lines
outside the document) and the warning P260 (a passage holds lines a `bron` cites: what the policy
builds on cannot be out of its scope). An unknown document is P102, reported by name resolution.
"""

from __future__ import annotations

from compiler.check.model import SourceText
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related


def check_scope(
    symbols: dict[str, nodes.Declaration],
    sources: dict[str, SourceText],
    diags: Diagnostics,
) -> None:
    """Check every `buiten_scope` declaration against the source texts and the citations."""
    scoped = [decl for decl in symbols.values() if decl.kind == "buiten_scope"]
    if not scoped:
        return
    citations = _citations(symbols)
    for decl in scoped:
        _check_reason(decl, diags)
        for f in decl.all("passage"):
            passage = f.value
            if isinstance(passage, nodes.Passage) and _in_document(passage, sources, diags):
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


def _in_document(
    passage: nodes.Passage, sources: dict[str, SourceText], diags: Diagnostics
) -> bool:
    """True when the passage names lines that exist in a loaded source text."""
    if passage.last_line < passage.first_line:
        diags.add(
            codes.RANGE_REVERSED,
            passage.span,
            f"line range {passage.first_line}-{passage.last_line} runs backwards",
            hint=f"write `regels {passage.last_line}-{passage.first_line}`",
        )
        return False
    source = sources.get(passage.document.name)
    if source is None:
        return False  # unknown document (P102) or unreadable text (P104), reported already
    count = len(source.lines)
    if passage.first_line < 1 or passage.last_line > count:
        diags.add(
            codes.LINES_OUT_OF_RANGE,
            passage.span,
            f"lines {passage.first_line}-{passage.last_line} are outside "
            f"`{passage.document.name}`, which has {count} lines",
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
