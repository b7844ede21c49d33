"""Range targets and the gap to the path, where the policy-test format cannot state it: each end's
value, path and gap in the JSON of `beleid evaluate`, the lines of `beleid explain`, the text of
`beleid evaluate` and the monitoring report's sentences in both languages.

The statuses themselves (each of the three states of a range, reductions and absolute values,
single values unchanged) are YAML cases under tests/cases/evaluation/ (bundled/ranges.yaml and
ranges/ranges.yaml).
"""

from __future__ import annotations

import datetime as dt

import pytest

from compiler import compile_paths
from compiler.data.types import Monitoring
from compiler.evaluate.explain import explain
from compiler.evaluate.moment import evaluate
from compiler.evaluate.outcomes import render_text, to_json
from tests.conftest import BASE, ROOT
from tests.evaluation_helpers import series
from tests.report_helpers import write_bundled_report

RANGES = ROOT / "tests" / "cases" / "evaluation" / "ranges"
END_2027 = dt.date(2027, 12, 31)
BASELINE = 110.3  # nh3_landbouw in 2019
AMBITIOUS, LENIENT = BASELINE * 0.54, BASELINE * 0.58  # 46 % and 42 % less


@pytest.fixture(scope="module")
def ranges_policy():
    compilation = compile_paths([str(BASE), str(RANGES / "rules.policy")])
    assert not list(compilation.diagnostics)
    return compilation.policy


def _evaluate(policy, values, moment=END_2027):
    return evaluate(policy, Monitoring(series(values), None, ()), moment, None)


def _json_target(evaluation, name: str) -> dict:
    return next(t for t in to_json(evaluation)["targets"] if t["id"] == name)


def _linear(start: float, goal: float, year: int, first: int = 2019, last: int = 2035) -> float:
    return start + (goal - start) * (year - first) / (last - first)


# ---------------------------------------------------------------------------------------- JSON


def test_each_end_of_the_agriculture_range_has_its_own_path_and_gap(bundled_policy):
    evaluation = _evaluate(bundled_policy, {"nh3_landbouw": {"2019": BASELINE, "2027": 86.0}})
    target = _json_target(evaluation, "nh3_landbouw_2035")
    ambitious, lenient = target["ends"]
    assert target["status"] == "on_track_lenient_end" and target["range_end"] == "lenient"
    assert [ambitious["end"], ambitious["written"]] == ["ambitious", "46 %"]
    assert [lenient["end"], lenient["written"]] == ["lenient", "42 %"]
    for end, goal in ((ambitious, AMBITIOUS), (lenient, LENIENT)):
        required = _linear(BASELINE, goal, 2027)
        assert end["goal"] == pytest.approx(goal)
        assert end["path"] == [[2019, BASELINE], [2035, pytest.approx(goal)]]
        assert end["required"] == pytest.approx(required)
        assert end["gap"] == pytest.approx(86.0 - required)
        assert end["gap_percent"] == pytest.approx((86.0 - required) / required * 100)
    assert [ambitious["status"], lenient["status"]] == ["off_track", "on_track"]
    # the range commits to its lenient end: its goal and gap are the target's own
    assert (target["goal"], target["gap"]) == (lenient["goal"], lenient["gap"])


@pytest.mark.parametrize(
    ("value", "status", "end"),
    [(59.0, "met", "ambitious"), (84.9, "on_track", "ambitious"), (87.2, "off_track", "neither")],
)
def test_the_json_names_the_end_the_status_speaks_of(bundled_policy, value, status, end):
    evaluation = _evaluate(bundled_policy, {"nh3_landbouw": {"2019": BASELINE, "2027": value}})
    target = _json_target(evaluation, "nh3_landbouw_2035")
    assert (target["status"], target["range_end"]) == (status, end)


def test_a_single_value_has_no_ends(bundled_policy):
    evaluation = _evaluate(bundled_policy, {"nh3_industrie": {"2019": 1.0, "2027": 0.7}})
    target = _json_target(evaluation, "nh3_industrie_2035")
    assert (target["status"], target["range_end"], target["ends"]) == ("on_track", None, [])


def test_each_end_runs_through_its_own_end_of_a_range_interim(ranges_policy):
    evaluation = _evaluate(ranges_policy, {"nh3_landbouw": {"2019": 100.0, "2027": 88.0}})
    ambitious, lenient = evaluation.targets["nh3_waarde_2034"].ends
    assert ambitious.path == ((2019, 100.0), (2030, 80.0), (2034, 60.0))
    assert lenient.path == ((2019, 100.0), (2030, 85.0), (2034, 70.0))
    assert ambitious.required == pytest.approx(100 - 20 * 8 / 11)


@pytest.mark.parametrize(
    ("name", "values", "year"),
    [
        ("nh3_landbouw_2035", {"2019": BASELINE, "2027": 59.0}, 2027),  # range, met
        ("nh3_landbouw_2035", {"2019": BASELINE, "2027": 63.0}, 2027),  # met at the lenient end
        ("nh3_landbouw_2035", {"2019": BASELINE, "2027": 80.0}, 2027),  # on track
        ("nh3_landbouw_2035", {"2019": BASELINE, "2027": 100.0}, 2027),  # off track
        ("nh3_landbouw_2035", {"2019": BASELINE, "2035": 70.0}, 2035),  # missed
        ("nh3_industrie_2035", {"2019": 1.0, "2027": 0.4}, 2027),  # single value, met
        ("nh3_industrie_2035", {"2019": 1.0, "2027": 0.7}, 2027),  # single value, on track
        ("nh3_industrie_2035", {"2019": 1.0, "2035": 0.6}, 2035),  # single value, missed
    ],
)
def test_every_target_with_a_path_has_a_gap_in_amount_and_percent(
    bundled_policy, name, values, year
):
    indicator = "nh3_landbouw" if name.startswith("nh3_landbouw") else "nh3_industrie"
    evaluation = _evaluate(bundled_policy, {indicator: values}, dt.date(year, 12, 31))
    target = _json_target(evaluation, name)
    assert target["path"], target
    observed = target["observed"]["value"]
    goal = target["goal"]
    required = goal if year >= 2035 else _linear(target["path"][0][1], goal, year)
    assert target["gap"] == pytest.approx(observed - required)
    assert target["gap_percent"] == pytest.approx((observed - required) / required * 100)
    for end in target["ends"]:
        assert end["gap"] is not None and end["gap_percent"] is not None


def test_a_target_without_a_path_has_no_gap(ranges_policy):
    evaluation = _evaluate(ranges_policy, {"nh3_landbouw": {"2019": 100.0, "2027": 80.0}})
    target = _json_target(evaluation, "nh3_reductie_geen_traject")  # `traject geen`
    assert (target["status"], target["gap"], target["path"]) == ("not_yet_due", None, [])
    assert [e["gap"] for e in target["ends"]] == [None, None]


# ---------------------------------------------------------------------------------------- text


def test_explain_shows_each_end_with_its_path_and_gap(bundled_policy):
    evaluation = _evaluate(bundled_policy, {"nh3_landbouw": {"2019": BASELINE, "2027": 86.0}})
    text = explain(bundled_policy, evaluation, "nh3_landbouw_2035", None)
    ambitious_path = _linear(BASELINE, AMBITIOUS, 2027)
    lenient_path = _linear(BASELINE, LENIENT, 2027)
    assert "status on 2027-12-31: on track lenient end" in text
    assert f"ambitious end (46 %): at most {AMBITIOUS:,.2f} kton by 2035-12-31; off track" in text
    assert f"lenient end (42 %): at most {LENIENT:,.2f} kton by 2035-12-31; on track" in text
    assert f"the path asks {ambitious_path:,.2f} kton for 2027" in text
    assert f"gap: {86.0 - ambitious_path:,.2f} kton" in text
    assert f"gap: {86.0 - lenient_path:,.2f} kton" in text and "at or ahead of the path" in text


def test_explain_shows_the_gap_of_a_met_single_value_as_ahead(bundled_policy):
    evaluation = _evaluate(bundled_policy, {"nh3_industrie": {"2019": 1.0, "2027": 0.4}})
    text = explain(bundled_policy, evaluation, "nh3_industrie_2035", None)
    assert "status on 2027-12-31: met\n" in text
    assert "gap: -0.35 kton (-46.7%), at or ahead of the path" in text


def test_the_terminal_names_both_ends_and_their_gaps(bundled_policy):
    evaluation = _evaluate(bundled_policy, {"nh3_landbouw": {"2019": BASELINE, "2027": 86.0}})
    line = next(
        line for line in render_text(evaluation).splitlines() if "nh3_landbouw_2035" in line
    )
    assert line.startswith("  on track lenient end nh3_landbouw_2035: 86 kton in 2027 is on track")
    assert "ambitious end 1.07 kton (1.3%) behind, lenient end 1.14 kton (1.3%) ahead" in line


def test_the_report_names_both_ends_in_both_languages(tmp_path, monkeypatch):
    assert write_bundled_report(tmp_path, monkeypatch) == 0
    english = (tmp_path / "markdown" / "en" / "target-nh3_landbouw_2035.md").read_text("utf-8")
    dutch = (tmp_path / "markdown" / "nl" / "target-nh3_landbouw_2035.md").read_text("utf-8")
    assert "The ambitious end (46 %) is 60.91 kton in 2035: off track; its path asks" in english
    assert "The lenient end (42 %) is 65.42 kton in 2035: off track" in english
    assert "behind by 1.02 kton (1%)" in english
    assert "De ambitieuze kant (46 %) is 60,91 kton in 2035: achter op schema" in dutch
    assert "De minst ambitieuze kant (42 %) is 65,42 kton in 2035" in dutch
    assert "achterstand 1,02 kton (1%)" in dutch
