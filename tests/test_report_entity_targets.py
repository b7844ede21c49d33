"""The monitoring report's target page for a target held per province: one row per province with
its value, goal, verdict and gap, in both languages and formats; marked synthetic when the farms
it is computed from are generated, and not when a farm table is given.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.cli.main import main
from tests.conftest import ROOT

CASE = Path("tests/cases/evaluation/entity_targets")
TARGET = "provincie_binnen_eigen_norm"
NOTES = {
    "nl": "Synthetisch: de bedrijvenpopulatie is gegenereerd, niet waargenomen;",
    "en": "Synthetic: the farm population is generated, not observed;",
}
VERDICTS = {"nl": ("niet gehaald", "gehaald"), "en": ("not met", "met")}


def _report(out: Path, monkeypatch, *farms: str) -> Path:
    monkeypatch.chdir(ROOT)
    arguments = ["report", "--policy", "tests/fixtures/base", "--policy", str(CASE)]
    arguments += ["--series", "tests/fixtures/report/series.csv", *farms]
    arguments += ["--as-of", "2027", "--no-ledger", "--quiet", "-o", str(out)]
    assert main(arguments) == 0
    return out


@pytest.fixture(scope="module")
def given(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        farms = ("--farms", str(CASE / "data" / "boeren.csv"))
        return _report(tmp_path_factory.mktemp("given") / "site", patch, *farms)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        farms = ("--farm-count", "300")
        return _report(tmp_path_factory.mktemp("generated") / "site", patch, *farms)


def _page(site: Path, language: str, form: str) -> str:
    found = sorted(site.rglob(f"target-{TARGET}.{form}"))
    pages = [p for p in found if f"/{language}/" in p.as_posix()] or found
    assert pages, f"no target page for {TARGET} ({language}, {form})"
    return pages[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", ["html", "md"])
def test_the_target_page_has_a_row_per_province(given, language, form):
    page = _page(given, language, form)
    not_met, met = VERDICTS[language]
    # zeeland: 6000 kg against the 2000 kg its farms' norms add up to (rules.policy, top)
    if form == "md":
        assert f"| zeeland | 6{'.' if language == 'nl' else ','}000 |" in page
        assert f"| {not_met} | 4" in page
    else:
        assert "<td>zeeland</td>" in page and f"<td>{not_met}</td>" in page
    assert page.count("limburg") >= 1 and f"{met}" in page
    assert NOTES[language] not in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_generated_farms_mark_the_table_synthetic(generated, language):
    assert NOTES[language] in _page(generated, language, "html")
