"""Builds the checked declarations with their typed views (compiler/check/views.py), once.

The pipeline calls `build_declarations` after every check has run; `with_value` gives the
declaration a scenario's assumed value stands in, its view built again from the changed field.
Every field is read by its keyword here and nowhere after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from compiler.check import schema, views
from compiler.check.fields import parse_when
from compiler.check.model import CheckedDeclaration
from dsl import nodes

W = TypeVar("W", bound=StrEnum)
Period = tuple[dt.date | None, dt.date | None]


def build_declarations(
    decls: dict[str, nodes.Declaration], periods: dict[str, Period]
) -> dict[str, CheckedDeclaration]:
    """The checked declarations with their views, sorted by id for deterministic output."""
    return {
        name: CheckedDeclaration(
            name, decl.kind, decl, *periods.get(name, (None, None)), view=view_of(decl)
        )
        for name, decl in sorted(decls.items())
    }


def with_value(decl: CheckedDeclaration, keyword: str, value: object) -> CheckedDeclaration:
    """The declaration with `value` in every field `keyword`, and the view that follows from it."""
    fields = tuple(
        dataclasses.replace(f, value=value) if f.keyword == keyword else f for f in decl.node.fields
    )
    node = dataclasses.replace(decl.node, fields=fields)
    return dataclasses.replace(decl, node=node, view=view_of(node))


def view_of(decl: nodes.Declaration) -> views.View | None:
    """The typed view of a declaration; None for kinds evaluation does not read."""
    build = _BUILDERS.get(decl.kind)
    return build(decl) if build else None


# ---------------------------------------------------------------------------------------- kinds


def _indicator(decl: nodes.Declaration) -> views.Indicator:
    unit = decl.value("eenheid")
    level = _name(decl.value("niveau"))
    return views.Indicator(
        decl.id.name,
        unit.text if isinstance(unit, nodes.Unit) else None,
        _member(views.Level, level),
        level if level and level not in schema.SERIES_LEVELS else None,
        _aggregate(decl.value("berekend")),
        may_be_negative=decl.get("negatief_toegestaan") is not None,
    )


def _aggregate(value: object) -> views.Aggregate | None:
    """The view of `berekend ...`; the counted kind of `som` is the summed indicator's kind, which
    compiler/check/kinds.py has checked to be `bedrijf`.
    """
    if not isinstance(value, nodes.EntityAggregate):
        return None
    if value.function == "som":
        return views.Aggregate("som", "bedrijf", value.subject.name, value.where)
    return views.Aggregate(value.function, value.subject.name, None, value.where)


def _entity_kind(decl: nodes.Declaration) -> views.EntityKind:
    table = decl.value("tabel")
    return views.EntityKind(
        decl.id.name,
        decl.title or decl.id.name,
        _name(decl.value("sleutel")),
        table if isinstance(table, str) else None,
        tuple(f.value.name for f in decl.all("binnen") if isinstance(f.value, nodes.Ref)),
    )


def _target(decl: nodes.Declaration) -> views.Target:
    shape = _name(decl.value("traject"))
    return views.Target(
        decl.id.name,
        _name(decl.value("indicator")),
        _goal(decl),
        _end_of(decl.value("uiterlijk")),
        _member(views.Trajectory, shape) or views.Trajectory.LINEAR,
        tuple(_interim(f.value) for f in decl.all("tussendoel")),
        decl.get("bindend") is not None,
        _name(decl.value("karakter")) or None,
        _member(views.TargetNature, _name(decl.value("soort"))) or views.TargetNature.DOELSTELLING,
    )


def _trigger(decl: nodes.Declaration) -> views.Trigger:
    condition = decl.value("als")
    return views.Trigger(
        decl.id.name,
        condition if isinstance(condition, _CONDITIONS) else None,
        tuple(f.value for f in decl.all("dan") if isinstance(f.value, nodes.Consequence)),
    )


def _obligation(decl: nodes.Declaration) -> views.Obligation:
    subject = decl.value("wie")
    ladder = decl.value("handhaving")
    return views.Obligation(
        decl.id.name,
        subject.actor.name if isinstance(subject, nodes.ActorSubject) else None,
        views.Selection(subject.entity.name, subject.where)
        if isinstance(subject, nodes.EntitySubject)
        else None,
        _term(decl),
        ladder.name if isinstance(ladder, nodes.Ref) else None,
    )


def _decision(decl: nodes.Declaration) -> views.Decision:
    return views.Decision(decl.id.name, _actor(decl), _term(decl))


def _measure(decl: nodes.Declaration) -> views.Measure:
    return views.Measure(decl.id.name, _actor(decl), _term(decl))


def _reporting_duty(decl: nodes.Declaration) -> views.ReportingDuty:
    first, cadence = decl.value("eerste"), decl.value("cadans")
    return views.ReportingDuty(
        decl.id.name,
        _name(decl.value("door")),
        int(first.text[:4]) if isinstance(first, nodes.When) else None,
        cadence if isinstance(cadence, nodes.Cadence) else None,
        _by_date(decl.value("uiterlijk")),
    )


def _ladder(decl: nodes.Declaration) -> views.Ladder:
    steps = [f.value for f in decl.all("stap") if isinstance(f.value, nodes.Step)]
    return views.Ladder(decl.id.name, tuple(sorted(steps, key=lambda s: s.number)))


def _out_of_scope(decl: nodes.Declaration) -> views.OutOfScope:
    reason = decl.value("reden")
    passages = (
        views.LineRange(p.document.name, p.first_line, p.last_line)
        for p in (f.value for f in decl.all("passage"))
        if isinstance(p, nodes.Passage)
    )
    return views.OutOfScope(
        decl.id.name, reason if isinstance(reason, str) else "", tuple(passages)
    )


def _document(decl: nodes.Declaration) -> views.SourceDocument:
    chapters = tuple(
        (c.id.name, views.LineRange(decl.id.name, c.first_line, c.last_line), c.title)
        for c in (f.value for f in decl.all("hoofdstuk"))
        if isinstance(c, nodes.Chapter)
    )
    scope = decl.value("bereik")
    addressed = None
    if isinstance(scope, nodes.Scope) and scope.chapters is None:
        addressed = views.DocumentScope(whole=True)
    elif isinstance(scope, nodes.Scope):
        named = {ref.name for ref in scope.chapters}
        addressed = views.DocumentScope(False, tuple(r for c, r, _ in chapters if c in named))

    def text(keyword: str) -> str | None:
        value = decl.value(keyword)
        return value if isinstance(value, str) else None

    return views.SourceDocument(
        decl.id.name, text("kenmerk"), text("kamerstuk"), text("url"), chapters, addressed
    )


_BUILDERS: dict[str, Callable[[nodes.Declaration], views.View]] = {
    "entiteit": _entity_kind,
    "indicator": _indicator,
    "doel": _target,
    "trigger": _trigger,
    "verplichting": _obligation,
    "besluit": _decision,
    "maatregel": _measure,
    "borging": _reporting_duty,
    "handhaving": _ladder,
    "buiten_scope": _out_of_scope,
    "document": _document,
}


# ---------------------------------------------------------------------------------------- parts


_CONDITIONS = (nodes.Comparison, nodes.StateTest, nodes.Flag, nodes.Not, nodes.AllOf, nodes.AnyOf)


def _member(words: type[W], word: str) -> W | None:
    """The enum member spelled `word`, or None for a word the checker has already reported."""
    try:
        return words(word)
    except ValueError:
        return None


def _name(value: object) -> str:
    return value.name if isinstance(value, nodes.Ref) else ""


def _actor(decl: nodes.Declaration) -> str:
    """Who acts: `door`, else `eigenaar`."""
    return _name(decl.value("door") or decl.value("eigenaar"))


def _end_of(when: object) -> dt.date | None:
    return parse_when(when, end=True) if isinstance(when, nodes.When) else None


def _goal(decl: nodes.Declaration) -> views.Goal:
    reduction = decl.value("reductie")
    if isinstance(reduction, nodes.Reduction):
        if isinstance(reduction.amount, nodes.Pending):
            return views.PendingGoal(reduction.amount.reason, reduction=True)
        baseline = int(reduction.baseline.text[:4]) if reduction.baseline else None
        return views.ReductionGoal(reduction.amount, baseline)
    amount = decl.value("waarde")
    if isinstance(amount, nodes.Bound):
        direction = views.Direction.DOWN if amount.direction == "at_most" else views.Direction.UP
        return views.BoundGoal(direction, amount.value)
    if isinstance(amount, nodes.Quantity):
        return views.AbsoluteGoal(amount)
    if isinstance(amount, nodes.Range):
        return views.RangeGoal(amount.low, amount.high)
    return views.PendingGoal(
        amount.reason if isinstance(amount, nodes.Pending) else None, reduction=False
    )


def _interim(interim: nodes.Interim) -> views.InterimValue:
    pending = interim.kind == "open" or isinstance(interim.amount, nodes.Pending)
    return views.InterimValue(
        int(interim.year.text[:4]),
        None if pending else interim.amount,
        interim.kind == "reductie",
    )


def _term(decl: nodes.Declaration) -> views.Term | None:
    """`termijn` as stated, else the `uiterlijk` date, else no term."""
    term = decl.value("termijn")
    if isinstance(term, nodes.RelativeTerm):
        return views.AfterMoment(term.count, term.period)
    if isinstance(term, nodes.FixedTerm):
        return _by_date(term.when)
    if isinstance(term, nodes.Pending):
        return views.PendingTerm(term.reason)
    return _by_date(decl.value("uiterlijk"))


def _by_date(when: object) -> views.ByDate | None:
    if not isinstance(when, nodes.When):
        return None
    return views.ByDate(parse_when(when, end=True), when.text)
