"""What cannot be encoded is marked, and it travels (issue 15): the bundled `bedrijfsplan` rests on
the finding that the source never defines who 'achterblijft bij de doelen' (`berust_op
achterblijvers_niet_gedefinieerd`), and so does what is defined from it (the enforcement ladder).
`beleid evaluate` (text and JSON), `beleid explain` and the report, in Dutch and in English, say
that those outcomes rest on an open finding; outcomes that do not depend on it say nothing.
A `berust_op` that names something other than a finding is P103
(tests/fixtures/invalid/P103_berust_op_not_a_finding.policy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.check.openfindings import OpenFinding, open_findings
from compiler.cli.main import main
from tests.conftest import POLICY, ROOT
from tests.conftest import run_cli as run

FINDING = "achterblijvers_niet_gedefinieerd"
TITLE = "Wie 'achterblijft bij de doelen' is niet gedefinieerd"


@pytest.fixture(scope="module")
def policy():
    compilation = compile_paths([str(POLICY)])
    assert not compilation.diagnostics.has_errors
    return compilation.policy


def test_the_finding_travels_through_the_dependency_graph(policy):
    rests = open_findings(policy)
    assert rests["bedrijfsplan"] == (OpenFinding(FINDING, "bedrijfsplan", TITLE),)
    assert rests["handhaving_doelsturing"] == (OpenFinding(FINDING, "bedrijfsplan", TITLE),)
    assert rests["aanvullende_maatregelen_landbouw"][0].via == "aanvullende_maatregelen_landbouw"
    # what bedrijfsplan is defined from, and a sibling obligation, do not rest on it
    for ident in ("landbouw_achter_op_streefwaarde", "nh3_landbouw_2030", "maatregelen_boven_norm"):
        assert ident not in rests, ident
    assert FINDING not in rests  # a finding is not an outcome


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        out = tmp_path_factory.mktemp("open") / "evaluation.json"
        assert main(["evaluate", "--no-ledger", "--format", "json", "-o", str(out)]) in (0, 1)
        return json.loads(out.read_text(encoding="utf-8"))


def test_evaluate_json_marks_every_outcome_resting_on_it(evaluated):
    [block] = [f for f in evaluated["open_findings"] if f["finding"] == FINDING]
    assert block["title"] == TITLE
    assert {"bedrijfsplan", "handhaving_doelsturing"} <= set(block["outcomes"])
    [plan] = [o for o in evaluated["entity_obligations"] if o["id"] == "bedrijfsplan"]
    assert plan["rests_on"] == [{"finding": FINDING, "title": TITLE, "via": "bedrijfsplan"}]
    [ladder] = [o for o in evaluated["ladders"] if o["id"] == "handhaving_doelsturing"]
    assert ladder["rests_on"][0]["via"] == "bedrijfsplan"
    [other] = [o for o in evaluated["entity_obligations"] if o["id"] == "maatregelen_boven_norm"]
    assert other["rests_on"] == []
    assert all("rests_on" in t for t in evaluated["targets"])


def test_evaluate_text_lists_the_finding_and_its_outcomes(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "evaluate", "--no-ledger")
    assert "Resting on an open finding (1)" in out
    assert f"  {FINDING} ({TITLE}): " in out and "bedrijfsplan, handhaving_doelsturing" in out


def test_explain_says_the_outcome_rests_on_an_open_finding(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "explain", "bedrijfsplan", "--no-ledger")
    assert f"rests on an open finding, `{FINDING}` ({TITLE}): the source" in out
    _, out, _ = run(capsys, "explain", "handhaving_doelsturing", "--no-ledger")
    assert f"`{FINDING}` ({TITLE}), through `bedrijfsplan`" in out
    _, out, _ = run(capsys, "explain", "maatregelen_boven_norm", "--no-ledger")
    assert "open finding" not in out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("open") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        assert main(["report", "--no-ledger", "--quiet", "-o", str(out)]) == 0
    return out


# language -> (the monitoring page's heading, the sentence on the theme page)
WORDS = {
    "nl": ("Berust op een open bevinding", "Let op: dit berust op een open bevinding"),
    "en": ("Resting on an open finding", "Note: this rests on an open finding"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("form", ["html", "md"])
def test_the_report_says_it_in_the_readers_language(site, language, form):
    def page(name: str) -> str:
        [path] = [p for p in site.rglob(f"{name}.{form}") if f"/{language}/" in str(p)]
        return path.read_text(encoding="utf-8")

    heading, sentence = WORDS[language]
    monitoring = page("monitoring")
    assert heading in monitoring and "bedrijfsplan" in monitoring
    assert sentence in page("theme-stikstof")
    other = WORDS["en" if language == "nl" else "nl"]
    assert other[1] not in page("theme-stikstof")
