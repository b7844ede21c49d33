"""Navigation: go to definition and find references across the document's policy tree, and the
outline of a document (declarations, with the steps of a ladder and the parts of a budget).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.check.resolve import uses
from compiler.lsp.convert import Positions
from compiler.lsp.workspace import Cursor, cursor_at, scope_for
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

# How each kind of declaration shows in an outline: the closest of the editor's symbol icons.
_SYMBOL_KINDS = {
    "document": lsp.SymbolKind.File,
    "actor": lsp.SymbolKind.Class,
    "indicator": lsp.SymbolKind.Variable,
    "doel": lsp.SymbolKind.Constant,
    "maatregel": lsp.SymbolKind.Function,
    "begroting": lsp.SymbolKind.Struct,
    "trigger": lsp.SymbolKind.Event,
    "verplichting": lsp.SymbolKind.Interface,
    "handhaving": lsp.SymbolKind.Enum,
    "borging": lsp.SymbolKind.Key,
    "besluit": lsp.SymbolKind.Method,
    "verbod": lsp.SymbolKind.Boolean,
    "bevinding": lsp.SymbolKind.String,
    "entiteit": lsp.SymbolKind.Class,
    "buiten_scope": lsp.SymbolKind.Null,
}


def symbol_kind(kind: str) -> lsp.SymbolKind:
    """The symbol icon a kind of declaration shows with."""
    return _SYMBOL_KINDS.get(kind, lsp.SymbolKind.Object)


def _identifier_at(ls: PolicyServer, params) -> tuple[Cursor, str | None, Positions]:
    """The cursor of a position request, the id under it (if any) and positions in its text."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    return cursor, cursor.identifier(), Positions(ls, {cursor.document.name: cursor.document.text})


def definition(ls: PolicyServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    """Where the id under the cursor is declared in the document's tree (several when it is
    declared twice), or None.
    """
    cursor, name, where = _identifier_at(ls, params)
    if name is None:
        return None
    found = [
        where.location(d.id.span) for d in ls.declarations(scope_for(cursor.document.uri), name)
    ]
    return found or None


def references(ls: PolicyServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    """Every use of the id under the cursor in the document's tree (and its declaration, when
    asked), or None.
    """
    cursor, name, where = _identifier_at(ls, params)
    if name is None:
        return None
    found = []
    for parsed in ls.tree(scope_for(cursor.document.uri)):
        for declaration in parsed.module.declarations:
            if params.context.include_declaration and declaration.id.name == name:
                found.append(where.location(declaration.id.span))
            found.extend(
                where.location(use.ref.span) for use in uses(declaration) if use.ref.name == name
            )
    return found or None


def symbols(ls: PolicyServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    """The outline of a document from its current text."""
    document = ls.document(params.text_document.uri)
    parsed = ls.modules.from_text(document.name, document.text)
    return document_symbols(parsed.module.declarations, Positions(ls, {document.name: parsed.text}))


def document_symbols(
    declarations: Iterable[nodes.Declaration], where: Positions
) -> list[lsp.DocumentSymbol]:
    """One outline entry per declaration, with its parts as children."""
    return [
        lsp.DocumentSymbol(
            name=d.id.name,
            detail=d.title,
            kind=symbol_kind(d.kind),
            range=where.range(d.span),
            selection_range=where.range(d.id.span),
            children=part_symbols(d, where) or None,
        )
        for d in declarations
    ]


def part_symbols(declaration: nodes.Declaration, where: Positions) -> list[lsp.DocumentSymbol]:
    """The steps of a ladder and the packages, posts and sub-allocations of a budget table."""
    parts = []
    for f in declaration.fields:
        if f.keyword == "stap":
            parts.append(
                lsp.DocumentSymbol(
                    name=f"stap {f.value.number}",
                    detail=f.value.label,
                    kind=lsp.SymbolKind.EnumMember,
                    range=where.range(f.span),
                    selection_range=where.range(f.span),
                )
            )
        elif f.keyword in ("pakket", "post", "deelpost"):
            parts.append(
                lsp.DocumentSymbol(
                    name=f.value.id.name,
                    detail=f.value.title,
                    kind=lsp.SymbolKind.Field,
                    range=where.range(f.span),
                    selection_range=where.range(f.value.id.span),
                )
            )
    return parts
