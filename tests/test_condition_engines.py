"""The reference evaluator of conditions (compiler/evaluate/conditions.py) and its columnar fast
path (compiler/evaluate/columns.py) give the same truth for every entity, for generated conditions
and populations (empty cells, national values, targets, triggers in and out of force, calculations
with division by zero); and `beleid
explain --farm` says what `beleid evaluate` decided for a trigger outside its validity.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.conditions import (
    EntitySubject,
    NationalConditions,
    evaluate_condition,
    trigger_is_active,
)
from compiler.evaluate.targets import STATE_MEANING, STATUSES, TargetStatus
from dsl import nodes
from tests.conftest import run_cli
from tests.evaluation_helpers import farms, series

MOMENT = dt.date(2027, 12, 31)
UNITS = {
    "nh3_emissie_bedrijf": "kg",
    "bedrijfsnorm_nh3": "kg",
    "afstand_overbelast_natura2000": "m",
    "structureel_verwijtbaar": "ja_nee",
    "nh3_landbouw": "kton",
    "akkoord_gesloten": "ja_nee",
    "emissie_per_dier": "kg",
}
ENTITY_COLUMNS = [
    "nh3_emissie_bedrijf",
    "bedrijfsnorm_nh3",
    "afstand_overbelast_natura2000",
    "structureel_verwijtbaar",
]
PER_FARM_ELSEWHERE = "emissie_per_dier"  # a per-farm indicator the entity table does not hold
NATIONAL = ["nh3_landbouw", "akkoord_gesloten", PER_FARM_ELSEWHERE]
TRIGGERS = ["t_a", "t_b", "t_c"]
TARGETS = ["doel_a", "doel_b"]

# ---------------------------------------------------------------------------------------- worlds

cells = st.one_of(
    st.sampled_from([0.0, 1.0, 100.0, 1000.0, 1500.0, 2000.0, float("nan")]),
    st.floats(0, 3000, allow_nan=False),
)
maybe_number = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.0]), st.floats(0, 200))
trigger_states = st.sampled_from(["fired", "not_fired", "undecided", None])  # None: not in force


@st.composite
def target_statuses(draw) -> dict[str, TargetStatus]:
    """Some targets in force, each with a status and perhaps a gap; the others are not in force."""
    found = {}
    for name in TARGETS:
        if draw(st.booleans()):
            gap = draw(st.one_of(st.none(), st.sampled_from([0.0, 0.5, 2.0])))
            percent = draw(st.one_of(st.none(), st.sampled_from([0.0, 4.0, 5.0, 12.5])))
            status = draw(st.sampled_from(STATUSES))
            found[name] = TargetStatus(
                name, "nh3_landbouw", "kton", status, "test", gap=gap, gap_percent=percent
            )
    return found


@st.composite
def nations(draw) -> NationalConditions:
    values = {name: draw(maybe_number) for name in ("nh3_landbouw", "akkoord_gesloten")}
    states = {name: draw(trigger_states) for name in TRIGGERS}
    return NationalConditions(
        series({k: {"2027": v} for k, v in values.items() if v is not None}),
        MOMENT,
        UNITS,
        draw(target_statuses()),
        states.get,
        frozenset(ENTITY_COLUMNS + [PER_FARM_ELSEWHERE]),
    )


@st.composite
def populations(draw):
    rows = draw(st.lists(st.tuples(*[cells] * 4), min_size=0, max_size=10))
    return farms(
        [(f"F{i}", "melkvee", "utrecht", row[0], row[1]) for i, row in enumerate(rows)],
        afstand_overbelast_natura2000=[row[2] for row in rows],
        structureel_verwijtbaar=[row[3] for row in rows],
    )


# --------------------------------------------------------------------------------------- conditions


def quantity(number: int, unit: str) -> nodes.Quantity:
    return nodes.Quantity(str(number), nodes.Unit(unit))


def operands(names: list[str]):
    return st.one_of(
        st.builds(nodes.Ref, st.sampled_from(names)),
        st.builds(quantity, st.sampled_from([0, 1, 2, 100, 1000, 1500]), st.just("kg")),
        st.builds(quantity, st.sampled_from([1, 2]), st.sampled_from(["ton", "kton", "m"])),
        st.builds(quantity, st.sampled_from([0, 1, 2, 5]), st.sampled_from(["", "%"])),
        st.builds(
            nodes.Call,
            st.sampled_from(["achterstand", "achterstand_procent"]),
            st.builds(nodes.Ref, st.sampled_from(TARGETS)),
        ),
        st.just(nodes.Call("effect", nodes.Ref("beeindiging"))),
    )


def expressions(names: list[str]):
    """Operands and calculations of them: `+ - * /` (dividing by zero too), `-x`, `absoluut(x)`."""

    def calculation(inner):
        return st.one_of(
            st.builds(nodes.Arithmetic, inner, st.sampled_from(["+", "-", "*", "/"]), inner),
            st.builds(nodes.Negative, inner),
            st.builds(nodes.Absolute, inner),
        )

    return st.recursive(operands(names), calculation, max_leaves=5)


def leaves(names: list[str]):
    return st.one_of(
        st.builds(
            nodes.Comparison,
            expressions(names),
            st.sampled_from(["<", "<=", ">", ">=", "=", "!="]),
            expressions(names),
        ),
        st.builds(nodes.Flag, st.builds(nodes.Ref, st.sampled_from(names))),
        st.builds(
            nodes.StateTest, st.builds(nodes.Ref, st.sampled_from(TRIGGERS)), st.just("actief")
        ),
        st.builds(
            nodes.StateTest,
            st.builds(nodes.Ref, st.sampled_from(TARGETS)),
            st.sampled_from(sorted(STATE_MEANING)),
        ),
    )


def conditions(names: list[str]):
    def branch(inner):
        parts = st.lists(inner, min_size=1, max_size=3).map(tuple)
        return st.one_of(
            st.builds(nodes.Not, inner),
            st.builds(nodes.AllOf, parts),
            st.builds(nodes.AnyOf, parts),
        )

    return st.recursive(leaves(names), branch, max_leaves=8)


# --------------------------------------------------------------------------------------- properties


@settings(max_examples=400, deadline=None)
@given(condition=conditions(ENTITY_COLUMNS + NATIONAL), nation=nations(), population=populations())
def test_the_columnar_path_agrees_with_the_reference_on_every_entity(condition, nation, population):
    mask = EntityConditions(population, nation, UNITS).mask(condition)
    assert mask.true.shape == (population.size,)
    if mask.unknown is not None:
        assert not (mask.true & mask.unknown).any(), "a truth both true and unknown"
    for index in range(population.size):
        reference = evaluate_condition(condition, EntitySubject(nation, population, index, UNITS))
        assert mask.truth(index) == reference.truth, (condition, index, reference)


@settings(max_examples=200, deadline=None)
@given(condition=conditions(NATIONAL), nation=nations(), population=populations())
def test_a_condition_without_entity_columns_is_the_nations_truth_for_every_entity(
    condition, nation, population
):
    national = nation.evaluate(condition).truth
    mask = EntityConditions(population, nation, UNITS).mask(condition)
    for index in range(population.size):
        assert mask.truth(index) == national, (condition, index)
        subject = EntitySubject(nation, population, index, UNITS)
        assert evaluate_condition(condition, subject).truth == national


def test_a_division_by_zero_is_unknown_in_both_paths():
    """docs/language.md: a division by zero at run time makes the comparison unknown, per entity."""
    nation = NationalConditions(series({}), MOMENT, UNITS, {}, {}.get, frozenset())
    population = farms(
        [("F1", "melkvee", "utrecht", 300, 0), ("F2", "varkens", "zeeland", 300, 200)]
    )
    ratio = nodes.Arithmetic(nodes.Ref("nh3_emissie_bedrijf"), "/", nodes.Ref("bedrijfsnorm_nh3"))
    condition = nodes.Comparison(ratio, ">", quantity(1, ""))
    mask = EntityConditions(population, nation, UNITS).mask(condition)
    reference = [
        evaluate_condition(condition, EntitySubject(nation, population, i, UNITS)).truth
        for i in range(population.size)
    ]
    assert [mask.truth(i) for i in range(population.size)] == reference == [None, True]
    by_zero = nodes.Comparison(
        nodes.Arithmetic(quantity(1, "kg"), "/", quantity(0, "")), "<", ratio
    )
    assert nation.evaluate(by_zero).truth is None
    assert EntityConditions(population, nation, UNITS).mask(by_zero).unknown.all()


def test_a_trigger_not_in_force_is_not_active_in_both_paths():
    """docs/evaluation.md: `trigger is actief` is true when that trigger fired at this moment; a
    trigger not in force did not fire, so the test is false (not unknown), also under `niet`.
    """
    assert trigger_is_active(None) is False
    assert trigger_is_active("undecided") is None
    nation = NationalConditions(series({}), MOMENT, UNITS, {}, {}.get, frozenset())
    population = farms([("F1", "melkvee", "utrecht", 1, 1), ("F2", "varkens", "zeeland", 2, 1)])
    active = nodes.StateTest(nodes.Ref("weg"), "actief")
    for condition, truth in ((active, False), (nodes.Not(active), True)):
        assert nation.evaluate(condition).truth is truth
        mask = EntityConditions(population, nation, UNITS).mask(condition)
        assert [mask.truth(i) for i in range(population.size)] == [truth, truth]
    assert "not in force" in nation.evaluate(active).text


# ---------------------------------------------------------------------------------------- the CLI

OUTDATED_TRIGGER = """
trigger oude_trigger "Een trigger die tot 2026 gold" {
    als  areaal_natuur < 1000 ha
    dan  besluit extra_besluit
    geldig vanaf 2025-01-01 tot 2026-01-01
    bron brief regel 6 "Als uit de monitoring blijkt dat de landbouw achterblijft, dan"
}

besluit extra_besluit "Extra besluit" {
    door kabinet
    wat  "aanvullende maatregelen"
    bron brief regel 6 "Als uit de monitoring blijkt dat de landbouw achterblijft"
}

verplichting plan "Bedrijfsplan zolang de oude trigger niet actief is" {
    wie      elk bedrijf waar niet oude_trigger is actief en nh3_bedrijf > norm_bedrijf
    wat      "een bedrijfsplan opstellen"
    termijn  6 maanden na monitoring
    bron brief regel 7
        "stellen de achterblijvende bedrijven een bedrijfsplan op binnen zes maanden."
}
"""
# One farm per sector, so the evaluation's count per sector says which farms it selected.
FARMS = {"F1": ("melkvee", 2100), "F2": ("varkens", 1200), "F3": ("pluimvee", 1800)}


def test_explain_farm_agrees_with_evaluate_for_a_trigger_outside_its_validity(capsys, policy_dir):
    root = policy_dir(OUTDATED_TRIGGER)
    (root / "farms.csv").write_text(
        "id,sector,province,nh3_bedrijf,norm_bedrijf,herhaald\n"
        + "".join(f"{f},{s},utrecht,{e},1500,0\n" for f, (s, e) in FARMS.items()),
        encoding="utf-8",
    )
    (root / "series.csv").write_text(
        "indicator,period,value,unit,status,source\nareaal_natuur,2027,900,ha,measured,test\n",
        encoding="utf-8",
    )
    inputs = ["--policy", root, "--as-of", "2027", "--series", root / "series.csv"]
    inputs += ["--farms", root / "farms.csv", "--no-ledger"]
    code, out, _ = run_cli(capsys, "evaluate", *inputs, "--format", "json")
    assert code == 0
    evaluation = json.loads(out)
    assert evaluation["triggers"] == []  # `oude_trigger` is not in force in 2027
    (plan,) = evaluation["entity_obligations"]
    decided = {farm: plan["by_sector"][sector] == 1 for farm, (sector, _) in FARMS.items()}
    assert decided == {"F1": True, "F2": False, "F3": True} and plan["unknown"] == 0

    explained = {}
    for farm in FARMS:
        code, out, _ = run_cli(capsys, "explain", "plan", "--farm", farm, *inputs)
        assert code == 0
        assert "trigger `oude_trigger` is active: it is not in force, so it did not fire" in out
        explained[farm] = re.search(rf"farm {farm}: selected\? (\w+)", out).group(1)
    assert explained == {"F1": "yes", "F2": "no", "F3": "yes"}
    assert [f for f, answer in explained.items() if answer == "yes"] == [
        f for f, selected in decided.items() if selected
    ]
    assert sum(answer == "unknown" for answer in explained.values()) == plan["unknown"]


def test_explain_reads_a_per_farm_indicator_as_evaluation_does(bundled_policy):
    """`Evaluation.national()` (what explain asks) treats a per-farm indicator as evaluation does:
    never from the national series, even when the series happens to hold a value of that name.
    """
    from compiler.data.types import Monitoring
    from compiler.evaluate.moment import evaluate
    from tests.evaluation_helpers import farms, series

    data = series({"nh3_landbouw": {"2021": 100.0}, "nh3_emissie_bedrijf": {"2021": 5.0}})
    population = farms([("B1", "melkvee", "gelderland", 10.0, 5.0)])
    evaluation = evaluate(bundled_policy, Monitoring(data, population), dt.date(2027, 12, 31))
    condition = nodes.Comparison(
        nodes.Ref("nh3_emissie_bedrijf"), ">", nodes.Quantity("1", nodes.Unit("kg"))
    )
    assert evaluation.national().evaluate(condition).truth is None
