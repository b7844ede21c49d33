"""The kind of a target (`soort` on `doel`), where the policy-test format cannot state it: an
estimate, option or proposal keeps its observation, goal and deadline beside `not_judged` in the
JSON of `beleid evaluate`, `beleid explain` names its kind, the status counts line counts it apart
from `no data`, and the report shows it as 'niet beoordeeld' / 'not judged' with its kind in the
reader's language. The statuses and triggers themselves are YAML cases
(tests/cases/evaluation/target_nature/); an unknown word is
tests/fixtures/invalid/P105_unknown_word_soort.policy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.cli.main import main
from compiler.data.types import Monitoring
from compiler.evaluate.explain import explain
from compiler.evaluate.moment import evaluate
from compiler.evaluate.outcomes import render_text, to_json
from tests.conftest import BASE, ROOT
from tests.evaluation_helpers import series

CASE = ROOT / "tests" / "cases" / "evaluation" / "target_nature"
END_2027 = dt.date(2027, 12, 31)
VALUES = {"nh3_landbouw": {"2019": 100, "2027": 65}, "areaal_natuur": {"2020": 500, "2027": 700}}
KINDS = {
    "natuur_behoefte_2030": "raming",
    "nh3_optie_2030": "optie",
    "nh3_voorstel_2035": "voorstel",
}


@pytest.fixture(scope="module")
def policy():
    compilation = compile_paths([str(BASE), str(CASE / "rules.policy")])
    assert not list(compilation.diagnostics)
    return compilation.policy


@pytest.fixture(scope="module")
def evaluation(policy):
    return evaluate(policy, Monitoring(series(VALUES), None, ()), END_2027, None)


def _json_target(evaluation, name: str) -> dict:
    return next(t for t in to_json(evaluation)["targets"] if t["id"] == name)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_target_not_judged_keeps_its_observation_goal_and_deadline(evaluation, name):
    target = _json_target(evaluation, name)
    assert target["status"] == "not_judged"
    assert target["soort"] == KINDS[name]
    assert target["observed"]["period"] == "2027"
    assert target["goal"] is not None and target["deadline"].startswith(name[-4:])
    assert target["gap"] is None and target["ends"] == [] and target["range_end"] is None


def test_the_reason_names_the_kind_in_plain_english(evaluation):
    reasons = {name: _json_target(evaluation, name)["why"] for name in KINDS}
    assert reasons["nh3_optie_2030"].startswith("an option the source names, not a decision")
    assert reasons["natuur_behoefte_2030"].startswith("an estimate the source gives, not a target")
    assert reasons["nh3_voorstel_2035"].startswith("a proposal of another body")
    assert all("shown, not judged" in reason for reason in reasons.values())


def test_a_doelstelling_is_judged_as_before(evaluation):
    assert _json_target(evaluation, "nh3_doelstelling_2030")["soort"] == "doelstelling"
    assert _json_target(evaluation, "nh3_2035")["status"] == "on_track"


def test_the_counts_line_counts_not_judged_apart_from_no_data(evaluation):
    text = render_text(evaluation)
    assert "4 not judged" in text and "no data" not in text


def test_explain_names_the_kind(policy, evaluation):
    text = explain(policy, evaluation, "nh3_optie_2030", None)
    assert "status on 2027-12-31: not judged" in text
    assert "soort optie: an option the source names, not a decision" in text
    assert "observed: 65.00 kton in 2027" in text


WORDS = {
    "nl": ("niet beoordeeld (optie)", "Dit is een optie"),
    "en": ("not judged (option)", "This is an option"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("soort") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        arguments = ["report", "--policy", "tests/fixtures/base", "--policy", str(CASE)]
        arguments += ["--series", "tests/fixtures/report/series.csv", "--farm-count", "100"]
        arguments += ["--as-of", "2027", "--no-ledger", "--quiet", "-o", str(out)]
        assert main(arguments) == 0
    return out


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", ["html", "md"])
def test_the_report_shows_not_judged_in_the_readers_language(site, language, form):
    pages = [p for p in site.rglob(f"target-nh3_optie_2030.{form}") if f"/{language}/" in str(p)]
    assert pages
    page = pages[0].read_text(encoding="utf-8")
    status, note = WORDS[language]
    assert status in page and note in page
