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
from dataclasses import dataclass

import numpy as np

from compiler.check import units
from compiler.check.fields import parse_when
from compiler.check.model import Declaration, Policy
from compiler.data.dataschema import FARM_SECTORS
from compiler.data.types import Observation, Population, Series
from dsl import nodes

MET, ON_TRACK, OFF_TRACK, MISSED = "met", "on_track", "off_track", "missed"
NOT_YET_DUE, NO_DATA, CANNOT_DECIDE = "not_yet_due", "no_data", "cannot_decide"
STATUSES = (MET, ON_TRACK, OFF_TRACK, MISSED, NOT_YET_DUE, NO_DATA, CANNOT_DECIDE)

# What each language-level state test means in terms of statuses (docs/evaluation.md).
STATE_MEANING = {
    "gehaald": frozenset({MET}),
    "niet_gehaald": frozenset({MISSED}),
    "op_schema": frozenset({MET, ON_TRACK}),
    "achter_op_schema": frozenset({OFF_TRACK, MISSED}),
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
    status: str
    reason: str
    deadline: dt.date | None = None
    goal: float | None = None  # the target value, in the indicator's unit
    direction: str = "down"  # "down": lower is better; "up": higher is better
    start: tuple[int, float] | None = None  # (year, value) the trajectory starts from
    observed: Observation | None = None
    required: float | None = None  # the trajectory's value in the observation's year
    gap: float | None = None  # how far behind the trajectory; positive is behind
    gap_percent: float | None = None
    path: tuple[tuple[int, float], ...] = ()  # the points of the trajectory
    tally: EntityTally | None = None


def evaluate_targets(
    policy: Policy,
    targets: list[Declaration],
    series: Series,
    moment: dt.date,
    population: Population | None,
) -> dict[str, TargetStatus]:
    return {t.id: target_status(policy, t, series, moment, population) for t in targets}


def target_status(
    policy: Policy,
    target: Declaration,
    series: Series,
    moment: dt.date,
    population: Population | None,
) -> TargetStatus:
    node = target.node
    indicator = policy.declarations.get(_name(node.value("indicator")))
    if indicator is None or indicator.node.value("eenheid") is None:
        return TargetStatus(
            target.id, "", "", CANNOT_DECIDE, "the target's indicator is not declared"
        )
    unit = indicator.node.value("eenheid").text
    base = {"target": target.id, "indicator": indicator.id, "unit": unit}
    deadline_when = node.value("uiterlijk")
    deadline = (
        parse_when(deadline_when, end=True) if isinstance(deadline_when, nodes.When) else None
    )
    if _level(indicator) == "bedrijf":
        return _entity_status(base, node, deadline, moment, population)
    goal = _goal(node, series, indicator.id, unit)
    if not series.of(indicator.id) and not (isinstance(goal, _Undecidable) and goal.pending):
        return TargetStatus(
            **base,
            status=NO_DATA,
            deadline=deadline,
            reason=f"the data holds no value of `{indicator.id}`",
        )
    if isinstance(goal, _Undecidable):
        return TargetStatus(**base, status=CANNOT_DECIDE, reason=goal.reason, deadline=deadline)
    value, direction, start = goal
    observed = series.latest(indicator.id, moment)
    common = {**base, "deadline": deadline, "goal": value, "direction": direction}
    if observed is None:
        return TargetStatus(
            **common,
            status=NO_DATA,
            start=start,
            reason=f"no value of `{indicator.id}` on or before {moment}",
        )
    if _reaches(observed.value, value, direction):
        return TargetStatus(
            **common,
            status=MET,
            start=start,
            observed=observed,
            reason=f"{_fmt(observed.value)} {unit} in {observed.period} reaches {_fmt(value)} {unit}",
        )
    if deadline is not None and observed.date >= deadline:
        return TargetStatus(
            **common,
            status=MISSED,
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
            status=CANNOT_DECIDE,
            start=start,
            observed=observed,
            reason="the deadline is pending, so there is no trajectory to compare with",
        )
    return _trajectory_status(common, node, series, indicator.id, unit, observed, start)


def _name(ref) -> str:
    return ref.name if isinstance(ref, nodes.Ref) else ""


def _level(indicator: Declaration) -> str | None:
    level = indicator.node.value("niveau")
    return level.name if isinstance(level, nodes.Ref) else None


# ---------------------------------------------------------------------------------------- goal


@dataclass(frozen=True)
class _Undecidable:
    """Why a target value cannot be known; `pending` when the policy itself leaves it open."""

    reason: str
    pending: bool = False


def _goal(node: nodes.Declaration, series: Series, indicator: str, unit: str):
    """(target value, direction, trajectory start), or `_Undecidable`."""
    reduction = node.value("reductie")
    if reduction is not None:
        return _reduction_goal(reduction, series, indicator, unit)
    amount = node.value("waarde")
    if amount is None or isinstance(amount, nodes.Pending):
        reason = (
            amount.reason
            if isinstance(amount, nodes.Pending) and amount.reason
            else "no reason given"
        )
        return _Undecidable(f"cannot decide: value pending ({reason})", pending=True)
    first = series.of(indicator)[0] if series.of(indicator) else None
    start = (first.year, first.value) if first else None
    if isinstance(amount, nodes.Bound):
        if not isinstance(amount.value, nodes.Quantity):
            return _Undecidable(f"the bound names `{amount.value.name}`, which has no single value")
        return _in(amount.value, unit), "down" if amount.direction == "at_most" else "up", start
    low, high = _ends(amount, unit)
    direction = "down" if start is not None and low < start[1] else "up"
    lenient = high if direction == "down" else low
    return lenient, direction, start


def _reduction_goal(reduction: nodes.Reduction, series: Series, indicator: str, unit: str):
    if isinstance(reduction.amount, nodes.Pending):
        return _Undecidable(
            f"cannot decide: reduction pending ({reduction.amount.reason or 'no reason given'})",
            pending=True,
        )
    if reduction.baseline is None:
        return _Undecidable(
            "cannot decide: the source names no baseline year for the reduction", pending=True
        )
    year = int(reduction.baseline.text[:4])
    baseline = series.in_year(indicator, year)
    if baseline is None:
        return _Undecidable(
            f"cannot decide: no value of `{indicator}` for the baseline year {year}"
        )
    low, _high = _ends(
        reduction.amount, unit, relative=True
    )  # the smaller reduction is the commitment
    if _is_share(reduction.amount):
        goal = baseline.value * (1 - low / 100)
    else:
        goal = baseline.value - low
    return goal, "down", (year, baseline.value)


def _is_share(amount) -> bool:
    """True when an amount is a percentage (a relative reduction), not a quantity in the indicator's unit."""
    quantities = nodes.quantities_in(amount)
    return bool(quantities) and quantities[0].unit.text == "%"


def _ends(amount, unit: str, *, relative: bool = False) -> tuple[float, float]:
    quantities = nodes.quantities_in(amount)
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


def _reaches(value: float, goal: float, direction: str) -> bool:
    return value <= goal if direction == "down" else value >= goal


def _behind(value: float, required: float, direction: str) -> float:
    return value - required if direction == "down" else required - value


def _percent(gap: float, of: float) -> float | None:
    return gap / abs(of) * 100 if of else None


# ---------------------------------------------------------------------------------------- trajectory


def _trajectory_status(
    common: dict,
    node: nodes.Declaration,
    series: Series,
    indicator: str,
    unit: str,
    observed: Observation,
    start: tuple[int, float] | None,
) -> TargetStatus:
    shape = node.value("traject")
    shape = shape.name if isinstance(shape, nodes.Ref) else "lineair"
    deadline: dt.date = common["deadline"]
    if shape == "geen":
        return TargetStatus(
            **common,
            status=NOT_YET_DUE,
            start=start,
            observed=observed,
            reason=f"`traject geen`: only the deadline {deadline.year} counts",
        )
    interims = _interims(node, series, indicator, unit, start)
    if isinstance(interims, _Undecidable):
        return TargetStatus(
            **common, status=CANNOT_DECIDE, start=start, observed=observed, reason=interims.reason
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
    required = _on_path(path, observed.year, stepwise=shape == "stapsgewijs")
    if required is None:
        return TargetStatus(
            **common,
            status=NOT_YET_DUE,
            start=start,
            observed=observed,
            path=path,
            reason=f"the trajectory has no value yet for {observed.year}",
        )
    gap = _behind(observed.value, required, common["direction"])
    status = ON_TRACK if gap <= 1e-9 else OFF_TRACK
    word = "at or ahead of" if status == ON_TRACK else "behind"
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
        f"{_shape_word(shape)} path, which asks {_fmt(required)} {unit} for {observed.year}",
    )


def _shape_word(shape: str) -> str:
    return {"lineair": "linear", "stapsgewijs": "stepwise"}.get(shape, shape)


def _interims(node, series, indicator, unit, start) -> dict[int, float] | _Undecidable:
    found: dict[int, float] = {}
    for f in node.all("tussendoel"):
        interim: nodes.Interim = f.value
        year = int(interim.year.text[:4])
        if interim.kind == "open" or isinstance(interim.amount, nodes.Pending):
            return _Undecidable(
                f"cannot decide: the interim value for {year} is pending", pending=True
            )
        low, high = _ends(interim.amount, unit, relative=interim.kind == "reductie")
        if interim.kind == "reductie":
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
    node: nodes.Declaration,
    deadline: dt.date | None,
    moment: dt.date,
    population: Population | None,
) -> TargetStatus:
    amount = node.value("waarde")
    if population is None:
        return TargetStatus(
            **base, status=NO_DATA, deadline=deadline, reason="no entity table was given"
        )
    values = population.columns.get(base["indicator"])
    if values is None:
        return TargetStatus(
            **base,
            status=NO_DATA,
            deadline=deadline,
            reason=f"the entity table has no column `{base['indicator']}`",
        )
    bound = _entity_bound(amount, population, base["unit"])
    if isinstance(bound, _Undecidable):
        return TargetStatus(**base, status=CANNOT_DECIDE, deadline=deadline, reason=bound.reason)
    limit, direction = bound
    bound_column = (
        amount.value.name
        if isinstance(amount, nodes.Bound) and isinstance(amount.value, nodes.Ref)
        else ""
    )
    may_be_empty = bool({base["indicator"], bound_column} & population.nan_columns)
    tally = entity_tally(values, limit, direction, population.sector, may_be_empty=may_be_empty)
    due = deadline is None or moment >= deadline
    if tally.failing == 0 and tally.unknown == 0:
        status, word = MET, "every farm meets it"
    elif not due:
        status, word = (
            NOT_YET_DUE,
            f"{tally.failing:,} farms do not meet it yet; it is due in {deadline.year}",
        )
    else:
        status, word = MISSED, f"{tally.failing:,} farms do not meet it"
    return TargetStatus(
        **base,
        status=status,
        deadline=deadline,
        direction=direction,
        tally=tally,
        reason=f"{tally.meeting:,} of {population.size:,} farms meet the target; {word}",
    )


def _entity_bound(amount, population: Population, unit: str):
    if isinstance(amount, nodes.Bound):
        direction = "down" if amount.direction == "at_most" else "up"
        if isinstance(amount.value, nodes.Ref):
            column = population.columns.get(amount.value.name)
            if column is None:
                return _Undecidable(f"the entity table has no column `{amount.value.name}`")
            return column, direction
        return _in(amount.value, unit), direction
    if isinstance(amount, nodes.Quantity):
        return _in(amount, unit), "down"
    return _Undecidable("cannot decide: value pending", pending=True)


def entity_tally(
    values: np.ndarray, limit, direction: str, sector: np.ndarray, *, may_be_empty: bool = True
) -> EntityTally:
    """Per-farm comparison against a limit (a number or a column), counted per sector. Columnar:
    a handful of passes over the columns, whatever the number of farms."""
    gap = values - limit if direction == "down" else limit - values
    failing = gap > 0
    n_unknown = int(np.count_nonzero(np.isnan(gap))) if may_be_empty else 0
    n_failing = int(np.count_nonzero(failing))
    positive_gap = np.maximum(gap, 0.0, out=gap)
    return EntityTally(
        values.size - n_failing - n_unknown, n_failing, n_unknown, failing, positive_gap, sector
    )
