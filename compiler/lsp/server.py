"""The language server for rule files (`beleid lsp`, `python -m compiler.lsp.server`): the pygls
server with the state of one editing session, the document-sync notifications, and every request
handler registered and guarded; diagnostics as you type, hover (also on keywords), go to
definition, find references, completion, the outline, formatting, quick fixes, rename and
workspace symbols, over stdio.

An open document is checked in the context of its policy tree (workspace.py): every rule file under
the tree's root is parsed, open documents from their unsaved text and the others from disk, and the
modules are compiled with `compiler.check.pipeline.compile_modules`, so the editor shows the
diagnostics `beleid check` prints; a memo per tree (`compiler.check.memo`) keeps the results of the
per-file passes, so after an edit only the changed file runs them again. A check runs in a worker
thread after a short pause in typing; hover waits for the latest one. Definitions, references,
completion and the outline read freshly parsed modules, so they follow the text at once, and
because the parser keeps every sound declaration of a broken file they keep working while a file
has syntax errors. The handlers live in hover.py, navigation.py, completion.py, formatting.py,
codeactions.py, rename.py and symbols.py; positions and diagnostics are translated in convert.py.

Every handler is guarded: a bug inside one is logged to the client (`window/logMessage`) and the
request answers with an empty result, so one bad document never stops the server. A refusal
(a rename to a name that is taken) is an error response with a message, not a bug. A request whose
parameters do not fit the protocol is answered with an error, and the input finds its next frame
after one without `Content-Length` (protocol.py).
"""

from __future__ import annotations

import functools
import inspect
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from compiler.check.memo import CheckMemo
from compiler.check.pipeline import Compilation
from compiler.lsp.codeactions import code_actions
from compiler.lsp.completion import completion
from compiler.lsp.convert import (
    SERVER_NAME,
    Positions,
    diagnostics_by_file,
    document_name,
    lsp_diagnostic,
    same_file,
)
from compiler.lsp.formatting import formatting
from compiler.lsp.hover import Explainer, hover
from compiler.lsp.navigation import definition, references, symbols
from compiler.lsp.protocol import FramedInput, PolicyProtocol
from compiler.lsp.rename import prepare_rename, rename
from compiler.lsp.symbols import workspace_symbols
from compiler.lsp.workspace import (
    Checks,
    ModuleCache,
    OpenDocument,
    Parsed,
    Scope,
    compile_parsed,
    rule_files,
    scope_for,
    snapshot,
)
from dsl import nodes

SERVER_VERSION = "0.1.0"


class PolicyServer(LanguageServer):
    """The pygls server with the state of one editing session: parsed files and the latest
    checks.
    """

    def __init__(self) -> None:
        super().__init__(
            SERVER_NAME,
            SERVER_VERSION,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=PolicyProtocol,
        )
        self.modules = ModuleCache()
        self.checks = Checks(self)
        self.memos: dict[str, CheckMemo] = {}  # per tree: the per-file results of its last check
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
        """Every rule file of the scope, parsed: open documents from their text, others from
        disk.
        """
        documents = self.open_documents(scope) if documents is None else documents
        texts = {d.name: d.text for d in documents}
        names = set(texts) | (set(rule_files(scope.root)) if scope.root else set())
        return [
            self.modules.from_text(n, texts[n]) if n in texts else self.modules.from_disk(n)
            for n in sorted(names)
        ]

    def compile(self, scope: Scope, documents: list[OpenDocument]) -> Compilation:
        """Check a tree incrementally: only the files changed since its last check run the
        per-file passes again (compiler/check/memo.py).
        """
        memo = self.memos.setdefault(scope.key, CheckMemo())
        return compile_parsed(self.tree(scope, documents), memo)

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


def guarded(empty: object = None) -> Callable:
    """Run a handler so that a bug in it is logged and the request answers `empty` instead."""

    def decorate(handler: Callable) -> Callable:
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(ls: PolicyServer, params=None):
                try:
                    return await handler(ls, params)
                except JsonRpcException:
                    raise  # a refusal the client shows, not a bug
                except Exception:
                    ls.log_failure(handler.__name__)
                    return empty

            return run_async

        @functools.wraps(handler)
        def run(ls: PolicyServer, params=None):
            try:
                return handler(ls, params)
            except JsonRpcException:
                raise  # a refusal the client shows, not a bug
            except Exception:
                ls.log_failure(handler.__name__)
                return empty

        return run

    return decorate


def did_open(ls: PolicyServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri), delay=0)


def did_change(ls: PolicyServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri))


def did_save(ls: PolicyServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.checks.schedule(scope_for(params.text_document.uri))


def did_close(ls: PolicyServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.modules.forget_text(document_name(uri))
    ls.clear(uri)
    ls.checks.schedule(scope_for(uri))


def did_change_watched_files(ls: PolicyServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    for scope in {scope_for(d.uri) for d in ls.open_documents()}:
        ls.checks.schedule(scope)


def shutdown(ls: PolicyServer, params: None = None) -> None:
    ls.shut_down = True


# (method, handler, options, the answer when the handler fails)
_FEATURES: tuple[tuple[str, Callable, object, object], ...] = (
    (lsp.TEXT_DOCUMENT_DID_OPEN, did_open, None, None),
    (lsp.TEXT_DOCUMENT_DID_CHANGE, did_change, None, None),
    (lsp.TEXT_DOCUMENT_DID_SAVE, did_save, None, None),
    (lsp.TEXT_DOCUMENT_DID_CLOSE, did_close, None, None),
    (lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, did_change_watched_files, None, None),
    (lsp.SHUTDOWN, shutdown, None, None),
    (lsp.TEXT_DOCUMENT_HOVER, hover, None, None),
    (lsp.TEXT_DOCUMENT_DEFINITION, definition, None, None),
    (lsp.TEXT_DOCUMENT_REFERENCES, references, None, None),
    (lsp.TEXT_DOCUMENT_COMPLETION, completion, lsp.CompletionOptions(), None),
    (lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL, symbols, None, None),
    (lsp.TEXT_DOCUMENT_FORMATTING, formatting, None, []),
    (
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        code_actions,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
        [],
    ),
    (lsp.TEXT_DOCUMENT_PREPARE_RENAME, prepare_rename, None, None),
    (lsp.TEXT_DOCUMENT_RENAME, rename, None, None),
    (lsp.WORKSPACE_SYMBOL, workspace_symbols, None, []),
)


def build_server() -> PolicyServer:
    """A server with every feature registered, each handler guarded, not yet started."""
    server = PolicyServer()
    for method, handler, options, empty in _FEATURES:
        server.feature(method, options)(guarded(empty)(handler))
    return server


def serve() -> int:
    """Run the language server on stdin and stdout until the client exits; the exit code.

    As the protocol asks: 0 when the client asked for a shutdown before exiting, 1 otherwise.
    """
    server = build_server()
    server.start_io(stdin=FramedInput(sys.stdin.buffer))
    return 0 if server.shut_down else 1


if __name__ == "__main__":
    sys.exit(serve())
