"""A target's numbers in its indicator's unit: the value to reach (for a range, both ends), the
direction that counts as better, where the trajectory starts, and the interim values on the way,
from the target's view and the observed series; or why they cannot be known (`Undecidable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from compiler.check import units, views
from compiler.check.views import Direction
from compiler.data.types import Series
from dsl import nodes


class RangeEnd(StrEnum):
    """The two ends of a range target: 46 % is the ambitious end of `42 tot 46 %`, 42 % the lenient.
    `NEITHER` says of a range off track or missed that no end is met or on track.
    """

    AMBITIOUS = "ambitious"
    LENIENT = "lenient"
    NEITHER = "neither"


@dataclass(frozen=True)
class GoalNumbers:
    """A target's value in the indicator's unit, the better direction and the trajectory's start.
    For a range, `value` is the lenient end (the commitment) and `ambitious` the other end;
    `written` holds both ends as the policy writes them (ambitious, lenient).
    """

    value: float
    direction: Direction
    start: tuple[int, float] | None
    ambitious: float | None = None
    written: tuple[str, str] | None = None

    @property
    def is_range(self) -> bool:
        return self.ambitious is not None


@dataclass(frozen=True)
class Undecidable:
    """Why a target value cannot be known; `pending` when the policy itself leaves it open."""

    reason: str
    pending: bool = False


def goal_of(goal: views.Goal, series: Series, indicator: str, unit: str):
    """The target's `GoalNumbers`, or `Undecidable`."""
    if isinstance(goal, views.PendingGoal):
        what = "reduction" if goal.reduction else "value"
        reason = goal.reason or "no reason given"
        return Undecidable(f"cannot decide: {what} pending ({reason})", pending=True)
    if isinstance(goal, views.ReductionGoal):
        return _reduction_goal(goal, series, indicator, unit)
    first = series.of(indicator)[0] if series.of(indicator) else None
    start = (first.year, first.value) if first else None
    if isinstance(goal, views.BoundGoal):
        if not isinstance(goal.limit, nodes.Quantity):
            return Undecidable(f"the bound names `{goal.limit.name}`, which has no single value")
        return GoalNumbers(in_unit(goal.limit, unit), goal.direction, start)
    low, high = _ends(goal.quantities, unit)
    direction = Direction.DOWN if start is not None and low < start[1] else Direction.UP
    if not isinstance(goal, views.RangeGoal):
        return GoalNumbers(high if direction is Direction.DOWN else low, direction, start)
    lenient, ambitious = (high, low) if direction is Direction.DOWN else (low, high)
    written = (_written(goal.low), _written(goal.high))
    return GoalNumbers(
        lenient,
        direction,
        start,
        ambitious,
        written if direction is Direction.DOWN else written[::-1],
    )


def _reduction_goal(goal: views.ReductionGoal, series: Series, indicator: str, unit: str):
    if goal.baseline is None:
        return Undecidable(
            "cannot decide: the source names no baseline year for the reduction", pending=True
        )
    year = goal.baseline
    baseline = series.in_year(indicator, year)
    if baseline is None:
        return Undecidable(f"cannot decide: no value of `{indicator}` for the baseline year {year}")
    # the smaller reduction is the commitment, the larger the ambition
    low, high = _ends(nodes.quantities_in(goal.amount), unit, relative=True)
    lenient, ambitious = (_reduced(baseline.value, r, goal.amount) for r in (low, high))
    start = (year, baseline.value)
    if not isinstance(goal.amount, nodes.Range):
        return GoalNumbers(lenient, Direction.DOWN, start)
    written = (_written(goal.amount.high), _written(goal.amount.low))
    return GoalNumbers(lenient, Direction.DOWN, start, ambitious, written)


def _reduced(baseline: float, reduction: float, amount: views.Amount) -> float:
    """The baseline less a reduction: a percentage of it, or an amount in the indicator's unit."""
    return baseline * (1 - reduction / 100) if _is_share(amount) else baseline - reduction


def _written(quantity: nodes.Quantity) -> str:
    return f"{quantity.number} {quantity.unit.text}"


def _is_share(amount: views.Amount) -> bool:
    """True when an amount is a percentage (a relative reduction), not a quantity in the
    indicator's unit.
    """
    quantities = nodes.quantities_in(amount)
    return bool(quantities) and quantities[0].unit.text == "%"


def _ends(
    quantities: Sequence[nodes.Quantity], unit: str, *, relative: bool = False
) -> tuple[float, float]:
    values = [
        float(q.number) if (relative and q.unit.text == "%") else in_unit(q, unit)
        for q in quantities
    ]
    return min(values), max(values)


def in_unit(quantity: nodes.Quantity, unit: str) -> float:
    """A quantity's number in `unit` (the number itself when either unit is unknown)."""
    source, target = units.lookup(quantity.unit.text), units.lookup(unit)
    if source is None or target is None or not units.compatible(source, target):
        return float(quantity.number)
    return float(units.convert(units.Decimal(quantity.number), source, target))


def interim_values(
    interims: tuple[views.InterimValue, ...],
    unit: str,
    start: tuple[int, float] | None,
    end: RangeEnd = RangeEnd.LENIENT,
) -> dict[int, float] | Undecidable:
    """The interim values by year; of a range, the end `end` (one value serves both ends)."""
    found: dict[int, float] = {}
    for interim in interims:
        year = interim.year
        if interim.amount is None:
            return Undecidable(
                f"cannot decide: the interim value for {year} is pending", pending=True
            )
        quantities = nodes.quantities_in(interim.amount)
        low, high = _ends(quantities, unit, relative=interim.reduction)
        if interim.reduction:
            if start is None:
                return Undecidable(
                    f"cannot decide: the interim reduction for {year} has no baseline value"
                )
            reduction = high if end is RangeEnd.AMBITIOUS else low
            found[year] = _reduced(start[1], reduction, interim.amount)
        else:
            down = bool(start) and low < start[1]
            found[year] = high if down != (end is RangeEnd.AMBITIOUS) else low
    return found
