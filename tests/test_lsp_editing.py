"""The language server's editing help, driven over stdio like tests/test_lsp.py (same client, same
scratch tree): quick fixes for diagnostics, rename across files, workspace symbols, keyword hover
from docs/language.md, and completion filtered by what may stand at the cursor.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from compiler.check import character
from compiler.check.pipeline import compile_paths
from compiler.check.resolve import uses
from compiler.lsp import keyworddoc
from dsl import Diagnostics, SourceFile, nodes, parse_text
from tests import test_lsp
from tests.test_lsp import at, change_document, codes, diagnostics_when, open_document, position_of

client = test_lsp.client  # the fixtures: a client with the server started, a scratch policy tree
tree = test_lsp.tree

# helpers ----------------------------------------------------------------------------------------


def apply(text: str, edits) -> str:
    """A text with LSP edits applied (positions in characters: the fixtures are BMP-only)."""
    lines = text.split("\n")

    def offset(position: lsp.Position) -> int:
        return sum(len(line) + 1 for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def checked_codes(tree: Path, path: Path, text: str) -> list[str]:
    """The codes `beleid check` reports for `path` holding `text`, on a copy of the tree."""
    copy = tree.parent / "fix-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree, copy)
    (copy / path.relative_to(tree)).write_text(text, encoding="utf-8")
    return [
        d.code.id
        for d in compile_paths([str(copy)]).diagnostics.sorted()
        if d.span and Path(d.span.path) == copy / path.relative_to(tree)
    ]


async def fixes_for(client: LanguageClient, tree: Path, old: str, new: str, code: str):
    """Break `thema/extra.policy` by one edit; the text, the diagnostic `code` and its fixes."""
    path = tree / "thema" / "extra.policy"
    text = path.read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    uri = open_document(client, path, broken)
    shown = await diagnostics_when(client, uri, lambda ds: code in codes(ds))
    diagnostic = next(d for d in shown if d.code == code)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return path, text, broken, uri, diagnostic, actions


def only_edit(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    assert action.kind == lsp.CodeActionKind.QuickFix
    assert list(action.edit.changes) == [uri]
    return action.edit.changes[uri]


# code actions -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_quick_fix_applies_did_you_mean(client: LanguageClient, tree: Path):
    path, text, broken, uri, diagnostic, actions = await fixes_for(
        client, tree, "als  nh3_2035 is", "als  nh3_2036 is", "P102"
    )
    (action,) = actions
    assert action.title == "Change `nh3_2036` to `nh3_2035`" and action.is_preferred
    assert action.diagnostics[0].range == diagnostic.range
    (edit,) = only_edit(action, uri)
    assert edit.range == diagnostic.range and edit.new_text == "nh3_2035"
    assert apply(broken, [edit]) == text


@pytest.mark.asyncio
async def test_quick_fix_adds_a_bron_skeleton(client: LanguageClient, tree: Path):
    declaration = 'actor nieuw "Nieuw" {\n    soort sector\n}\n'
    path, text, broken, uri, _, actions = await fixes_for(
        client,
        tree,
        "trigger achterstand_landbouw",
        declaration + "\ntrigger achterstand_landbouw",
        "P204",
    )
    (action,) = actions
    fixed = apply(broken, only_edit(action, uri))
    # the document this file cites most, on its own line, indented as the fields are
    assert (
        'actor nieuw "Nieuw" {\n    soort sector\n    bron brief regel 1 "letterlijk citaat"\n}\n'
        in fixed
    )
    after = checked_codes(tree, path, fixed)
    assert "P204" not in after and "P001" not in after
    assert "P205" in after  # the skeleton's quote is the drafter's to fill in


@pytest.mark.asyncio
async def test_quick_fix_adds_a_bron_to_a_one_line_declaration(client: LanguageClient, tree: Path):
    path, _, broken, uri, _, actions = await fixes_for(
        client,
        tree,
        "trigger achterstand_landbouw",
        'actor kort "Kort" { soort sector }\n\ntrigger achterstand_landbouw',
        "P204",
    )
    (action,) = actions
    fixed = apply(broken, only_edit(action, uri))
    assert (
        'actor kort "Kort" { soort sector\n    bron brief regel 1 "letterlijk citaat"\n}' in fixed
    )
    assert "P204" not in checked_codes(tree, path, fixed)


@pytest.mark.asyncio
async def test_quick_fix_corrects_the_line_range_from_p206(client: LanguageClient, tree: Path):
    path, text, broken, uri, diagnostic, actions = await fixes_for(
        client,
        tree,
        'bron brief regel 15 "Bij herhaalde',
        'bron brief regels 13-14 "Bij herhaalde',
        "P206",
    )
    assert "cite `regel 15`" in diagnostic.message
    (action,) = actions
    assert action.title == "Cite `regel 15`"
    (edit,) = only_edit(action, uri)
    assert edit.new_text == "regel 15"
    assert apply(broken, [edit]) == text
    assert "P206" not in checked_codes(tree, path, apply(broken, [edit]))


@pytest.mark.asyncio
async def test_quick_fix_marks_an_unquoted_value_open(client: LanguageClient, tree: Path):
    path, text, broken, uri, diagnostic, actions = await fixes_for(
        client, tree, "waarde    ten minste 1000 ha", "waarde    ten minste 1200 ha", "P250"
    )
    (action,) = actions
    assert action.title == 'Mark the waarde pending: `open "reden"`'
    fixed = apply(broken, only_edit(action, uri))
    assert fixed == text.replace("waarde    ten minste 1000 ha", 'waarde open "reden"')
    after = checked_codes(tree, path, fixed)
    assert "P250" not in after and "P401" in after


@pytest.mark.asyncio
async def test_no_quick_fix_where_the_checker_proposes_nothing(client: LanguageClient, tree: Path):
    *_, actions = await fixes_for(
        client,
        tree,
        'regel 15 "Bij herhaalde overtreding',
        'regel 15 "Bij eerste overtreding',
        "P205",
    )
    assert len(actions) == 0


# rename -----------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_rename_changes_every_use_across_two_files(client: LanguageClient, tree: Path):
    extra, basis = tree / "thema" / "extra.policy", tree / "basis.policy"
    texts = {p: p.read_text(encoding="utf-8") for p in (extra, basis)}
    uri = open_document(client, extra)
    where = position_of(texts[extra], "nh3_bedrijf > norm_bedrijf", shift=4)

    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(**at(uri, where))
    )
    start = position_of(texts[extra], "nh3_bedrijf > norm_bedrijf")
    assert prepared.placeholder == "nh3_bedrijf"
    assert prepared.range == lsp.Range(
        start=start, end=lsp.Position(line=start.line, character=start.character + 11)
    )
    for needle in ("wettelijk", "soort   monitoring"):  # a keyword; a word, though an id too
        elsewhere = position_of(texts[extra], needle, shift=len(needle) - 2)
        assert (
            await client.text_document_prepare_rename_async(
                lsp.PrepareRenameParams(**at(uri, elsewhere))
            )
            is None
        )

    edit = await client.text_document_rename_async(
        lsp.RenameParams(**at(uri, where), new_name="nh3_per_bedrijf")
    )
    assert set(edit.changes) == {extra.as_uri(), basis.as_uri()}
    expected = 0
    for path, text in texts.items():
        module = parse_text(SourceFile(str(path), text), Diagnostics())
        expected += sum(
            (d.id.name == "nh3_bedrijf") + sum(u.ref.name == "nh3_bedrijf" for u in uses(d))
            for d in module.declarations
        )
    assert sum(len(edits) for edits in edit.changes.values()) == expected >= 5
    for path, text in texts.items():
        renamed = apply(text, edit.changes[path.as_uri()])
        assert "nh3_bedrijf" not in renamed
        path.write_text(renamed, encoding="utf-8")
    assert not compile_paths([str(tree)]).diagnostics.has_errors


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("new_name", "reason"),
    [
        ("Nieuw-Bedrijf", "is not a valid id"),
        ("nh3_landbouw", "is already declared"),
        ("achterstand", "is a reserved word"),
    ],
)
async def test_rename_refuses_a_bad_or_taken_name(
    client: LanguageClient, tree: Path, new_name: str, reason: str
):
    extra = tree / "thema" / "extra.policy"
    uri = open_document(client, extra)
    where = position_of(extra.read_text(encoding="utf-8"), "nh3_bedrijf > norm_bedrijf")
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(
            lsp.RenameParams(**at(uri, where), new_name=new_name)
        )
    assert reason in refused.value.message and new_name in refused.value.message
    assert not [m for m in client.log_messages if m.type == lsp.MessageType.Error]


# workspace symbols ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_workspace_symbols_list_every_declaration_filtered_by_the_query(
    client: LanguageClient, tree: Path
):
    extra = tree / "thema" / "extra.policy"
    open_document(client, extra)
    policy = compile_paths([str(tree)]).policy
    every = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=""))
    assert sorted(s.name for s in every) == sorted(policy.declarations)
    found = {s.name: s for s in every}
    declared = policy.declarations["nh3_bedrijf"].node.id.span
    assert found["nh3_bedrijf"].location.uri == (tree / "basis.policy").as_uri()
    assert found["nh3_bedrijf"].location.range.start == lsp.Position(
        line=declared.line - 1, character=declared.column - 1
    )
    assert found["nh3_bedrijf"].container_name == "indicator: Ammoniakemissie per bedrijf"

    some = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="NH3 bedrijf"))
    assert {s.name for s in some} == {"nh3_bedrijf"}
    by_title = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="areaal"))
    assert {s.name for s in by_title} == {"areaal_natuur", "natuur_areaal"}


# keyword hover ----------------------------------------------------------------------------------


def test_the_keyword_data_file_is_generated_from_language_md():
    """Fails when docs/language.md or the grammar changed: `python -m compiler.lsp.keyworddoc`."""
    assert keyworddoc.DATA_FILE.read_text(encoding="utf-8") == keyworddoc.current()
    meanings = json.loads(keyworddoc.current())["keywords"]
    doc = keyworddoc.LANGUAGE_DOC.read_text(encoding="utf-8")
    for keyword in ("doel", "uiterlijk", "soort", "bron", "open", "reductie", "cadans"):
        assert meanings[keyword], keyword
        for entry in meanings[keyword]:
            assert entry["section"] in doc
            first = re.search(r"`[^`]+`|\w+", entry["text"]).group()
            assert first in doc


@pytest.mark.asyncio
async def test_hover_on_a_keyword_says_what_language_md_says(client: LanguageClient, tree: Path):
    extra = tree / "thema" / "extra.policy"
    text = (
        extra.read_text(encoding="utf-8")
        .replace("# A fixture", "# waarde: a fixture")
        .replace('"een bedrijfsplan opstellen"', '"een bedrijfsplan, uiterlijk straks"')
    )
    uri = open_document(client, extra, text)
    doc = " ".join((keyworddoc.LANGUAGE_DOC).read_text(encoding="utf-8").split())

    async def hover_at(needle: str, shift: int = 1) -> str | None:
        found = await client.text_document_hover_async(
            lsp.HoverParams(**at(uri, position_of(text, needle, shift)))
        )
        return found.contents.value if found else None

    uiterlijk = await hover_at("uiterlijk open")
    assert uiterlijk.startswith("**uiterlijk** (keyword)")
    assert "`uiterlijk 2035` or `uiterlijk 2030-12-31`: the deadline" in uiterlijk  # doel's
    assert "when the measure must be in place" not in uiterlijk  # maatregel's
    assert "_docs/language.md, 'Targets: `doel`'_" in uiterlijk
    soort = await hover_at("soort   monitoring")
    assert "`wettelijke_verankering`, `monitoring`" in soort  # borging's vocabulary
    assert "`soort`: `wettelijke_verankering`" in doc
    doel = await hover_at("doel natuur_areaal")
    assert "a target (doel, streefwaarde)" in doel
    assert await hover_at("uiterlijk straks") is None  # in a quoted text
    assert await hover_at("# waarde: a fixture", shift=3) is None  # in a comment


# completion -------------------------------------------------------------------------------------


async def complete(client: LanguageClient, uri: str, text: str, needle: str, shift: int):
    return await client.text_document_completion_async(
        lsp.CompletionParams(**at(uri, position_of(text, needle, shift)))
    )


@pytest.mark.asyncio
async def test_completion_offers_only_what_may_stand_at_the_cursor(
    client: LanguageClient, tree: Path
):
    path = tree / "thema" / "extra.policy"
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path)
    policy = compile_paths([str(tree)]).policy
    indicators = {n for n, d in policy.declarations.items() if d.kind == "indicator"}

    after_indicator = await complete(client, uri, text, "indicator areaal_natuur", 10)
    assert {i.label for i in after_indicator.items} == indicators
    prefixed = await complete(client, uri, text, "indicator areaal_natuur", 13)  # `are`
    assert [i.label for i in prefixed.items] == ["areaal_natuur"]

    status = await complete(client, uri, text, "status   gestopt", 9)
    assert {i.label for i in status.items} == {
        "voorgenomen",
        "richtinggevend",
        "besloten",
        "in_uitvoering",
        "uitgevoerd",
        "gestopt",
    }
    traject = await complete(client, uri, text, "traject   lineair", 10)
    assert {i.label for i in traject.items} == {"lineair", "stapsgewijs", "geen"}

    unit = await complete(client, uri, text, "1000 kg", 5)
    labels = {i.label for i in unit.items}
    assert {"kg", "kton", "ha", "%"} <= labels and "duizend ha" not in labels
    assert all(i.kind == lsp.CompletionItemKind.Unit for i in unit.items)
    narrowed = await complete(client, uri, text, "1000 kg", 6)  # `k`
    assert {i.label for i in narrowed.items} == {"kg", "km", "km2", "kton", "kton CO2-eq"}

    karakter = await complete(client, uri, text, "karakter indicatief", 9)
    assert {i.label for i in karakter.items} == set(character.WORDS)

    line_start = await complete(client, uri, text, "    karakter indicatief\n", 4)
    fields = {i.label for i in line_start.items}
    assert {"indicator", "waarde", "uiterlijk", "bron", "tussendoel"} <= fields
    assert all(i.kind == lsp.CompletionItemKind.Keyword for i in line_start.items)
    assert "eenheid" not in fields and "stap" not in fields and "nh3_2035" not in fields

    top = await complete(client, uri, text, "trigger achterstand_landbouw", 0)
    assert {i.label for i in top.items} == set(nodes.KINDS)
    in_text = await complete(client, uri, text, '"een bedrijfsplan opstellen"', 5)
    assert len(in_text.items) == 0


@pytest.mark.asyncio
async def test_completion_is_capped_and_marked_incomplete(client: LanguageClient, tree: Path):
    path = tree / "thema" / "veel.policy"
    many = "".join(
        f'actor actor_{n:03} "Actor {n}" {{\n    soort sector\n'
        f'    bron brief regel 4 "De landbouw"\n}}\n\n'
        for n in range(120)
    )
    typing = many + 'maatregel m "M" {\n    eigenaar \n}\n'
    uri = open_document(client, path, typing)
    lines = typing.split("\n")
    where = lsp.Position(line=len(lines) - 3, character=len("    eigenaar "))
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, where)))
    assert result.is_incomplete and len(result.items) == 50
    assert all(
        i.label.startswith("actor_") or i.label in {"kabinet", "landbouw"} for i in result.items
    )
    change_document(client, uri, typing.replace("eigenaar \n", "eigenaar actor_11\n"), version=2)
    where = lsp.Position(line=len(lines) - 3, character=len("    eigenaar actor_11"))
    result = await client.text_document_completion_async(lsp.CompletionParams(**at(uri, where)))
    assert not result.is_incomplete
    assert {i.label for i in result.items} == {f"actor_{n}" for n in range(110, 120)}
