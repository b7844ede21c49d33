"""Conditions, evaluated two ways: once for the nation (three-valued, with a trace for `explain`) and
over whole entity columns (NumPy masks, never a loop per farm).

Three-valued: a condition is true, false, or unknown (None) when a value it needs is missing or
pending; `en`/`of`/`niet` follow Kleene's logic, so `onwaar en onbekend` is false. Each national
result carries a `Trace`: the condition in words, the values it read and the truth it found.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from compiler.check import units
from compiler.data.types import Population, Series
from compiler.evaluate.targets import CANNOT_DECIDE, NO_DATA, STATE_MEANING, TargetStatus
from dsl import nodes

OPERATORS: dict[str, Callable] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Trace:
    """Why a condition has the truth it has: a sentence, the truth, and the parts it was built from."""

    text: str
    truth: bool | None
    children: tuple[Trace, ...] = ()


@dataclass(frozen=True)
class Value:
    """An operand's value: a number in `unit`, or None with the reason it is unknown."""

    number: float | None
    unit: str | None
    text: str


class NationalConditions:
    """Evaluates conditions that read series, target statuses and trigger states."""

    def __init__(
        self,
        series: Series,
        moment,
        indicator_units: dict[str, str],
        targets: dict[str, TargetStatus],
        trigger_state: Callable[[str], bool | None],
        entity_indicators: frozenset[str],
    ) -> None:
        self.series = series
        self.moment = moment
        self.indicator_units = indicator_units
        self.targets = targets
        self.trigger_state = trigger_state
        self.entity_indicators = entity_indicators

    def evaluate(self, condition) -> Trace:
        if isinstance(condition, nodes.AllOf):
            return _combine("all of", [self.evaluate(c) for c in condition.items], all_of=True)
        if isinstance(condition, nodes.AnyOf):
            return _combine("any of", [self.evaluate(c) for c in condition.items], all_of=False)
        if isinstance(condition, nodes.Not):
            inner = self.evaluate(condition.item)
            return Trace("not", None if inner.truth is None else not inner.truth, (inner,))
        if isinstance(condition, nodes.StateTest):
            return self._state(condition)
        if isinstance(condition, nodes.Flag):
            value = self.operand(condition.attribute)
            truth = None if value.number is None else bool(value.number)
            return Trace(f"{value.text} (yes/no)", truth)
        return self._comparison(condition)

    def _state(self, test: nodes.StateTest) -> Trace:
        name = test.subject.name
        if test.state == "actief":
            truth = self.trigger_state(name)
            said = {True: "fired", False: "did not fire", None: "could not be decided"}[truth]
            return Trace(f"trigger `{name}` is active: it {said}", truth)
        status = self.targets.get(name)
        if status is None:
            return Trace(f"target `{name}` is not in force", None)
        if status.status in (NO_DATA, CANNOT_DECIDE):
            return Trace(f"target `{name}` is {test.state}? unknown: {status.reason}", None)
        truth = status.status in STATE_MEANING[test.state]
        return Trace(
            f"target `{name}` is {status.status.replace('_', ' ')} ({status.reason}), "
            f"so `{test.state}` is {_word(truth)}",
            truth,
        )

    def _comparison(self, comparison: nodes.Comparison) -> Trace:
        return compare(
            self.operand(comparison.left), comparison.operator, self.operand(comparison.right)
        )

    def operand(self, operand) -> Value:
        if isinstance(operand, nodes.Quantity):
            return Value(
                float(operand.number), operand.unit.text, f"{operand.number} {operand.unit.text}"
            )
        if isinstance(operand, nodes.Call):
            return self._call(operand)
        name = operand.name
        if name in self.entity_indicators:
            return Value(None, None, f"`{name}` (a per-farm value, unknown at national level)")
        unit = self.indicator_units.get(name)
        observed = self.series.latest(name, self.moment)
        if observed is None:
            return Value(None, unit, f"`{name}` (no value on or before {self.moment})")
        tag = "" if observed.status == "measured" else f", {observed.status}"
        return Value(
            observed.value, unit, f"`{name}` = {observed.value:g} {unit} ({observed.period}{tag})"
        )

    def _call(self, call: nodes.Call) -> Value:
        name = call.argument.name
        if call.function == "achterstand":
            status = self.targets.get(name)
            if status is None or status.gap is None:
                why = status.reason if status else "not in force"
                return Value(None, None, f"achterstand({name}) (unknown: {why})")
            return Value(
                status.gap, status.unit, f"achterstand({name}) = {status.gap:g} {status.unit}"
            )
        return Value(
            None, None, f"effect({name}) (measured effects of measures are not monitored yet)"
        )


def compare(left: Value, operator_: str, right: Value) -> Trace:
    """A comparison of two values as a trace: unknown when either value is."""
    text = f"{left.text} {operator_} {right.text}"
    if left.number is None or right.number is None:
        return Trace(text + ": unknown", None)
    a, b = _common(left, right)
    truth = bool(OPERATORS[operator_](a, b))
    return Trace(f"{text}: {_word(truth)}", truth)


def _common(left: Value, right: Value) -> tuple[float, float]:
    """Both numbers in one unit; numbers without a unit (counts) are taken as written."""
    if left.unit and right.unit and left.unit != right.unit:
        a, b = units.lookup(left.unit), units.lookup(right.unit)
        if a and b and units.compatible(a, b):
            return float(units.convert(units.Decimal(repr(left.number)), a, b)), right.number
    return left.number, right.number


def _combine(label: str, parts: list[Trace], *, all_of: bool) -> Trace:
    truths = [p.truth for p in parts]
    if all_of:
        truth = False if False in truths else (None if None in truths else True)
    else:
        truth = True if True in truths else (None if None in truths else False)
    return Trace(label, truth, tuple(parts))


def _word(truth: bool | None) -> str:
    return {True: "true", False: "false", None: "unknown"}[truth]


# ---------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Mask:
    """A columnar condition result: `true` where it holds; `unknown` where it cannot be decided
    (None when no entity is unknown, which saves a pass over the data)."""

    true: np.ndarray
    unknown: np.ndarray | None = None

    @property
    def false(self) -> np.ndarray:
        return ~self.true if self.unknown is None else ~(self.true | self.unknown)


class EntityConditions:
    """Compiles a condition over entity columns into NumPy operations; results are cached per
    condition, so a comparison shared by an obligation and a ladder step is computed once."""

    def __init__(
        self, population: Population, scalar: NationalConditions, indicator_units: dict[str, str]
    ) -> None:
        self.population = population
        self.scalar = scalar
        self.indicator_units = indicator_units
        self.cache: dict[object, Mask] = {}
        self.nan_columns = population.nan_columns

    def mask(self, condition) -> Mask:
        if condition is None:
            return Mask(np.ones(self.population.size, dtype=bool))
        cached = self.cache.get(condition)
        if cached is None:
            cached = self.cache[condition] = self._mask(condition)
        return cached

    def _mask(self, condition) -> Mask:
        if isinstance(condition, nodes.AllOf):
            return _all_of([self.mask(c) for c in condition.items])
        if isinstance(condition, nodes.AnyOf):
            return _any_of([self.mask(c) for c in condition.items])
        if isinstance(condition, nodes.Not):
            inner = self.mask(condition.item)
            return Mask(inner.false, inner.unknown)
        if isinstance(condition, nodes.Flag):
            column, unknown = self._column(condition.attribute.name)
            if not isinstance(column, np.ndarray):
                return self._constant(None)
            return Mask(column != 0 if unknown is None else (column != 0) & ~unknown, unknown)
        if isinstance(condition, nodes.StateTest):
            return self._constant(self.scalar.evaluate(condition).truth)
        return self._comparison(condition)

    def _comparison(self, comparison: nodes.Comparison) -> Mask:
        left, left_unknown, left_unit = self.operand(comparison.left)
        right, right_unknown, right_unit = self.operand(comparison.right)
        if left is None or right is None:
            return self._constant(None)
        right = _scaled(right, right_unit, left_unit)
        result = OPERATORS[comparison.operator](left, right)
        unknown = _either(left_unknown, right_unknown)
        if unknown is not None:
            result = result & ~unknown
        if not isinstance(result, np.ndarray):
            return self._constant(bool(result))
        return Mask(result, unknown)

    def operand(self, operand):
        if isinstance(operand, nodes.Quantity):
            return float(operand.number), None, operand.unit.text
        if isinstance(operand, nodes.Ref) and operand.name in self.population.columns:
            column, unknown = self._column(operand.name)
            return column, unknown, self.indicator_units.get(operand.name)
        value = self.scalar.operand(operand)
        return value.number, None, value.unit

    def _column(self, name: str):
        column = self.population.columns.get(name)
        if column is None:
            return None, None
        return column, (np.isnan(column) if name in self.nan_columns else None)

    def _constant(self, truth: bool | None) -> Mask:
        size = self.population.size
        if truth is None:
            return Mask(np.zeros(size, dtype=bool), np.ones(size, dtype=bool))
        return Mask(np.full(size, truth, dtype=bool))


def _scaled(value, unit: str | None, to: str | None):
    if unit and to and unit != to:
        a, b = units.lookup(unit), units.lookup(to)
        if a and b and units.compatible(a, b):
            return value * float(a.factor / b.factor)
    return value


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a | b


def _and(arrays: list[np.ndarray]) -> np.ndarray:
    """Element-wise `and` of the arrays, pairwise (`np.logical_and.reduce` of a list would first copy
    them all into one two-dimensional array)."""
    return functools.reduce(np.logical_and, arrays)


def _or(arrays: list[np.ndarray]) -> np.ndarray:
    return functools.reduce(np.logical_or, arrays)


def _all_of(masks: list[Mask]) -> Mask:
    true = _and([m.true for m in masks])
    unknowns = [m.unknown for m in masks if m.unknown is not None]
    if not unknowns:
        return Mask(true)
    return Mask(true, _or(unknowns) & ~_or([m.false for m in masks]))


def _any_of(masks: list[Mask]) -> Mask:
    true = _or([m.true for m in masks])
    unknowns = [m.unknown for m in masks if m.unknown is not None]
    if not unknowns:
        return Mask(true)
    return Mask(true, _or(unknowns) & ~true)


def trace_for_entity(
    condition,
    population: Population,
    index: int,
    national: NationalConditions,
    indicator_units: dict[str, str],
) -> Trace:
    """The trace of `condition` for one entity: its own column values, for `beleid explain --farm`."""
    if condition is None:
        return Trace("every farm", True)
    if isinstance(condition, (nodes.AllOf, nodes.AnyOf)):
        parts = [
            trace_for_entity(c, population, index, national, indicator_units)
            for c in condition.items
        ]
        return _combine(
            "all of" if isinstance(condition, nodes.AllOf) else "any of",
            parts,
            all_of=isinstance(condition, nodes.AllOf),
        )
    if isinstance(condition, nodes.Not):
        inner = trace_for_entity(condition.item, population, index, national, indicator_units)
        return Trace("not", None if inner.truth is None else not inner.truth, (inner,))
    if isinstance(condition, nodes.Flag):
        value = _entity_value(condition.attribute, population, index, national, indicator_units)
        return Trace(f"{value.text} (yes/no)", None if value.number is None else bool(value.number))
    if isinstance(condition, nodes.StateTest):
        return national.evaluate(condition)
    left = _entity_value(condition.left, population, index, national, indicator_units)
    right = _entity_value(condition.right, population, index, national, indicator_units)
    return compare(left, condition.operator, right)


def _entity_value(
    operand,
    population: Population,
    index: int,
    national: NationalConditions,
    indicator_units: dict[str, str],
) -> Value:
    if isinstance(operand, nodes.Ref) and operand.name in population.columns:
        number = float(population.columns[operand.name][index])
        unit = indicator_units.get(operand.name)
        if np.isnan(number):
            return Value(None, unit, f"`{operand.name}` (empty for this farm)")
        return Value(number, unit, f"`{operand.name}` = {number:g} {unit or ''}".rstrip())
    return national.operand(operand)
