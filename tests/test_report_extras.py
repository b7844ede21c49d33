"""The report's additions (compiler/report/extras.py): the page of what changed since the previous
recorded moment, the downloads for analysts (CSV, and XLSX read back), and the offline search
index, in both languages; the golden files of the fixture report hold their exact text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from compiler.check.pipeline import compile_paths
from compiler.cli.main import main
from compiler.report import downloads, searchindex
from compiler.report.handbook import build as build_handbook
from compiler.report.titles import title_for
from tests.conftest import ROOT
from tests.report_helpers import FIXTURE_POLICY, fixture_arguments

LABELS = yaml.safe_load(
    (ROOT / "compiler/report/templates/extra_labels.yaml").read_text(encoding="utf-8")
)
DATA_STATUSES = {"measured", "provisional", "estimated", "projected", "synthetic", "rules", "none"}


def _reader_text(html: str) -> str:
    """The text a reader sees in the page's main part (tags, and so links' targets, removed)."""
    main = html[html.index("<main>") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.fixture(scope="module")
def ledger_report(tmp_path_factory) -> Path:
    """The fixture report of 2027 with 2022 recorded before it in its ledger."""
    folder = tmp_path_factory.mktemp("extras")
    ledger = str(folder / "ledger.sqlite")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        arguments = [a for a in fixture_arguments() if a != "--no-ledger"]
        for year in ("2022", "2027"):
            moment = [*arguments[: arguments.index("--as-of")], "--as-of", year]
            assert main(["evaluate", *moment, "--ledger", ledger]) == 0
        out = folder / "site"
        assert main(["report", *arguments, "--ledger", ledger, "-o", str(out)]) == 0
    return out


# ------------------------------------------------------------------------------ what changed


def test_the_changes_page_lists_statuses_triggers_and_obligations(ledger_report):
    nl = _reader_text((ledger_report / "nl" / "changes.html").read_text("utf-8"))
    en = _reader_text((ledger_report / "en" / "changes.html").read_text("utf-8"))
    assert "31 december 2022" in nl and "31 December 2022" in en
    # the NH3 target came into force after 2022 and is now off track
    assert "Landbouw 40% minder NH3 in 2035 niet van kracht achter op schema" in nl
    assert "not in force off track" in en
    assert "Landbouw blijft achter (voor het eerst)" in nl and "(for the first time)" in en
    assert "Bedrijfsplan 2 bedrijven" in nl and "2 farms" in en
    assert "Het kabinet" in nl
    for text in (nl, en):
        assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", text), "an identifier in reader text"
    markdown = (ledger_report / "markdown" / "en" / "changes.md").read_text("utf-8")
    assert "(for the first time)" in markdown and "| 2 farms |" in markdown


def test_without_a_previous_moment_the_page_says_so(fixture_report):
    for language in ("nl", "en"):
        words = LABELS[language]["changes"]
        html = _reader_text((fixture_report / language / "changes.html").read_text("utf-8"))
        markdown = (fixture_report / "markdown" / language / "changes.md").read_text("utf-8")
        assert words["no_previous"] in html and words["no_previous"] in markdown
        assert words["targets"] not in html and words["targets"] not in markdown


def test_the_monitoring_report_links_the_changes_and_the_downloads(fixture_report):
    for language in ("nl", "en"):
        words = LABELS[language]
        html = (fixture_report / language / "monitoring.html").read_text("utf-8")
        markdown = (fixture_report / "markdown" / language / "monitoring.md").read_text("utf-8")
        assert f'<a href="changes.html">{words["changes"]["link"]}</a>' in html
        assert f"[{words['changes']['link']}](changes.md)" in markdown
        for file in ("targets_file", "obligations_file"):
            target = f"downloads/{language}/{words['downloads'][file]}"
            assert f'href="../{target}"' in html and f"(../../{target})" in markdown
            assert (fixture_report / target).is_file()
        workbook = f"downloads/{language}/{words['downloads']['workbook_file']}"
        linked = f'href="../{workbook}"' in html and f"(../../{workbook})" in markdown
        assert linked == downloads.WORKBOOK_AVAILABLE == (fixture_report / workbook).is_file()


# --------------------------------------------------------------------------------- downloads


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_csv_files_are_headed_in_the_language_and_machine_readable(fixture_report, language):
    words = LABELS[language]["downloads"]
    columns = words["columns"]
    for name, keys in (
        ("targets_file", downloads.TARGET_COLUMNS),
        ("obligations_file", downloads.OBLIGATION_COLUMNS),
    ):
        header, *rows = _csv(fixture_report / "downloads" / language / words[name])
        assert header == [columns[k] for k in keys]
        assert rows
        position = {k: i for i, k in enumerate(keys)}
        for row in rows:
            assert len(row) == len(keys)
            assert row[position["data_status"]] in DATA_STATUSES
            for key in ("deadline", "due"):
                if key in position and row[position[key]]:
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[position[key]])
            for key in ("value", "goal", "gap", "count", "farms_failing"):
                if key in position and row[position[key]]:
                    assert re.fullmatch(r"-?\d+(\.\d+)?", row[position[key]]), row


def test_the_two_languages_share_every_value_but_titles(fixture_report):
    nl = _csv(fixture_report / "downloads" / "nl" / "doelen.csv")[1:]
    en = _csv(fixture_report / "downloads" / "en" / "targets.csv")[1:]
    assert [r[:1] + r[2:] for r in nl] == [r[:1] + r[2:] for r in en]


def test_farm_figures_from_the_generated_population_are_labelled_synthetic(
    bundled_report, fixture_report
):
    header, *rows = _csv(bundled_report / "downloads" / "en" / "targets.csv")
    level, status = header.index("level"), header.index("data_status")
    sectors = [r for r in rows if r[level] == "sector"]
    assert sectors and {r[status] for r in sectors} == {"synthetic"}
    header, *rows = _csv(bundled_report / "downloads" / "en" / "obligations.csv")
    farms = [r for r in rows if r[header.index("kind")] == "bedrijf"]
    assert farms and {r[header.index("data_status")] for r in farms} == {"synthetic"}
    # the fixture's farm table is read from a file: its figures are not synthetic
    assert "synthetic" not in (fixture_report / "downloads/en/targets.csv").read_text("utf-8")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (3, "3"),
        (0.1 + 0.2, "0.3"),
        (1.5e12, "1500000000000"),
        (-4.02499999, "-4.02499999"),
    ],
)
def test_a_cell_is_written_with_a_decimal_point_and_no_exponent(value, text):
    assert downloads.cell(value) == text


def test_the_workbook_reads_back_as_the_csv_files(fixture_report):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("xlsxwriter")
    for language in ("nl", "en"):
        words = LABELS[language]["downloads"]
        path = fixture_report / "downloads" / language / words["workbook_file"]
        book = openpyxl.load_workbook(path, read_only=True)
        assert book.sheetnames == [words["targets_sheet"], words["obligations_sheet"]]
        for sheet, file in zip(book.worksheets, ("targets_file", "obligations_file"), strict=True):
            expected = _csv(fixture_report / "downloads" / language / words[file])
            width = len(expected[0])  # a row read back may stop at its last filled cell
            cells = [
                [downloads.cell(v) for v in row] + [""] * (width - len(row))
                for row in sheet.iter_rows(values_only=True)
            ]
            # a whole number read back from a number cell is a float: compare as numbers
            assert [[_number(c) for c in r] for r in cells] == [
                [_number(c) for c in r] for r in expected
            ]


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def test_the_workbook_is_the_same_on_every_run(fixture_report):
    pytest.importorskip("xlsxwriter")
    import datetime as dt

    table = downloads.Table("Sheet", "x.csv", ("a", "b"), (("x", 1.5), ("y", None)))
    first = downloads.workbook_bytes((table,), "title", dt.date(2027, 12, 31))
    assert first == downloads.workbook_bytes((table,), "title", dt.date(2027, 12, 31))


# ------------------------------------------------------------------------------------ search


def _index(folder: Path, language: str) -> list[dict]:
    text = (folder / language / searchindex.INDEX_FILE).read_text("utf-8")
    prefix = f"window.{searchindex.GLOBAL} = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_search_index_holds_every_declaration_with_its_title(fixture_report, language):
    policy = compile_paths(list(FIXTURE_POLICY)).policy
    book = build_handbook(policy)
    index = _index(fixture_report, language)
    assert len(index) == len(book.entries)
    by_href = {e["href"]: e for e in index}
    for ident, entry in book.entries.items():
        found = by_href[f"theme-{entry.theme}.html#{ident}"]
        assert found["title"] == title_for(policy, ident, language).plain
        assert searchindex.fold(found["title"]) in found["text"]
        page = (fixture_report / language / f"theme-{entry.theme}.html").read_text("utf-8")
        assert f'id="{ident}"' in page
    assert all(e["text"] == searchindex.fold(e["text"]) for e in index)


def test_the_search_box_is_hidden_until_its_script_shows_it(fixture_report):
    page = (fixture_report / "nl" / "themes.html").read_text("utf-8")
    assert re.search(r'<form id="search"[^>]* hidden', page)
    assert (fixture_report / searchindex.SCRIPT_FILE).read_text("utf-8") == (
        ROOT / "compiler/report/templates/search.js"
    ).read_text("utf-8")


def test_folding_removes_case_and_accents():
    assert searchindex.fold("Fryslân  Ëen\nDoel") == "fryslan een doel"
