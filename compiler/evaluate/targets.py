"""Target status: is a `doel` met, on track, off track, missed, not yet due, without data, or undecidable?

The semantics are in docs/evaluation.md. In short: the latest observation on or before the moment
is compared with the target value and with the trajectory, a path from the starting point (the
baseline year of a reduction, else the first observation) through any interim values to the
deadline. The path is linear unless the target declares `traject stapsgewijs` (the last interim
value holds until the next) or `traject geen` (only the deadline counts).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from compiler.check import units, views
from compiler.check.model import Policy
from compiler.check.views import Direction, Trajectory
from compiler.data.dataschema import FARM_SECTORS
from compiler.data.monitoring import Observation, Population, Series
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
class EntityTally:
    """Per-entity target outcome: how many entities meet it, and the gap of those who do not.
    The per-sector figures are computed when first asked for; most runs never need them."""

    meeting: int
    failing: int
    unknown: int
    failing_mask: np.ndarray
    gap: np.ndarray
    sector: np.ndarray

    @functools.cached_property
    def failing_by_sector(self) -> tuple[int, ...]:
        return tuple(
            int(np.count_nonzero(self.failing_mask & (self.sector == k)))
            for k in range(len(FARM_SECTORS))
        )

    @functools.cached_property
    def gap_by_sector(self) -> tuple[float, ...]:
        sums = (
            np.bincount(self.sector, weights=self.gap, minlength=len(FARM_SECTORS))
            if self.sector.size
            else np.zeros(len(FARM_SECTORS))
        )
        return tuple(float(g) for g in sums)


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
    goal = _goal(target.goal, series, indicator.id, unit)
    if not series.of(indicator.id) and not (isinstance(goal, _Undecidable) and goal.pending):
        return TargetStatus(
            **base,
            status=TargetState.NO_DATA,
            deadline=deadline,
            reason=f"the data holds no value of `{indicator.id}`",
        )
    if isinstance(goal, _Undecidable):
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


# ---------------------------------------------------------------------------------------- goal


@dataclass(frozen=True)
class _Undecidable:
    """Why a target value cannot be known; `pending` when the policy itself leaves it open."""

    reason: str
    pending: bool = False


def _goal(goal: views.Goal, series: Series, indicator: str, unit: str):
    """(target value, direction, trajectory start), or `_Undecidable`."""
    if isinstance(goal, views.PendingGoal):
        what = "reduction" if goal.reduction else "value"
        reason = goal.reason or "no reason given"
        return _Undecidable(f"cannot decide: {what} pending ({reason})", pending=True)
    if isinstance(goal, views.ReductionGoal):
        return _reduction_goal(goal, series, indicator, unit)
    first = series.of(indicator)[0] if series.of(indicator) else None
    start = (first.year, first.value) if first else None
    if isinstance(goal, views.BoundGoal):
        if not isinstance(goal.limit, nodes.Quantity):
            return _Undecidable(f"the bound names `{goal.limit.name}`, which has no single value")
        return _in(goal.limit, unit), goal.direction, start
    low, high = _ends(goal.quantities, unit)
    direction = Direction.DOWN if start is not None and low < start[1] else Direction.UP
    lenient = high if direction is Direction.DOWN else low
    return lenient, direction, start


def _reduction_goal(goal: views.ReductionGoal, series: Series, indicator: str, unit: str):
    if goal.baseline is None:
        return _Undecidable(
            "cannot decide: the source names no baseline year for the reduction", pending=True
        )
    year = goal.baseline
    baseline = series.in_year(indicator, year)
    if baseline is None:
        return _Undecidable(
            f"cannot decide: no value of `{indicator}` for the baseline year {year}"
        )
    # the smaller reduction is the commitment
    low, _high = _ends(nodes.quantities_in(goal.amount), unit, relative=True)
    if _is_share(goal.amount):
        value = baseline.value * (1 - low / 100)
    else:
        value = baseline.value - low
    return value, Direction.DOWN, (year, baseline.value)


def _is_share(amount: views.Amount) -> bool:
    """True when an amount is a percentage (a relative reduction), not a quantity in the indicator's unit."""
    quantities = nodes.quantities_in(amount)
    return bool(quantities) and quantities[0].unit.text == "%"


def _ends(
    quantities: Sequence[nodes.Quantity], unit: str, *, relative: bool = False
) -> tuple[float, float]:
    values = [
        float(q.number) if (relative and q.unit.text == "%") else _in(q, unit) for q in quantities
    ]
    return min(values), max(values)


def _in(quantity: nodes.Quantity, unit: str) -> float:
    """A quantity's number in `unit` (the number itself when either unit is unknown)."""
    source, target = units.lookup(quantity.unit.text), units.lookup(unit)
    if source is None or target is None or not units.compatible(source, target):
        return float(quantity.number)
    return float(units.convert(units.Decimal(quantity.number), source, target))


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
    interims = _interims(target.interims, unit, start)
    if isinstance(interims, _Undecidable):
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


def _interims(
    interims: tuple[views.InterimValue, ...], unit: str, start: tuple[int, float] | None
) -> dict[int, float] | _Undecidable:
    found: dict[int, float] = {}
    for interim in interims:
        year = interim.year
        if interim.amount is None:
            return _Undecidable(
                f"cannot decide: the interim value for {year} is pending", pending=True
            )
        quantities = nodes.quantities_in(interim.amount)
        low, high = _ends(quantities, unit, relative=interim.reduction)
        if interim.reduction:
            if start is None:
                return _Undecidable(
                    f"cannot decide: the interim reduction for {year} has no baseline value"
                )
            found[year] = (
                start[1] * (1 - low / 100) if _is_share(interim.amount) else start[1] - low
            )
        else:
            found[year] = high if start and low < start[1] else low
    return found


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
    if isinstance(bound, _Undecidable):
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
                return _Undecidable(f"the entity table has no column `{goal.limit.name}`")
            return column, goal.direction
        return _in(goal.limit, unit), goal.direction
    if isinstance(goal, views.AbsoluteGoal):
        return _in(goal.value, unit), Direction.DOWN
    return _Undecidable("cannot decide: value pending", pending=True)


def entity_tally(
    values: np.ndarray,
    limit,
    direction: Direction,
    sector: np.ndarray,
    *,
    may_be_empty: bool = True,
) -> EntityTally:
    """Per-farm comparison against a limit (a number or a column), counted per sector. Columnar:
    a handful of passes over the columns, whatever the number of farms."""
    gap = values - limit if direction is Direction.DOWN else limit - values
    failing = gap > 0
    n_unknown = int(np.count_nonzero(np.isnan(gap))) if may_be_empty else 0
    n_failing = int(np.count_nonzero(failing))
    positive_gap = np.maximum(gap, 0.0, out=gap)
    return EntityTally(
        values.size - n_failing - n_unknown, n_failing, n_unknown, failing, positive_gap, sector
    )
