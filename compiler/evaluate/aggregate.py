"""The tables of entity kinds other than farms at a monitoring moment, with the indicators computed
from farms (`berekend som | aantal | aandeel`) added as columns.

A province's `som` is the total of a farm indicator over the farms that lie in it (those its
`waar` condition selects), converted to the provincial indicator's unit; `aantal` counts the farms
the condition selects; `aandeel` is that count as a percentage of the province's farms. A farm whose
condition cannot be decided, or whose summed value is empty, makes its province's value unknown
(NaN), as a sum over an unknown term is unknown; a province without farms has no share. The farm
columns are the ones every condition is evaluated over (compiler/evaluate/columns.py).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from compiler.check import units, views
from compiler.check.kinds import entity_kinds
from compiler.check.model import Policy
from compiler.data.dataschema import PROVINCES
from compiler.data.regions import known_table
from compiler.data.types import Monitoring, Population
from compiler.evaluate.columns import EntityConditions

FARM = "bedrijf"


def regional_tables(
    policy: Policy, monitoring: Monitoring, farms: EntityConditions | None
) -> dict[str, Population]:
    """Every entity kind but farms -> its table: as loaded (else the entities the kind is known to
    have), with its computed indicators as columns.
    """
    computed = [i for i in policy.views(views.Indicator) if i.aggregate is not None]
    tables = {}
    for kind in entity_kinds(policy):
        if kind == FARM:
            continue
        table = monitoring.tables.get(kind) or known_table(kind)
        columns = {
            i.id: aggregate_column(i, table, farms) for i in computed if i.kind == table.kind
        }
        tables[kind] = dataclasses.replace(table, columns={**table.columns, **columns})
    return tables


def aggregate_column(
    indicator: views.Indicator, table: Population, farms: EntityConditions | None
) -> np.ndarray:
    """The value of a computed indicator for every entity of `table` (NaN where unknown)."""
    aggregate = indicator.aggregate
    if farms is None or table.kind != "provincie" or aggregate.source_kind != FARM:
        return np.full(table.size, np.nan)
    population = farms.population
    rows = table.index_of(PROVINCES)[population.province]  # each farm's row in `table`
    inside = rows >= 0
    mask = farms.mask(aggregate.where)
    selected = mask.true
    unknown = mask.unknown if mask.unknown is not None else np.zeros(population.size, bool)
    if aggregate.function == "som":
        values = _summed(aggregate.summed, indicator.unit, farms)
        unknown = unknown | (selected & np.isnan(values))
        result = _per_entity(rows, inside, np.where(selected, np.nan_to_num(values), 0.0), table)
    else:
        result = _per_entity(rows, inside, selected.astype(np.float64), table)
        if aggregate.function == "aandeel":
            total = _per_entity(rows, inside, np.ones(population.size), table)
            with np.errstate(divide="ignore", invalid="ignore"):
                result = np.where(total > 0, 100.0 * result / total, np.nan)
    result[_per_entity(rows, inside, unknown.astype(np.float64), table) > 0] = np.nan
    return result


def _summed(name: str | None, unit: str | None, farms: EntityConditions) -> np.ndarray:
    """The summed farm column in the provincial indicator's unit; NaN when the table lacks it."""
    column = farms.population.columns.get(name)
    if column is None:
        return np.full(farms.population.size, np.nan)
    return column * _factor(farms.indicator_units.get(name), unit)


def _factor(source: str | None, target: str | None) -> float:
    """The factor from unit `source` to unit `target` (checked compatible:
    compiler/check/kinds.py).
    """
    a, b = units.lookup(source or ""), units.lookup(target or "")
    if a is None or b is None or not units.compatible(a, b):
        return 1.0
    return float(a.factor / b.factor)


def _per_entity(rows: np.ndarray, inside: np.ndarray, weights: np.ndarray, table) -> np.ndarray:
    return np.bincount(rows[inside], weights=weights[inside], minlength=table.size).astype(
        np.float64
    )
