"""The binding strength of a target in the source's own word (`karakter`, compiler/check/
character.py): the checker requires it where a target is not `bindend` (P290; the fixtures
P290, P291, P223 and P105_unknown_karakter show the errors), and `beleid evaluate`, `beleid
explain` and every report page that shows a target say it, in Dutch on Dutch pages and in its
English rendering on English pages. The diff cases `character_changed` and
`character_changed_frozen` (tests/fixtures/diff/) show it in `beleid diff` and the freeze guard.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.check import character, views
from compiler.cli.main import main
from compiler.data.types import Monitoring
from compiler.evaluate.explain import explain
from compiler.evaluate.moment import evaluate
from compiler.evaluate.outcomes import to_json
from tests.conftest import BASE, ROOT
from tests.evaluation_helpers import series

CASE = ROOT / "tests" / "cases" / "evaluation" / "target_nature"
END_2027 = dt.date(2027, 12, 31)


@pytest.fixture(scope="module")
def policy():
    compilation = compile_paths([str(BASE), str(CASE / "rules.policy")])
    assert not list(compilation.diagnostics)
    return compilation.policy


@pytest.fixture(scope="module")
def evaluation(policy):
    values = {"nh3_landbouw": {"2019": 100, "2027": 65}, "areaal_natuur": {"2020": 500}}
    return evaluate(policy, Monitoring(series(values), None, ()), END_2027, None)


def test_every_word_has_an_english_rendering_and_a_gloss():
    assert len(set(character.WORDS)) == len(character.WORDS)
    assert all(c.english and c.gloss and c.english != c.word for c in character.CHARACTERS)
    assert set(character.WORDS) >= character.NOT_BINDING
    assert character.rendered("opgave", "nl") == "opgave"
    assert character.rendered("opgave", "en") == "task"


def test_the_view_keeps_the_word_and_the_flag(policy):
    assert policy.view("natuur_behoefte_2030", views.Target).character == "behoefte"
    target = policy.view("nh3_2035", views.Target)
    assert (target.binding, target.character) == (True, None)


def test_every_bundled_target_binds_or_says_what_the_source_calls_it():
    compilation = compile_paths([str(ROOT / "policy")])
    assert not compilation.diagnostics.has_errors
    for target in compilation.policy.views(views.Target):
        if target.nature is views.TargetNature.DOELSTELLING:
            assert target.binding or target.character in character.WORDS, target.id


def test_evaluate_json_says_binding_and_the_word(evaluation):
    targets = {t["id"]: t for t in to_json(evaluation)["targets"]}
    assert (targets["nh3_2035"]["binding"], targets["nh3_2035"]["karakter"]) == (True, None)
    behoefte = targets["natuur_behoefte_2030"]
    assert (behoefte["binding"], behoefte["karakter"]) == (False, "behoefte")


def test_explain_says_binding_or_the_word(policy, evaluation):
    assert "  legally binding (`bindend`)\n" in explain(policy, evaluation, "nh3_2035", None)
    text = explain(policy, evaluation, "natuur_behoefte_2030", None)
    assert "the source calls it `behoefte` (estimated need); not legally binding" in text


# language -> (what the page of natuur_behoefte_2030 says, what the page of nh3_2035 says)
WORDS = {
    "nl": ("Term in de bron: behoefte.", "Dit doel is bindend."),
    "en": ("Term in the source: estimated need.", "This target is binding."),
}
BADGES = {
    "nl": ("(raming, behoefte)", "(bindend)"),
    "en": ("(estimate, estimated need)", "(binding)"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("karakter") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        arguments = ["report", "--policy", "tests/fixtures/base", "--policy", str(CASE)]
        arguments += ["--series", "tests/fixtures/report/series.csv", "--farm-count", "100"]
        arguments += ["--as-of", "2027", "--no-ledger", "--quiet", "-o", str(out)]
        assert main(arguments) == 0
    return out


def _page(site: Path, name: str, language: str, form: str) -> str:
    pages = [p for p in site.rglob(f"{name}.{form}") if f"/{language}/" in str(p)]
    assert pages, name
    return pages[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", ["html", "md"])
def test_target_pages_say_the_word_in_the_readers_language(site, language, form):
    word, binding = WORDS[language]
    assert word in _page(site, "target-natuur_behoefte_2030", language, form)
    assert binding in _page(site, "target-nh3_2035", language, form)
    other = WORDS["en" if language == "nl" else "nl"][0]
    assert other not in _page(site, "target-natuur_behoefte_2030", language, form)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", ["html", "md"])
def test_the_monitoring_overview_shows_the_word_beside_the_status(site, language, form):
    page = _page(site, "monitoring", language, form)
    assert all(badge in page for badge in BADGES[language])
