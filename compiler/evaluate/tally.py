"""Per-entity comparison of a column against a limit (a number or another column), counted per
sector: how many entities meet a target and how far the others are from it. Columnar: a handful of
passes over the columns, whatever the number of entities.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

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
