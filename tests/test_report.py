"""`beleid report`: golden files for the fixture policy in both languages and formats, a changed
number changes both languages, hand-written summaries are marked, seed 000's quantified commitments
all appear in the handbook, internal links resolve, and a report is never half-written or written
over a folder that is not one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from compiler.cli.main import main
from compiler.report import handbook, site
from compiler.report.phrases import Phrases
from compiler.report.sentences import Sentences, environment
from dsl import nodes
from tests.conftest import FIXTURES, ROOT, compile_with_base
from tests.report_helpers import (
    fixture_arguments,
    text_files,
    write_fixture_report,
)

GOLDEN = ROOT / "tests" / "golden" / "report"


# ------------------------------------------------------------------------------------------ golden


def test_golden_files(fixture_report, update_golden):
    written = text_files(fixture_report)
    assert not [name for name, text in written.items() if str(ROOT) in text], (
        "a page holds a machine's path"
    )
    # the style sheet is copied verbatim from the package, so it is compared with its source, not
    # kept twice
    assert written.pop("assets/style.css") == (
        ROOT / "compiler/report/templates/style.css"
    ).read_text("utf-8")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, text in written.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
        pytest.skip("golden files rewritten")
    golden = text_files(GOLDEN)
    assert sorted(written) == sorted(golden), "the report's files differ from tests/golden/report"
    for name in golden:
        if written[name] != golden[name]:
            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        golden[name].splitlines(),
                        written[name].splitlines(),
                        "golden/" + name,
                        "written/" + name,
                        lineterm="",
                    )
                )[:40]
            )
            pytest.fail(
                f"{name} differs from its golden file "
                f"(pytest --update-golden rewrites them):\n{diff}"
            )


def test_golden_files_cover_both_languages_and_formats():
    names = set(text_files(GOLDEN))
    for folder in ("nl", "en", "markdown/nl", "markdown/en"):
        suffix = ".html" if "/" not in folder else ".md"
        for page in (
            "index",
            "themes",
            "actors",
            "timeline",
            "history",
            "budgets",
            "findings",
            "monitoring",
            "target-nh3_2035",
        ):
            assert f"{folder}/{page}{suffix}" in names


def test_a_changed_number_changes_both_languages(tmp_path, monkeypatch):
    tree = tmp_path / "tests" / "fixtures"
    shutil.copytree(FIXTURES / "base", tree / "base")
    (tree / "valid").mkdir()
    shutil.copy(FIXTURES / "valid" / "complete.policy", tree / "valid")
    shutil.copytree(FIXTURES / "report", tree / "report")
    _replace(
        tree / "base" / "basis.policy", "reductie  40 % t.o.v. 2019", "reductie  45 % t.o.v. 2019"
    )
    _replace(
        tree / "base" / "basis.policy", "emissiereductie van 40% ten", "emissiereductie van 45% ten"
    )
    _replace(
        tree / "base" / "sources" / "brief.txt",
        "emissiereductie van 40%",
        "emissiereductie van 45%",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["report", *fixture_arguments(), "-o", "out"]) == 0
    for page, sentence in (
        ("nl/theme-base.html", "45% lager zijn dan in 2019"),
        ("en/theme-base.html", "45% lower than in 2019"),
        ("markdown/nl/theme-base.md", "45% lager zijn dan in 2019"),
        ("markdown/en/theme-base.md", "45% lower than in 2019"),
    ):
        text = (tmp_path / "out" / page).read_text(encoding="utf-8")
        assert sentence in text
        assert sentence.replace("45", "40") not in text
    # the trajectory follows the rule too: 45% of 100 kton leaves 55 kton in 2035
    assert "Het doel is 55 kton in 2035" in (tmp_path / "out" / "nl" / "monitoring.html").read_text(
        "utf-8"
    )
    assert "The target is 55 kton in 2035" in (
        tmp_path / "out" / "en" / "monitoring.html"
    ).read_text("utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_hand_written_summary_is_shown_beside_the_generated_sentence_and_marked(fixture_report):
    for lang, mark in (("nl", "met de hand geschreven"), ("en", "hand-written")):
        page = (fixture_report / lang / "theme-valid.html").read_text(encoding="utf-8")
        article = page[page.index('id="natuur_areaal"') :]
        article = article[: article.index("</article>")]
        assert mark in article and "Meer natuur." in article
        assert 'class="sentence"' in article  # the generated sentence is there as well


# ------------------------------------------------------------------------------------------ content


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_quantified_commitment_of_seed_000_is_in_the_handbook(bundled_report, language):
    """Read off the source itself (policy/sources/000_*.txt, line numbers in the comments), not off
    the rules: (Dutch number and unit, English number and unit, year or None).
    """
    commitments = [
        ("42 tot 46%", "42 to 46%", "2035"),  # 436: NH3 agriculture
        ("50%", "50%", "2035"),  # 439: industry and mobility
        ("30%", "30%", "2030"),  # 228-229: dairy farms
        ("1,2 kton", "1.2 kton", "2027"),  # 285: spuiwater and urea
        ("280.000 ha", "280,000 ha", None),  # 310: agricultural nature management
        ("65%", "65%", None),  # 475: peak polluters industry
        ("elke 2 jaar", "every 2 years", "2027"),  # 402: monitoring from 2027, every two years
        ("€ 2.600 mln", "€ 2,600 mln", None),  # 35: vervolgpakket, incidental
        ("€ 287,5 mln", "€ 287.5 mln", None),  # 36: vervolgpakket, structural
        ("€ 50 mln", "€ 50 mln", None),  # 164, 354: Rotterdam harbour
        ("€ 275 mln", "€ 275 mln", None),  # 305: agricultural nature management, yearly
        ("€ 242 mln", "€ 242 mln", None),  # 345: economic regions
        ("€ 83 mln", "€ 83 mln", None),  # 473: peak polluters industry
        ("€ 400 mln", "€ 400 mln", None),  # 357: nature in the vervolgpakket
        ("€ 500 mln", "€ 500 mln", None),  # 294: nature, both packages
    ]
    articles = _articles(
        (bundled_report / language / "theme-stikstof.html").read_text(encoding="utf-8")
    )
    for dutch, english, year in commitments:
        wanted = dutch if language == "nl" else english
        found = [a for a in articles if wanted in a and (year is None or year in a)]
        assert found, (
            f"{wanted} ({year}) is in no declaration of the nitrogen handbook ({language})"
        )


def _articles(page: str) -> list[str]:
    """The text of each declaration on a handbook page, tags removed."""
    return [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in page.split("<article")[1:]]


def test_sentences_render_every_bundled_declaration_in_both_languages(bundled_policy):
    book = handbook.build(bundled_policy)
    env = environment()
    for language in ("nl", "en"):
        sentences = Sentences(env, language, book)
        for entry in book.entries.values():
            text = sentences.of(entry)
            assert text and "Undefined" not in text and "None" not in text, (entry.id, text)


@pytest.mark.parametrize(
    ("language", "number", "shown"),
    [
        ("nl", "1125.5", "1.125,5"),
        ("en", "1125.5", "1,125.5"),
        ("nl", "-1.2", "-1,2"),
        ("en", "42", "42"),
        ("nl", "280000", "280.000"),
    ],
)
def test_numbers_are_written_with_the_separators_of_the_language(language, number, shown):
    assert Phrases(language, str).number(number) == shown


_CALCULATION = nodes.Comparison(
    nodes.Arithmetic(
        nodes.Arithmetic(nodes.Ref("a"), "-", nodes.Ref("b")),
        "/",
        nodes.Absolute(nodes.Arithmetic(nodes.Ref("b"), "*", nodes.Quantity("2", nodes.Unit("")))),
    ),
    ">",
    nodes.Call("achterstand_procent", nodes.Ref("g")),
)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "nl",
            "(«a» min «b») gedeeld door de absolute waarde van («b» maal 2) hoger is dan "
            "de achterstand in procenten op «g»",
        ),
        (
            "en",
            "(«a» minus «b») divided by the absolute value of («b» times 2) is higher than "
            "the shortfall in percent on «g»",
        ),
    ],
)
def test_calculations_are_worded_with_the_brackets_their_order_needs(language, shown):
    assert Phrases(language, str).condition(_CALCULATION) == shown


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        Phrases("de", str)


# ------------------------------------------------------------------------------------------ links


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for key in ("href", "src"):
            if attributes.get(key):
                self.links.append(attributes[key])


def broken_links(folder: Path) -> list[str]:
    """Every internal link of every HTML and Markdown page that points to a missing file or
    anchor.
    """
    parsed: dict[Path, _Links] = {}

    def page(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    def has_anchor(target: Path, fragment: str) -> bool:
        if target.suffix == ".html":
            return fragment in page(target).ids
        return f'<a id="{fragment}"></a>' in target.read_text(encoding="utf-8")

    broken = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".html":
            links = page(path).links
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            links = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'href="([^"]+)"', text)
        else:
            continue
        for link in links:
            url = urlparse(link)
            if url.scheme in ("http", "https", "data", "mailto"):
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(folder)}: {link} (no such file)")
            elif url.fragment and not has_anchor(target, url.fragment):
                broken.append(f"{path.relative_to(folder)}: {link} (no such anchor)")
    return broken


def test_every_internal_link_of_the_fixture_report_resolves(fixture_report):
    assert broken_links(fixture_report) == []


def test_every_internal_link_of_the_bundled_report_resolves(bundled_report):
    assert broken_links(bundled_report) == []


def test_the_link_checker_finds_a_broken_link(tmp_path, fixture_report):
    copy = tmp_path / "copy"
    shutil.copytree(fixture_report, copy)
    index = copy / "nl" / "index.html"
    index.write_text(
        index.read_text("utf-8").replace('href="actors.html"', 'href="actorz.html"'), "utf-8"
    )
    assert any("actorz.html" in b for b in broken_links(copy))


def test_the_html_site_needs_no_network(fixture_report):
    for path in fixture_report.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), path
        # the one script is the search box's, from the site itself (compiler/report/searchindex.py)
        scripts = re.findall(r"<script[^>]*>", text)
        assert set(scripts) <= {
            '<script src="search-index.js" defer>',
            '<script src="../assets/search.js" defer>',
        }, path


# ------------------------------------------------------------------------------------------ writing


def test_the_report_refuses_a_folder_it_did_not_write(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    assert write_fixture_report(folder, monkeypatch) == 2
    assert "left untouched" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_second_run_replaces_the_report_it_wrote(tmp_path, monkeypatch):
    out = tmp_path / "site"
    assert write_fixture_report(out, monkeypatch) == 0
    (out / "nl" / "stale.html").write_text("old", encoding="utf-8")
    assert write_fixture_report(out, monkeypatch) == 0
    assert not (out / "nl" / "stale.html").exists() and (out / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left behind


def test_an_interrupted_run_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    out = tmp_path / "site"
    assert write_fixture_report(out, monkeypatch) == 0
    before = text_files(out)
    real_pages = site.pages

    def failing(*args, **kwargs):
        for number, page in enumerate(real_pages(*args, **kwargs)):
            if number == 5:
                raise KeyboardInterrupt
            yield page

    monkeypatch.setattr(site, "pages", failing)
    assert write_fixture_report(out, monkeypatch) == 2  # "interrupted"
    assert text_files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_policy_with_errors_writes_no_report(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.policy"
    broken.write_text("doel kapot { uiterlijk }\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    code = main(
        [
            "report",
            "--policy",
            "tests/fixtures/base",
            "--policy",
            str(broken),
            "--handbook-only",
            "-o",
            str(tmp_path / "site"),
        ]
    )
    assert code == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_bad_monitoring_data_writes_no_report(tmp_path, monkeypatch, capsys):
    farms = tmp_path / "farms.csv"
    farms.write_text(
        "id,sector,province,nh3_bedrijf,norm_bedrijf,herhaald\nB1,melkvee,utrecht,veel,1,0\n",
        "utf-8",
    )
    monkeypatch.chdir(ROOT)
    code = main(
        [
            "report",
            "--policy",
            "tests/fixtures/base",
            "--policy",
            "tests/fixtures/valid/complete.policy",
            "--farms",
            str(farms),
            "--no-ledger",
            "-o",
            str(tmp_path / "site"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "farms.csv:2:" in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_handbook_only_has_no_monitoring_pages(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert (
        main(
            [
                "report",
                "--policy",
                "tests/fixtures/base",
                "--handbook-only",
                "-q",
                "-o",
                str(tmp_path / "s"),
            ]
        )
        == 0
    )
    assert (tmp_path / "s" / "nl" / "theme-algemeen.html").exists()  # one folder: one general theme
    assert not (tmp_path / "s" / "nl" / "monitoring.html").exists()


def test_progress_is_shown_unless_quiet(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert (
        main(
            [
                "report",
                "--policy",
                "tests/fixtures/base",
                "--handbook-only",
                "-o",
                str(tmp_path / "s"),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "[1/4] nl html" in err and "[4/4] en md" in err and "index.html" in err


def test_rule_text_cannot_inject_markup(tmp_path):
    compilation = compile_with_base(
        tmp_path,
        """
maatregel gevaarlijk "Regeling <script>alert(1)</script> & meer" {
    eigenaar kabinet
    bron brief regel 6 "Als uit de monitoring blijkt dat de landbouw achterblijft"
}
""",
    )
    assert not compilation.diagnostics.has_errors
    pages = list(site.pages(handbook.build(compilation.policy), None, dt.date(2027, 12, 31)))
    html = [p.text for p in pages if p.path.endswith(".html")]
    assert not any("<script>" in text for text in html)
    assert any("Regeling &lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in text for text in html)
    markdown = "".join(p.text for p in pages if p.path.endswith(".md"))
    assert "<script>" not in markdown and r"Regeling \<script\>" in markdown


def test_an_impossible_date_is_written_as_given_not_a_crash(tmp_path):
    """The language server renders sentences for rules with errors (P220) while a drafter types."""
    from compiler.check.pipeline import compile_paths
    from compiler.report import handbook
    from compiler.report.sentences import Sentences, environment

    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    shutil.copy(FIXTURES / "invalid" / "P220_invalid_date.policy", tmp_path / "x.policy")
    book = handbook.build(compile_paths([str(tmp_path)]).policy)
    bad = next(entry for entry in book.entries.values() if entry.declaration.id == "rare_datum")
    for language in ("nl", "en"):
        assert "2025-13-01" in Sentences(environment(), language, book).of(bad)


def test_report_output_path_with_dotdot(tmp_path, monkeypatch, capsys):
    """`-o R/../R` with an existing report R: R is replaced by the new report, nothing is lost and
    no staging or old folder is left behind (issue 20, item 9).
    """
    monkeypatch.chdir(ROOT)
    out = tmp_path / "R"
    argv = ["report", "--policy", "tests/fixtures/base", "--handbook-only", "--as-of", "2027"]
    assert main([*argv, "-o", str(out)]) == 0
    (out / "stale.txt").write_text("from the old report", encoding="utf-8")
    assert main([*argv, "-o", str(out / ".." / "R")]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert (out / site.MARKER).is_file() and not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R"]
