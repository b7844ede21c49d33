"""Three-valued (Kleene) logic, once for one truth and once for whole columns of truths.

A truth is True, False or None (unknown). `all_of`, `any_of` and `negate` are the connectives of the
language's `en`, `of` and `niet`; `all_of_masks`, `any_of_masks` and `negate_mask` are the same
connectives over a `Mask`, one truth per entity. Leaves shared by both evaluators (a yes/no value,
a comparison of two numbers in units) are here too, so the reference evaluator
(compiler/evaluate/conditions.py) and its columnar fast path (compiler/evaluate/columns.py) cannot
drift apart.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from compiler.check import units

Truth = bool | None

OPERATORS: dict[str, Callable] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}


# ---------------------------------------------------------------------------------------- one truth


def all_of(truths: Iterable[Truth]) -> Truth:
    """`en`: false when any part is false, else unknown when any part is unknown, else true."""
    truths = list(truths)
    if False in truths:
        return False
    return None if None in truths else True


def any_of(truths: Iterable[Truth]) -> Truth:
    """`of`: true when any part is true, else unknown when any part is unknown, else false."""
    truths = list(truths)
    if True in truths:
        return True
    return None if None in truths else False


def negate(truth: Truth) -> Truth:
    """`niet`: unknown stays unknown."""
    return None if truth is None else not truth


def yes_no(number: float | None) -> Truth:
    """A yes/no value used as a condition: unknown when missing, else true when not zero."""
    return None if number is None else number != 0


def word(truth: Truth) -> str:
    return {True: "true", False: "false", None: "unknown"}[truth]


# ---------------------------------------------------------------------------------------- numbers


def in_unit(value, unit: str | None, to: str | None):
    """`value` (a number or a column) in `unit`, converted to `to` when both are compatible units;
    otherwise (no unit, a count, an unknown unit) as written. The one conversion both evaluators
    use, so a farm's comparison has the same truth in either.
    """
    if unit and to and unit != to:
        source, target = units.lookup(unit), units.lookup(to)
        if source and target and units.compatible(source, target):
            return value * float(source.factor / target.factor)
    return value


def compare_numbers(left, operator_: str, right, left_unit: str | None, right_unit: str | None):
    """`left OPERATOR right` with the right side in the left side's unit: a bool for numbers, a
    bool column when either side is a column.
    """
    return OPERATORS[operator_](left, in_unit(right, right_unit, left_unit))


# ---------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Mask:
    """A column of truths: `true` where it holds; `unknown` where it cannot be decided (None when no
    entity is unknown, which saves a pass over the data). `true` and `unknown` never overlap.
    """

    true: np.ndarray
    unknown: np.ndarray | None = None

    @property
    def false(self) -> np.ndarray:
        return ~self.true if self.unknown is None else ~(self.true | self.unknown)

    def truth(self, index: int) -> Truth:
        """The truth of one entity, as the reference evaluator states it."""
        if self.unknown is not None and self.unknown[index]:
            return None
        return bool(self.true[index])


def constant_mask(truth: Truth, size: int) -> Mask:
    """The same truth for every entity."""
    if truth is None:
        return Mask(np.zeros(size, dtype=bool), np.ones(size, dtype=bool))
    return Mask(np.full(size, truth, dtype=bool))


def known_mask(true: np.ndarray, unknown: np.ndarray | None) -> Mask:
    """A mask from a raw bool column and where its input was unknown (the unknown rows are not
    true).
    """
    return Mask(true if unknown is None else true & ~unknown, unknown)


def all_of_masks(masks: list[Mask]) -> Mask:
    """`en` per entity: as `all_of`."""
    true = _and([m.true for m in masks])
    unknowns = [m.unknown for m in masks if m.unknown is not None]
    if not unknowns:
        return Mask(true)
    return Mask(true, _or(unknowns) & ~_or([m.false for m in masks]))


def any_of_masks(masks: list[Mask]) -> Mask:
    """`of` per entity: as `any_of`."""
    true = _or([m.true for m in masks])
    unknowns = [m.unknown for m in masks if m.unknown is not None]
    if not unknowns:
        return Mask(true)
    return Mask(true, _or(unknowns) & ~true)


def negate_mask(mask: Mask) -> Mask:
    """`niet` per entity: as `negate`."""
    return Mask(mask.false, mask.unknown)


def either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """Where either side is unknown (None: nowhere)."""
    if a is None:
        return b
    return a if b is None else a | b


def _and(arrays: list[np.ndarray]) -> np.ndarray:
    """Element-wise `and` of the arrays, pairwise (`np.logical_and.reduce` of a list would first
    copy them all into one two-dimensional array).
    """
    return functools.reduce(np.logical_and, arrays)


def _or(arrays: list[np.ndarray]) -> np.ndarray:
    return functools.reduce(np.logical_or, arrays)
