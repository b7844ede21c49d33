"""The typed views of checked declarations: one frozen dataclass per kind that evaluation reads.

A view states what a declaration means in the types evaluation needs (dates as dates, names as
ids, a goal as one of a few shapes) so that later stages never look a field up by its keyword.
compiler/check/viewbuilder.py builds them once, after checking. A field that is missing or
malformed (the checker reported it) is None or empty here; evaluation runs on a clean policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar, Union

from dsl import nodes

# An amount the sources fix: a number, a range or a bound (never pending).
Amount = Union[nodes.Quantity, nodes.Range, nodes.Bound]


class Direction(StrEnum):
    """Which way a value should move: "down" (lower is better) or "up"."""

    DOWN = "down"
    UP = "up"


class Trajectory(StrEnum):
    """`traject`: the path towards a target between its starting point and its deadline."""

    LINEAR = "lineair"
    STEPWISE = "stapsgewijs"
    NONE = "geen"


class TargetNature(StrEnum):
    """`soort` of a `doel`: a target the source sets (the default), or something it only shows: an
    estimate it gives, an option it names, a proposal of another body it reports. Only a
    `doelstelling` is judged (docs/evaluation.md, 'Targets').
    """

    DOELSTELLING = "doelstelling"
    RAMING = "raming"
    OPTIE = "optie"
    VOORSTEL = "voorstel"


class Level(StrEnum):
    """`niveau` of an indicator: where its values are measured."""

    NATIONAL = "nationaal"
    SECTOR = "sector"
    PROVINCE = "provincie"
    AREA = "gebied"
    FARM = "bedrijf"


# Goals of a target ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AbsoluteGoal:
    """`waarde X`: one value."""

    value: nodes.Quantity

    @property
    def quantities(self) -> tuple[nodes.Quantity, ...]:
        return (self.value,)


@dataclass(frozen=True, slots=True)
class RangeGoal:
    """`waarde A - B`: a range of values."""

    low: nodes.Quantity
    high: nodes.Quantity

    @property
    def quantities(self) -> tuple[nodes.Quantity, ...]:
        return (self.low, self.high)


@dataclass(frozen=True, slots=True)
class BoundGoal:
    """`waarde ten hoogste X` (down) or `ten minste X` (up); X a quantity or an entity column."""

    direction: Direction
    limit: nodes.Quantity | nodes.Ref


@dataclass(frozen=True, slots=True)
class ReductionGoal:
    """`reductie A t.o.v. JAAR`; `baseline` is None where the source names no baseline year."""

    amount: Amount
    baseline: int | None


@dataclass(frozen=True, slots=True)
class PendingGoal:
    """A value or reduction the sources leave open (or a target that states neither)."""

    reason: str | None
    reduction: bool  # True: `reductie open`; False: `waarde open` or no value at all


Goal = Union[AbsoluteGoal, RangeGoal, BoundGoal, ReductionGoal, PendingGoal]


@dataclass(frozen=True, slots=True)
class InterimValue:
    """`tussendoel JAAR ...`: `amount` None when pending; `reduction` for
    `tussendoel J reductie A`.
    """

    year: int
    amount: Amount | None
    reduction: bool


# Terms of duties --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AfterMoment:
    """`termijn N PERIODE na monitoring`: due N periods after the moment that issued it."""

    count: int
    period: str


@dataclass(frozen=True, slots=True)
class ByDate:
    """`termijn uiterlijk D` or `uiterlijk D`: due at the end of D (None: not a valid date)."""

    date: dt.date | None
    text: str  # D as written


@dataclass(frozen=True, slots=True)
class PendingTerm:
    """`termijn open "reason"`."""

    reason: str | None


Term = Union[AfterMoment, ByDate, PendingTerm]


# The views --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Aggregate:
    """`berekend som IND | aantal SOORT | aandeel SOORT [waar C]`: a value per entity computed from
    the entities of `source_kind` that lie in it; `summed` is the indicator `som` adds up.
    """

    function: str  # "som", "aantal" or "aandeel"
    source_kind: str
    summed: str | None
    where: nodes.Condition | None


@dataclass(frozen=True, slots=True)
class Indicator:
    """An `indicator`: its unit and level; `kind` the entity kind it has one value per entity of
    (None for a national or sector series); `aggregate` how it is computed from another kind;
    `may_be_negative` whether its data may hold negative values (`negatief_toegestaan`).
    """

    id: str
    unit: str | None
    level: Level | None
    kind: str | None = None
    aggregate: Aggregate | None = None
    may_be_negative: bool = False


@dataclass(frozen=True, slots=True)
class EntityKind:
    """An `entiteit`: a kind of entity, the column that keys its table, the table file (relative to
    the monitoring folder; None: no table) and the kinds its entities lie in (`binnen`).
    """

    id: str
    title: str
    key: str
    table: str | None
    within: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineRange:
    """Lines `first`..`last` (1-based, inclusive) of the source text of `document`."""

    document: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class OutOfScope:
    """A `buiten_scope`: passages of the sources the policy leaves out on purpose, and why."""

    id: str
    reason: str
    passages: tuple[LineRange, ...]


@dataclass(frozen=True, slots=True)
class DocumentScope:
    """What of a document the policy must address (`bereik`): all of it (`whole`), or the line
    ranges of the chapters it names.
    """

    whole: bool
    ranges: tuple[LineRange, ...] = ()

    def holds(self, line: int) -> bool:
        return self.whole or any(r.first <= line <= r.last for r in self.ranges)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A `document`: its official identity where it has one (`kenmerk`, `kamerstuk`, `url`), its
    chapters by id, and the lines the policy must address (`bereik`; None when it names none).
    """

    id: str
    kenmerk: str | None
    kamerstuk: str | None
    url: str | None
    chapters: tuple[tuple[str, LineRange, str], ...]  # (id, lines, title)
    scope: DocumentScope | None


@dataclass(frozen=True, slots=True)
class Target:
    """A `doel`: the indicator it is about, its goal, deadline and trajectory."""

    id: str
    indicator: str  # "" when the target names none
    goal: Goal
    deadline: dt.date | None  # the end of the year or day `uiterlijk` names; None when pending
    trajectory: Trajectory
    interims: tuple[InterimValue, ...]
    binding: bool  # `bindend`: the source makes it legally binding
    character: str | None  # `karakter`: the source's own word (compiler/check/character.py)
    nature: TargetNature = TargetNature.DOELSTELLING


@dataclass(frozen=True, slots=True)
class Trigger:
    """A `trigger`: its `als` condition (None when it has none) and its `dan` consequences."""

    id: str
    condition: nodes.Condition | None
    consequences: tuple[nodes.Consequence, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    """`wie elk ENTITEIT [waar CONDITIE]`: every entity of a kind for which the condition holds."""

    entity: str
    where: nodes.Condition | None


@dataclass(frozen=True, slots=True)
class Obligation:
    """A `verplichting` of one actor (`addressee`) or of every entity a `selection` picks."""

    id: str
    addressee: str | None
    selection: Selection | None
    term: Term | None
    ladder: str | None  # the `handhaving` that enforces it


@dataclass(frozen=True, slots=True)
class Decision:
    """A `besluit` an actor has to take, by its term."""

    id: str
    actor: str
    term: Term | None


@dataclass(frozen=True, slots=True)
class Measure:
    """A `maatregel`, with its owner; a duty only where a trigger makes it a fallback."""

    id: str
    actor: str
    term: Term | None


@dataclass(frozen=True, slots=True)
class ReportingDuty:
    """A `borging` with a date: once by `deadline`, or from `first_year` on every `cadence`."""

    id: str
    actor: str
    first_year: int | None
    cadence: nodes.Cadence | None
    deadline: ByDate | None


@dataclass(frozen=True, slots=True)
class Ladder:
    """A `handhaving`: its steps, in order of their numbers."""

    id: str
    steps: tuple[nodes.Step, ...]


View = Union[
    EntityKind,
    Indicator,
    Target,
    Trigger,
    Obligation,
    Decision,
    Measure,
    ReportingDuty,
    Ladder,
    OutOfScope,
    SourceDocument,
]
# Any one kind of view, for functions that select views by their class.
V = TypeVar("V", bound=View)
