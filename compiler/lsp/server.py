"""The language server for rule files (`beleid lsp`): diagnostics as you type, hover, go to
definition, find references, completion, the outline and formatting, over stdio with pygls.

An open document is checked in the context of its policy tree (`compiler.check.layout.policy_root`):
every rule file under the tree's root is parsed, open documents from their unsaved text and the
others from disk (cached by modification time and size), and the modules are compiled with
`compiler.check.pipeline.compile_modules`, so the editor shows the diagnostics `beleid check` prints. A
file outside any policy tree is checked on its own. A check runs in a worker thread after a short
pause in typing; hover waits for the latest one. Definitions, references, completion and the
outline read freshly parsed modules, so they follow the text at once, and because the parser
keeps every sound declaration of a broken file they keep working while a file has syntax errors.

Every handler is guarded: a bug inside one is logged to the client (`window/logMessage`) and the
request answers with an empty result, so one bad document never stops the server.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import sys
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from compiler.check import schema
from compiler.check.layout import policy_root
from compiler.check.pipeline import Compilation, compile_modules, discover
from compiler.check.resolve import FIELD_REFERENCES, uses
from compiler.check.units import UNITS
from compiler.report import handbook as handbook_data
from compiler.report.sentences import Sentences, environment
from compiler.workflow.fmt import FormatError, format_text
from dsl import nodes
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.parser import decode_source, parse_text, read_source
from dsl.source import Span

SERVER_NAME = "beleid"
SERVER_VERSION = "0.1.0"
CHECK_DELAY_SECONDS = 0.2  # the pause in typing after which the policy tree is checked again

_ID = re.compile(r"[a-z_][a-z0-9_]*")
_SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
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
}
_ALL_FIELDS = frozenset(schema.COMMON).union(
    *(required | optional for required, optional in schema.FIELDS.values())
)


# Documents, paths and policy trees ------------------------------------------------------------


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


@dataclass(frozen=True)
class Scope:
    """What a document is checked with: the policy tree at `root`, or itself alone (`root` None)."""

    key: str
    root: Path | None


def scope_for(uri: str) -> Scope:
    path = uri_to_path(uri)
    root = policy_root(path) if path is not None else None
    return Scope(str(root), root) if root is not None else Scope(document_name(uri), None)


@dataclass(frozen=True)
class OpenDocument:
    """A snapshot of an open document: its name (see `document_name`), URI, version and text."""

    name: str
    uri: str
    version: int | None
    text: str


@dataclass(frozen=True)
class Parsed:
    """One parsed rule file with the diagnostics of reading and parsing it, and its text."""

    module: nodes.Module
    diagnostics: Diagnostics
    text: str


class ModuleCache:
    """Parsed rule files: files on disk by (modification time, size), open documents by text."""

    def __init__(self) -> None:
        self._disk: dict[str, tuple[tuple[int, int], Parsed]] = {}
        self._texts: dict[str, Parsed] = {}

    def from_disk(self, name: str) -> Parsed:
        path = Path(name)
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        cached = self._disk.get(name)
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        diagnostics = Diagnostics()
        source = read_source(path, name, diagnostics)
        module = parse_text(source, diagnostics) if source else nodes.Module(name, ())
        parsed = Parsed(module, diagnostics, source.text if source else "")
        if stamp is not None:
            self._disk[name] = (stamp, parsed)
        return parsed

    def from_text(self, name: str, text: str) -> Parsed:
        """An open document's text, decoded as a file on disk is (NUL bytes, a byte order mark)."""
        cached = self._texts.get(name)
        if cached is not None and cached.text == text:
            return cached
        diagnostics = Diagnostics()
        source = decode_source(text.encode("utf-8", "surrogatepass"), name, diagnostics)
        module = parse_text(source, diagnostics) if source else nodes.Module(name, ())
        parsed = Parsed(module, diagnostics, text)
        self._texts[name] = parsed
        return parsed

    def forget_text(self, name: str) -> None:
        self._texts.pop(name, None)


def rule_files(root: Path) -> list[str]:
    """Every rule file under a policy tree's root, as resolved paths, found as `beleid check` finds
    them (links followed only inside the repository)."""
    return [str(p.resolve()) for p in discover([str(root)], Diagnostics())]


def compile_parsed(parsed: list[Parsed]) -> Compilation:
    """Compile parsed files as one policy, with their reading and parsing diagnostics."""
    diagnostics = Diagnostics()
    for item in parsed:
        diagnostics.extend(item.diagnostics)
    return compile_modules([p.module for p in parsed], diagnostics, [p.module.path for p in parsed])


# Positions ----------------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines as the parser counts them (on `\\n` only)."""
    return text.split("\n")


def offset_of(lines: list[str], line: int, column: int) -> int:
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


@dataclass(frozen=True)
class Cursor:
    """Where a request points in an open document: the text, the line, and the column in characters."""

    document: OpenDocument
    lines: list[str]
    line: int
    column: int

    @property
    def offset(self) -> int:
        return offset_of(self.lines, self.line, self.column)

    def word(self) -> tuple[str, int, int] | None:
        """The word at the cursor (letters, digits, `_`) and its start and end column."""
        text = self.lines[self.line] if self.line < len(self.lines) else ""
        start = end = min(self.column, len(text))
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        return (text[start:end], start, end) if end > start else None

    def identifier(self) -> str | None:
        """The word at the cursor when it can be a declaration id (`[a-z_][a-z0-9_]*`)."""
        found = self.word()
        return found[0] if found and _ID.fullmatch(found[0]) else None


# Diagnostics ----------------------------------------------------------------------------------


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
    for d in compilation.diagnostics.sorted():
        if d.span is None:
            placeless.append(d)
        else:
            by_file[same_file(d.span.path)].append(d)
    return by_file, placeless


class Checks:
    """Checks policy trees in a worker thread after a pause in typing; keeps the latest result.

    A new change cancels a check that is still waiting for the pause to end. Checks of one tree
    run one at a time, in order, so an older result is never published after a newer one.
    """

    def __init__(self, server: PolicyServer) -> None:
        self.server = server
        self.latest: dict[str, Compilation] = {}
        self._waiting: dict[str, asyncio.Task] = {}
        self._running: dict[str, set[asyncio.Task]] = defaultdict(set)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def schedule(self, scope: Scope, delay: float = CHECK_DELAY_SECONDS) -> None:
        waiting = self._waiting.pop(scope.key, None)
        if waiting is not None:
            waiting.cancel()
        task = asyncio.get_running_loop().create_task(self._check(scope, delay))
        self._waiting[scope.key] = task
        self._running[scope.key].add(task)
        task.add_done_callback(self._running[scope.key].discard)

    async def settled(self, scope: Scope) -> Compilation | None:
        """The latest check of the tree once every scheduled check has finished."""
        if scope.key not in self.latest and not self._running[scope.key]:
            self.schedule(scope, delay=0)
        while pending := {t for t in self._running[scope.key] if not t.done()}:
            await asyncio.wait(pending)
        return self.latest.get(scope.key)

    async def _check(self, scope: Scope, delay: float) -> None:
        await asyncio.sleep(delay)
        if self._waiting.get(scope.key) is asyncio.current_task():
            del self._waiting[scope.key]
        async with self._locks[scope.key]:
            try:
                documents = self.server.open_documents(scope)
                if not documents:  # the tree's last open document was closed
                    self.latest.pop(scope.key, None)
                    return
                compilation = await asyncio.to_thread(self.server.compile, scope, documents)
                self.latest[scope.key] = compilation
                self.server.publish(compilation, documents)
            except Exception:
                self.server.log_failure(f"checking {scope.key}")


# The server -------------------------------------------------------------------------------------


class PolicyServer(LanguageServer):
    """The pygls server with the state of one editing session: parsed files and the latest checks."""

    def __init__(self) -> None:
        super().__init__(
            SERVER_NAME, SERVER_VERSION, text_document_sync_kind=lsp.TextDocumentSyncKind.Full
        )
        self.modules = ModuleCache()
        self.checks = Checks(self)
        self.shut_down = False
        self._explained: dict[str, tuple[Compilation, Explainer]] = {}

    # documents and trees

    def open_documents(self, scope: Scope | None = None) -> list[OpenDocument]:
        """Snapshots of the open documents (of one scope, when given)."""
        found = []
        for document in list(self.workspace.text_documents.values()):
            if scope is None or scope_for(document.uri).key == scope.key:
                found.append(snapshot(document))
        return found

    def document(self, uri: str) -> OpenDocument:
        return snapshot(self.workspace.get_text_document(uri))

    def uri_of(self, name: str) -> str:
        for document in self.workspace.text_documents.values():
            if document_name(document.uri) == name:
                return document.uri
        return Path(name).as_uri() if Path(name).is_absolute() else name

    def text_of(self, name: str) -> str:
        for document in self.open_documents():
            if document.name == name:
                return document.text
        return self.modules.from_disk(name).text

    def tree(self, scope: Scope, documents: list[OpenDocument] | None = None) -> list[Parsed]:
        """Every rule file of the scope, parsed: open documents from their text, others from disk."""
        documents = self.open_documents(scope) if documents is None else documents
        texts = {d.name: d.text for d in documents}
        names = set(texts) | (set(rule_files(scope.root)) if scope.root else set())
        return [
            self.modules.from_text(n, texts[n]) if n in texts else self.modules.from_disk(n)
            for n in sorted(names)
        ]

    def compile(self, scope: Scope, documents: list[OpenDocument]) -> Compilation:
        return compile_parsed(self.tree(scope, documents))

    def declarations(self, scope: Scope, name: str) -> list[nodes.Declaration]:
        return [
            d
            for parsed in self.tree(scope)
            for d in parsed.module.declarations
            if d.id.name == name
        ]

    # diagnostics

    def publish(self, compilation: Compilation, documents: list[OpenDocument]) -> None:
        """Publish the diagnostics of every open document of a checked tree (none clears them)."""
        by_file, placeless = diagnostics_by_file(compilation)
        where = Positions(self, {d.name: d.text for d in documents})
        still_open = {d.uri for d in self.open_documents()}
        for document in documents:
            if document.uri not in still_open:
                continue
            found = by_file.get(same_file(document.name), []) + placeless
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=document.uri,
                    version=document.version,
                    diagnostics=[lsp_diagnostic(d, where, document.name) for d in found],
                )
            )

    def clear(self, uri: str) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    # hover texts

    def explainer(self, scope: Scope, compilation: Compilation) -> Explainer:
        cached = self._explained.get(scope.key)
        if cached is None or cached[0] is not compilation:
            cached = (compilation, Explainer(compilation, self.log_failure))
            self._explained[scope.key] = cached
        return cached[1]

    # failures

    def log_failure(self, what: str) -> None:
        """Tell the client about a bug in the server; the request it happened in answers empty."""
        message = f"beleid lsp: {what} failed (a bug in the server)\n{traceback.format_exc()}"
        try:
            self.window_log_message(
                lsp.LogMessageParams(type=lsp.MessageType.Error, message=message)
            )
        except Exception:
            print(message, file=sys.stderr)


def snapshot(document: TextDocument) -> OpenDocument:
    return OpenDocument(
        document_name(document.uri), document.uri, document.version, document.source
    )


def cursor_at(server: PolicyServer, uri: str, position: lsp.Position) -> Cursor:
    document = server.document(uri)
    lines = split_lines(document.text)
    line = min(position.line, max(len(lines) - 1, 0))
    at = server.workspace.position_codec.position_from_client_units(
        lines, lsp.Position(line=line, character=position.character)
    )
    return Cursor(document, lines, line, at.character)


# Hover texts ------------------------------------------------------------------------------------


@functools.cache
def _report_environment():
    return environment()


def markdown_text(text: str) -> str:
    """Text safe inside Markdown: characters that would start markup are escaped."""
    for char in "\\`*_[]|<>#":
        text = text.replace(char, "\\" + char)
    return text


class Explainer:
    """Hover texts for one compilation: the report's sentences (Dutch, then English) and quotes."""

    def __init__(self, compilation: Compilation, log_failure: Callable[[str], None]) -> None:
        self.handbook = handbook_data.build(compilation.policy)
        self._sentences: dict[str, Sentences] = {}
        self._log_failure = log_failure

    def sentence(self, entry: handbook_data.Entry, language: str) -> str | None:
        """The report's sentence, or None (logged) when the templates fail on this declaration."""
        try:
            if language not in self._sentences:
                self._sentences[language] = Sentences(
                    _report_environment(), language, self.handbook
                )
            return self._sentences[language].of(entry)
        except Exception:
            self._log_failure(f"the {language} sentence of `{entry.id}`")
            return None

    def markdown(self, declaration: nodes.Declaration) -> str:
        entry = self.handbook.entries.get(declaration.id.name)
        same = (
            entry is not None
            and entry.declaration.span.path == declaration.span.path
            and entry.declaration.span.start == declaration.span.start
        )
        parts = [declaration_heading(declaration)]
        if same:
            dutch, english = self.sentence(entry, "nl"), self.sentence(entry, "en")
            if dutch is not None:
                parts.append(markdown_text(dutch))
            if english is not None:
                parts.append("_" + markdown_text(english) + "_")
            summary = entry.fields.get("samenvatting")
            if isinstance(summary, str):
                parts.append(f"Samenvatting (met de hand geschreven): {markdown_text(summary)}")
        quotes = entry.quotes if same else quotes_of(declaration)
        parts.extend(quote_markdown(q, self.handbook.title(q.document)) for q in quotes)
        return "\n\n".join(parts)


def declaration_heading(declaration: nodes.Declaration) -> str:
    title = f" · {markdown_text(declaration.title)}" if declaration.title else ""
    return f"**{declaration.kind}** `{declaration.id.name}`{title}"


def quotes_of(declaration: nodes.Declaration) -> tuple[handbook_data.Quote, ...]:
    """The citations of a declaration as the handbook collects them."""
    return tuple(
        handbook_data.Quote(c.document.name, c.first_line, c.last_line, c.quote)
        for c in (f.value for f in declaration.all("bron"))
    )


def quote_markdown(quote: handbook_data.Quote, document_title: str) -> str:
    lines = (
        f"regel {quote.first_line}"
        if quote.first_line == quote.last_line
        else f"regels {quote.first_line}-{quote.last_line}"
    )
    quoted = "\n".join(f"> {markdown_text(line)}" for line in quote.text.split("\n"))
    return f"{quoted}\n>\n> — {markdown_text(document_title)} (`{quote.document}`), {lines}"


def unit_markdown(name: str) -> str:
    unit = UNITS[name]
    others = ", ".join(
        f"`{u.name}`" for u in UNITS.values() if u.dimension == unit.dimension and u.name != name
    )
    text = f"**{name}**: unit of {unit.dimension}"
    return text + (f"; converts exactly to {others}" if others else "")


def units_in(value: object) -> Iterator[nodes.Unit]:
    """Every unit written in a syntax node, walked without recursion (conditions nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, nodes.Unit):
            yield item
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in fields(item) if f.name != "span")


def unit_at(module: nodes.Module, offset: int) -> nodes.Unit | None:
    for declaration in module.declarations:
        if declaration.span.start <= offset <= declaration.span.end:
            for unit in units_in(declaration.fields):
                if unit.text in UNITS and unit.span.start <= offset <= unit.span.end:
                    return unit
    return None


# Completion -------------------------------------------------------------------------------------


def enclosing_kind(module: nodes.Module, text: str, offset: int) -> str | None:
    """The kind of the declaration the offset is in ('' when unknown), or None at the top level.

    Sound declarations answer from their spans; in text that does not parse (as while typing) the
    braces before the offset are counted, skipping text in quotes and comments.
    """
    for declaration in module.declarations:
        if declaration.span.start < offset < declaration.span.end:
            return declaration.kind
    opened: list[int] = []
    in_text = in_comment = False
    for index, char in enumerate(text[:offset]):
        if in_comment:
            in_comment = char != "\n"
        elif in_text:
            in_text = char != '"'
        elif char == '"':
            in_text = True
        elif char == "#":
            in_comment = True
        elif char == "{":
            opened.append(index)
        elif char == "}" and opened:
            opened.pop()
    if not opened:
        return None
    header = text[text.rfind("\n", 0, opened[-1]) + 1 : opened[-1]].split()
    return header[0] if header and header[0] in nodes.KINDS else ""


def fields_of_kind(kind: str) -> dict[str, bool]:
    """The field keywords a kind allows, each with whether it is required."""
    if kind not in schema.FIELDS:
        return dict.fromkeys(sorted(_ALL_FIELDS), False)
    required, optional = schema.FIELDS[kind]
    allowed = {name: False for name in sorted(optional | schema.COMMON)}
    allowed.update(dict.fromkeys(required, True))
    return dict(sorted(allowed.items()))


def keyword_items(kind: str, rank: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Keyword,
            detail=f"{'required' if required else 'optional'} field of {kind or 'a declaration'}",
            sort_text=f"{rank}{name}",
        )
        for name, required in fields_of_kind(kind).items()
    ]


def kind_items() -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=kind,
            kind=lsp.CompletionItemKind.Keyword,
            detail="declaration kind",
            sort_text=f"0{index:02}",
        )
        for index, kind in enumerate(nodes.KINDS)
    ]


def id_items(
    declarations: Iterable[nodes.Declaration], wanted: tuple[str, ...]
) -> list[lsp.CompletionItem]:
    items, seen = [], set()
    for d in declarations:
        if d.id.name in seen:
            continue
        seen.add(d.id.name)
        rank = "1" if d.kind in wanted else "3"
        items.append(
            lsp.CompletionItem(
                label=d.id.name,
                kind=lsp.CompletionItemKind.Reference,
                detail=f"{d.kind}: {d.title}" if d.title else d.kind,
                sort_text=f"{rank}{d.id.name}",
            )
        )
    return items


def unit_items(rank: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=name,
            kind=lsp.CompletionItemKind.Unit,
            detail=unit.dimension,
            sort_text=f"{rank}{name}",
        )
        for name, unit in UNITS.items()
    ]


def word_items(words: Iterable[str], detail: str) -> list[lsp.CompletionItem]:
    return [
        lsp.CompletionItem(
            label=word, kind=lsp.CompletionItemKind.EnumMember, detail=detail, sort_text=f"0{word}"
        )
        for word in words
    ]


def completion_items(server: PolicyServer, cursor: Cursor) -> list[lsp.CompletionItem]:
    line = cursor.lines[cursor.line][: cursor.column]
    typed = re.search(r"[A-Za-z0-9_]*$", line).group()
    before = line[: len(line) - len(typed)].split()
    parsed = server.modules.from_text(cursor.document.name, cursor.document.text)
    kind = enclosing_kind(parsed.module, parsed.text, cursor.offset)
    if kind is None:
        return kind_items() if not before else []
    keyword = before[0] if before else None
    vocabulary = schema.vocabulary(kind, keyword) if keyword else None
    wanted = FIELD_REFERENCES.get(keyword, ((),))[0] if keyword else ()
    if keyword == "bron":
        wanted = ("document",)
    declarations = [
        d for p in server.tree(scope_for(cursor.document.uri)) for d in p.module.declarations
    ]
    return (
        word_items(vocabulary or (), f"{keyword} of {kind}")
        + keyword_items(kind, "0" if keyword is None else "4")
        + id_items(declarations, wanted)
        + unit_items("0" if keyword == "eenheid" else "2")
    )


# Outline ----------------------------------------------------------------------------------------


def document_symbols(
    declarations: Iterable[nodes.Declaration], where: Positions
) -> list[lsp.DocumentSymbol]:
    return [
        lsp.DocumentSymbol(
            name=d.id.name,
            detail=d.title,
            kind=_SYMBOL_KINDS.get(d.kind, lsp.SymbolKind.Object),
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


# Formatting -------------------------------------------------------------------------------------


def whole_document(text: str, server: PolicyServer) -> lsp.Range:
    lines = split_lines(text)
    end = server.workspace.position_codec.position_to_client_units(
        lines, lsp.Position(line=len(lines) - 1, character=len(lines[-1]))
    )
    return lsp.Range(start=lsp.Position(line=0, character=0), end=end)


# Handlers -------------------------------------------------------------------------------------


def guarded(empty: object = None) -> Callable:
    """Run a handler so that a bug in it is logged and the request answers `empty` instead."""

    def decorate(handler: Callable) -> Callable:
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(ls: PolicyServer, params=None):
                try:
                    return await handler(ls, params)
                except Exception:
                    ls.log_failure(handler.__name__)
                    return empty

            return run_async

        @functools.wraps(handler)
        def run(ls: PolicyServer, params=None):
            try:
                return handler(ls, params)
            except Exception:
                ls.log_failure(handler.__name__)
                return empty

        return run

    return decorate


@guarded()
def did_open(ls: PolicyServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri), delay=0)


@guarded()
def did_change(ls: PolicyServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri))


@guarded()
def did_save(ls: PolicyServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri))


@guarded()
def did_close(ls: PolicyServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.modules.forget_text(document_name(uri))
    ls.clear(uri)
    ls.checks.schedule(scope_for(uri))


@guarded()
def did_change_watched_files(ls: PolicyServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    for scope in {scope_for(d.uri) for d in ls.open_documents()}:
        ls.checks.schedule(scope)


@guarded()
def shutdown(ls: PolicyServer, params: None = None) -> None:
    ls.shut_down = True


@guarded()
async def hover(ls: PolicyServer, params: lsp.HoverParams) -> lsp.Hover | None:
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    parsed = ls.modules.from_text(cursor.document.name, cursor.document.text)
    where = Positions(ls, {cursor.document.name: parsed.text})
    unit = unit_at(parsed.module, cursor.offset)
    if unit is not None:
        return markdown_hover(unit_markdown(unit.text), where.range(unit.span))
    found = cursor.word()
    if found is None:
        return None
    word, start, end = found
    word_range = lsp.Range(
        start=where.position(cursor.document.name, cursor.line + 1, start + 1),
        end=where.position(cursor.document.name, cursor.line + 1, end + 1),
    )
    scope = scope_for(cursor.document.uri)
    declarations = ls.declarations(scope, word) if _ID.fullmatch(word) else []
    if not declarations:
        return markdown_hover(unit_markdown(word), word_range) if word in UNITS else None
    compilation = await ls.checks.settled(scope)
    if compilation is None:
        return markdown_hover(declaration_heading(declarations[0]), word_range)
    return markdown_hover(ls.explainer(scope, compilation).markdown(declarations[0]), word_range)


def markdown_hover(text: str, where: lsp.Range) -> lsp.Hover:
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=where
    )


def _identifier_at(ls: PolicyServer, params) -> tuple[Cursor, str | None, Positions]:
    """The cursor of a position request, the id under it (if any) and positions in its text."""
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    return cursor, cursor.identifier(), Positions(ls, {cursor.document.name: cursor.document.text})


@guarded()
def definition(ls: PolicyServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    cursor, name, where = _identifier_at(ls, params)
    if name is None:
        return None
    found = [
        where.location(d.id.span) for d in ls.declarations(scope_for(cursor.document.uri), name)
    ]
    return found or None


@guarded()
def references(ls: PolicyServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
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


@guarded()
def completion(ls: PolicyServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    cursor = cursor_at(ls, params.text_document.uri, params.position)
    return lsp.CompletionList(is_incomplete=False, items=completion_items(ls, cursor))


@guarded()
def symbols(ls: PolicyServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    document = ls.document(params.text_document.uri)
    parsed = ls.modules.from_text(document.name, document.text)
    return document_symbols(parsed.module.declarations, Positions(ls, {document.name: parsed.text}))


@guarded(empty=[])
def formatting(ls: PolicyServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
    document = ls.document(params.text_document.uri)
    try:
        formatted = format_text(document.text, document.name)
    except FormatError:
        return []  # the diagnostics already show the syntax error
    if formatted == document.text:
        return []
    return [lsp.TextEdit(range=whole_document(document.text, ls), new_text=formatted)]


_FEATURES: tuple[tuple[str, Callable, object], ...] = (
    (lsp.TEXT_DOCUMENT_DID_OPEN, did_open, None),
    (lsp.TEXT_DOCUMENT_DID_CHANGE, did_change, None),
    (lsp.TEXT_DOCUMENT_DID_SAVE, did_save, None),
    (lsp.TEXT_DOCUMENT_DID_CLOSE, did_close, None),
    (lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, did_change_watched_files, None),
    (lsp.SHUTDOWN, shutdown, None),
    (lsp.TEXT_DOCUMENT_HOVER, hover, None),
    (lsp.TEXT_DOCUMENT_DEFINITION, definition, None),
    (lsp.TEXT_DOCUMENT_REFERENCES, references, None),
    (lsp.TEXT_DOCUMENT_COMPLETION, completion, lsp.CompletionOptions()),
    (lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, symbols, None),
    (lsp.TEXT_DOCUMENT_FORMATTING, formatting, None),
)


def build_server() -> PolicyServer:
    """A server with every feature registered, not yet started."""
    server = PolicyServer()
    for method, handler, options in _FEATURES:
        server.feature(method, options)(handler)
    return server


def serve() -> int:
    """Run the language server on stdin and stdout until the client exits; the exit code.

    As the protocol asks: 0 when the client asked for a shutdown before exiting, 1 otherwise.
    """
    server = build_server()
    server.start_io()
    return 0 if server.shut_down else 1


if __name__ == "__main__":
    sys.exit(serve())
