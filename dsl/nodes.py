"""Syntax nodes: frozen dataclasses mirroring the grammar. Names are still strings; nothing is
resolved.

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

# The nodes that point into a source text live in dsl/locations.py.
from dsl.locations import Chapter as Chapter
from dsl.locations import Citation as Citation
from dsl.locations import Passage as Passage
from dsl.locations import Scope as Scope
from dsl.source import Span

NOWHERE = Span("<nowhere>", 0, 0, 0, 0)

# The kinds of declaration, as the grammar's KIND terminal spells them (tests/test_parser.py
# checks).
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
    "buiten_scope",
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
    """A year (`2035`) or a date (`2025-09-16`) as written; checked by compiler/check/fields.py."""

    text: str
    span: Span = _span()

    @property
    def is_year(self) -> bool:
        return "-" not in self.text


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written (`kton`, `%`, `€ mln`); empty for a bare number."""

    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with a unit as written (`1.2 kton`, `€ 750 mln`); the number a decimal string."""

    number: str
    unit: Unit
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Range:
    """`A tot B`: an amount between two quantities."""

    low: Quantity
    high: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Bound:
    """`ten hoogste X` ('at_most') or `ten minste X` ('at_least'); X is a quantity or a name."""

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
class Cadence:
    """`jaarlijks`, `elke N PERIODE` or `ten minste elke N PERIODE` (at_least): how often."""

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
    """`uiterlijk WHEN`: a deadline on a fixed year or date."""

    when: When
    span: Span = _span()


Term = Union[RelativeTerm, FixedTerm, Pending]


@dataclass(frozen=True, slots=True)
class BudgetRef:
    """`budget TABEL.POST[.PAKKET]`: a measure's budget, a row (and column) of a table."""

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
    """`LINKS OPERATOR RECHTS`: two expressions compared with `<`, `<=`, `=`, `!=`, ..."""

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
    """`niet C`: the negation of a condition."""

    item: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AllOf:
    """`A en B ...`: every condition holds."""

    items: tuple[Condition, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AnyOf:
    """`A of B ...`: at least one condition holds."""

    items: tuple[Condition, ...]
    span: Span = _span()


Condition = Union[Comparison, StateTest, Flag, Not, AllOf, AnyOf]


@dataclass(frozen=True, slots=True)
class ActorSubject:
    """`wie ACTOR`: an obligation addressed to one named actor."""

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
    """`stap N "label" [als conditie]`: one rung of an enforcement ladder."""

    number: int
    label: str
    condition: Condition | None
    span: Span = _span()


# Budget tables ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """`KOLOM BEDRAG`: one column's amount in a budget row or total."""

    column: Ref
    amount: Quantity
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Package:
    """`pakket ID "titel"`: a column of a budget table."""

    id: Ref
    title: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Post:
    """`post ID "titel" SECTIE: cellen`: a row of a budget table in a section."""

    id: Ref
    title: str
    section: Ref
    cells: tuple[Cell, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Total:
    """`totaal SECTIE: cellen`: the stated column totals of a budget section."""

    section: Ref
    cells: tuple[Cell, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SubAllocation:
    """`deelpost ID "titel" van POST.PAKKET: BEDRAG`: part of one budget cell."""

    id: Ref
    title: str
    post: Ref
    package: Ref
    amount: Quantity
    span: Span = _span()


# History ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validity:
    """`geldig vanaf A [tot B]` or `geldig tot B`: when a declaration applies."""

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
    """`KIND id ["titel"] { field* }`: one declaration with its fields in written order."""

    kind: str
    id: Ref
    title: str | None
    fields: tuple[Field, ...]
    span: Span = _span()
    # where the title is written (None without a title)
    title_span: Span | None = field(default=None, compare=False, repr=False)

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
