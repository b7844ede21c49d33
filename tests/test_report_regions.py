"""The monitoring report per province: the table of the twelve provinces for the bundled provincial
obligation (values as the evaluation computes them, and which are selected), in both languages and
formats; every figure derived from farms marked synthetic in the page's language when the farms
are generated, and never when a farm table is given.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from compiler.cli.main import main
from compiler.evaluate.run import DataRequest, EvaluationRequest, evaluate_with_history
from compiler.report.provinces import PROVINCE_NAMES
from tests.conftest import FIXTURES, ROOT

OBLIGATION = "gebiedsgericht_maatwerk"
FARMS = FIXTURES / "data" / "good" / "farms.csv"  # F1 utrecht, F2 limburg, F3 gelderland
WORDS = {
    "nl": {
        "synthetic": "synthetisch",
        "yes": "ja",
        "no": "nee",
        "heading": "Plichten per provincie",
    },
    "en": {
        "synthetic": "synthetic",
        "yes": "yes",
        "no": "no",
        "heading": "Obligations per province",
    },
}
NOTES = {
    "nl": "Synthetisch: de bedrijvenpopulatie is gegenereerd, niet waargenomen;",
    "en": "Synthetic: the farm population is generated, not observed;",
}
COLUMNS = (
    "aandeel_achterblijvers_provincie",
    "achterblijvers_provincie",
    "nh3_bedrijven_provincie",
)


@pytest.fixture(scope="module")
def given_farms_report(tmp_path_factory) -> Path:
    """The bundled policy's report over a farm table that is given, not generated."""
    out = tmp_path_factory.mktemp("given") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        arguments = ["report", "--as-of", "2027", "--no-ledger", "--farms", str(FARMS)]
        assert main([*arguments, "--quiet", "-o", str(out)]) == 0
    return out


def _number(text: str, language: str) -> float | None:
    if text == "—":
        return None
    if language == "nl":
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(",", ""))


def _province_rows(page: str, language: str) -> dict[str, tuple[list[float | None], str]]:
    """Province name -> (its values, its selected word) from the per-province table (Markdown)."""
    section = page.split(f"## {WORDS[language]['heading']}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in PROVINCE_NAMES.values():
            rows[cells[0]] = ([_number(c, language) for c in cells[1:4]], cells[4])
    return rows


def _md(report: Path, language: str) -> str:
    return (report / "markdown" / language / "monitoring.md").read_text("utf-8")


def _html(report: Path, language: str, page: str = "monitoring") -> str:
    return (report / language / f"{page}.html").read_text("utf-8")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_table_holds_every_province_as_the_evaluation_computes_it(bundled_report, language):
    request = EvaluationRequest(dt.date(2027, 12, 31), data=DataRequest(farm_count=2000))
    evaluation = evaluate_with_history(request).evaluation
    table = evaluation.regional_tables["provincie"]
    selected = evaluation.regional_obligations[OBLIGATION].selected
    rows = _province_rows(_md(bundled_report, language), language)
    assert list(rows) == list(PROVINCE_NAMES.values())
    for i in range(table.size):
        values, chosen = rows[PROVINCE_NAMES[table.label(i)]]
        expected = [float(table.columns[c][i]) for c in COLUMNS]
        assert values == pytest.approx(expected, rel=5e-3), table.label(i)
        assert chosen == WORDS[language]["yes" if selected[i] else "no"]
    html = _html(bundled_report, language)
    section = html.split('<section id="regions">', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr><td>") == 12
    assert f'<a href="#regions">{WORDS[language]["heading"]}</a>' in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_farm_figure_is_marked_synthetic_in_the_language(bundled_report, language):
    word, other = WORDS[language]["synthetic"], WORDS["en" if language == "nl" else "nl"]
    md, html = _md(bundled_report, language), _html(bundled_report, language)
    mark = f"*({word})*"
    lines = md.splitlines()
    header = lines[lines.index("|---|---:|---:|---:|---|") - 1]
    assert header.count(mark) == 3  # every value of the table is computed from farms
    for table_head in ("| Sector |", "| Provin", "| Stap |" if language == "nl" else "| Step |"):
        lines = [line for line in md.splitlines() if line.startswith(table_head)]
        assert lines and all(mark in line for line in lines), table_head
    assert re.search(rf"bedrijven \*\({word}\)\*|farms \*\({word}\)\*", md)  # the population
    assert re.search(rf"\d ({'bedrijven' if language == 'nl' else 'farms'}) .*\({word}\)\.", md)
    assert md.count(NOTES[language]) == 1 and html.count(NOTES[language]) == 1
    assert f'<span class="tag synthetic">{word}</span>' in html
    assert f'class="tag synthetic">{other["synthetic"]}<' not in html
    target = _html(bundled_report, language, "target-bedrijfsnorm_2035")
    assert f"({word})." in target and NOTES[language] in target  # the farm tally of a target


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_given_farm_table_is_not_called_synthetic(given_farms_report, language):
    md = _md(given_farms_report, language)
    rows = _province_rows(md, language)
    yes, no = WORDS[language]["yes"], WORDS[language]["no"]
    assert rows["Utrecht"] == ([100, 1, 0.0021], yes)  # F1: 2.1 t, above its norm
    assert rows["Gelderland"] == ([100, 1, 0.0009], yes)  # F3: 0.9 t, above its norm
    assert rows["Limburg"] == ([0, 0, 0.0015], no)  # F2: at its norm
    assert rows["Zeeland"] == ([None, 0, 0], no)  # no farms: no share
    assert WORDS[language]["synthetic"] not in md.lower()
    assert NOTES[language] not in _html(given_farms_report, language)


def test_a_policy_without_regional_obligations_has_no_regional_section(fixture_report):
    for language in ("nl", "en"):
        assert 'id="regions"' not in _html(fixture_report, language)
        assert WORDS[language]["heading"] not in _md(fixture_report, language)
