"""Evaluation results the policy-test format cannot state, on the bundled policy: goals, gaps and
reasons of targets, trigger traces, the kind of a duty and its due date, obligations over a
generated population, what the ledger keeps, and the Python helpers (trajectories, periods, series,
masks).

The statuses of targets, triggers, duties, obligations and ladder steps are evaluation cases in
YAML under tests/cases/evaluation/, run by tests/test_evaluation_cases.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring, Series
from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.conditions import NationalConditions
from compiler.evaluate.duties import add_period
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import evaluate
from compiler.evaluate.paths import on_path
from dsl import nodes
from tests.evaluation_helpers import assume, event, farms, series

END_2027 = dt.date(2027, 12, 31)
LANDBOUW_2019 = {"2019": 110.3}


@pytest.fixture(scope="module")
def streefwaarde_policy(bundled_policy):
    """The bundled policy with the pending 2030 streefwaarde filled in for the test."""
    return assume(
        bundled_policy,
        nh3_landbouw_2030__waarde="90 kton",
        bedrijfsplan__termijn="6 maanden na monitoring",
    )


def _run(policy, values, moment=END_2027, population=None, events=(), history=None):
    return evaluate(policy, Monitoring(series(values), population, tuple(events)), moment, history)


# ---------------------------------------------------------------------------------------- targets


@pytest.mark.parametrize("value_2027", [63.0, 80.0, 100.0])
def test_goal_of_the_2035_agriculture_target(bundled_policy, value_2027):
    result = _run(bundled_policy, {"nh3_landbouw": {**LANDBOUW_2019, "2027": value_2027}})
    target = result.targets["nh3_landbouw_2035"]
    assert target.goal == pytest.approx(110.3 * 0.58)  # 42% is the commitment; 46% the ambition
    assert [e.goal for e in target.ends] == pytest.approx([110.3 * 0.54, 110.3 * 0.58])


def test_off_track_reports_the_gap_in_units_and_percent(bundled_policy):
    target = _run(bundled_policy, {"nh3_landbouw": {**LANDBOUW_2019, "2027": 100.0}}).targets[
        "nh3_landbouw_2035"
    ]
    required = 110.3 + (110.3 * 0.58 - 110.3) * 8 / 16  # linear from 2019 to 2035
    assert target.required == pytest.approx(required)
    assert target.gap == pytest.approx(100.0 - required)
    assert target.gap_percent == pytest.approx((100.0 - required) / required * 100)


def test_without_a_baseline_the_reason_names_the_year(bundled_policy):
    without_baseline = _run(bundled_policy, {"nh3_landbouw": {"2027": 90.0}}).targets[
        "nh3_landbouw_2035"
    ]
    assert without_baseline.status == "cannot_decide"
    assert "baseline year 2019" in without_baseline.reason


def test_a_missed_per_farm_target_counts_the_failing_farms_and_their_gap(bundled_policy):
    population = farms(
        [("A", "melkvee", "utrecht", 120, 100), ("B", "varkens", "limburg", 90, 100)]
    )
    after = _run(bundled_policy, {}, dt.date(2035, 12, 31), population).targets["bedrijfsnorm_2035"]
    assert after.status == "missed"
    assert after.tally.failing == 1 and after.tally.gap_by_sector[0] == 20.0


def test_a_pending_streefwaarde_is_named_as_the_reason(bundled_policy):
    result = _run(
        bundled_policy,
        {"nh3_landbouw": {**LANDBOUW_2019, "2027": 105.0}},
        population=generate_farms(1000),
    )
    assert "value pending" in result.targets["nh3_landbouw_2030"].reason
    assert "value pending" in result.triggers["landbouw_achter_op_streefwaarde"].trace.text


def test_trajectory_shapes():
    path = ((2019, 100.0), (2025, 70.0), (2030, 50.0))
    assert on_path(path, 2022, stepwise=False) == pytest.approx(85.0)
    assert on_path(path, 2022, stepwise=True) == 100.0
    assert on_path(path, 2027, stepwise=True) == 70.0
    assert on_path(path, 2018, stepwise=False) is None
    assert on_path(path, 2040, stepwise=False) == 50.0


# ---------------------------------------------------------------------------------------- triggers


def test_in_a_generated_population_exactly_the_farms_over_their_norm_must_file_a_plan(
    streefwaarde_policy,
):
    population = generate_farms(5000, seed=11)
    result = _run(
        streefwaarde_policy,
        {"nh3_landbouw": {**LANDBOUW_2019, "2027": 105.0}},
        population=population,
    )
    over = population.columns["nh3_emissie_bedrijf"] > population.columns["bedrijfsnorm_nh3"]
    plan = result.entity_obligations["bedrijfsplan"]
    assert np.array_equal(plan.selected, over)
    assert plan.due_of(np.flatnonzero(over)).tolist() == [dt.date(2028, 6, 30).toordinal()] * int(
        over.sum()
    )


def test_the_spuiwater_fallback_is_a_measure_that_names_its_trigger(bundled_policy):
    result = _run(bundled_policy, {"nh3_reductie_spuiwater_ureum": {"2027": 0.8}})
    fallback = [d for d in result.duties if d.declaration == "alternatieve_maatregelen_spuiwater"]
    assert [(d.kind, d.reason) for d in fallback] == [
        ("maatregel", "trigger spuiwater_ureum_effect_niet_gerealiseerd")
    ]


def test_a_trigger_that_did_not_fire_says_why(bundled_policy):
    trace = (
        _run(bundled_policy, {"nh3_reductie_spuiwater_ureum": {"2027": 1.5}})
        .triggers["spuiwater_ureum_effect_niet_gerealiseerd"]
        .trace
    )
    assert trace.truth is False
    assert trace.text == "`nh3_reductie_spuiwater_ureum` = 1.5 kton (2027) < 1.2 kton: false"


# --------------------------------------------------------------------------------------- conditions


def _national(values):
    return NationalConditions(
        series(values), END_2027, {"x": "kton", "y": "kton"}, {}, lambda n: None, frozenset()
    )


def test_columns_with_missing_values_are_unknown_not_selected(bundled_policy):
    population = farms(
        [
            ("A", "melkvee", "utrecht", 120, 100),
            ("B", "melkvee", "utrecht", float("nan"), 100),
            ("C", "varkens", "zeeland", 80, 100),
        ]
    )
    columns = EntityConditions(
        population, _national({}), {"nh3_emissie_bedrijf": "kg", "bedrijfsnorm_nh3": "kg"}
    )
    over = nodes.Comparison(nodes.Ref("nh3_emissie_bedrijf"), ">", nodes.Ref("bedrijfsnorm_nh3"))
    mask = columns.mask(over)
    assert mask.true.tolist() == [True, False, False]
    assert mask.unknown.tolist() == [False, True, False]
    negated = columns.mask(nodes.Not(over))
    assert negated.true.tolist() == [False, False, True]


# ---------------------------------------------------------------------------------------- duties


def test_add_period_keeps_month_ends():
    assert add_period(dt.date(2027, 8, 31), 6, "maanden") == dt.date(2028, 2, 29)
    assert add_period(dt.date(2027, 12, 31), 2, "jaar") == dt.date(2029, 12, 31)
    assert add_period(dt.date(2027, 12, 31), 3, "weken") == dt.date(2028, 1, 21)


@pytest.mark.parametrize(
    "moment, events, due",
    [
        (dt.date(2026, 6, 1), [], dt.date(2027, 12, 31)),
        (dt.date(2027, 12, 31), [], dt.date(2027, 12, 31)),
        (dt.date(2027, 12, 31), [dt.date(2027, 11, 1)], dt.date(2027, 12, 31)),
        (dt.date(2028, 6, 1), [], dt.date(2027, 12, 31)),
        (dt.date(2028, 6, 1), [dt.date(2027, 11, 1)], dt.date(2029, 12, 31)),
    ],
)
def test_due_date_of_the_recurring_monitoring_duty(bundled_policy, moment, events, due):
    reported = [event("kabinet", "monitoring_maatregelen", "reported", d) for d in events]
    result = _run(bundled_policy, {}, moment, events=reported)
    duty = next(d for d in result.duties if d.declaration == "monitoring_maatregelen")
    assert duty.due == due


def test_a_stopped_declaration_is_not_in_force(bundled_policy):
    # The provinces' NPLG area programmes were stopped on 2024-09-13 by the area-specific approach.
    assert "gebiedsprogrammas_provincies" in _run(bundled_policy, {}, dt.date(2023, 6, 1)).in_force
    assert "gebiedsprogrammas_provincies" not in _run(bundled_policy, {}).in_force


# --------------------------------------------------------------------------------------- escalation


def _ladder_farms(stubborn_emission: float, violations: int):
    return farms(
        [
            ("STUBBORN", "melkvee", "utrecht", stubborn_emission, 100),
            ("FILER", "varkens", "limburg", 130, 100),
            ("CLEAN", "pluimvee", "zeeland", 80, 100),
        ],
        overtredingen_doelsturing=[violations, 0, 0],
    )


def test_the_ledger_keeps_the_steps_and_meeting_the_norm_ends_the_obligation(streefwaarde_policy):
    """The steps themselves are the case in tests/cases/evaluation/bundled/escalation.yaml."""
    off_track = {"nh3_landbouw": {**LANDBOUW_2019, "2027": 105.0, "2029": 104.0, "2031": 103.0}}
    filed = (event("FILER", "bedrijfsplan", "filed", dt.date(2028, 1, 10)),)
    ledger = Ledger(":memory:")

    def run(year: int, population):
        moment = dt.date(year, 12, 31)
        monitoring = Monitoring(series(off_track), population, filed)
        result = evaluate(streefwaarde_policy, monitoring, moment, ledger.history(moment))
        ledger.record(result, "policy")
        return result

    for year in (2027, 2029, 2031):
        run(year, _ladder_farms(120, 0))
    assert ledger.steps_of("handhaving_doelsturing", "STUBBORN") == [
        (dt.date(2029, 12, 31), 1),
        (dt.date(2031, 12, 31), 2),
    ]
    ended = run(2035, _ladder_farms(90, 1)).entity_obligations["bedrijfsplan"].ended
    assert ended.tolist() == [True, False, False]


def test_history_is_empty_without_earlier_moments():
    ledger = Ledger(":memory:")
    history = ledger.history(END_2027)
    assert history.previous is None and not history.open_obligations and not history.steps


def test_series_latest_ignores_values_after_the_moment():
    values = series({"x": {"2025": 1.0, "2029": 2.0}})
    assert values.latest("x", END_2027).value == 1.0
    assert Series().latest("x", END_2027) is None


def test_an_empty_yes_no_cell_is_unknown_not_yes(bundled_policy):
    """Regression (found by tests/test_evaluation_properties.py): NaN != 0 made an empty cell count
    as yes.
    """
    population = farms(
        [("A", "melkvee", "utrecht", 1, 1), ("B", "melkvee", "utrecht", 1, 1)],
        structureel_verwijtbaar=[1, float("nan")],
    )
    columns = EntityConditions(population, _national({}), {"structureel_verwijtbaar": "ja_nee"})
    mask = columns.mask(nodes.Flag(nodes.Ref("structureel_verwijtbaar")))
    assert mask.true.tolist() == [True, False]
    assert mask.unknown.tolist() == [False, True]
