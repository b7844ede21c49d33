"""Formatting: the whole document replaced by what `beleid fmt` writes; nothing while the text has
a syntax error (its diagnostics already show it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from compiler.lsp.convert import split_lines
from compiler.workflow.fmt import FormatError, format_text

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer


def formatting(ls: PolicyServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
    """One edit replacing the whole text with its formatted form; none when it is formatted
    already or does not parse.
    """
    document = ls.document(params.text_document.uri)
    try:
        formatted = format_text(document.text, document.name)
    except FormatError:
        return []  # the diagnostics already show the syntax error
    if formatted == document.text:
        return []
    return [lsp.TextEdit(range=whole_document(document.text, ls), new_text=formatted)]


def whole_document(text: str, server: PolicyServer) -> lsp.Range:
    """The range from the start of a text to its end, in the client's code units."""
    lines = split_lines(text)
    end = server.workspace.position_codec.position_to_client_units(
        lines, lsp.Position(line=len(lines) - 1, character=len(lines[-1]))
    )
    return lsp.Range(start=lsp.Position(line=0, character=0), end=end)
