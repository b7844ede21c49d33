"""Targets held per province: the `per_entity` block of `beleid evaluate --json`, the text lines,
`beleid explain` (one line per entity), and values from synthetic farms marked as such. The
statuses themselves are cases in tests/cases/evaluation/entity_targets/.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from compiler import compile_paths
from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring, Population, Series
from compiler.evaluate.explain import explain
from compiler.evaluate.moment import evaluate
from compiler.evaluate.outcomes import render_text, to_json
from compiler.evaluate.regionview import SYNTHETIC_NOTE
from tests.conftest import BASE, ROOT

RULES = ROOT / "tests" / "cases" / "evaluation" / "entity_targets" / "rules.policy"
MOMENT = dt.date(2027, 12, 31)


def _policy():
    compilation = compile_paths([str(BASE), str(RULES)])
    assert not list(compilation.diagnostics)
    return compilation.policy


def _farms() -> Population:
    """utrecht: 3000 kg and an unknown value (so unknown); zeeland: 4000 kg, its norm 1000 kg."""
    return Population(
        size=3,
        sector=np.zeros(3, dtype=np.int8),
        province=np.array([6, 6, 9], dtype=np.int8),  # utrecht, utrecht, zeeland
        columns={
            "nh3_bedrijf": np.array([3000, np.nan, 4000], float),
            "norm_bedrijf": np.array([2000, 3000, 1000], float),
        },
        origin="test",
        labels=np.array(["F1", "F2", "F3"]),
    )


def _target(data: dict, name: str) -> dict:
    return next(t for t in data["targets"] if t["id"] == name)


def test_the_json_lists_each_entity_with_value_goal_status_and_gap():
    evaluation = evaluate(_policy(), Monitoring(Series(), _farms()), MOMENT)
    target = _target(to_json(evaluation), "provincie_binnen_eigen_norm")
    block = target["per_entity"]
    assert target["status"] == "missed"
    assert block["kind"] == "provincie" and block["goal_column"] == "norm_provincie"
    assert block["counts"] == {"met": 10, "not_met": 1, "unknown": 1}
    assert block["synthetic"] is False  # a farm table was read
    entities = {e["id"]: e for e in block["entities"]}
    assert entities["zeeland"] == {
        "id": "zeeland",
        "value": 4000.0,
        "goal": 1000.0,
        "status": "not_met",
        "gap": 3000.0,
        "gap_percent": 300.0,
    }
    assert entities["utrecht"]["status"] == "unknown" and entities["utrecht"]["value"] is None
    assert entities["limburg"]["status"] == "met" and entities["limburg"]["gap"] == 0.0


def test_one_value_for_all_has_the_same_goal_for_every_entity():
    evaluation = evaluate(_policy(), Monitoring(Series(), _farms()), MOMENT)
    target = _target(to_json(evaluation), "provincie_ten_hoogste_5500_kg")
    goals = {e["goal"] for e in target["per_entity"]["entities"]}
    assert goals == {5500.0} and target["goal"] == 5500.0
    assert target["per_entity"]["goal_column"] is None


def test_the_text_and_explain_give_one_line_per_entity():
    policy = _policy()
    evaluation = evaluate(policy, Monitoring(Series(), _farms()), MOMENT)
    text = render_text(evaluation)
    assert "zeeland: not met, 4,000.00 kg against 1,000.00 kg; gap 3,000.00 kg (300.0%)" in text
    lines = explain(policy, evaluation, "provincie_binnen_eigen_norm", None).splitlines()
    start = lines.index("  per provincie (its own `norm_provincie`):")
    entity_lines = lines[start + 1 : start + 13]
    assert [line.split(":")[0].strip() for line in entity_lines][:3] == [
        "groningen",
        "fryslan",
        "drenthe",
    ]
    assert "    utrecht: unknown, unknown against 5,000.00 kg" in entity_lines
    assert SYNTHETIC_NOTE not in text


def test_values_from_synthetic_farms_are_marked_synthetic():
    policy = _policy()
    evaluation = evaluate(policy, Monitoring(Series(), generate_farms(500, 1)), MOMENT)
    target = _target(to_json(evaluation), "provincie_ten_hoogste_5500_kg")
    assert target["per_entity"]["synthetic"] is True
    explained = explain(policy, evaluation, "provincie_ten_hoogste_5500_kg", None)
    assert f"values {SYNTHETIC_NOTE}" in explained
