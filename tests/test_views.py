"""The checked model's typed views: what the checker builds per declaration kind, that a scenario's
assumed value reaches the view evaluation reads, and that a compilation cannot be changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from compiler.check import views
from compiler.check.pipeline import compile_text
from compiler.evaluate.duties import DutyStatus, due_date
from compiler.evaluate.targets import TargetState
from dsl import nodes
from tests.evaluation_helpers import assume

RULES = """
indicator i { eenheid kton niveau nationaal }
indicator j { eenheid kg niveau bedrijf }
doel g {
    indicator i reductie 42 tot 46 % t.o.v. 2019 uiterlijk 2030-06-30 traject stapsgewijs
    tussendoel 2027 waarde ten hoogste 3.5 kton tussendoel 2028 reductie 10 % tot 20 %
    tussendoel 2029 open "volgt" bindend
}
doel h { indicator j waarde ten minste 2 kg uiterlijk open "nog niet" }
verplichting v { wie kabinet termijn uiterlijk 2030 }
verplichting w { wie elk bedrijf waar j > 3 kg termijn 6 maanden na monitoring handhaving l }
handhaving l { stap 2 "twee" als j > 4 kg stap 1 "een" als j > 3 kg }
borging b { soort rapportage betreft g door kabinet eerste 2026 cadans jaarlijks }
"""


@pytest.fixture(scope="module")
def policy():
    return compile_text(RULES).policy


def test_a_target_view_states_its_goal_deadline_trajectory_and_interims(policy):
    target = policy.view("g", views.Target)
    assert target.indicator == "i"
    assert isinstance(target.goal, views.ReductionGoal) and target.goal.baseline == 2019
    assert [q.number for q in nodes.quantities_in(target.goal.amount)] == ["42", "46"]
    assert target.deadline == dt.date(2030, 6, 30)
    assert target.trajectory is views.Trajectory.STEPWISE
    assert [(i.year, i.reduction, i.amount is None) for i in target.interims] == [
        (2027, False, False),
        (2028, True, False),
        (2029, False, True),
    ]
    assert (target.binding, target.character) == (True, None)


def test_a_bound_goal_has_its_direction_and_a_pending_deadline_is_none(policy):
    target = policy.view("h", views.Target)
    assert target.goal == views.BoundGoal(views.Direction.UP, nodes.Quantity("2", nodes.Unit("kg")))
    assert target.deadline is None
    assert policy.view("j", views.Indicator).level is views.Level.FARM


def test_obligations_name_their_addressee_or_selection_term_and_ladder(policy):
    actor, farms = policy.view("v", views.Obligation), policy.view("w", views.Obligation)
    assert (actor.addressee, actor.selection) == ("kabinet", None)
    assert actor.term == views.ByDate(dt.date(2030, 12, 31), "2030")
    assert farms.addressee is None and farms.selection.entity == "bedrijf"
    assert isinstance(farms.selection.where, nodes.Comparison)
    assert farms.term == views.AfterMoment(6, "maanden") and farms.ladder == "l"
    assert due_date(farms.term, dt.date(2027, 8, 31)) == (
        dt.date(2028, 2, 29),
        "6 maanden na monitoring",
    )


def test_a_ladder_view_lists_its_steps_in_number_order(policy):
    assert [s.label for s in policy.view("l", views.Ladder).steps] == ["een", "twee"]


def test_a_reporting_duty_view_has_its_first_year_and_cadence(policy):
    duty = policy.view("b", views.ReportingDuty)
    assert (duty.actor, duty.first_year, duty.cadence.every, duty.deadline) == (
        "kabinet",
        2026,
        1,
        None,
    )


def test_view_is_none_for_another_kind_and_for_kinds_without_a_view(policy):
    assert policy.view("g", views.Obligation) is None
    assert policy.view("missing", views.Target) is None
    assert {v.id for v in policy.views(views.Target)} == {"g", "h"}


def test_an_assumed_value_reaches_the_view_that_evaluation_reads(bundled_policy):
    before = bundled_policy.view("nh3_landbouw_2030", views.Target)
    assert isinstance(before.goal, views.PendingGoal)
    after = assume(bundled_policy, nh3_landbouw_2030__waarde="90 kton")
    goal = after.view("nh3_landbouw_2030", views.Target).goal
    assert goal == views.AbsoluteGoal(nodes.Quantity("90", nodes.Unit("kton")))
    assert isinstance(
        bundled_policy.view("nh3_landbouw_2030", views.Target).goal, views.PendingGoal
    )


def test_a_compilation_cannot_be_changed_once_built():
    compilation = compile_text(RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        compilation.diagnostics = None  # type: ignore[misc]
    assert isinstance(compilation.files, tuple)


def test_statuses_print_and_serialise_as_their_words():
    assert json.dumps([TargetState.ON_TRACK, DutyStatus.NOT_YET]) == '["on_track", "not_yet"]'
    assert f"{TargetState.CANNOT_DECIDE:<14}|" == "cannot_decide |"
