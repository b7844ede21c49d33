"""Targets held per entity of a kind other than farms (a province, a waterbody): every entity in
the kind's table (compiler/evaluate/aggregate.py) against one value for all (`waarde ten hoogste
1 %`) or against its own value, the column of that table the bound names (`waarde ten hoogste
KOLOM`). The target is met when every entity meets it; it is missed (not yet due before its
deadline) when any entity does not; otherwise, with some entities unknown, it cannot be decided.
docs/evaluation.md, 'Targets per entity', states the rule.

A target whose indicator has no column in its kind's table (an area series such as the CO2 of one
cluster) is left to compiler/evaluate/targets.py, which reads the series.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from compiler.check import views
from compiler.check.model import Policy
from compiler.check.views import Direction
from compiler.data.types import Population
from compiler.evaluate.aggregate import FARM
from compiler.evaluate.goals import in_unit
from compiler.evaluate.tally import EntityVerdict, PerEntity, per_entity
from compiler.evaluate.targets import TargetState, TargetStatus
from dsl import nodes


def entity_targets(
    policy: Policy,
    targets: list[views.Target],
    tables: dict[str, Population],
    moment: dt.date,
) -> dict[str, TargetStatus]:
    """The status of every target held per entity of a kind other than farms, by target id."""
    found = {}
    for target in targets:
        indicator = policy.view(target.indicator, views.Indicator)
        table = _table_of(indicator, tables)
        if table is not None and _is_per_entity(target.goal):
            found[target.id] = entity_target_status(target, indicator, table, moment)
    return found


def _table_of(indicator: views.Indicator | None, tables: dict[str, Population]):
    """The table of the indicator's kind when it has a column for the indicator, else None."""
    if indicator is None or indicator.unit is None or indicator.kind in (None, FARM):
        return None
    table = tables.get(indicator.kind)
    return table if table is not None and indicator.id in table.columns else None


def _is_per_entity(goal: views.Goal) -> bool:
    """Goals that hold per entity: one value or a bound (a number or a column)."""
    return isinstance(goal, (views.AbsoluteGoal, views.BoundGoal))


def entity_target_status(
    target: views.Target, indicator: views.Indicator, table: Population, moment: dt.date
) -> TargetStatus:
    """The target over every entity of the table: met, not yet due, missed or undecidable."""
    goal, direction, column = _goals(target.goal, table, indicator.unit)
    labels = [table.label(i) for i in range(table.size)]
    outcome = per_entity(table.kind, labels, table.columns[indicator.id], goal, direction, column)
    status, reason = _verdict(outcome, target.deadline, moment)
    if column is not None and column not in table.columns:
        reason += f"; the table of {table.kind} ({table.origin}) has no column `{column}`"
    single = None if column is not None else float(goal[0]) if goal.size else None
    return TargetStatus(
        target=target.id,
        indicator=indicator.id,
        unit=indicator.unit,
        status=status,
        reason=reason,
        deadline=target.deadline,
        goal=single,
        direction=direction,
        per_entity=outcome,
    )


def _goals(goal: views.Goal, table: Population, unit: str):
    """Each entity's goal (a column, or one value repeated), the better direction, and the column
    the goal is read from (None for one value for all).
    """
    if isinstance(goal, views.AbsoluteGoal):
        return np.full(table.size, in_unit(goal.value, unit)), Direction.DOWN, None
    if isinstance(goal.limit, nodes.Ref):
        name = goal.limit.name
        column = table.columns.get(name, np.full(table.size, np.nan))
        return column, goal.direction, name
    return np.full(table.size, in_unit(goal.limit, unit)), goal.direction, None


def _verdict(outcome: PerEntity, deadline: dt.date | None, moment: dt.date):
    """The target's status from its entities', and the sentence that says why."""
    kind, total = outcome.kind, len(outcome.entities)
    met, failing = outcome.count(EntityVerdict.MET), outcome.count(EntityVerdict.NOT_MET)
    unknown = outcome.count(EntityVerdict.UNKNOWN)
    counts = f"{met} of {total} entities of kind {kind} meet the target"
    if unknown:
        counts += f", {unknown} unknown"
    if failing:
        if deadline is not None and moment < deadline:
            return TargetState.NOT_YET_DUE, (
                f"{counts}; {failing} fall short of it yet; it is due in {deadline.year}"
            )
        return TargetState.MISSED, f"{counts}; {failing} fall short of it"
    if unknown or not total:
        why = "none falls short, but not every value is known" if total else "it has none"
        return TargetState.CANNOT_DECIDE, f"{counts}; {why}"
    return TargetState.MET, f"{counts}; every one meets it"
