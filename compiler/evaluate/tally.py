"""Per-entity comparison of a column against a limit (a number or another column): for farms
counted per sector (`EntityTally`), for the few entities of another kind one outcome per entity
(`PerEntity`): how many entities meet a target and how far the others are from it. Columnar: a
handful of passes over the columns, whatever the number of entities.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from compiler.check.views import Direction
from compiler.data.dataschema import FARM_SECTORS


@dataclass(frozen=True)
class EntityTally:
    """Per-entity target outcome: how many entities meet it, and the gap of those who do not.
    The per-sector figures are computed when first asked for; most runs never need them.
    """

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


def entity_tally(
    values: np.ndarray,
    limit,
    direction: Direction,
    sector: np.ndarray,
    *,
    may_be_empty: bool = True,
) -> EntityTally:
    """Per-farm comparison against a limit (a number or a column), counted per sector. Columnar:
    a handful of passes over the columns, whatever the number of farms.
    """
    gap = values - limit if direction is Direction.DOWN else limit - values
    failing = gap > 0
    n_unknown = int(np.count_nonzero(np.isnan(gap))) if may_be_empty else 0
    n_failing = int(np.count_nonzero(failing))
    positive_gap = np.maximum(gap, 0.0, out=gap)
    return EntityTally(
        values.size - n_failing - n_unknown, n_failing, n_unknown, failing, positive_gap, sector
    )


class EntityVerdict(StrEnum):
    """Whether one entity meets a target: `unknown` when its value or its goal is unknown."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class EntityOutcome:
    """One entity against a target: its value, its goal and the gap (positive: short of it)."""

    id: str
    value: float | None
    goal: float | None
    verdict: EntityVerdict
    gap: float | None = None
    gap_percent: float | None = None


@dataclass(frozen=True)
class PerEntity:
    """A target held per entity of `kind`: one goal for all, or each entity's own goal from the
    column `goal_column` of the kind's table; `entities` in table order.
    """

    kind: str
    goal_column: str | None
    entities: tuple[EntityOutcome, ...]

    def count(self, verdict: EntityVerdict) -> int:
        """How many entities have `verdict`."""
        return sum(1 for e in self.entities if e.verdict is verdict)


def per_entity(
    kind: str,
    labels: list[str],
    values: np.ndarray,
    goals: np.ndarray,
    direction: Direction,
    goal_column: str | None = None,
) -> PerEntity:
    """Each entity's value against its goal (NaN in either: unknown), in the given order."""
    gaps = values - goals if direction is Direction.DOWN else goals - values
    outcomes = []
    for label, value, goal, gap in zip(labels, values, goals, gaps, strict=True):
        if np.isnan(gap):
            outcomes.append(
                EntityOutcome(label, _number(value), _number(goal), EntityVerdict.UNKNOWN)
            )
            continue
        verdict = EntityVerdict.NOT_MET if gap > 1e-9 else EntityVerdict.MET
        percent = float(100.0 * gap / abs(goal)) if goal else None
        outcomes.append(
            EntityOutcome(label, float(value), float(goal), verdict, float(gap), percent)
        )
    return PerEntity(kind, goal_column, tuple(outcomes))


def _number(value) -> float | None:
    return None if np.isnan(value) else float(value)
