"""Evaluation semantics on the bundled policy: target statuses, triggers, obligations per farm, the
1.2 kton fallback, reporting duties, escalation along the ladder, three-valued conditions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from compiler.data.monitoring import Monitoring, Series
from compiler.data.synthetic import generate_farms
from compiler.evaluate.conditions import EntityConditions, NationalConditions
from compiler.evaluate.duties import add_period
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import evaluate
from compiler.evaluate.targets import _on_path
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


@pytest.mark.parametrize(
    "value_2027, status", [(63.0, "met"), (80.0, "on_track"), (100.0, "off_track")]
)
def test_status_of_the_2035_agriculture_target(bundled_policy, value_2027, status):
    result = _run(bundled_policy, {"nh3_landbouw": {**LANDBOUW_2019, "2027": value_2027}})
    target = result.targets["nh3_landbouw_2035"]
    assert target.status == status
    assert target.goal == pytest.approx(110.3 * 0.58)  # 42% is the commitment; 46% the ambition


def test_off_track_reports_the_gap_in_units_and_percent(bundled_policy):
    target = _run(bundled_policy, {"nh3_landbouw": {**LANDBOUW_2019, "2027": 100.0}}).targets[
        "nh3_landbouw_2035"
    ]
    required = 110.3 + (110.3 * 0.58 - 110.3) * 8 / 16  # linear from 2019 to 2035
    assert target.required == pytest.approx(required)
    assert target.gap == pytest.approx(100.0 - required)
    assert target.gap_percent == pytest.approx((100.0 - required) / required * 100)


def test_missed_after_the_deadline(bundled_policy):
    result = _run(
        bundled_policy, {"nh3_landbouw": {**LANDBOUW_2019, "2035": 70.0}}, dt.date(2035, 12, 31)
    )
    assert result.targets["nh3_landbouw_2035"].status == "missed"


def test_no_data_and_no_baseline(bundled_policy):
    assert _run(bundled_policy, {}).targets["nh3_landbouw_2035"].status == "no_data"
    without_baseline = _run(bundled_policy, {"nh3_landbouw": {"2027": 90.0}}).targets[
        "nh3_landbouw_2035"
    ]
    assert without_baseline.status == "cannot_decide"
    assert "baseline year 2019" in without_baseline.reason


def test_per_farm_target_is_not_yet_due_before_2035(bundled_policy):
    population = farms(
        [("A", "melkvee", "utrecht", 120, 100), ("B", "varkens", "limburg", 90, 100)]
    )
    before = _run(bundled_policy, {}, population=population).targets["bedrijfsnorm_2035"]
    after = _run(bundled_policy, {}, dt.date(2035, 12, 31), population).targets["bedrijfsnorm_2035"]
    assert (before.status, after.status) == ("not_yet_due", "missed")
    assert after.tally.failing == 1 and after.tally.gap_by_sector[0] == 20.0


def test_pending_streefwaarde_cannot_be_decided(bundled_policy):
    result = _run(
        bundled_policy,
        {"nh3_landbouw": {**LANDBOUW_2019, "2027": 105.0}},
        population=generate_farms(1000),
    )
    target = result.targets["nh3_landbouw_2030"]
    assert target.status == "cannot_decide"
    assert "value pending" in target.reason
    trigger = result.triggers["landbouw_achter_op_streefwaarde"]
    assert trigger.state == "undecided"
    assert "value pending" in trigger.trace.text
    assert result.entity_obligations["bedrijfsplan"].count == 0


def test_trajectory_shapes():
    path = ((2019, 100.0), (2025, 70.0), (2030, 50.0))
    assert _on_path(path, 2022, stepwise=False) == pytest.approx(85.0)
    assert _on_path(path, 2022, stepwise=True) == 100.0
    assert _on_path(path, 2027, stepwise=True) == 70.0
    assert _on_path(path, 2018, stepwise=False) is None
    assert _on_path(path, 2040, stepwise=False) == 50.0


# ---------------------------------------------------------------------------------------- triggers


def test_off_track_fires_and_exactly_the_farms_over_their_norm_must_file_a_plan(
    streefwaarde_policy,
):
    population = generate_farms(5000, seed=11)
    result = _run(
        streefwaarde_policy,
        {"nh3_landbouw": {**LANDBOUW_2019, "2027": 105.0}},
        population=population,
    )
    assert result.targets["nh3_landbouw_2030"].status == "off_track"
    assert result.triggers["landbouw_achter_op_streefwaarde"].state == "fired"
    over = population.columns["nh3_emissie_bedrijf"] > population.columns["bedrijfsnorm_nh3"]
    plan = result.entity_obligations["bedrijfsplan"]
    assert np.array_equal(plan.selected, over)
    assert plan.due_of(np.flatnonzero(over)).tolist() == [dt.date(2028, 6, 30).toordinal()] * int(
        over.sum()
    )
    decisions = {d.declaration for d in result.duties}
    assert "aanvullende_maatregelen_landbouw" in decisions


def test_on_track_obliges_nobody(streefwaarde_policy):
    result = _run(
        streefwaarde_policy,
        {"nh3_landbouw": {**LANDBOUW_2019, "2027": 94.0}},
        population=generate_farms(2000),
    )
    assert result.triggers["landbouw_achter_op_streefwaarde"].state == "not_fired"
    assert result.entity_obligations["bedrijfsplan"].count == 0
    assert "aanvullende_maatregelen_landbouw" not in {d.declaration for d in result.duties}


@pytest.mark.parametrize("realised, fires", [(0.8, True), (1.2, False), (1.5, False)])
def test_spuiwater_fallback_at_1_2_kton(bundled_policy, realised, fires):
    result = _run(bundled_policy, {"nh3_reductie_spuiwater_ureum": {"2027": realised}})
    assert (result.triggers["spuiwater_ureum_effect_niet_gerealiseerd"].state == "fired") is fires
    fallback = [d for d in result.duties if d.declaration == "alternatieve_maatregelen_spuiwater"]
    assert bool(fallback) is fires
    if fires:
        assert (
            fallback[0].kind == "maatregel"
            and fallback[0].reason == "trigger spuiwater_ureum_effect_niet_gerealiseerd"
        )


def test_a_trigger_that_did_not_fire_says_why(bundled_policy):
    trace = (
        _run(bundled_policy, {"nh3_reductie_spuiwater_ureum": {"2027": 1.5}})
        .triggers["spuiwater_ureum_effect_niet_gerealiseerd"]
        .trace
    )
    assert trace.truth is False
    assert trace.text == "`nh3_reductie_spuiwater_ureum` = 1.5 kton (2027) < 1.2 kton: false"


# ---------------------------------------------------------------------------------------- conditions


def _national(values):
    return NationalConditions(
        series(values), END_2027, {"x": "kton", "y": "kton"}, {}, lambda n: None, frozenset()
    )


def _cmp(name, op, number):
    return nodes.Comparison(nodes.Ref(name), op, nodes.Quantity(str(number), nodes.Unit("kton")))


def test_kleene_logic():
    national = _national({"x": {"2027": 1.0}})  # y has no data: unknown
    true, unknown, false = _cmp("x", "<", 2), _cmp("y", "<", 2), _cmp("x", ">", 2)
    assert national.evaluate(nodes.AllOf((false, unknown))).truth is False
    assert national.evaluate(nodes.AllOf((true, unknown))).truth is None
    assert national.evaluate(nodes.AnyOf((true, unknown))).truth is True
    assert national.evaluate(nodes.AnyOf((false, unknown))).truth is None
    assert national.evaluate(nodes.Not(unknown)).truth is None


def test_units_are_converted_in_comparisons():
    national = _national({"x": {"2027": 1.0}})  # 1 kton
    kilograms = nodes.Comparison(nodes.Ref("x"), ">", nodes.Quantity("999999", nodes.Unit("kg")))
    assert national.evaluate(kilograms).truth is True


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
    "moment, events, status, due",
    [
        (dt.date(2026, 6, 1), [], "not_yet", dt.date(2027, 12, 31)),
        (dt.date(2027, 12, 31), [], "due", dt.date(2027, 12, 31)),
        (dt.date(2027, 12, 31), [dt.date(2027, 11, 1)], "fulfilled", dt.date(2027, 12, 31)),
        (dt.date(2028, 6, 1), [], "overdue", dt.date(2027, 12, 31)),
        (dt.date(2028, 6, 1), [dt.date(2027, 11, 1)], "due", dt.date(2029, 12, 31)),
    ],
)
def test_recurring_monitoring_duty(bundled_policy, moment, events, status, due):
    reported = [event("kabinet", "monitoring_maatregelen", "reported", d) for d in events]
    result = _run(bundled_policy, {}, moment, events=reported)
    duty = next(d for d in result.duties if d.declaration == "monitoring_maatregelen")
    assert (duty.status, duty.due) == (status, due)


def test_only_declarations_in_force_are_evaluated(bundled_policy):
    in_2023 = _run(bundled_policy, {}, dt.date(2023, 6, 1))
    in_2027 = _run(bundled_policy, {})
    # The provinces' NPLG area programmes were stopped on 2024-09-13 by the area-specific approach.
    assert "gebiedsprogrammas_provincies" in {d.declaration for d in in_2023.duties}
    assert "gebiedsprogrammas_provincies" not in {d.declaration for d in in_2027.duties}
    assert "gebiedsprogrammas_provincies" not in in_2027.in_force


# ---------------------------------------------------------------------------------------- escalation


def test_escalation_over_moments_reads_the_ledger(streefwaarde_policy):
    off_track = {
        "nh3_landbouw": {
            **LANDBOUW_2019,
            "2027": 105.0,
            "2029": 104.0,
            "2031": 103.0,
            "2033": 102.0,
        }
    }
    population = farms(
        [
            ("STUBBORN", "melkvee", "utrecht", 120, 100),
            ("FILER", "varkens", "limburg", 130, 100),
            ("CLEAN", "pluimvee", "zeeland", 80, 100),
        ]
    )
    filed = [event("FILER", "bedrijfsplan", "filed", dt.date(2028, 1, 10))]
    ledger = Ledger(":memory:")
    steps = []
    for year in (2027, 2029, 2031):
        moment = dt.date(year, 12, 31)
        result = evaluate(
            streefwaarde_policy,
            Monitoring(series(off_track), population, tuple(filed)),
            moment,
            ledger.history(moment),
        )
        ledger.record(result, "policy")
        steps.append(result.ladders["handhaving_doelsturing"].steps.tolist())
        if year == 2027:
            assert result.entity_obligations["bedrijfsplan"].selected.tolist() == [
                True,
                True,
                False,
            ]
    assert steps == [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
    assert ledger.steps_of("handhaving_doelsturing", "STUBBORN") == [
        (dt.date(2029, 12, 31), 1),
        (dt.date(2031, 12, 31), 2),
    ]
    # Step 3 needs an earlier violation; step 4 a structural, culpable one (neither is in the data yet).
    repeat = farms(
        [
            ("STUBBORN", "melkvee", "utrecht", 120, 100),
            ("FILER", "varkens", "limburg", 130, 100),
            ("CLEAN", "pluimvee", "zeeland", 80, 100),
        ],
        overtredingen_doelsturing=[1, 0, 0],
    )
    moment = dt.date(2033, 12, 31)
    result = evaluate(
        streefwaarde_policy,
        Monitoring(series(off_track), repeat, tuple(filed)),
        moment,
        ledger.history(moment),
    )
    ledger.record(result, "policy")
    assert result.ladders["handhaving_doelsturing"].steps.tolist() == [3, 0, 0]
    # Meeting the norm takes a farm off the ladder, and ends its open obligation.
    clean = farms(
        [
            ("STUBBORN", "melkvee", "utrecht", 90, 100),
            ("FILER", "varkens", "limburg", 130, 100),
            ("CLEAN", "pluimvee", "zeeland", 80, 100),
        ],
        overtredingen_doelsturing=[1, 0, 0],
    )
    moment = dt.date(2035, 12, 31)
    result = evaluate(
        streefwaarde_policy,
        Monitoring(series(off_track), clean, tuple(filed)),
        moment,
        ledger.history(moment),
    )
    assert result.ladders["handhaving_doelsturing"].steps.tolist() == [0, 0, 0]
    assert result.entity_obligations["bedrijfsplan"].ended.tolist() == [True, False, False]


def test_history_is_empty_without_earlier_moments():
    ledger = Ledger(":memory:")
    history = ledger.history(END_2027)
    assert history.previous is None and not history.open_obligations and not history.steps


def test_series_latest_ignores_values_after_the_moment():
    values = series({"x": {"2025": 1.0, "2029": 2.0}})
    assert values.latest("x", END_2027).value == 1.0
    assert Series().latest("x", END_2027) is None


def test_an_empty_yes_no_cell_is_unknown_not_yes(bundled_policy):
    """Regression (found by tests/test_evaluation_properties.py): NaN != 0 made an empty cell count as yes."""
    population = farms(
        [("A", "melkvee", "utrecht", 1, 1), ("B", "melkvee", "utrecht", 1, 1)],
        structureel_verwijtbaar=[1, float("nan")],
    )
    columns = EntityConditions(population, _national({}), {"structureel_verwijtbaar": "ja_nee"})
    mask = columns.mask(nodes.Flag(nodes.Ref("structureel_verwijtbaar")))
    assert mask.true.tolist() == [True, False]
    assert mask.unknown.tolist() == [False, True]
