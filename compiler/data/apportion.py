"""Whole farm counts per sector and province from shares: a sector-by-province table raked to both
margins (iterative proportional fitting from a table of weights), then rounded to whole farms with
the province totals exact and the sector totals within one farm per province.
"""

from __future__ import annotations

import numpy as np

RAKE_ROUNDS = 200
RAKE_TOLERANCE = 1e-9


def largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """`total` split into whole numbers in proportion to `shares` (Hamilton's method): the exact
    quotas rounded down, the units left over given to the largest remainders, ties to the first.
    """
    shares = np.asarray(shares, dtype=float)
    if total == 0 or shares.sum() <= 0:
        return np.zeros(shares.shape, dtype=np.int64)
    quotas = total * shares / shares.sum()
    counts = np.floor(quotas).astype(np.int64)
    left = total - int(counts.sum())
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[:left]] += 1
    return counts


def rake(weights: np.ndarray, row_totals: np.ndarray, column_totals: np.ndarray) -> np.ndarray:
    """The table closest to `weights` (rows × columns, all positive) whose row and column sums are
    the given totals (which must have the same sum): rows and columns scaled in turn until both fit.
    """
    table = np.asarray(weights, dtype=float).copy()
    for _ in range(RAKE_ROUNDS):
        table *= _ratio(row_totals, table.sum(axis=1))[:, None]
        table *= _ratio(column_totals, table.sum(axis=0))
        if np.allclose(table.sum(axis=1), row_totals, rtol=RAKE_TOLERANCE, atol=RAKE_TOLERANCE):
            break
    return table


def cell_counts(
    size: int, row_shares: np.ndarray, column_shares: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Whole counts per cell summing to `size`: each column's total is its share of `size` rounded
    by largest remainder (so it is exact), and each column split over the rows by the raked table.
    """
    columns = largest_remainder(size, column_shares)
    if size == 0:
        return np.zeros(np.shape(weights), dtype=np.int64)
    table = rake(weights, size * np.asarray(row_shares), columns.astype(float))
    return np.stack([largest_remainder(int(n), table[:, j]) for j, n in enumerate(columns)], axis=1)


def _ratio(wanted: np.ndarray, have: np.ndarray) -> np.ndarray:
    """The ratio wanted / have, 0 where nothing is had (an empty row or column stays empty)."""
    return np.divide(wanted, have, out=np.zeros_like(have), where=have > 0)
