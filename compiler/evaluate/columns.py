"""The columnar fast path of compiler/evaluate/conditions.py: one condition over every entity at
once, as NumPy masks (never a loop per farm; evaluation selects 50,000 farms this way).

Built on the array forms of the three-valued helpers in compiler/evaluate/kleene.py. Whatever is
the same for every entity (a national indicator, a target's status, `trigger is actief`, including
a trigger not in force) is asked of the reference evaluator once and spread over all entities, so
those rules exist in one place. tests/test_condition_engines.py holds this path to the reference,
entity by entity; calculations share compiler/evaluate/arithmetic.py with it.
"""

from __future__ import annotations

import math

import numpy as np

from compiler.data.types import Population
from compiler.evaluate.arithmetic import calculate
from compiler.evaluate.conditions import NationalConditions
from compiler.evaluate.kleene import (
    Mask,
    all_of_masks,
    any_of_masks,
    compare_numbers,
    constant_mask,
    either,
    known_mask,
    negate_mask,
    yes_no,
)
from dsl import nodes


class EntityConditions:
    """Compiles a condition over entity columns into NumPy operations; results are cached per
    condition, so a comparison shared by an obligation and a ladder step is computed once.
    """

    def __init__(
        self, population: Population, scalar: NationalConditions, indicator_units: dict[str, str]
    ) -> None:
        self.population = population
        self.scalar = scalar
        self.indicator_units = indicator_units
        self.cache: dict[object, Mask] = {}
        self.nan_columns = population.nan_columns

    def mask(self, condition: nodes.Condition | None) -> Mask:
        """The truth of `condition` for every entity; no condition selects every entity."""
        if condition is None:
            return Mask(np.ones(self.population.size, dtype=bool))
        cached = self.cache.get(condition)
        if cached is None:
            cached = self.cache[condition] = self._mask(condition)
        return cached

    def _mask(self, condition: nodes.Condition) -> Mask:
        match condition:
            case nodes.AllOf(items=items):
                return all_of_masks([self.mask(c) for c in items])
            case nodes.AnyOf(items=items):
                return any_of_masks([self.mask(c) for c in items])
            case nodes.Not(item=item):
                return negate_mask(self.mask(item))
            case nodes.Flag(attribute=attribute):
                return self._flag(attribute)
            case nodes.StateTest():
                return self._constant(self.scalar.state(condition).truth)
            case nodes.Comparison():
                return self._comparison(condition)
        raise TypeError(f"not a condition: {condition!r}")

    def _flag(self, attribute: nodes.Ref) -> Mask:
        if attribute.name not in self.population.columns:
            return self._constant(yes_no(self.scalar.operand(attribute).number))
        column, unknown = self._column(attribute.name)
        return known_mask(column != 0, unknown)

    def _comparison(self, comparison: nodes.Comparison) -> Mask:
        left, left_unknown, left_unit = self.operand(comparison.left)
        right, right_unknown, right_unit = self.operand(comparison.right)
        if left is None or right is None:
            return self._constant(None)
        result = compare_numbers(left, comparison.operator, right, left_unit, right_unit)
        if not isinstance(result, np.ndarray):
            return self._constant(bool(result))
        return known_mask(result, either(left_unknown, right_unknown))

    def operand(self, operand):
        """(number or column, where it is unknown or None, unit): an entity column when the
        population has one, a calculation of such values, else the national value, the same for
        every entity. The number is None when it is unknown for every entity.
        """
        if isinstance(operand, nodes.CALCULATIONS):
            return self._calculation(operand)
        if isinstance(operand, nodes.Ref) and operand.name in self.population.columns:
            column, unknown = self._column(operand.name)
            return column, unknown, self.indicator_units.get(operand.name)
        value = self.scalar.operand(operand)
        return value.number, None, value.unit

    def _calculation(self, expression):
        """A calculation as the reference evaluates it, for every entity at once: unknown where a
        part is unknown or the value cannot be computed (NaN, as after a division by zero).
        """
        parts = [self.operand(part) for part in nodes.parts_of(expression)]
        if any(number is None for number, _, _ in parts):
            return None, None, None
        if isinstance(expression, nodes.Arithmetic):
            (left, left_unknown, left_unit), (right, right_unknown, right_unit) = parts
            value, unit = calculate(expression.operator, left, left_unit, right, right_unit)
            unknown = either(left_unknown, right_unknown)
        else:
            ((inner, unknown, unit),) = parts
            value = -inner if isinstance(expression, nodes.Negative) else abs(inner)
        if not isinstance(value, np.ndarray):
            return (None, None, None) if math.isnan(value) else (value, None, unit)
        undefined = np.isnan(value)
        return value, either(unknown, undefined if undefined.any() else None), unit

    def _column(self, name: str) -> tuple[np.ndarray, np.ndarray | None]:
        column = self.population.columns[name]
        return column, (np.isnan(column) if name in self.nan_columns else None)

    def _constant(self, truth) -> Mask:
        return constant_mask(truth, self.population.size)
