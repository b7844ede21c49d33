"""Duties of actors at a monitoring moment: obligations, decisions, fallback measures and reporting
duties, each with its due date and its status from the events known so far.

compiler/evaluate/moment.py calls `actor_duties` with the declarations in force and, for each, why
it applies (standing, or the trigger that issued it); docs/evaluation.md states the semantics.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from compiler.check import views
from compiler.data.types import Event
from dsl import nodes

FULFILLING_EVENTS = frozenset({"filed", "complied"})

Events = dict[tuple[str, str], list[Event]]  # (subject, obligation) -> events up to the moment


class DutyStatus(StrEnum):
    """Where a duty stands at the moment."""

    DUE = "due"
    OVERDUE = "overdue"
    FULFILLED = "fulfilled"
    NOT_YET = "not_yet"


@dataclass(frozen=True)
class ActorDuty:
    """An obligation, decision, fallback measure or reporting duty of one actor at this moment."""

    declaration: str
    kind: str
    actor: str
    reason: str  # "standing" or "trigger <id>"
    status: DutyStatus
    due: dt.date | None
    due_text: str


def add_period(start: dt.date, count: int, period: str) -> dt.date:
    """`start` plus `count` days, weeks, months or years (month ends are kept). A date past the end
    of the calendar (year 9999) is `dt.date.max`, one before its start `dt.date.min`: a term of
    `99999 jaar` is due never, not a traceback.
    """
    try:
        if period.startswith("dag"):
            return start + dt.timedelta(days=count)
        if period.startswith("we"):
            return start + dt.timedelta(weeks=count)
        months = count * (12 if period == "jaar" else 1)
        year, month = divmod(start.month - 1 + months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return dt.date(year, month + 1, day)
    except (OverflowError, ValueError):
        return dt.date.max if count >= 0 else dt.date.min


def due_date(term: views.Term | None, issued: dt.date) -> tuple[dt.date | None, str]:
    """The due date of a duty with this term issued on `issued`, and how the rule states it."""
    if isinstance(term, views.AfterMoment):
        return (
            add_period(issued, term.count, term.period),
            f"{term.count} {term.period} na monitoring",
        )
    if isinstance(term, views.ByDate):
        return term.date, f"uiterlijk {term.text}"
    if isinstance(term, views.PendingTerm):
        return None, f"open ({term.reason})" if term.reason else "open"
    return None, "no term"


# ---------------------------------------------------------------------------------------- actors

ActorView = views.Obligation | views.Decision | views.Measure | views.ReportingDuty


def actor_duties(
    in_force: Iterable[tuple[str, views.View | None]],
    reason_of: Callable[[str], str | None],
    named_by_trigger: Callable[[str], bool],
    events: Events,
    moment: dt.date,
) -> tuple[ActorDuty, ...]:
    """The duties of actors among the declarations in force (id, view), in order of id.

    `reason_of` says why a declaration applies (None: its triggers did not fire);
    `named_by_trigger` whether some trigger names it as a consequence.
    """
    duties: list[ActorDuty] = []
    for ident, view in sorted(in_force, key=lambda item: item[0]):
        if isinstance(view, views.ReportingDuty):
            duties.extend(_reporting_duties(view, events, moment))
            continue
        actor = _actor(view, named_by_trigger)
        reason = reason_of(ident) if actor is not None else None
        if actor is None or reason is None:
            continue
        due, due_text = due_date(view.term, moment)
        duties.append(
            ActorDuty(
                ident,
                _KINDS[type(view)],
                actor,
                reason,
                _status(due, moment, events.get((actor, ident), [])),
                due,
                due_text,
            )
        )
    return tuple(duties)


_KINDS = {views.Obligation: "verplichting", views.Decision: "besluit", views.Measure: "maatregel"}


def _actor(view: views.View | None, named_by_trigger: Callable[[str], bool]) -> str | None:
    """The actor a duty falls on, or None when the declaration is no duty of one actor."""
    if isinstance(view, views.Obligation):
        return view.addressee
    if isinstance(view, views.Decision):
        return view.actor
    if isinstance(view, views.Measure) and named_by_trigger(view.id):
        return view.actor  # a measure is only a duty here when a trigger makes it a fallback
    return None


def _status(due: dt.date | None, moment: dt.date, events: list[Event]) -> DutyStatus:
    if any(e.event in FULFILLING_EVENTS | {"reported"} for e in events):
        return DutyStatus.FULFILLED
    if due is not None and due < moment:
        return DutyStatus.OVERDUE
    return DutyStatus.DUE


def _reporting_duties(
    duty: views.ReportingDuty, events: Events, moment: dt.date
) -> list[ActorDuty]:
    """A borging with a date: due on `uiterlijk`, or from `eerste` on every `cadans` period."""
    mine = events.get((duty.actor, duty.id), [])
    if duty.first_year is not None and duty.cadence is not None:
        return [_recurring(duty, duty.first_year, duty.cadence, mine, moment)]
    if duty.deadline is not None:
        due = duty.deadline.date
        status = _status(due, moment, mine)
        text = f"uiterlijk {duty.deadline.text}"
        return [ActorDuty(duty.id, "borging", duty.actor, "standing", status, due, text)]
    return []


def _recurring(
    duty: views.ReportingDuty,
    first_year: int,
    cadence: nodes.Cadence,
    mine: list[Event],
    moment: dt.date,
) -> ActorDuty:
    """Due at the end of `first_year` and every cadence period after; each period needs a
    `reported` event.
    """
    months = cadence.every * (12 if cadence.period == "jaar" else 1)
    text = f"elke {cadence.every} {cadence.period}, eerste keer {first_year}"

    def at(status: DutyStatus, due: dt.date) -> ActorDuty:
        return ActorDuty(duty.id, "borging", duty.actor, "standing", status, due, text)

    due = dt.date(first_year, 12, 31)
    if moment < dt.date(first_year, 1, 1):
        return at(DutyStatus.NOT_YET, due)
    while due < add_period(due, months, "maanden") <= moment:  # stops at the calendar's end too
        due = add_period(due, months, "maanden")
    if due < moment:
        if not _reported(mine, add_period(due, -months, "maanden"), due):
            return at(DutyStatus.OVERDUE, due)
        previous, due = due, add_period(due, months, "maanden")
    else:
        previous = add_period(due, -months, "maanden")
    return at(DutyStatus.FULFILLED if _reported(mine, previous, moment) else DutyStatus.DUE, due)


def _reported(events: list[Event], after: dt.date, until: dt.date) -> bool:
    return any(e.event == "reported" and after < e.date <= until for e in events)
