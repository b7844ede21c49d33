"""Quick fixes for the diagnostics the editor shows, each attached to its diagnostic and read from
the diagnostic's own data (its hint and range) and the document's current text: the name a "did
you mean" hint proposes, a `bron` skeleton for a declaration that cites nothing (P204), the line
range where a quote really stands (P206, from the checker's hint), and a target value that no quote
states (P250) marked pending as `open "reden"`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.lsp.convert import Positions, split_lines
from compiler.lsp.workspace import OpenDocument, scope_for
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
CITE_LINES = re.compile(r"cite `(regels? \d+(?:-\d+)?)`")
LOCATION = re.compile(r"regels?\s+\d+(?:\s*-\s*\d+)?")
PENDING_REASON = "reden"  # the reason a drafter replaces in `open "reden"`
QUOTE_SKELETON = "letterlijk citaat"  # the quote a drafter replaces in a `bron` skeleton
PENDING_FIELDS = ("waarde", "reductie")


class Fixer:
    """The text of one open document, its parsed declarations and positions, for building edits."""

    def __init__(self, server: PolicyServer, document: OpenDocument) -> None:
        self.server = server
        self.document = document
        self.lines = split_lines(document.text)
        self.parsed = server.modules.from_text(document.name, document.text)
        self.where = Positions(server, {document.name: document.text})

    def offset(self, position: lsp.Position) -> int:
        """The character offset in the text of a position in the client's code units."""
        line = min(position.line, len(self.lines) - 1)
        at = self.server.workspace.position_codec.position_from_client_units(
            self.lines, lsp.Position(line=line, character=position.character)
        )
        return sum(len(text) + 1 for text in self.lines[:line]) + at.character

    def text_in(self, where: lsp.Range) -> str:
        return self.document.text[self.offset(where.start) : self.offset(where.end)]

    def position(self, offset: int) -> lsp.Position:
        """The client position of a character offset in the text."""
        line = self.document.text.count("\n", 0, offset)
        column = offset - (self.document.text.rfind("\n", 0, offset) + 1)
        return self.where.position(self.document.name, line + 1, column + 1)

    def declaration_at(self, offset: int) -> nodes.Declaration | None:
        for declaration in self.parsed.module.declarations:
            if declaration.span.start <= offset <= declaration.span.end:
                return declaration
        return None

    def action(
        self, title: str, diagnostic: lsp.Diagnostic, edits: list[lsp.TextEdit], preferred: bool
    ) -> lsp.CodeAction:
        return lsp.CodeAction(
            title=title,
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=preferred,
            edit=lsp.WorkspaceEdit(changes={self.document.uri: edits}),
        )


def code_actions(ls: PolicyServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """The quick fixes for the diagnostics the client sends with the request."""
    fixer = Fixer(ls, ls.document(params.text_document.uri))
    actions = []
    for diagnostic in params.context.diagnostics:
        for make in _FIXES:
            found = make(fixer, diagnostic)
            if found is not None:
                actions.append(found)
    return actions


def hint_of(diagnostic: lsp.Diagnostic) -> str:
    """The checker's hint: from the diagnostic's data, or the message's second line."""
    data = diagnostic.data
    if isinstance(data, dict) and isinstance(data.get("hint"), str):
        return data["hint"]
    return diagnostic.message.partition("\nhint: ")[2]


def apply_suggestion(fixer: Fixer, diagnostic: lsp.Diagnostic) -> lsp.CodeAction | None:
    """Replace the word at the diagnostic with the name its "did you mean" hint proposes."""
    found = DID_YOU_MEAN.search(hint_of(diagnostic))
    written = fixer.text_in(diagnostic.range)
    if found is None or not written.strip() or "\n" in written:
        return None
    name = found.group(1)
    edit = lsp.TextEdit(range=diagnostic.range, new_text=name)
    return fixer.action(f"Change `{written}` to `{name}`", diagnostic, [edit], preferred=True)


def add_citation(fixer: Fixer, diagnostic: lsp.Diagnostic) -> lsp.CodeAction | None:
    """Add a `bron` line before the closing brace of a declaration that cites nothing (P204)."""
    if diagnostic.code != "P204":
        return None
    declaration = fixer.declaration_at(fixer.offset(diagnostic.range.start))
    if declaration is None:
        return None
    text = fixer.document.text
    closing = text.rfind("}", declaration.span.start, declaration.span.end)
    if closing < 0:
        return None
    indent = field_indent(fixer, declaration)
    line = f'{indent}bron {cited_document(fixer)} regel 1 "{QUOTE_SKELETON}"'
    line_start = text.rfind("\n", 0, closing) + 1
    if text[line_start:closing].strip():  # `}` follows other text on its line
        start, end, new_text = len(text[:closing].rstrip(" \t")), closing, f"\n{line}\n"
    else:
        start, end, new_text = line_start, line_start, f"{line}\n"
    where = lsp.Range(start=fixer.position(start), end=fixer.position(end))
    edit = lsp.TextEdit(range=where, new_text=new_text)
    return fixer.action("Add a `bron` citation", diagnostic, [edit], preferred=True)


def field_indent(fixer: Fixer, declaration: nodes.Declaration) -> str:
    """The indentation of the declaration's first field, or four spaces."""
    if not declaration.fields:
        return "    "
    text = fixer.document.text
    start = declaration.fields[0].span.start
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return line if line and not line.strip() else "    "


def cited_document(fixer: Fixer) -> str:
    """The document this file cites most, else the first document of its tree, else `document`."""
    cited = Counter(
        f.value.document.name for d in fixer.parsed.module.declarations for f in d.all("bron")
    )
    if cited:
        return cited.most_common(1)[0][0]
    for parsed in fixer.server.tree(scope_for(fixer.document.uri)):
        for declaration in parsed.module.declarations:
            if declaration.kind == "document":
                return declaration.id.name
    return "document"


def correct_lines(fixer: Fixer, diagnostic: lsp.Diagnostic) -> lsp.CodeAction | None:
    """Cite the lines where the checker found the quote (P206): its hint names them."""
    found = CITE_LINES.search(hint_of(diagnostic))
    if diagnostic.code != "P206" or found is None:
        return None
    start = fixer.offset(diagnostic.range.start)
    location = LOCATION.search(fixer.text_in(diagnostic.range))
    if location is None:
        return None
    edit = lsp.TextEdit(
        range=lsp.Range(
            start=fixer.position(start + location.start()),
            end=fixer.position(start + location.end()),
        ),
        new_text=found.group(1),
    )
    return fixer.action(f"Cite `{found.group(1)}`", diagnostic, [edit], preferred=True)


def mark_pending(fixer: Fixer, diagnostic: lsp.Diagnostic) -> lsp.CodeAction | None:
    """Replace a `waarde` or `reductie` no quote states (P250) by `open "reden"`."""
    if diagnostic.code != "P250":
        return None
    offset = fixer.offset(diagnostic.range.start)
    declaration = fixer.declaration_at(offset)
    field = next(
        (
            f
            for f in (declaration.fields if declaration else ())
            if f.keyword in PENDING_FIELDS and f.span.start <= offset < f.span.end
        ),
        None,
    )
    if field is None:
        return None
    edit = lsp.TextEdit(
        range=fixer.where.range(field.span), new_text=f'{field.keyword} open "{PENDING_REASON}"'
    )
    title = f'Mark the {field.keyword} pending: `open "{PENDING_REASON}"`'
    return fixer.action(title, diagnostic, [edit], preferred=False)


_FIXES: tuple[Callable[[Fixer, lsp.Diagnostic], lsp.CodeAction | None], ...] = (
    apply_suggestion,
    add_citation,
    correct_lines,
    mark_pending,
)
