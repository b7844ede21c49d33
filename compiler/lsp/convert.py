"""Between the checker's terms and the protocol's: `file:` URIs and the paths spans carry, spans
(1-based, in characters) and LSP ranges (0-based, in the client's code units: UTF-16 unless the
client chose otherwise), and checker diagnostics as LSP diagnostics grouped by file.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types as lsp

from compiler.check.pipeline import Compilation
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic
from dsl.source import Span

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

SERVER_NAME = "beleid"  # the server's name, also the source every diagnostic names
_SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def uri_to_path(uri: str) -> Path | None:
    """The filesystem path of a `file:` URI (resolved), or None for any other scheme."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(url2pathname(parsed.path)).resolve()


def document_name(uri: str) -> str:
    """The name a document's spans carry: its resolved path, or the URI when it is no file."""
    path = uri_to_path(uri)
    return str(path) if path is not None else uri


def same_file(name: str) -> str:
    """A span's path made comparable with document names (resolved, when it is a path)."""
    if "://" in name or name.startswith("untitled:"):
        return name
    return str(Path(name).resolve())


def split_lines(text: str) -> list[str]:
    r"""Lines as the parser counts them (on `\n` only)."""
    return text.split("\n")


def offset_of(lines: list[str], line: int, column: int) -> int:
    """The character offset of a 0-based line and column in text split by `split_lines`."""
    return sum(len(text) + 1 for text in lines[:line]) + column


class Positions:
    """Spans (1-based, in characters) as LSP ranges (0-based, in the client's code units)."""

    def __init__(self, server: PolicyServer, texts: dict[str, str] | None = None) -> None:
        self.server = server
        self.texts = texts or {}
        self._lines: dict[str, list[str]] = {}

    def lines(self, name: str) -> list[str]:
        if name not in self._lines:
            text = self.texts.get(name)
            self._lines[name] = split_lines(text if text is not None else self.server.text_of(name))
        return self._lines[name]

    def position(self, name: str, line: int, column: int) -> lsp.Position:
        server_position = lsp.Position(line=max(line - 1, 0), character=max(column - 1, 0))
        codec = self.server.workspace.position_codec
        return codec.position_to_client_units(self.lines(name), server_position)

    def range(self, span: Span) -> lsp.Range:
        return lsp.Range(
            start=self.position(span.path, span.line, span.column),
            end=self.position(span.path, span.end_line, span.end_column),
        )

    def location(self, span: Span) -> lsp.Location:
        return lsp.Location(uri=self.server.uri_of(span.path), range=self.range(span))


def lsp_diagnostic(d: Diagnostic, where: Positions, fallback: str) -> lsp.Diagnostic:
    """A checker diagnostic for the editor: the message, then its hint on a second line."""
    span = d.span or Span.point(fallback)
    related = [
        lsp.DiagnosticRelatedInformation(location=where.location(r.span), message=r.message)
        for r in d.related
    ]
    return lsp.Diagnostic(
        range=where.range(span),
        message=f"{d.message}\nhint: {d.hint}" if d.hint else d.message,
        severity=_SEVERITIES[d.severity],
        code=d.code.id,
        source=SERVER_NAME,
        related_information=related or None,
        data={"slug": d.code.slug, "hint": d.hint},
    )


def diagnostics_by_file(
    compilation: Compilation,
) -> tuple[dict[str, list[Diagnostic]], list[Diagnostic]]:
    """The sorted diagnostics per (resolved) file, and those that name no place."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    placeless: list[Diagnostic] = []
    resolved: dict[str, str] = {}  # each file resolved once, not once per diagnostic
    for d in compilation.diagnostics.sorted():
        if d.span is None:
            placeless.append(d)
            continue
        if d.span.path not in resolved:
            resolved[d.span.path] = same_file(d.span.path)
        by_file[resolved[d.span.path]].append(d)
    return by_file, placeless
