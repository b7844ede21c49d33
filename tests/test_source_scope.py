"""What of a source the policy must address (`hoofdstuk`, `bereik`), the reference-line rule of the
quantified-passage detector, `beleid sources --in-scope --fail-on-unaddressed`, and the form of a
document's official identity (`url`, `kamerstuk`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.check import views
from compiler.check.identity import KAMERSTUK, url_problem
from compiler.cli.main import main
from compiler.diff.compare import diff_policies
from compiler.workflow.coverage import REFERENCE_LINE, coverage
from compiler.workflow.sources import source_coverage
from dsl import codes
from tests.conftest import BASE, POLICY

# The fixture letter (tests/fixtures/base/sources/brief.txt, 19 lines, a blank third line) declared
# once more as a document nothing cites: lines 1-2 and 4-19 are its two quantified passages.
CHAPTERS = """\
document hoofdstukken "De voorbeeldbrief, in hoofdstukken" {
    datum     2025-01-01
    bestand   "../base/sources/brief.txt"
    hoofdstuk kop regels 1-3 "Kop"
    hoofdstuk romp regels 4-19 "Romp"
    bereik    hoofdstuk romp
}
"""


def tree(tmp_path: Path, *texts: str) -> list[str]:
    """A policy tree in tmp_path: the fixture base (with its sources) and the given rule files."""
    root = tmp_path / "policy"
    (root / "base").mkdir(parents=True)
    for item in BASE.iterdir():
        target = root / "base" / item.name
        if item.is_dir():
            target.mkdir()
            for f in item.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
        else:
            target.write_bytes(item.read_bytes())
    (root / "sources").mkdir()
    (root / "extra").mkdir()
    for number, text in enumerate(texts):
        (root / "extra" / f"f{number}.policy").write_text(text, encoding="utf-8")
    return [str(root)]


def unaddressed(paths: list[str], document: str, in_scope: bool = False) -> set[tuple[int, int]]:
    report = coverage(compile_paths(paths).policy, in_scope=in_scope)
    doc = next(d for d in report if d.document == document)
    return {(p.first_line, p.last_line) for p in doc.unaddressed}


def test_in_scope_counts_only_the_chapters_the_bereik_names(tmp_path):
    paths = tree(tmp_path, CHAPTERS)
    compilation = compile_paths(paths)
    assert not compilation.diagnostics.has_errors, list(compilation.diagnostics)
    view = compilation.policy.view("hoofdstukken", views.SourceDocument)
    assert view.scope == views.DocumentScope(False, (views.LineRange("hoofdstukken", 4, 19),))
    assert unaddressed(paths, "hoofdstukken") == {(1, 2), (4, 19)}
    assert unaddressed(paths, "hoofdstukken", in_scope=True) == {(4, 19)}
    in_scope = [d.document for d in coverage(compilation.policy, in_scope=True)]
    assert in_scope == ["hoofdstukken"]  # documents without a `bereik` are left out


def test_a_chapter_outside_the_text_is_p207(tmp_path):
    compilation = compile_paths(tree(tmp_path, CHAPTERS.replace("4-19", "4-90")))
    (found,) = [d for d in compilation.diagnostics if d.code is codes.LINES_OUT_OF_RANGE]
    assert "which has 19 lines" in found.message and found.span.line == 5


def test_sources_fails_on_each_unaddressed_passage_until_every_one_is_marked(tmp_path, capsys):
    paths = tree(tmp_path, CHAPTERS)
    assert main(["sources", *paths, "--in-scope", "--fail-on-unaddressed", "--summary"]) == 1
    err = capsys.readouterr().err
    assert "`hoofdstukken` lines 4-19: a quantified passage neither cited nor marked" in err
    assert "lines 1-2" not in err and "1 unaddressed quantified passages" in err
    marked = (
        'buiten_scope romp "Romp" {\n    passage hoofdstukken regels 4-19\n'
        '    reden   "Geen doel."\n}\n'
    )
    paths = tree(tmp_path / "b", CHAPTERS, marked)
    assert main(["sources", *paths, "--in-scope", "--fail-on-unaddressed", "--summary"]) == 0
    assert "unaddressed" not in capsys.readouterr().err
    # without --in-scope the lines outside the chapter still count
    assert main(["sources", *paths, "--fail-on-unaddressed", "--summary"]) == 1


@pytest.mark.parametrize(
    "line",
    [
        "1 https://www.rijksoverheid.nl/documenten/toespraken/2022/09/20/troonrede-2022 ",
        "https://a.nl/2022/x https://www.b.nl/2023",
        "www.nationaalmilieuprogramma.nl",
        "2 Kamerstukken II, 2021/22, 28 663, nr. 78 ",
        "6 Kamerstuk II, 2022/23, 32 813, nr. 1113 ",
        "18 Kamerstuk 35 334, nr. 409.",
    ],
)
def test_a_reference_line_is_recognised(line):
    assert REFERENCE_LINE.match(line)


@pytest.mark.parametrize(
    "line",
    [
        "3 Kenmerk 2025Z13820 (betreft het verzoek van het lid Grinwis in het debat van 1 juli",
        "4 Monitor Nationale Omgevingsvisie 2022 | PBL Planbureau voor de Leefomgeving",
        "In 2030 staat alles op https://www.example.nl",
        "De Kamer ontvangt in 2026 een brief (Kamerstuk 35 334, nr. 300).",
    ],
)
def test_a_line_with_more_than_a_reference_is_not_one(line):
    assert not REFERENCE_LINE.match(line)


def test_reference_lines_do_not_make_a_passage_quantified_but_still_count(tmp_path):
    root = tmp_path / "policy"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "n.txt").write_text(
        "Een zin zonder getal.\n1 https://www.example.nl/2022/09/20/rede\n"
        "2 Kamerstukken II, 2021/22, 28 663, nr. 78\n\n"
        "Een zin zonder getal.\n3 Monitor 2022 van het PBL\n",
        encoding="utf-8",
    )
    (root / "n.policy").write_text(
        'document n "N" {\n    datum   2025-01-01\n    bestand "sources/n.txt"\n}\n',
        encoding="utf-8",
    )
    (doc,) = coverage(compile_paths([str(root)]).policy)
    assert doc.lines == 5
    assert [(p.first_line, p.last_line) for p in doc.unaddressed] == [(5, 6)]


def test_the_bundled_ci_scope_is_the_four_documents_and_regeerprogramma_chapters_are_recorded():
    policy = compile_paths([str(POLICY)]).policy
    documents = {v.id: v for v in policy.views(views.SourceDocument)}
    scoped = {name for name, v in documents.items() if v.scope is not None}
    assert {"vervolgpakket", "bespreeknotitie_blg", "programmas_2022", "nmp_voortgang"} <= scoped
    chapters = {c: (r.first, r.last) for c, r, _ in documents["regeerprogramma"].chapters}
    assert chapters == {"h4": (3174, 3956), "h5": (3957, 4823)}
    text = policy.sources["regeerprogramma"].lines
    assert "Wat is het overkoepelende" in text[3174 - 1] and "Wat is het" in text[3957 - 1]
    assert text[4824 - 1].strip().startswith("De toegang tot zorg")  # chapter 6a opens


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("https://www.rijksoverheid.nl/documenten/kamerstukken/2025/09/16/vervolgpakket", None),
        ("https://zoek.officielebekendmakingen.nl/kst-35334-300.html", None),
        ("http://www.rijksoverheid.nl/x", "uses `http`, not `https`"),
        ("www.rijksoverheid.nl/x", "uses `no scheme`, not `https`"),
        ("https://rijksoverheid/x", "has no valid host name (`rijksoverheid`)"),
        ("https://www.rijksoverheid.nl:8443/x", "names a user, a password or a port"),
        ("https://www.rijksoverheid.nl:99999/x", "is not a well-formed address"),
        (" https://www.rijksoverheid.nl/x", "holds a space"),
    ],
)
def test_url_form(text, problem):
    assert url_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("35 334, nr. 300", True),
        ("36 200 XIV, nr. 5", True),
        ("Kamerstukken II 2022/23, 32 813, nr. 1113", True),
        ("35334, nr. 300", False),
        ("35 334 nr. 300", False),
        ("35 334, nr 300", False),
        ("Kamerstuk 35 334", False),
    ],
)
def test_kamerstuk_form(text, official):
    assert bool(KAMERSTUK.fullmatch(text)) is official


def test_the_source_page_shows_the_identity_and_links_the_url(tmp_path, monkeypatch):
    identity = CHAPTERS.replace(
        "    bereik    hoofdstuk romp\n",
        '    kenmerk   "ABC / 123"\n    kamerstuk "35 334, nr. 300"\n'
        '    url       "https://www.example.nl/brief"\n',
    )
    paths = tree(tmp_path, identity)
    out = tmp_path / "site"
    assert main(["report", "--policy", *paths, "--handbook-only", "-o", str(out), "--quiet"]) == 0
    for language, word in (("nl", "Kamerstuk"), ("en", "Parliamentary paper")):
        page = (out / language / "source-hoofdstukken.html").read_text(encoding="utf-8")
        assert "ABC / 123" in page and f"{word} 35 334, nr. 300" in page
        assert '<a href="https://www.example.nl/brief">https://www.example.nl/brief</a>' in page


def test_the_diff_shows_a_chapter_moved_and_the_bereik_widened(tmp_path):
    base = compile_paths(tree(tmp_path / "a", CHAPTERS)).policy
    head_text = CHAPTERS.replace("regels 4-19", "regels 5-19").replace(
        "bereik    hoofdstuk romp", "bereik    volledig"
    )
    head = compile_paths(tree(tmp_path / "b", head_text)).policy
    changes = {c.field: (c.before, c.after) for c in diff_policies(base, head).changed}
    assert changes["hoofdstuk"] == (
        'romp regels 4-19 "Romp"',
        'romp regels 5-19 "Romp"',
    )
    assert changes["bereik"] == ("hoofdstuk romp", "volledig")


def test_the_bundled_policy_leaves_no_quantified_passage_unaddressed_in_its_scope():
    """What CI runs (`beleid sources policy/ --in-scope --fail-on-unaddressed`): dropping a
    citation or a `buiten_scope` of the bundled policy makes a passage unaddressed again.
    """
    run = source_coverage([str(POLICY)], in_scope=True)
    assert run.unaddressed() == []
    assert {d.document for d in run.documents} >= {
        "vervolgpakket",
        "bespreeknotitie_blg",
        "programmas_2022",
        "nmp_voortgang",
    }


def test_a_reason_that_names_a_declaration_names_one_that_exists():
    """The bundled reasons point at the declaration that encodes a restated commitment; a rename
    or a removal must not leave a reason pointing at nothing.
    """
    policy = compile_paths([str(POLICY)]).policy
    named = {
        (scope.id, name)
        for scope in policy.views(views.OutOfScope)
        for name in re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", scope.reason)
    }
    assert named, "the bundled reasons name the declarations they refer to"
    assert {(s, n) for s, n in named if n not in policy.declarations} == set()
