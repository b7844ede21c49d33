"""Rename of a declaration id across the document's policy tree: prepareRename says whether the
word under the cursor is a declared id, rename edits its declaration and every use in every rule
file of the tree (open documents from their text, the others from disk), and refuses a new name
that is not an id or that another declaration already has, with an error saying why.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from compiler.check.resolve import FUNCTION_KINDS, uses
from compiler.lsp.convert import Positions
from compiler.lsp.workspace import ID_PATTERN, Cursor, cursor_at, scope_for
from dsl.source import Span

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer


class RenameRefused(JsonRpcException):
    """A rename the server will not do; the client shows the message."""

    CODE = lsp.LSPErrorCodes.RequestFailed.value


def prepare_rename(
    ls: PolicyServer, params: lsp.PrepareRenameParams
) -> lsp.PrepareRenamePlaceholder | None:
    """The range and text of the declared id under the cursor, or None where nothing renames."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    name = declared_name(ls, cursor)
    if name is None:
        return None
    _, start, end = cursor.word()
    where = Positions(ls, {cursor.document.name: cursor.document.text})
    return lsp.PrepareRenamePlaceholder(
        range=lsp.Range(
            start=where.position(cursor.document.name, cursor.line + 1, start + 1),
            end=where.position(cursor.document.name, cursor.line + 1, end + 1),
        ),
        placeholder=name,
    )


def rename(ls: PolicyServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    """Every place the id under the cursor is declared or used, given the new name."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    name = declared_name(ls, cursor)
    if name is None:
        raise RenameRefused("there is no declared id here to rename")
    new_name = params.new_name
    refusal = refusal_of(ls, cursor, name, new_name)
    if refusal is not None:
        raise RenameRefused(refusal)
    where = Positions(ls, {d.name: d.text for d in ls.open_documents()})
    changes: dict[str, list[lsp.TextEdit]] = defaultdict(list)
    for span in spans_of(ls, cursor, name):
        location = where.location(span)
        changes[location.uri].append(lsp.TextEdit(range=location.range, new_text=new_name))
    return lsp.WorkspaceEdit(changes=dict(changes))


def declared_name(ls: PolicyServer, cursor: Cursor) -> str | None:
    """The id under the cursor where it declares or names a declaration of the tree (not a
    vocabulary word or a budget post that happens to be written the same).
    """
    name = cursor.identifier()
    if name is None or not ls.declarations(scope_for(cursor.document.uri), name):
        return None
    module = ls.modules.from_text(cursor.document.name, cursor.document.text).module
    offset = cursor.offset
    for declaration in module.declarations:
        spans = [declaration.id.span] if declaration.id.name == name else []
        spans.extend(use.ref.span for use in uses(declaration) if use.ref.name == name)
        if any(span.start <= offset <= span.end for span in spans):
            return name
    return None


def refusal_of(ls: PolicyServer, cursor: Cursor, old: str, new: str) -> str | None:
    """Why `old` may not become `new`, or None when it may."""
    if not ID_PATTERN.fullmatch(new):
        return (
            f"`{new}` is not a valid id: an id starts with a lower-case letter or `_` and holds "
            "only lower-case letters, digits and `_`"
        )
    if new in FUNCTION_KINDS or new == "absoluut":
        return f"`{new}` is a reserved word (a function in conditions)"
    if new != old and ls.declarations(scope_for(cursor.document.uri), new):
        return f"`{new}` is already declared in this policy tree"
    return None


def spans_of(ls: PolicyServer, cursor: Cursor, name: str) -> list[Span]:
    """The spans of every declaration of `name` and every use of it, across the tree."""
    found = []
    for parsed in ls.tree(scope_for(cursor.document.uri)):
        for declaration in parsed.module.declarations:
            if declaration.id.name == name:
                found.append(declaration.id.span)
            found.extend(use.ref.span for use in uses(declaration) if use.ref.name == name)
    return found
