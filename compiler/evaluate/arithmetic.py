"""Calculations in conditions (`+ - * /`, `-x`, `absoluut(x)`) on numbers in units, once for both
condition evaluators: each function takes plain numbers or NumPy columns alike, so the reference
evaluator (compiler/evaluate/conditions.py) and its columnar fast path
(compiler/evaluate/columns.py) compute the same value for every entity.

Units follow the checker (compiler/check/units.py): `+ -` convert the right side to the left
side's unit, a plain number (no unit) scales a quantity, and a quantity divided by one of the same
dimension is a plain number (unit ""). A value that cannot be computed (a division by zero,
`inf - inf`) is NaN, which both evaluators read as unknown. `-x` and `absoluut(x)` need no helper:
Python's `-` and `abs` do the same to a number and to a column.
"""

from __future__ import annotations

import math

import numpy as np

from compiler.evaluate.kleene import in_unit


def is_plain(unit: str | None) -> bool:
    """Whether a value in `unit` is a plain number: no unit written, or none declared."""
    return not unit


def calculate(operator: str, left, left_unit: str | None, right, right_unit: str | None):
    """`left OPERATOR right` as (value, unit); NaN where the value cannot be computed."""
    with np.errstate(all="ignore"):
        if operator in ("+", "-"):
            right = in_unit(right, right_unit, left_unit)
            return (left + right if operator == "+" else left - right), left_unit
        if operator == "*":
            return left * right, right_unit if is_plain(left_unit) else left_unit
        if is_plain(right_unit):
            return _divide(left, right), left_unit
        return _divide(left, in_unit(right, right_unit, left_unit)), ""


def _divide(left, divisor):
    """`left / divisor`, NaN where the divisor is zero (never an error, never infinity)."""
    if isinstance(left, np.ndarray) or isinstance(divisor, np.ndarray):
        quotient = np.divide(left, divisor)
        return np.where(np.asarray(divisor) == 0, np.nan, quotient)
    return math.nan if divisor == 0 else left / divisor
