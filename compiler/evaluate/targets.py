"""Target status: whether a `doel` is met, on track, off track, missed, not yet due, without
data, or undecidable.

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
from compiler.evaluate.goals import (
    GoalNumbers,
    RangeEnd,
    Undecidable,
    goal_of,
    in_unit,
)
from compiler.evaluate.paths import Path, behind, gap_to_path, path_to, percent, reaches
from compiler.evaluate.tally import EntityTally, PerEntity, entity_tally
from dsl import nodes


class TargetState(StrEnum):
    """What evaluation says about a target at a moment (docs/evaluation.md). The two `_lenient_end`
    states belong to range targets only: a range is `met` or `on_track` at its ambitious end.
    """

    MET = "met"
    MET_LENIENT_END = "met_lenient_end"
    ON_TRACK = "on_track"
    ON_TRACK_LENIENT_END = "on_track_lenient_end"
    OFF_TRACK = "off_track"
    MISSED = "missed"
    NOT_YET_DUE = "not_yet_due"
    NO_DATA = "no_data"
    CANNOT_DECIDE = "cannot_decide"
    NOT_JUDGED = "not_judged"  # an estimate, option or proposal: shown, not judged


# In this order the terminal and the report list them.
STATUSES = tuple(TargetState)
# The states in which a state test on a target is unknown (compiler/evaluate/conditions.py).
NO_DATA, CANNOT_DECIDE = TargetState.NO_DATA, TargetState.CANNOT_DECIDE
UNKNOWN_STATES = frozenset({NO_DATA, CANNOT_DECIDE, TargetState.NOT_JUDGED})

# What each language-level state test means in terms of statuses (docs/evaluation.md). A range
# commits to its lenient end, so reaching it is `gehaald`.
_MET = frozenset({TargetState.MET, TargetState.MET_LENIENT_END})
STATE_MEANING = {
    "gehaald": _MET,
    "niet_gehaald": frozenset({TargetState.MISSED}),
    "op_schema": _MET | {TargetState.ON_TRACK, TargetState.ON_TRACK_LENIENT_END},
    "achter_op_schema": frozenset({TargetState.OFF_TRACK, TargetState.MISSED}),
}


@dataclass(frozen=True)
class EndStatus:
    """One end of a range target against its own path, in the vocabulary of a single value
    (met, on_track, off_track, missed, ...); `written` is the end as the policy writes it.
    """

    end: RangeEnd
    written: str
    goal: float
    status: TargetState
    reason: str
    required: float | None = None
    gap: float | None = None
    gap_percent: float | None = None
    path: Path = ()


@dataclass(frozen=True)
class TargetStatus:
    """A target's status at a moment. For a range, `goal`, `required`, `gap` and `path` are those
    of the lenient end, `ends` holds both ends (ambitious first) and `range_end` names the end the
    status speaks of: the ambitious or lenient end, or neither (off track, missed); None for a
    single value, and for a range not yet due or undecidable.
    """

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
    path: Path = ()  # the points of the trajectory
    tally: EntityTally | None = None  # a farm target: the farms that meet it, per sector
    per_entity: PerEntity | None = None  # a target per entity of another kind (entitytargets.py)
    range_end: RangeEnd | None = None
    ends: tuple[EndStatus, ...] = ()
    nature: views.TargetNature | None = None  # an estimate, option or proposal (not_judged only)


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
            reason=f"the data holds no value of `{indicator.id}` (in {unit})",
        )
    if isinstance(goal, Undecidable):
        return TargetStatus(
            **base, status=TargetState.CANNOT_DECIDE, reason=goal.reason, deadline=deadline
        )
    observed = series.latest(indicator.id, moment)
    common = {**base, "deadline": deadline, "goal": goal.value, "direction": goal.direction}
    if observed is None:
        return TargetStatus(
            **common,
            status=TargetState.NO_DATA,
            start=goal.start,
            reason=f"no value of `{indicator.id}` (in {unit}) on or before {moment}",
        )
    common |= {"start": goal.start, "observed": observed}
    undecided_yes_no = _yes_no_before_deadline(unit, observed, goal, deadline, moment)
    if undecided_yes_no is not None:
        return TargetStatus(**common, **undecided_yes_no)
    lenient = _against(target, unit, observed, goal, goal.value, RangeEnd.LENIENT)
    if not goal.is_range:
        return TargetStatus(**common, **lenient)
    ambitious = _against(target, unit, observed, goal, goal.ambitious, RangeEnd.AMBITIOUS)
    return _range_status(
        common,
        EndStatus(RangeEnd.AMBITIOUS, goal.written[0], goal.ambitious, **ambitious),
        EndStatus(RangeEnd.LENIENT, goal.written[1], goal.value, **lenient),
    )


# ---------------------------------------------------------------------------------------- one value


def _against(
    target: views.Target,
    unit: str,
    observed: Observation,
    numbers: GoalNumbers,
    goal: float,
    end: RangeEnd,
) -> dict:
    """Status, reason, path and gap of one target value (a single value, or one end of a range)."""
    deadline, direction = target.deadline, numbers.direction
    path = path_to(target, unit, numbers.start, goal, end)
    seen = f"{_fmt(observed.value)} {unit} in {observed.period}"
    if reaches(observed.value, goal, direction):
        return {
            "status": TargetState.MET,
            "reason": f"{seen} reaches {_fmt(goal)} {unit}",
            **gap_to_path(path, target.trajectory, observed, direction),
        }
    if deadline is not None and observed.date >= deadline:
        gap = behind(observed.value, goal, direction)
        return {
            "status": TargetState.MISSED,
            "reason": f"{seen}, after the deadline {deadline.year}, does not reach "
            f"{_fmt(goal)} {unit}",
            "gap": gap,
            "gap_percent": percent(gap, goal),
            "path": path if isinstance(path, tuple) else (),
        }
    if deadline is None:
        return {
            "status": TargetState.CANNOT_DECIDE,
            "reason": "the deadline is pending, so there is no trajectory to compare with",
        }
    if target.trajectory is Trajectory.NONE:
        return {
            "status": TargetState.NOT_YET_DUE,
            "reason": f"`traject geen`: only the deadline {deadline.year} counts",
        }
    if isinstance(path, Undecidable):
        return {"status": TargetState.CANNOT_DECIDE, "reason": path.reason}
    if numbers.start is not None and observed.year == numbers.start[0]:
        return {
            "status": TargetState.CANNOT_DECIDE,
            "reason": f"{seen} is the only value so far: the path starts there, so there is no "
            "progress to judge until a later value is published",
            "path": path,
        }
    return _trajectory_status(path, target.trajectory, unit, observed, direction)


YES_NO = "ja_nee"


def _yes_no_before_deadline(
    unit: str,
    observed: Observation,
    goal: GoalNumbers,
    deadline: dt.date | None,
    moment: dt.date,
) -> dict | None:
    """A yes/no goal not reached by a value from before its deadline: it has no path to follow,
    so it is not yet due, or undecided once the deadline has passed without a newer value. None
    when the goal is not yes/no, is reached, or the value is from the deadline on (met or missed).
    """
    if unit != YES_NO or deadline is None or reaches(observed.value, goal.value, goal.direction):
        return None
    if observed.date >= deadline:
        return None
    seen = f"{'ja' if observed.value >= 1 else 'nee'} in {observed.period}"
    if moment < deadline:
        return {
            "status": TargetState.NOT_YET_DUE,
            "reason": f"{seen}: a yes/no goal has no path to follow, so only the deadline "
            f"{deadline.year} counts",
        }
    return {
        "status": TargetState.CANNOT_DECIDE,
        "reason": f"{seen} is the latest value, from before the deadline {deadline.year}; "
        "whether the goal is met needs a value from the deadline on",
    }


def _trajectory_status(
    path: Path, shape: Trajectory, unit: str, observed: Observation, direction: Direction
) -> dict:
    found = gap_to_path(path, shape, observed, direction)
    if "required" not in found:
        return {
            "status": TargetState.NOT_YET_DUE,
            "reason": f"the trajectory has no value yet for {observed.year}",
            "path": path,
        }
    required = found["required"]
    status = TargetState.ON_TRACK if found["gap"] <= 1e-9 else TargetState.OFF_TRACK
    word = "at or ahead of" if status is TargetState.ON_TRACK else "behind"
    return {
        "status": status,
        "reason": f"{_fmt(observed.value)} {unit} in {observed.period} is {word} the "
        f"{_SHAPE_WORDS[shape]} path, which asks {_fmt(required)} {unit} for {observed.year}",
        **found,
    }


_SHAPE_WORDS = {Trajectory.LINEAR: "linear", Trajectory.STEPWISE: "stepwise"}


# ---------------------------------------------------------------------------------------- ranges

# (end, that end's status, the range's status): the first that holds decides. A met end outranks
# an end on track, and the ambitious end outranks the lenient one.
_RANGE_RULE = (
    (RangeEnd.AMBITIOUS, TargetState.MET, TargetState.MET),
    (RangeEnd.LENIENT, TargetState.MET, TargetState.MET_LENIENT_END),
    (RangeEnd.AMBITIOUS, TargetState.ON_TRACK, TargetState.ON_TRACK),
    (RangeEnd.LENIENT, TargetState.ON_TRACK, TargetState.ON_TRACK_LENIENT_END),
)
_VERDICTS = {
    TargetState.MET: "reaches the ambitious end",
    TargetState.MET_LENIENT_END: "reaches the lenient end, not the ambitious end",
    TargetState.ON_TRACK: "is on track for the ambitious end",
    TargetState.ON_TRACK_LENIENT_END: "is on track for the lenient end only",
    TargetState.OFF_TRACK: "is behind the paths of both ends",
    TargetState.MISSED: "reaches neither end by the deadline",
}


def _range_status(common: dict, ambitious: EndStatus, lenient: EndStatus) -> TargetStatus:
    """A range target from its two ends (docs/evaluation.md, 'Ranges')."""
    ends = {RangeEnd.AMBITIOUS: ambitious, RangeEnd.LENIENT: lenient}
    status, end = next(
        ((status, end) for end, state, status in _RANGE_RULE if ends[end].status is state),
        (lenient.status, RangeEnd.NEITHER),
    )
    verdict = _VERDICTS.get(status)
    reason = _range_reason(verdict, common, ambitious, lenient) if verdict else lenient.reason
    return TargetStatus(
        **common,
        status=status,
        reason=reason,
        required=lenient.required,
        gap=lenient.gap,
        gap_percent=lenient.gap_percent,
        path=lenient.path,
        range_end=end if verdict else None,
        ends=(ambitious, lenient),
    )


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"


def _range_reason(verdict: str, common: dict, ambitious: EndStatus, lenient: EndStatus) -> str:
    """'107.9 kton in 2021 is behind the paths of both ends: the ambitious end (46 %) asks 103.96
    kton on its path for 2021 (behind), the lenient end (42 %) asks 104.51 kton on its path for
    2021 (behind)'.
    """
    observed, unit = common["observed"], common["unit"]
    ends = (_end_phrase(e, unit, observed.year) for e in (ambitious, lenient))
    return f"{_fmt(observed.value)} {unit} in {observed.period} {verdict}: " + ", ".join(ends)


def _end_phrase(end: EndStatus, unit: str, year: int) -> str:
    if end.status in (TargetState.MET, TargetState.MISSED):
        verb = "is reached" if end.status is TargetState.MET else "is not"
        return f"the {end.end} end ({end.written}, {_fmt(end.goal)} {unit}) {verb}"
    if end.required is not None:
        side = "on track" if end.status is TargetState.ON_TRACK else "behind"
        return (
            f"the {end.end} end ({end.written}) asks {_fmt(end.required)} {unit} on its path "
            f"for {year} ({side})"
        )
    return f"the {end.end} end ({end.written}): {end.reason}"


# ------------------------------------------------------------------------------------- per entity


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
    farms = "farms" if population.labels is not None else "synthetic farms"  # generated, not read
    if tally.failing == 0 and tally.unknown == 0:
        status, word = TargetState.MET, f"every one of the {farms} meets it"
    elif not due:
        status, word = (
            TargetState.NOT_YET_DUE,
            f"{tally.failing:,} {farms} do not meet it yet; it is due in {deadline.year}",
        )
    else:
        status, word = TargetState.MISSED, f"{tally.failing:,} {farms} do not meet it"
    return TargetStatus(
        **base,
        status=status,
        deadline=deadline,
        direction=direction,
        tally=tally,
        reason=f"{tally.meeting:,} of {population.size:,} {farms} meet the target; {word}",
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
