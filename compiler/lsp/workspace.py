"""What an editing session works on: snapshots of the open documents, rule files parsed from their
unsaved text or from disk (cached by content), the policy tree a document is
checked in (`compiler.check.layout.policy_root`; a file outside any tree is checked on its own),
the check of a tree in a worker thread after a pause in typing, and where a request points.
"""

from __future__ import annotations

import asyncio
import gc
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.workspace import TextDocument

from compiler.check.layout import policy_root
from compiler.check.memo import CheckMemo, module_key
from compiler.check.pipeline import Compilation, compile_modules, discover
from compiler.lsp.convert import document_name, offset_of, split_lines, uri_to_path
from dsl import nodes
from dsl.diagnostics import Diagnostics
from dsl.parser import decode_source, parse_text, read_rule_bytes

if TYPE_CHECKING:
    from compiler.lsp.server import PolicyServer

CHECK_DELAY_SECONDS = 0.2  # the pause in typing after which the policy tree is checked again
ID_PATTERN = re.compile(r"[a-z_][a-z0-9_]*")  # what a declaration id looks like


@dataclass(frozen=True)
class Scope:
    """What a document is checked with: the policy tree at `root`, or itself alone (`root` None)."""

    key: str
    root: Path | None


def scope_for(uri: str) -> Scope:
    """The scope a document is checked in: its policy tree, or the document alone."""
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


def snapshot(document: TextDocument) -> OpenDocument:
    """An open document as it is now, safe to read in the worker thread."""
    return OpenDocument(
        document_name(document.uri), document.uri, document.version, document.source
    )


@dataclass(frozen=True)
class Parsed:
    """One parsed rule file with the diagnostics of reading and parsing it, its text, and the key
    of its content (`compiler.check.memo.module_key` of its name and text).
    """

    module: nodes.Module
    diagnostics: Diagnostics
    text: str
    key: str


class ModuleCache:
    """Parsed rule files: files on disk by their bytes (read again at every call), open documents
    by their text.
    """

    def __init__(self) -> None:
        self._disk: dict[str, tuple[bytes, Parsed]] = {}
        self._texts: dict[str, Parsed] = {}

    def from_disk(self, name: str) -> Parsed:
        diagnostics = Diagnostics()
        data = read_rule_bytes(Path(name), name, diagnostics)
        cached = self._disk.get(name)
        if data is not None and cached is not None and cached[0] == data:
            return cached[1]
        source = decode_source(data, name, diagnostics) if data is not None else None
        module = parse_text(source, diagnostics) if source else nodes.Module(name, ())
        text = source.text if source else ""
        parsed = Parsed(module, diagnostics, text, module_key(name, text))
        if data is not None:
            self._disk[name] = (data, parsed)
        return parsed

    def from_text(self, name: str, text: str) -> Parsed:
        """An open document's text, decoded as a file on disk is (NUL bytes, a byte order mark)."""
        cached = self._texts.get(name)
        if cached is not None and cached.text == text:
            return cached
        diagnostics = Diagnostics()
        source = decode_source(text.encode("utf-8", "surrogatepass"), name, diagnostics)
        module = parse_text(source, diagnostics) if source else nodes.Module(name, ())
        parsed = Parsed(module, diagnostics, text, module_key(name, text))
        self._texts[name] = parsed
        return parsed

    def forget_text(self, name: str) -> None:
        self._texts.pop(name, None)


def rule_files(root: Path) -> list[str]:
    """Every rule file under a policy tree's root, as resolved paths, found as `beleid check` finds
    them (links followed only inside the repository).
    """
    return [str(p.resolve()) for p in discover([str(root)], Diagnostics())]


def compile_parsed(parsed: list[Parsed], memo: CheckMemo | None = None) -> Compilation:
    """Compile parsed files as one policy, with their reading and parsing diagnostics; with a
    memo, the per-file passes of files unchanged since its last check are not run again.
    """
    diagnostics = Diagnostics()
    for item in parsed:
        diagnostics.extend(item.diagnostics)
    modules, names = [p.module for p in parsed], [p.module.path for p in parsed]
    if memo is None:
        return compile_modules(modules, diagnostics, names)
    return memo.compile(modules, [p.key for p in parsed], diagnostics, names)


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
                    self.server.memos.pop(scope.key, None)
                    return
                compilation = await asyncio.to_thread(self.server.compile, scope, documents)
                first = scope.key not in self.latest
                self.latest[scope.key] = compilation
                self.server.publish(compilation, documents)
                if first:
                    settle_long_lived()
            except Exception:
                self.server.log_failure(f"checking {scope.key}")


def settle_long_lived() -> None:
    """After a tree's first check: what is alive now (the parsed tree, the memo, the code) lives as
    long as the session, so it is moved out of the cyclic collector's sight (`gc.freeze`), which
    would otherwise scan it again at every full collection, in the middle of a check. Reference
    counting still frees what is dropped later; only a cycle alive now (the first compilation's
    graph) is never collected, once per tree.
    """
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class Cursor:
    """Where a request points in an open document: the text, the line, and the column in
    characters.
    """

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
        return found[0] if found and ID_PATTERN.fullmatch(found[0]) else None


def cursor_at(server: PolicyServer, uri: str, position: lsp.Position) -> Cursor:
    document = server.document(uri)
    lines = split_lines(document.text)
    line = min(position.line, max(len(lines) - 1, 0))
    at = server.workspace.position_codec.position_from_client_units(
        lines, lsp.Position(line=line, character=position.character)
    )
    return Cursor(document, lines, line, at.character)
