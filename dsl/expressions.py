"""Calculation nodes of conditions (`a + b`, `a - b`, `a * b`, `a / b`, `-a`, `absoluut(a)`) and
how deep a calculation nests.

dsl/nodes.py re-exports these nodes, so the rest of the code names them `nodes.Arithmetic` and so
on. Like every node they are frozen, and their `span` is left out of equality. Their operands are
expressions: a quantity, a count, a reference, a call (dsl/nodes.py) or another calculation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl.source import Span

OPERATORS = ("+", "-", "*", "/")


def _span() -> Span:
    return field(default=Span("<nowhere>", 0, 0, 0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`left OPERATOR right`, OPERATOR one of `+ - * /` (left-associative, `* /` before `+ -`)."""

    left: object
    operator: str
    right: object
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Negative:
    """`-x`: the operand with its sign turned."""

    operand: object
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Absolute:
    """`absoluut(x)`: the operand without its sign."""

    operand: object
    span: Span = _span()


CALCULATIONS = (Arithmetic, Negative, Absolute)


def parts_of(expression) -> tuple:
    """The expressions a calculation is made of, left to right; none for an operand."""
    if isinstance(expression, Arithmetic):
        return (expression.left, expression.right)
    if isinstance(expression, (Negative, Absolute)):
        return (expression.operand,)
    return ()


def deepest_calculation(expression) -> tuple[int, object]:
    """How many calculations nest in `expression` at most, and the innermost one on that path (the
    expression itself when it is none). Iterative, so any depth is measured safely.
    """
    deepest, where = 0, expression
    stack = [(expression, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, CALCULATIONS):
            depth += 1
            if depth > deepest:
                deepest, where = depth, item
            stack.extend((part, depth) for part in parts_of(item))
    return deepest, where
