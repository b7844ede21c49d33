"""Workspace symbols: every declaration in the rule files of the workspace (the policy trees of the
workspace folders and of the open documents, open documents from their text), filtered by the
query: its words must all occur, in any case, in the id, the title or the kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.lsp.convert import Positions, uri_to_path
from compiler.lsp.navigation import symbol_kind
from compiler.lsp.workspace import rule_files, scope_for
from dsl import nodes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

MAX_SYMBOLS = 500  # a client shows a list to pick from; more than this is refined by typing


def workspace_symbols(
    ls: PolicyServer, params: lsp.WorkspaceSymbolParams
) -> list[lsp.SymbolInformation]:
    """The declarations whose id, title or kind hold every word of the query, by id."""
    words = params.query.lower().split()
    texts = {d.name: d.text for d in ls.open_documents()}
    where = Positions(ls, texts)
    found = []
    for name in workspace_files(ls, texts):
        parsed = ls.modules.from_text(name, texts[name]) if name in texts else None
        module = parsed.module if parsed else ls.modules.from_disk(name).module
        found.extend(d for d in module.declarations if matches(d, words))
    found.sort(key=lambda d: (d.id.name, d.span.path, d.span.start))
    return [
        lsp.SymbolInformation(
            name=d.id.name,
            kind=symbol_kind(d.kind),
            location=where.location(d.id.span),
            container_name=f"{d.kind}: {d.title}" if d.title else d.kind,
        )
        for d in found[:MAX_SYMBOLS]
    ]


def matches(declaration: nodes.Declaration, words: list[str]) -> bool:
    haystack = f"{declaration.id.name} {declaration.title or ''} {declaration.kind}".lower()
    return all(word in haystack for word in words)


def workspace_roots(ls: PolicyServer) -> list[Path]:
    """The folders of the workspace and the trees of the open documents."""
    roots = [uri_to_path(f.uri) for f in ls.workspace.folders.values()]
    if ls.workspace.root_uri and not roots:
        roots.append(uri_to_path(ls.workspace.root_uri))
    roots.extend(scope_for(d.uri).root for d in ls.open_documents())
    return sorted({r for r in roots if r is not None})


def workspace_files(ls: PolicyServer, texts: dict[str, str]) -> list[str]:
    """Every rule file of the workspace once, with the open documents."""
    names = set(texts)
    for root in workspace_roots(ls):
        names.update(rule_files(root))
    return sorted(names)
