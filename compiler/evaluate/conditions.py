"""The reference evaluator of conditions: the truth of one condition for one subject (the nation, or
one entity), with a `Trace` that says why, for evaluation and for `beleid explain` alike.

Three-valued: a condition is true, false, or unknown (None) when a value it needs is missing or
pending; `en`/`of`/`niet` follow Kleene's logic (compiler/evaluate/kleene.py), so `onwaar en
onbekend` is false. A calculation (compiler/evaluate/arithmetic.py) is unknown when a part is, or
when it cannot be computed (a division by zero). Written plainly, one node at a time;
compiler/evaluate/columns.py is the fast path that evaluates a condition over every entity at
once and is held to this one by tests/test_condition_engines.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from compiler.data.types import Population, Series
from compiler.evaluate.arithmetic import calculate
from compiler.evaluate.kleene import Truth, all_of, any_of, compare_numbers, negate, word, yes_no
from compiler.evaluate.targets import STATE_MEANING, UNKNOWN_STATES, TargetStatus
from dsl import nodes

# The truth of `trigger is actief` for each state a trigger in force reaches (the states of
# compiler/evaluate/moment.py); see `trigger_is_active` for a trigger not in force.
_ACTIVE = {"fired": True, "not_fired": False, "undecided": None}
_SAID = {True: "fired", False: "did not fire", None: "could not be decided"}
# A target's gap to its path: as an amount in the indicator's unit, and as a percentage of the path.
_GAPS = {
    "achterstand": lambda status: (status.gap, status.unit),
    "achterstand_procent": lambda status: (status.gap_percent, "%"),
}


@dataclass(frozen=True)
class Trace:
    """Why a condition has the truth it has: a sentence, the truth, the parts it was built from."""

    text: str
    truth: Truth
    children: tuple[Trace, ...] = ()


@dataclass(frozen=True)
class Value:
    """An operand's value: a number in `unit`, or None with the reason it is unknown."""

    number: float | None
    unit: str | None
    text: str


def trigger_is_active(state: str | None) -> Truth:
    """The truth of `trigger is actief`, from the state the trigger reached at this moment, or None
    when the trigger is not in force at this moment.

    docs/evaluation.md: "`trigger is actief` is true when that trigger fired at this moment". So a
    trigger in force that fired is active (true), one that did not fire is not (false), and one that
    could not be decided leaves the test unknown. A trigger that is not in force at this moment
    (before its `geldig vanaf`, from its `geldig tot`, replaced or stopped) did not fire at this
    moment: the test is false, never unknown. This is the one place that rule is decided;
    evaluation, `explain` (also `--farm`), `simulate` and `beleid test` all reach it through
    `NationalConditions`.
    """
    return False if state is None else _ACTIVE[state]


# ---------------------------------------------------------------------------------------- subjects


class NationalConditions:
    """The nation as a subject: conditions read series, target statuses and trigger states.

    `trigger_state(name)` is the state the trigger `name` reached at this moment (`fired`,
    `not_fired`, `undecided`), or None when it is not in force; `entity_indicators` are the
    indicators that only have a value per entity (unknown at national level).
    """

    def __init__(
        self,
        series: Series,
        moment,
        indicator_units: dict[str, str],
        targets: dict[str, TargetStatus],
        trigger_state: Callable[[str], str | None],
        entity_indicators: frozenset[str],
    ) -> None:
        self.series = series
        self.moment = moment
        self.indicator_units = indicator_units
        self.targets = targets
        self.trigger_state = trigger_state
        self.entity_indicators = entity_indicators

    def evaluate(self, condition) -> Trace:
        """The trace of `condition` for the nation."""
        return evaluate_condition(condition, self)

    def state(self, test: nodes.StateTest) -> Trace:
        """`trigger is actief` or `doel is STATE`: national facts, the same for every subject."""
        if test.state == "actief":
            return self._trigger(test.subject.name)
        return self._target(test)

    def _trigger(self, name: str) -> Trace:
        state = self.trigger_state(name)
        truth = trigger_is_active(state)
        if state is None:
            return Trace(
                f"trigger `{name}` is active: it is not in force, so it did not fire", truth
            )
        return Trace(f"trigger `{name}` is active: it {_SAID[truth]}", truth)

    def _target(self, test: nodes.StateTest) -> Trace:
        name = test.subject.name
        status = self.targets.get(name)
        if status is None:
            return Trace(f"target `{name}` is not in force", None)
        if status.status in UNKNOWN_STATES:
            return Trace(f"target `{name}` is {test.state}? unknown: {status.reason}", None)
        truth = status.status in STATE_MEANING[test.state]
        return Trace(
            f"target `{name}` is {status.status.replace('_', ' ')} ({status.reason}), "
            f"so `{test.state}` is {word(truth)}",
            truth,
        )

    def operand(self, operand) -> Value:
        """The national value of a number, an indicator or a function call."""
        if isinstance(operand, nodes.Quantity):
            return Value(
                float(operand.number), operand.unit.text, f"{operand.number} {operand.unit.text}"
            )
        if isinstance(operand, nodes.Call):
            return self._call(operand)
        return self._indicator(operand.name)

    def _indicator(self, name: str) -> Value:
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
        if call.function in _GAPS:
            status = self.targets.get(name)
            gap, unit = _GAPS[call.function](status) if status else (None, None)
            if gap is None:
                why = status.reason if status else "not in force"
                return Value(None, None, f"{call.function}({name}) (unknown: {why})")
            return Value(gap, unit, f"{call.function}({name}) = {gap:g} {unit}")
        return Value(
            None, None, f"effect({name}) (measured effects of measures are not monitored yet)"
        )


@dataclass(frozen=True)
class EntitySubject:
    """One entity as a subject: its own column values, and the nation for everything else."""

    nation: NationalConditions
    population: Population
    index: int
    indicator_units: dict[str, str]

    def state(self, test: nodes.StateTest) -> Trace:
        return self.nation.state(test)

    def operand(self, operand) -> Value:
        if not (isinstance(operand, nodes.Ref) and operand.name in self.population.columns):
            return self.nation.operand(operand)
        name = operand.name
        number = float(self.population.columns[name][self.index])
        unit = self.indicator_units.get(name)
        if np.isnan(number):
            return Value(None, unit, f"`{name}` (empty for this farm)")
        return Value(number, unit, f"`{name}` = {number:g} {unit or ''}".rstrip())


Subject = NationalConditions | EntitySubject


# ---------------------------------------------------------------------------------------- evaluator


def evaluate_condition(condition: nodes.Condition, subject: Subject) -> Trace:
    """The truth of `condition` for `subject`, with its trace; the one dispatch on conditions."""
    match condition:
        case nodes.AllOf(items=items):
            parts = tuple(evaluate_condition(c, subject) for c in items)
            return Trace("all of", all_of(p.truth for p in parts), parts)
        case nodes.AnyOf(items=items):
            parts = tuple(evaluate_condition(c, subject) for c in items)
            return Trace("any of", any_of(p.truth for p in parts), parts)
        case nodes.Not(item=item):
            inner = evaluate_condition(item, subject)
            return Trace("not", negate(inner.truth), (inner,))
        case nodes.Flag(attribute=attribute):
            value = subject.operand(attribute)
            return Trace(f"{value.text} (yes/no)", yes_no(value.number))
        case nodes.StateTest():
            return subject.state(condition)
        case nodes.Comparison(left=left, operator=operator_, right=right):
            return compare(value_of(left, subject), operator_, value_of(right, subject))
    raise TypeError(f"not a condition: {condition!r}")


def value_of(expression: nodes.Expression, subject: Subject) -> Value:
    """The value of an operand or a calculation for `subject`: unknown when a part is, or when it
    cannot be computed (a division by zero). Recursive: the parser bounds calculation depth (P007).
    """
    if isinstance(expression, nodes.Arithmetic):
        left, right = value_of(expression.left, subject), value_of(expression.right, subject)
        text = f"({left.text.rstrip()} {expression.operator} {right.text.rstrip()})"
        if left.number is None or right.number is None:
            return Value(None, None, text)
        number, unit = calculate(
            expression.operator, left.number, left.unit, right.number, right.unit
        )
        return _calculated(number, unit, text)
    if isinstance(expression, nodes.Negative | nodes.Absolute):
        inner = value_of(expression.operand, subject)
        negative = isinstance(expression, nodes.Negative)
        text = f"-{inner.text}" if negative else f"absoluut({inner.text})"
        if inner.number is None:
            return Value(None, None, text)
        return _calculated(-inner.number if negative else abs(inner.number), inner.unit, text)
    return subject.operand(expression)


def _calculated(number: float, unit: str | None, text: str) -> Value:
    if math.isnan(number):
        return Value(None, None, f"{text} (cannot be computed, e.g. a division by zero)")
    return Value(number, unit, f"{text} = {number:g} {unit or ''}".rstrip())


def compare(left: Value, operator_: str, right: Value) -> Trace:
    """A comparison of two values as a trace: unknown when either value is."""
    text = f"{left.text} {operator_} {right.text}"
    if left.number is None or right.number is None:
        return Trace(text + ": unknown", None)
    truth = bool(compare_numbers(left.number, operator_, right.number, left.unit, right.unit))
    return Trace(f"{text}: {word(truth)}", truth)


def trace_for_entity(
    condition: nodes.Condition | None,
    population: Population,
    index: int,
    national: NationalConditions,
    indicator_units: dict[str, str],
) -> Trace:
    """The trace of an entity selection for one entity (`beleid explain --farm`); no condition
    selects every entity.
    """
    if condition is None:
        return Trace("every farm", True)
    return evaluate_condition(
        condition, EntitySubject(national, population, index, indicator_units)
    )
