"""A target's numbers in its indicator's unit: the value to reach, the direction that counts as
better, where the trajectory starts, and the interim values on the way, from the target's view and
the observed series; or why they cannot be known (`Undecidable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from compiler.check import units, views
from compiler.check.views import Direction
from compiler.data.types import Series
from dsl import nodes


@dataclass(frozen=True)
class Undecidable:
    """Why a target value cannot be known; `pending` when the policy itself leaves it open."""

    reason: str
    pending: bool = False


def goal_of(goal: views.Goal, series: Series, indicator: str, unit: str):
    """(target value, direction, trajectory start), or `Undecidable`."""
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
        return in_unit(goal.limit, unit), goal.direction, start
    low, high = _ends(goal.quantities, unit)
    direction = Direction.DOWN if start is not None and low < start[1] else Direction.UP
    lenient = high if direction is Direction.DOWN else low
    return lenient, direction, start


def _reduction_goal(goal: views.ReductionGoal, series: Series, indicator: str, unit: str):
    if goal.baseline is None:
        return Undecidable(
            "cannot decide: the source names no baseline year for the reduction", pending=True
        )
    year = goal.baseline
    baseline = series.in_year(indicator, year)
    if baseline is None:
        return Undecidable(f"cannot decide: no value of `{indicator}` for the baseline year {year}")
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
    interims: tuple[views.InterimValue, ...], unit: str, start: tuple[int, float] | None
) -> dict[int, float] | Undecidable:
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
            found[year] = (
                start[1] * (1 - low / 100) if _is_share(interim.amount) else start[1] - low
            )
        else:
            found[year] = high if start and low < start[1] else low
    return found
