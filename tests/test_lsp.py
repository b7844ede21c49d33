"""The language server (compiler/lsp/), driven by a real LSP client over stdio (pytest-lsp).

Every test starts the server as a subprocess (`python -m compiler.lsp.server`) on a scratch policy
tree: a copy of tests/fixtures/base (the root, with `sources/`) plus
tests/fixtures/valid/complete.policy as `thema/extra.policy`. Expected values are computed here with
the compiler itself, so the tests check that the server shows what `beleid check` and the report
would show.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from compiler.check.pipeline import compile_paths, compile_text
from compiler.report import handbook
from compiler.report.sentences import Sentences, environment
from compiler.workflow.fmt import format_text
from dsl import Diagnostics, SourceFile, parse_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SERVER = [sys.executable, "-m", "compiler.lsp.server"]
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}
TIMEOUT = 20.0


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A policy tree: the base fixture as root and the complete fixture in a theme folder."""
    root = (tmp_path / "beleid").resolve()
    shutil.copytree(FIXTURES / "base", root)
    (root / "thema").mkdir()
    shutil.copy(FIXTURES / "valid" / "complete.policy", root / "thema" / "extra.policy")
    return root


# helpers ----------------------------------------------------------------------------------------


def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="policy", version=version, text=text
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_when(client: LanguageClient, uri: str, predicate) -> list[lsp.Diagnostic]:
    """The published diagnostics of `uri`, once they satisfy `predicate`."""

    async def ready() -> list[lsp.Diagnostic]:
        while uri not in client.diagnostics or not predicate(client.diagnostics[uri]):
            await asyncio.sleep(0.05)
        return list(client.diagnostics[uri])

    try:
        return await asyncio.wait_for(ready(), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"diagnostics of {uri}: {client.diagnostics.get(uri)}") from None


def empty(answer) -> bool:
    """An empty array in an answer (the client reads arrays as tuples), not a null."""
    return isinstance(answer, (list, tuple)) and len(answer) == 0


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def position_of(text: str, needle: str, shift: int = 0) -> lsp.Position:
    """The position of the first `needle` in `text` (plus `shift` characters)."""
    offset = text.index(needle) + shift
    line = text.count("\n", 0, offset)
    return lsp.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


def at(uri: str, position: lsp.Position) -> dict:
    return {"text_document": lsp.TextDocumentIdentifier(uri=uri), "position": position}


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def expected_diagnostics(tree: Path, path: Path, text: str) -> list[tuple]:
    """What `beleid check` reports for `path` when it holds `text`, on a copy of the tree."""
    copy = tree.parent / "check-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree, copy)
    (copy / path.relative_to(tree)).write_text(text, encoding="utf-8")
    found = compile_paths([str(copy)]).diagnostics.sorted()
    return [
        (
            d.code.id,
            d.span.line - 1,
            d.span.column - 1,
            d.span.end_line - 1,
            d.span.end_column - 1,
            d.message,
            d.hint,
            d.severity.value,
        )
        for d in found
        if Path(d.span.path) == copy / path.relative_to(tree)
    ]


_SEVERITY_NAMES = {
    lsp.DiagnosticSeverity.Error: "error",
    lsp.DiagnosticSeverity.Warning: "warning",
    lsp.DiagnosticSeverity.Information: "info",
}


def as_tuples(diagnostics) -> list[tuple]:
    out = []
    for d in diagnostics:
        message, _, hint = d.message.partition("\nhint: ")
        r = d.range
        out.append(
            (
                d.code,
                r.start.line,
                r.start.character,
                r.end.line,
                r.end.character,
                message,
                hint or None,
                _SEVERITY_NAMES[d.severity],
            )
        )
    return out


# diagnostics ------------------------------------------------------------------------------------


BROKEN_EDIT = [
    ("als  nh3_2035 is achter_op_schema", "als  nh3_2036 is achter_op_schema"),  # P102 with a hint
    (
        'besluit extra_maatregelen "Extra maatregelen" {',
        'besluit kabinet "Extra maatregelen" {',
    ),  # P101
    ("wie          kabinet\n", "wie          kabinet kabinet\n"),  # P001, a syntax error
]


@pytest.mark.asyncio
async def test_diagnostics_match_check_and_clear_after_the_fix(client: LanguageClient, tree: Path):
    path = tree / "thema" / "extra.policy"
    good = path.read_text(encoding="utf-8")
    broken = good
    for old, new in BROKEN_EDIT:
        broken = broken.replace(old, new, 1)
    expected_good = expected_diagnostics(tree, path, good)
    expected_broken = expected_diagnostics(tree, path, broken)
    assert {"P102", "P101", "P001"} <= {e[0] for e in expected_broken}

    uri = open_document(client, path)
    shown = await diagnostics_when(client, uri, lambda ds: True)
    assert as_tuples(shown) == expected_good
    assert {d.source for d in shown} == {"beleid"}

    change_document(client, uri, broken, version=2)
    shown = await diagnostics_when(client, uri, lambda ds: "P102" in codes(ds))
    assert as_tuples(shown) == expected_broken
    duplicate = next(d for d in shown if d.code == "P101")
    (related,) = duplicate.related_information
    basis = (tree / "basis.policy").read_text(encoding="utf-8")
    assert related.location.uri == (tree / "basis.policy").as_uri()
    assert related.location.range.start == position_of(basis, 'kabinet "Het kabinet"')
    assert related.message == "`kabinet` is first declared here"
    unknown = next(d for d in shown if d.code == "P102")
    assert unknown.severity == lsp.DiagnosticSeverity.Error
    assert unknown.message == "unknown doel `nh3_2036`\nhint: did you mean `nh3_2035`?"
    assert path.read_text(encoding="utf-8") == good  # the unsaved text was checked, not the file

    change_document(client, uri, good, version=3)
    shown = await diagnostics_when(client, uri, lambda ds: "P102" not in codes(ds))
    assert as_tuples(shown) == expected_good


@pytest.mark.asyncio
async def test_open_documents_are_checked_together_from_their_unsaved_text(
    client: LanguageClient, tree: Path
):
    declares = tree / "thema" / "nieuw.policy"  # not on disk at all
    declaring = (
        'indicator nieuw "Nieuw" {\n    eenheid ha\n    niveau  nationaal\n'
        '    bron brief regel 14 "Het areaal natuur groeit"\n}\n'
    )
    user = tree / "basis.policy"
    using = user.read_text(encoding="utf-8").replace(
        "indicator nh3_landbouw\n", "indicator nieuw\n", 1
    )
    assert "indicator nieuw\n" in using

    declaring_uri = open_document(client, declares, declaring)
    user_uri = open_document(client, user, using)
    await diagnostics_when(client, declaring_uri, lambda ds: len(ds) == 0)
    await diagnostics_when(client, user_uri, lambda ds: len(ds) == 0)

    change_document(client, declaring_uri, declaring.replace("nieuw", "anders"), version=2)
    shown = await diagnostics_when(client, user_uri, lambda ds: "P102" in codes(ds))
    assert any(d.message.startswith("unknown indicator `nieuw`") for d in shown)

    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=declaring_uri))
    )
    await diagnostics_when(client, declaring_uri, lambda ds: len(ds) == 0)


@pytest.mark.asyncio
async def test_a_file_outside_any_policy_tree_is_checked_on_its_own(
    client: LanguageClient, tmp_path: Path
):
    path = (tmp_path / "los" / "los.policy").resolve()
    path.parent.mkdir()
    # One line, with a character outside the Basic Multilingual Plane before the unknown `brief`:
    # LSP columns count UTF-16 code units, so the range starts one further than the parser's column.
    text = 'actor minister "Minister 🏛" { soort ministerie bron brief regel 1 "Datum" }\n'
    path.write_text(text, encoding="utf-8")
    alone = compile_text(text, str(path)).diagnostics.sorted()
    assert [d.code.id for d in alone] == ["P102"]  # `brief` is declared nowhere

    uri = open_document(client, path)
    (shown,) = await diagnostics_when(client, uri, lambda ds: len(ds) > 0)
    assert (shown.code, shown.message.split("\n")[0]) == (alone[0].code.id, alone[0].message)
    start = text.index("brief") + 1  # + 1: the emoji is two UTF-16 code units
    assert shown.range == lsp.Range(
        start=lsp.Position(line=0, character=start),
        end=lsp.Position(line=0, character=start + len("brief")),
    )


# hover ------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_hover_shows_the_generated_sentence_and_the_quotes(
    client: LanguageClient, tree: Path
):
    path = tree / "thema" / "extra.policy"
    text = path.read_text(encoding="utf-8")
    policy = compile_paths([str(tree)]).policy
    book = handbook.build(policy)
    dutch = Sentences(environment(), "nl", book).of(book.entries["nh3_2035"])
    english = Sentences(environment(), "en", book).of(book.entries["nh3_2035"])
    uri = open_document(client, path)

    reference = position_of(text, "nh3_2035 is achter_op_schema", shift=3)
    result = await client.text_document_hover_async(lsp.HoverParams(**at(uri, reference)))
    assert result.contents.kind == lsp.MarkupKind.Markdown
    shown = unescape(result.contents.value)
    assert dutch in shown and english in shown
    assert shown.index(dutch) < shown.index(english)
    assert (
        "De landbouw realiseert in 2035 een emissiereductie van 40% ten opzichte van 2019." in shown
    )
    assert "Voorbeeldbrief (`brief`), regels 4-5" in shown
    start = position_of(text, "nh3_2035 is achter_op_schema")
    assert result.range == lsp.Range(
        start=start, end=lsp.Position(line=start.line, character=start.character + 8)
    )

    basis = tree / "basis.policy"
    basis_uri = open_document(client, basis)
    declared = position_of(basis.read_text(encoding="utf-8"), 'nh3_2035 "Landbouw')
    at_declaration = await client.text_document_hover_async(
        lsp.HoverParams(**at(basis_uri, declared))
    )
    assert dutch in unescape(at_declaration.contents.value)

    unit = position_of(text, "0.5 kton", shift=5)
    result = await client.text_document_hover_async(lsp.HoverParams(**at(uri, unit)))
    assert "unit of mass" in result.contents.value and "`Mton`" in result.contents.value

    nothing = position_of(text, "# A fixture")
    assert await client.text_document_hover_async(lsp.HoverParams(**at(uri, nothing))) is None


# definition and references ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_definition_jumps_to_the_declaration_in_another_file(
    client: LanguageClient, tree: Path
):
    path = tree / "thema" / "extra.policy"
    text = path.read_text(encoding="utf-8")
    basis = (tree / "basis.policy").read_text(encoding="utf-8")
    uri = open_document(client, path)

    where = position_of(text, "nh3_bedrijf > norm_bedrijf", shift=2)
    result = await client.text_document_definition_async(lsp.DefinitionParams(**at(uri, where)))
    (location,) = result
    assert location.uri == (tree / "basis.policy").as_uri()
    start = position_of(basis, 'nh3_bedrijf "Ammoniakemissie per bedrijf"')
    assert location.range == lsp.Range(
        start=start, end=lsp.Position(line=start.line, character=start.character + 11)
    )

    local = position_of(text, "handhaving ladder", shift=len("handhaving l"))
    (location,) = await client.text_document_definition_async(
        lsp.DefinitionParams(**at(uri, local))
    )
    assert location.uri == uri and location.range.start == position_of(text, 'ladder "Handhaving"')

    keyword = position_of(text, "wettelijk")
    assert (
        await client.text_document_definition_async(lsp.DefinitionParams(**at(uri, keyword)))
        is None
    )


@pytest.mark.asyncio
async def test_references_list_every_use_across_the_tree(client: LanguageClient, tree: Path):
    policy = compile_paths([str(tree)]).policy
    texts = {p: p.read_text(encoding="utf-8") for p in tree.rglob("*.policy")}

    def written(span) -> str:
        return texts[Path(span.path)][span.start : span.end]

    expected = {
        ((Path(r.span.path)).as_uri(), r.span.line - 1, r.span.column - 1)
        for r in policy.references
        if written(r.span) == "nh3_bedrijf"
    }
    assert len(expected) >= 4
    declaration = policy.declarations["nh3_bedrijf"].node.id.span
    path = tree / "thema" / "extra.policy"
    uri = open_document(client, path)
    where = position_of(texts[path], "nh3_bedrijf > norm_bedrijf")

    def params(include: bool) -> lsp.ReferenceParams:
        return lsp.ReferenceParams(
            **at(uri, where), context=lsp.ReferenceContext(include_declaration=include)
        )

    found = await client.text_document_references_async(params(False))
    assert len(found) == len(expected)
    assert {(f.uri, f.range.start.line, f.range.start.character) for f in found} == expected
    assert all(f.range.end.character - f.range.start.character == len("nh3_bedrijf") for f in found)

    with_declaration = await client.text_document_references_async(params(True))
    assert len(with_declaration) == len(expected) + 1
    assert ((tree / "basis.policy").as_uri(), declaration.line - 1, declaration.column - 1) in {
        (f.uri, f.range.start.line, f.range.start.character) for f in with_declaration
    }


# completion ---------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_completion_offers_kinds_fields_ids_and_units(client: LanguageClient, tree: Path):
    path = tree / "thema" / "extra.policy"
    typing = (
        path.read_text(encoding="utf-8")
        + '\ndoel nieuw_doel "Nieuw" {\n    indicator nh3_landbouw\n    \n'
    )
    uri = open_document(client, path, typing)
    lines = typing.split("\n")

    body = lsp.Position(
        line=len(lines) - 2, character=4
    )  # an unclosed doel: the text does not parse
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, body)))
    items = {item.label: item for item in result.items}
    assert items["uiterlijk"].kind == lsp.CompletionItemKind.Keyword
    assert {"reductie", "waarde", "bron", "tussendoel"} <= set(items)
    assert "eenheid" not in items and "stap" not in items  # fields of other kinds
    assert "nh3_2035" not in items and "kton" not in items  # at the start of a line: fields only

    value = lsp.Position(line=len(lines) - 3, character=len("    indicator "))
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, value)))
    items = {item.label: item for item in result.items}
    assert items["nh3_landbouw"].detail == "indicator: Ammoniakemissie landbouw"
    assert items["nh3_landbouw"].kind == lsp.CompletionItemKind.Reference
    assert "nh3_2035" not in items and "bedrijfsplan" not in items  # not indicators

    top = lsp.Position(line=0, character=0)
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, top)))
    assert {"doel", "indicator", "maatregel", "trigger", "document"} <= {
        item.label for item in result.items
    }

    text = path.read_text(encoding="utf-8")
    change_document(client, uri, text, version=2)
    soort = position_of(text, "soort   monitoring", shift=len("soort   "))
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, soort)))
    first = sorted(result.items, key=lambda item: item.sort_text)[0]
    assert first.label in (
        "monitoring",
        "bevriezing",
        "financiering",
        "handhaving",
        "rapportage",
        "terugval",
        "wettelijke_verankering",
        "bestuurlijke_afspraak",
    )
    assert "betreft" not in {item.label for item in result.items}  # a field, not a soort


# outline and formatting ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_document_symbols_list_every_declaration(client: LanguageClient, tree: Path):
    path = tree / "basis.policy"
    text = path.read_text(encoding="utf-8")
    module = parse_text(SourceFile(str(path), text), Diagnostics())
    uri = open_document(client, path)

    found = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert [s.name for s in found] == [d.id.name for d in module.declarations]
    assert len(found) == 12
    doel = next(s for s in found if s.name == "nh3_2035")
    assert doel.detail == "Landbouw 40% minder NH3 in 2035" and doel.kind == lsp.SymbolKind.Constant
    header = position_of(text, 'doel nh3_2035 "')
    assert doel.range.start == header
    assert doel.selection_range.start == position_of(text, 'nh3_2035 "')
    closing = text.index("\n}\n", text.index('doel nh3_2035 "'))
    assert doel.range.end == lsp.Position(line=text.count("\n", 0, closing) + 1, character=1)
    table = next(s for s in found if s.name == "middelen")
    assert [c.name for c in table.children] == ["basis", "natuur", "mest", "veluwe"]


@pytest.mark.asyncio
async def test_formatting_returns_the_canonical_layout(client: LanguageClient, tree: Path):
    path = tree / "basis.policy"
    formatted = format_text(path.read_text(encoding="utf-8"), str(path))
    messy = formatted.replace("    eenheid kton\n", "  eenheid     kton\n").replace(
        "\n\nindicator", "\n\n\n\nindicator"
    )
    assert messy != formatted and format_text(messy, str(path)) == formatted
    uri = open_document(client, path, messy)
    options = lsp.FormattingOptions(tab_size=4, insert_spaces=True)
    request = lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), options=options
    )

    (edit,) = await client.text_document_formatting_async(request)
    assert edit.new_text == format_text(messy, str(path))
    lines = messy.split("\n")
    assert edit.range == lsp.Range(
        start=lsp.Position(line=0, character=0),
        end=lsp.Position(line=len(lines) - 1, character=len(lines[-1])),
    )

    change_document(client, uri, formatted, version=2)
    assert empty(await client.text_document_formatting_async(request))
    change_document(
        client, uri, formatted.replace("soort kabinet\n", "soort kabinet kabinet {\n", 1), version=3
    )
    assert empty(await client.text_document_formatting_async(request))


# robustness ---------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_document_with_syntax_errors_keeps_symbols_and_hover(
    client: LanguageClient, tree: Path
):
    path = tree / "thema" / "extra.policy"
    text = path.read_text(encoding="utf-8")
    broken = text.replace('stap 2 "boete" als', 'stap 2 "boete" als als', 1).replace(
        "    wettelijk\n    handhaving ladder", "    wettelijk {\n    handhaving ladder", 1
    )
    uri = open_document(client, path, broken)
    shown = await diagnostics_when(client, uri, lambda ds: "P001" in codes(ds))
    assert codes(shown).count("P001") == 2

    found = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    names = [s.name for s in found]
    assert "bedrijfsplan" not in names and "ladder" not in names  # the two broken declarations
    assert {"achterstand_landbouw", "extra_maatregelen", "monitoring", "geen_bebouwing"} <= set(
        names
    )

    sound = position_of(broken, 'extra_maatregelen "Extra')
    result = await client.text_document_hover_async(lsp.HoverParams(**at(uri, sound)))
    assert "Extra maatregelen" in unescape(result.contents.value)
    inside_broken = position_of(broken, "als als", shift=1)
    assert await client.text_document_hover_async(lsp.HoverParams(**at(uri, inside_broken))) is None
    after_number = position_of(broken, "1000 kg", shift=5)  # in the broken ladder
    result = await client.text_document_completion_async(
        lsp.CompletionParams(**at(uri, after_number))
    )
    assert "kton" in {item.label for item in result.items}
    assert not [m for m in client.log_messages if m.type == lsp.MessageType.Error]


@pytest.mark.asyncio
async def test_a_failing_request_is_logged_and_answered_empty(client: LanguageClient, tree: Path):
    missing = (tree / "nergens.policy").as_uri()  # never opened, not on disk: reading it fails
    result = await client.text_document_hover_async(
        lsp.HoverParams(**at(missing, lsp.Position(line=0, character=0)))
    )
    assert result is None
    assert empty(
        await client.text_document_formatting_async(
            lsp.DocumentFormattingParams(
                text_document=lsp.TextDocumentIdentifier(uri=missing),
                options=lsp.FormattingOptions(tab_size=4, insert_spaces=True),
            )
        )
    )
    errors = [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]
    assert len(errors) == 2 and "hover failed" in errors[0] and "Traceback" in errors[0]

    uri = open_document(client, tree / "basis.policy")
    found = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    assert len(found) == 12  # the server is still serving

    # An impossible date (P220) while typing: the sentence shows it as written, beside the quote.
    text = (
        'maatregel rare_datum "Dertiende maand" {\n    eigenaar  kabinet\n'
        "    uiterlijk 2025-13-01\n"
        '    bron brief regel 4 "De landbouw"\n}\n'
    )
    uri = open_document(client, tree / "thema" / "datum.policy", text)
    result = await client.text_document_hover_async(
        lsp.HoverParams(**at(uri, position_of(text, "rare_datum")))
    )
    shown = unescape(result.contents.value)
    assert "> De landbouw" in shown and "2025-13-01" in shown
    assert len([m for m in client.log_messages if m.type == lsp.MessageType.Error]) == 2


# the process --------------------------------------------------------------------------------------


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize(("shut_down", "exit_code"), [(True, 0), (False, 1)])
def test_serve_exits_zero_only_after_a_shutdown_request(shut_down: bool, exit_code: int):
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    ]
    if shut_down:
        messages.append({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    messages.append({"jsonrpc": "2.0", "method": "exit"})
    done = subprocess.run(
        SERVER,
        input=b"".join(map(_frame, messages)),
        env=SERVER_ENV,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == exit_code, done.stderr.decode()
    assert b'"name": "beleid"' in done.stdout or b'"name":"beleid"' in done.stdout


def test_the_cli_command_serves_and_accepts_the_stdio_flag_clients_pass():
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    done = subprocess.run(
        [sys.executable, "-m", "compiler.cli.main", "lsp", "--stdio"],
        input=b"".join(map(_frame, messages)),
        env=SERVER_ENV,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert (
        b'"documentFormattingProvider": true' in done.stdout
        or b'"documentFormattingProvider":true' in done.stdout
    )
