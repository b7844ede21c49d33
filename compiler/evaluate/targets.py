"""Target status: is a `doel` met, on track, off track, missed, not yet due, without data, or undecidable?

The semantics are in docs/evaluation.md. In short: the latest observation on or before the moment
is compared with the target value and with the trajectory, a path from the starting point (the
baseline year of a reduction, else the first observation) through any interim values to the
deadline. The path is linear unless the target declares `traject stapsgewijs` (the last interim
value holds until the next) or `traject geen` (only the deadline counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from compiler.check import views
from compiler.check.model import Policy
from compiler.check.views import Direction, Trajectory
from compiler.data.types import Observation, Population, Series
from compiler.evaluate.goals import Undecidable, goal_of, in_unit, interim_values
from compiler.evaluate.tally import EntityTally, entity_tally
from dsl import nodes


class TargetState(StrEnum):
    """What evaluation says about a target at a moment (docs/evaluation.md)."""

    MET = "met"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NOT_YET_DUE = "not_yet_due"
    NO_DATA = "no_data"
    CANNOT_DECIDE = "cannot_decide"


# In this order the terminal and the report list them.
STATUSES = tuple(TargetState)
# The two states in which a target's value is unknown (compiler/evaluate/conditions.py).
NO_DATA, CANNOT_DECIDE = TargetState.NO_DATA, TargetState.CANNOT_DECIDE

# What each language-level state test means in terms of statuses (docs/evaluation.md).
STATE_MEANING = {
    "gehaald": frozenset({TargetState.MET}),
    "niet_gehaald": frozenset({TargetState.MISSED}),
    "op_schema": frozenset({TargetState.MET, TargetState.ON_TRACK}),
    "achter_op_schema": frozenset({TargetState.OFF_TRACK, TargetState.MISSED}),
}


@dataclass(frozen=True)
class TargetStatus:
    target: str
    indicator: str
    unit: str
    status: TargetState
    reason: str
    deadline: dt.date | None = None
    goal: float | None = None  # the target value, in the indicator's unit
    direction: Direction = Direction.DOWN
    start: tuple[int, float] | None = None  # (year, value) the trajectory starts from
    observed: Observation | None = None
    required: float | None = None  # the trajectory's value in the observation's year
    gap: float | None = None  # how far behind the trajectory; positive is behind
    gap_percent: float | None = None
    path: tuple[tuple[int, float], ...] = ()  # the points of the trajectory
    tally: EntityTally | None = None


def evaluate_targets(
    policy: Policy,
    targets: list[views.Target],
    series: Series,
    moment: dt.date,
    population: Population | None,
) -> dict[str, TargetStatus]:
    return {t.id: target_status(policy, t, series, moment, population) for t in targets}


def target_status(
    policy: Policy,
    target: views.Target,
    series: Series,
    moment: dt.date,
    population: Population | None,
) -> TargetStatus:
    indicator = policy.view(target.indicator, views.Indicator)
    if indicator is None or indicator.unit is None:
        return TargetStatus(
            target.id, "", "", TargetState.CANNOT_DECIDE, "the target's indicator is not declared"
        )
    unit = indicator.unit
    base = {"target": target.id, "indicator": indicator.id, "unit": unit}
    deadline = target.deadline
    if indicator.level is views.Level.FARM:
        return _entity_status(base, target.goal, deadline, moment, population)
    goal = goal_of(target.goal, series, indicator.id, unit)
    if not series.of(indicator.id) and not (isinstance(goal, Undecidable) and goal.pending):
        return TargetStatus(
            **base,
            status=TargetState.NO_DATA,
            deadline=deadline,
            reason=f"the data holds no value of `{indicator.id}`",
        )
    if isinstance(goal, Undecidable):
        return TargetStatus(
            **base, status=TargetState.CANNOT_DECIDE, reason=goal.reason, deadline=deadline
        )
    value, direction, start = goal
    observed = series.latest(indicator.id, moment)
    common = {**base, "deadline": deadline, "goal": value, "direction": direction}
    if observed is None:
        return TargetStatus(
            **common,
            status=TargetState.NO_DATA,
            start=start,
            reason=f"no value of `{indicator.id}` on or before {moment}",
        )
    if _reaches(observed.value, value, direction):
        return TargetStatus(
            **common,
            status=TargetState.MET,
            start=start,
            observed=observed,
            reason=f"{_fmt(observed.value)} {unit} in {observed.period} reaches {_fmt(value)} {unit}",
        )
    if deadline is not None and observed.date >= deadline:
        return TargetStatus(
            **common,
            status=TargetState.MISSED,
            start=start,
            observed=observed,
            gap=_behind(observed.value, value, direction),
            gap_percent=_percent(_behind(observed.value, value, direction), value),
            reason=f"{_fmt(observed.value)} {unit} in {observed.period}, after the deadline "
            f"{deadline.year}, does not reach {_fmt(value)} {unit}",
        )
    if deadline is None:
        return TargetStatus(
            **common,
            status=TargetState.CANNOT_DECIDE,
            start=start,
            observed=observed,
            reason="the deadline is pending, so there is no trajectory to compare with",
        )
    return _trajectory_status(common, target, unit, observed, start)


# ---------------------------------------------------------------------------------------- compare


def _reaches(value: float, goal: float, direction: Direction) -> bool:
    return value <= goal if direction is Direction.DOWN else value >= goal


def _behind(value: float, required: float, direction: Direction) -> float:
    return value - required if direction is Direction.DOWN else required - value


def _percent(gap: float, of: float) -> float | None:
    return gap / abs(of) * 100 if of else None


# ---------------------------------------------------------------------------------------- trajectory


def _trajectory_status(
    common: dict,
    target: views.Target,
    unit: str,
    observed: Observation,
    start: tuple[int, float] | None,
) -> TargetStatus:
    shape = target.trajectory
    deadline: dt.date = common["deadline"]
    if shape is Trajectory.NONE:
        return TargetStatus(
            **common,
            status=TargetState.NOT_YET_DUE,
            start=start,
            observed=observed,
            reason=f"`traject geen`: only the deadline {deadline.year} counts",
        )
    interims = interim_values(target.interims, unit, start)
    if isinstance(interims, Undecidable):
        return TargetStatus(
            **common,
            status=TargetState.CANNOT_DECIDE,
            start=start,
            observed=observed,
            reason=interims.reason,
        )
    path = tuple(
        sorted(
            {
                **({start[0]: start[1]} if start else {}),
                **interims,
                deadline.year: common["goal"],
            }.items()
        )
    )
    required = _on_path(path, observed.year, stepwise=shape is Trajectory.STEPWISE)
    if required is None:
        return TargetStatus(
            **common,
            status=TargetState.NOT_YET_DUE,
            start=start,
            observed=observed,
            path=path,
            reason=f"the trajectory has no value yet for {observed.year}",
        )
    gap = _behind(observed.value, required, common["direction"])
    status = TargetState.ON_TRACK if gap <= 1e-9 else TargetState.OFF_TRACK
    word = "at or ahead of" if status is TargetState.ON_TRACK else "behind"
    return TargetStatus(
        **common,
        status=status,
        start=start,
        observed=observed,
        required=required,
        gap=gap,
        gap_percent=_percent(gap, required),
        path=path,
        reason=f"{_fmt(observed.value)} {unit} in {observed.period} is {word} the "
        f"{_SHAPE_WORDS[shape]} path, which asks {_fmt(required)} {unit} for {observed.year}",
    )


_SHAPE_WORDS = {Trajectory.LINEAR: "linear", Trajectory.STEPWISE: "stepwise"}


def _on_path(path: tuple[tuple[int, float], ...], year: int, *, stepwise: bool) -> float | None:
    """The trajectory's value in `year`; None before its first point."""
    if not path or year < path[0][0]:
        return None
    if year >= path[-1][0]:
        return path[-1][1]
    for (y0, v0), (y1, v1) in zip(path, path[1:], strict=False):
        if y0 <= year < y1:
            if stepwise:
                return v0
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return None


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"


# ---------------------------------------------------------------------------------------- per entity


def _entity_status(
    base: dict,
    goal: views.Goal,
    deadline: dt.date | None,
    moment: dt.date,
    population: Population | None,
) -> TargetStatus:
    if population is None:
        return TargetStatus(
            **base,
            status=TargetState.NO_DATA,
            deadline=deadline,
            reason="no entity table was given",
        )
    values = population.columns.get(base["indicator"])
    if values is None:
        return TargetStatus(
            **base,
            status=TargetState.NO_DATA,
            deadline=deadline,
            reason=f"the entity table has no column `{base['indicator']}`",
        )
    bound = _entity_bound(goal, population, base["unit"])
    if isinstance(bound, Undecidable):
        return TargetStatus(
            **base, status=TargetState.CANNOT_DECIDE, deadline=deadline, reason=bound.reason
        )
    limit, direction = bound
    bound_column = (
        goal.limit.name
        if isinstance(goal, views.BoundGoal) and isinstance(goal.limit, nodes.Ref)
        else ""
    )
    may_be_empty = bool({base["indicator"], bound_column} & population.nan_columns)
    tally = entity_tally(values, limit, direction, population.sector, may_be_empty=may_be_empty)
    due = deadline is None or moment >= deadline
    if tally.failing == 0 and tally.unknown == 0:
        status, word = TargetState.MET, "every farm meets it"
    elif not due:
        status, word = (
            TargetState.NOT_YET_DUE,
            f"{tally.failing:,} farms do not meet it yet; it is due in {deadline.year}",
        )
    else:
        status, word = TargetState.MISSED, f"{tally.failing:,} farms do not meet it"
    return TargetStatus(
        **base,
        status=status,
        deadline=deadline,
        direction=direction,
        tally=tally,
        reason=f"{tally.meeting:,} of {population.size:,} farms meet the target; {word}",
    )


def _entity_bound(goal: views.Goal, population: Population, unit: str):
    if isinstance(goal, views.BoundGoal):
        if isinstance(goal.limit, nodes.Ref):
            column = population.columns.get(goal.limit.name)
            if column is None:
                return Undecidable(f"the entity table has no column `{goal.limit.name}`")
            return column, goal.direction
        return in_unit(goal.limit, unit), goal.direction
    if isinstance(goal, views.AbsoluteGoal):
        return in_unit(goal.value, unit), Direction.DOWN
    return Undecidable("cannot decide: value pending", pending=True)
