"""Syntax nodes: frozen dataclasses mirroring the grammar. Names are still strings; nothing is resolved.

Every node carries a `span`, excluded from equality so tests can compare trees while ignoring
positions. A declaration is a kind, an id, an optional title and a tuple of `Field`s; which fields a
kind allows is checked later (compiler/check/fields.py), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# The calculation nodes live in dsl/expressions.py and are named from here (explicit re-exports).
from dsl.expressions import CALCULATIONS as CALCULATIONS
from dsl.expressions import Absolute as Absolute
from dsl.expressions import Arithmetic as Arithmetic
from dsl.expressions import Negative as Negative
from dsl.expressions import parts_of as parts_of
from dsl.source import Span

NOWHERE = Span("<nowhere>", 0, 0, 0, 0)

# The kinds of declaration, as the grammar's KIND terminal spells them (tests/test_parser.py checks).
KINDS = (
    "document",
    "actor",
    "indicator",
    "doel",
    "maatregel",
    "begroting",
    "trigger",
    "verplichting",
    "handhaving",
    "borging",
    "besluit",
    "verbod",
    "bevinding",
    "entiteit",
)


def _span() -> Span:
    return field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """A name written where a declaration (or a vocabulary word) is expected."""

    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class When:
    """A year (`2035`) or a date (`2025-09-16`), kept as written; compiler/check/fields.py validates it."""

    text: str
    span: Span = _span()

    @property
    def is_year(self) -> bool:
        return "-" not in self.text


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with a unit as written (`1.2 kton`, `€ 750 mln`). The number stays a decimal string."""

    number: str
    unit: Unit
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Range:
    low: Quantity
    high: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Bound:
    """`ten hoogste X` (direction 'at_most') or `ten minste X` ('at_least'); X a quantity or a name."""

    direction: str
    value: Union[Quantity, Ref]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Pending:
    """A value the sources leave open (`open "reason"`)."""

    reason: str | None
    span: Span = _span()


Amount = Union[Quantity, Range, Bound, Pending]


def quantities_in(amount: Amount) -> list[Quantity]:
    """The quantities an amount writes out: one, two for a range, none when pending or a name."""
    if isinstance(amount, Quantity):
        return [amount]
    if isinstance(amount, Range):
        return [amount.low, amount.high]
    if isinstance(amount, Bound) and isinstance(amount.value, Quantity):
        return [amount.value]
    return []


@dataclass(frozen=True, slots=True)
class Reduction:
    """`reductie A t.o.v. JAAR`; `baseline` is None where the source names no baseline year."""

    amount: Amount
    baseline: When | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Interim:
    """`tussendoel 2030 ...`: an interim value; `kind` is 'waarde', 'reductie' or 'open'."""

    year: When
    kind: str
    amount: Amount
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Citation:
    """`bron DOC regel(s) A[-B] "quote"`."""

    document: Ref
    first_line: int
    last_line: int
    quote: str
    span: Span = _span()
    quote_span: Span = _span()


@dataclass(frozen=True, slots=True)
class Cadence:
    every: int
    period: str
    at_least: bool
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RelativeTerm:
    """A deadline relative to the monitoring moment that triggered it: `6 maanden na monitoring`."""

    count: int
    period: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FixedTerm:
    when: When
    span: Span = _span()


Term = Union[RelativeTerm, FixedTerm, Pending]


@dataclass(frozen=True, slots=True)
class BudgetRef:
    table: Ref
    post: Ref
    package: Ref | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Effect:
    """`effect INDICATOR ±Q [in JAAR]`: Q in the indicator's unit, or in % as a relative change."""

    indicator: Ref
    change: Quantity
    year: When | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Consequence:
    """`dan verplichting X` / `dan besluit X` / `dan maatregel X` (a fallback measure)."""

    kind: str
    target: Ref
    span: Span = _span()


# Conditions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """`achterstand(doel)`, `achterstand_procent(doel)` or `effect(maatregel)`."""

    function: str
    argument: Ref
    span: Span = _span()


Operand = Union[Quantity, Ref, Call]
# What a comparison compares: an operand or a calculation of operands (dsl/expressions.py).
Expression = Union[Quantity, Ref, Call, Arithmetic, Negative, Absolute]


@dataclass(frozen=True, slots=True)
class Comparison:
    left: Expression
    operator: str
    right: Expression
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class StateTest:
    """`doel is achter_op_schema`, `trigger is actief`."""

    subject: Ref
    state: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Flag:
    """A yes/no entity attribute used as a condition on its own."""

    attribute: Ref
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]
    span: Span = _span()


Condition = Union[Comparison, StateTest, Flag, Not, AllOf, AnyOf]


@dataclass(frozen=True, slots=True)
class ActorSubject:
    actor: Ref
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class EntitySubject:
    """`elk bedrijf [waar conditie]`: every entity of a kind, optionally a selection."""

    entity: Ref
    where: Condition | None
    span: Span = _span()


Subject = Union[ActorSubject, EntitySubject]


@dataclass(frozen=True, slots=True)
class EntityAggregate:
    """`berekend som IND [waar C]`, `aantal SOORT [waar C]`, `aandeel SOORT waar C`: an indicator
    computed per entity from the entities of another kind that lie in it (farms in a province).

    `function` is "som", "aantal" or "aandeel"; `subject` the summed indicator (som) or the counted
    kind (aantal, aandeel).
    """

    function: str
    subject: Ref
    where: Condition | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    label: str
    condition: Condition | None
    span: Span = _span()


# Budget tables ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    column: Ref
    amount: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Package:
    id: Ref
    title: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Post:
    id: Ref
    title: str
    section: Ref
    cells: tuple[Cell, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Total:
    section: Ref
    cells: tuple[Cell, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SubAllocation:
    id: Ref
    title: str
    post: Ref
    package: Ref
    amount: Quantity
    span: Span = _span()


# History ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validity:
    start: When | None
    end: When | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Supersession:
    """`vervangt X [per D]` (mode 'replaces') or `stopt X [per D]` (mode 'stops')."""

    mode: str
    target: Ref
    when: When | None
    span: Span = _span()


# Declarations ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """One keyword and its value; `value` has the type the keyword's grammar rule builds."""

    keyword: str
    value: object
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Declaration:
    kind: str
    id: Ref
    title: str | None
    fields: tuple[Field, ...]
    span: Span = _span()

    def all(self, keyword: str) -> list[Field]:
        """Every field with this keyword, in written order."""
        return [f for f in self.fields if f.keyword == keyword]

    def get(self, keyword: str) -> Field | None:
        """The first field with this keyword, or None."""
        return next((f for f in self.fields if f.keyword == keyword), None)

    def value(self, keyword: str, default: object = None) -> object:
        found = self.get(keyword)
        return found.value if found else default


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed rule file."""

    path: str
    declarations: tuple[Declaration, ...]
