"""Evaluation of a monitoring moment: what is in force, target statuses, triggers, obligations per actor
and per entity with their due dates, decisions and fallback measures that became due, reporting
duties, and the enforcement step of every entity.

Pure: the inputs are the policy, the monitoring data, the moment and the `History` read from the
ledger; the result is an `Evaluation`, which compiler/evaluate/ledger.py records. docs/evaluation.md states
the semantics in full.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from compiler.check.fields import parse_when
from compiler.check.model import Declaration, Policy
from compiler.data import dataschema
from compiler.data.types import Event, Monitoring
from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.conditions import NationalConditions, Trace
from compiler.evaluate.kleene import Mask
from compiler.evaluate.targets import TargetStatus, evaluate_targets
from dsl import nodes

FIRED, NOT_FIRED, UNDECIDED = "fired", "not_fired", "undecided"
DUE, OVERDUE, FULFILLED, NOT_YET = "due", "overdue", "fulfilled", "not_yet"
FULFILLING_EVENTS = frozenset({"filed", "complied"})


@dataclass(frozen=True)
class History:
    """What the ledger knows from moments before this one."""

    previous: dt.date | None = None
    # obligation -> subject -> (issued, due or None): obligations still open at the previous moment
    open_obligations: Mapping[str, Mapping[str, tuple[dt.date, dt.date | None]]] = field(
        default_factory=dict
    )
    steps: Mapping[str, Mapping[str, int]] = field(
        default_factory=dict
    )  # ladder -> subject -> step
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class TriggerOutcome:
    trigger: str
    state: str
    trace: Trace
    consequences: tuple[tuple[str, str], ...]  # (kind, declaration id)


@dataclass(frozen=True)
class ActorDuty:
    """An obligation, decision, fallback measure or reporting duty of one actor at this moment."""

    declaration: str
    kind: str
    actor: str
    reason: str  # "standing" or "trigger <id>"
    status: str  # due, overdue, fulfilled, not_yet
    due: dt.date | None
    due_text: str


@dataclass(frozen=True)
class EntityObligation:
    """An obligation on every entity a selection picks, as columns over the population."""

    obligation: str
    reason: str
    selected: np.ndarray  # bool: the selection holds now and the obligation is not yet fulfilled
    unknown: int  # entities whose selection could not be decided
    fulfilled: np.ndarray  # bool: a filed/complied event is known
    ended: np.ndarray  # bool: open at the previous moment, no longer selected now (e.g. norm met)
    # Day ordinals: when each selected entity first got it, and when it is due (0: no date). One
    # number stands for every selected entity when nothing was carried over from the ledger.
    issued: np.ndarray | int
    due: np.ndarray | int
    overdue: np.ndarray  # bool
    due_text: str
    ladder: str | None

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.selected))

    def issued_of(self, rows: np.ndarray) -> np.ndarray:
        return (
            self.issued[rows]
            if isinstance(self.issued, np.ndarray)
            else np.full(len(rows), self.issued)
        )

    def due_of(self, rows: np.ndarray) -> np.ndarray:
        return self.due[rows] if isinstance(self.due, np.ndarray) else np.full(len(rows), self.due)


@dataclass(frozen=True)
class LadderOutcome:
    ladder: str
    steps: np.ndarray  # int8 per entity: 0 = not on the ladder
    previous: np.ndarray  # int8 per entity, from the ledger
    labels: tuple[str, ...]  # the label of each step, index = step - 1


@dataclass(frozen=True)
class Evaluation:
    moment: dt.date
    in_force: tuple[str, ...]
    targets: dict[str, TargetStatus]
    triggers: dict[str, TriggerOutcome]
    duties: tuple[ActorDuty, ...]
    entity_obligations: dict[str, EntityObligation]
    ladders: dict[str, LadderOutcome]
    monitoring: Monitoring
    history: History
    indicator_units: dict[str, str] = field(default_factory=dict)
    assumed: frozenset[str] = frozenset()  # "decl.field" values a scenario assumed

    @property
    def population(self):
        return self.monitoring.population

    def national(self) -> NationalConditions:
        """A condition evaluator over this evaluation's data, targets and trigger states."""

        def state(name: str) -> str | None:
            outcome = self.triggers.get(name)  # the triggers in force, each with its state
            return None if outcome is None else outcome.state

        return NationalConditions(
            self.monitoring.series,
            self.moment,
            self.indicator_units,
            self.targets,
            state,
            frozenset(),
        )


# ---------------------------------------------------------------------------------------- entry


def evaluate(
    policy: Policy,
    monitoring: Monitoring,
    moment: dt.date,
    history: History | None = None,
    *,
    assumed: frozenset[str] = frozenset(),
) -> Evaluation:
    """Evaluate every declaration in force on `moment` against the data and the ledger's history."""
    history = history or History()
    in_force = {d.id: d for d in policy.declarations.values() if _in_force(d, moment)}
    indicator_units = {
        d.id: dataschema.unit_of(d)
        for d in policy.of_kind("indicator")
        if d.node.value("eenheid") is not None
    }
    entity_level = frozenset(d.id for d in dataschema.entity_indicators(policy))
    targets = evaluate_targets(
        policy, _of_kind(in_force, "doel"), monitoring.series, moment, monitoring.population
    )
    triggers: dict[str, TriggerOutcome] = {}
    national = NationalConditions(
        monitoring.series,
        moment,
        indicator_units,
        targets,
        lambda name: _trigger_state(name, in_force, national, triggers),
        entity_level,
    )
    for trigger in _of_kind(in_force, "trigger"):
        _trigger(trigger, national, triggers)
    issuers = _issuers(in_force, triggers)
    events = _events_until(history.events + monitoring.events, moment)
    duties = _actor_duties(in_force, issuers, events, moment)
    entity_obligations, ladders = {}, {}
    if monitoring.population is not None:
        columns = EntityConditions(monitoring.population, national, indicator_units)
        entity_obligations = _entity_obligations(
            in_force, issuers, columns, events, history, moment
        )
        ladders = _ladders(in_force, entity_obligations, columns, history)
    return Evaluation(
        moment,
        tuple(sorted(in_force)),
        targets,
        triggers,
        duties,
        entity_obligations,
        ladders,
        monitoring,
        history,
        indicator_units,
        assumed,
    )


def _in_force(decl: Declaration, moment: dt.date) -> bool:
    if decl.kind in ("document", "bevinding"):
        return False
    return (decl.valid_from is None or decl.valid_from <= moment) and (
        decl.valid_to is None or moment < decl.valid_to
    )


def _of_kind(decls: dict[str, Declaration], kind: str) -> list[Declaration]:
    return sorted((d for d in decls.values() if d.kind == kind), key=lambda d: d.id)


def _events_until(events: tuple[Event, ...], moment: dt.date) -> dict[tuple[str, str], list[Event]]:
    by_key: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        if event.date <= moment:
            by_key.setdefault((event.subject, event.obligation), []).append(event)
    return by_key


# ---------------------------------------------------------------------------------------- triggers


def _trigger(
    decl: Declaration, national: NationalConditions, done: dict[str, TriggerOutcome]
) -> TriggerOutcome:
    if decl.id in done:
        return done[decl.id]
    done[decl.id] = TriggerOutcome(decl.id, UNDECIDED, Trace("(cycle)", None), ())  # guards a cycle
    trace = national.evaluate(decl.node.value("als"))
    state = {True: FIRED, False: NOT_FIRED, None: UNDECIDED}[trace.truth]
    consequences = tuple((f.value.kind, f.value.target.name) for f in decl.node.all("dan"))
    done[decl.id] = TriggerOutcome(decl.id, state, trace, consequences)
    return done[decl.id]


def _trigger_state(name: str, in_force, national, done) -> str | None:
    """The state trigger `name` reaches at this moment, or None when it is not in force (what that
    means for `trigger is actief`: compiler/evaluate/conditions.py `trigger_is_active`)."""
    decl = in_force.get(name)
    if decl is None or decl.kind != "trigger":
        return None
    return _trigger(decl, national, done).state


def _issuers(
    in_force: dict[str, Declaration], triggers: dict[str, TriggerOutcome]
) -> dict[str, list[TriggerOutcome]]:
    """For each declaration that is a trigger's consequence: the triggers (fired or not) that name it."""
    found: dict[str, list[TriggerOutcome]] = {}
    for outcome in triggers.values():
        for _kind, target in outcome.consequences:
            found.setdefault(target, []).append(outcome)
    return found


def _not_issued(decl_id: str, issuers: dict[str, list[TriggerOutcome]]) -> str:
    """Why a trigger's consequence was not issued: its triggers did not fire, or could not be decided."""
    states = [
        f"`{t.trigger}` {'could not be decided' if t.state == UNDECIDED else 'did not fire'}"
        for t in issuers.get(decl_id, [])
    ]
    return "not issued: " + ", ".join(states)


def _reason(decl_id: str, issuers: dict[str, list[TriggerOutcome]]) -> str | None:
    """Why a declaration applies now: 'standing', 'trigger X', or None when its triggers did not fire."""
    named_by = issuers.get(decl_id)
    if not named_by:
        return "standing"
    fired = [t.trigger for t in named_by if t.state == FIRED]
    return f"trigger {fired[0]}" if fired else None


# ---------------------------------------------------------------------------------------- due dates


def add_period(start: dt.date, count: int, period: str) -> dt.date:
    """`start` plus `count` days, weeks, months or years (month ends are kept). A date past the end
    of the calendar (year 9999) is `dt.date.max`, one before its start `dt.date.min`: a term of
    `99999 jaar` is due never, not a traceback."""
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


def due_date(decl: Declaration, issued: dt.date) -> tuple[dt.date | None, str]:
    """The due date of a declaration issued on `issued`, and how the rule states it."""
    term = decl.node.value("termijn")
    if isinstance(term, nodes.RelativeTerm):
        return add_period(
            issued, term.count, term.period
        ), f"{term.count} {term.period} na monitoring"
    if isinstance(term, nodes.FixedTerm):
        return parse_when(term.when, end=True), f"uiterlijk {term.when.text}"
    if isinstance(term, nodes.Pending):
        return None, f"open ({term.reason})" if term.reason else "open"
    deadline = decl.node.value("uiterlijk")
    if isinstance(deadline, nodes.When):
        return parse_when(deadline, end=True), f"uiterlijk {deadline.text}"
    return None, "no term"


# ---------------------------------------------------------------------------------------- actors


def _actor_duties(in_force, issuers, events, moment: dt.date) -> tuple[ActorDuty, ...]:
    duties: list[ActorDuty] = []
    for decl in sorted(in_force.values(), key=lambda d: d.id):
        if decl.kind == "verplichting" and isinstance(decl.node.value("wie"), nodes.ActorSubject):
            actor = decl.node.value("wie").actor.name
        elif decl.kind in ("besluit", "maatregel"):
            if decl.id not in issuers and decl.kind == "maatregel":
                continue  # a measure is only a duty here when a trigger makes it a fallback
            actor = _name(decl.node.value("door") or decl.node.value("eigenaar"))
        elif decl.kind == "borging":
            duties.extend(_reporting_duties(decl, events, moment))
            continue
        else:
            continue
        reason = _reason(decl.id, issuers)
        if reason is None:
            continue
        due, due_text = due_date(decl, moment)
        duties.append(
            ActorDuty(
                decl.id,
                decl.kind,
                actor,
                reason,
                _status(due, moment, events.get((actor, decl.id), [])),
                due,
                due_text,
            )
        )
    return tuple(duties)


def _name(ref) -> str:
    return ref.name if isinstance(ref, nodes.Ref) else ""


def _status(due: dt.date | None, moment: dt.date, events: list[Event]) -> str:
    if any(e.event in FULFILLING_EVENTS | {"reported"} for e in events):
        return FULFILLED
    if due is not None and due < moment:
        return OVERDUE
    return DUE


def _reporting_duties(decl: Declaration, events, moment: dt.date) -> list[ActorDuty]:
    """A borging with a date: due on `uiterlijk`, or from `eerste` on every `cadans` period."""
    actor = _name(decl.node.value("door"))
    mine = events.get((actor, decl.id), [])
    first, cadence = decl.node.value("eerste"), decl.node.value("cadans")
    deadline = decl.node.value("uiterlijk")
    if isinstance(first, nodes.When) and isinstance(cadence, nodes.Cadence):
        return _recurring(decl, actor, mine, int(first.text[:4]), cadence, moment)
    if isinstance(deadline, nodes.When):
        due = parse_when(deadline, end=True)
        status = _status(due, moment, mine)
        return [
            ActorDuty(
                decl.id, "borging", actor, "standing", status, due, f"uiterlijk {deadline.text}"
            )
        ]
    return []


def _recurring(
    decl, actor, mine, first_year: int, cadence: nodes.Cadence, moment: dt.date
) -> list[ActorDuty]:
    """Due at the end of `first_year` and every cadence period after; each period needs a `reported` event."""
    months = cadence.every * (12 if cadence.period == "jaar" else 1)
    text = f"elke {cadence.every} {cadence.period}, eerste keer {first_year}"
    due = dt.date(first_year, 12, 31)
    if moment < dt.date(first_year, 1, 1):
        return [ActorDuty(decl.id, "borging", actor, "standing", NOT_YET, due, text)]
    while due < add_period(due, months, "maanden") <= moment:  # stops at the calendar's end too
        due = add_period(due, months, "maanden")
    if due < moment:
        if not _reported(mine, add_period(due, -months, "maanden"), due):
            return [ActorDuty(decl.id, "borging", actor, "standing", OVERDUE, due, text)]
        previous, due = due, add_period(due, months, "maanden")
    else:
        previous = add_period(due, -months, "maanden")
    status = FULFILLED if _reported(mine, previous, moment) else DUE
    return [ActorDuty(decl.id, "borging", actor, "standing", status, due, text)]


def _reported(events: list[Event], after: dt.date, until: dt.date) -> bool:
    return any(e.event == "reported" and after < e.date <= until for e in events)


# ---------------------------------------------------------------------------------------- entities


def _entity_obligations(
    in_force, issuers, columns: EntityConditions, events, history: History, moment: dt.date
) -> dict[str, EntityObligation]:
    found = {}
    for decl in sorted(in_force.values(), key=lambda d: d.id):
        subject = decl.node.value("wie")
        if decl.kind != "verplichting" or not isinstance(subject, nodes.EntitySubject):
            continue
        reason = _reason(decl.id, issuers)
        found[decl.id] = _entity_obligation(
            decl,
            reason or _not_issued(decl.id, issuers),
            reason is not None,
            columns,
            events,
            history,
            moment,
        )
    return found


def _entity_obligation(
    decl: Declaration,
    reason: str,
    applies: bool,
    columns: EntityConditions,
    events,
    history: History,
    moment: dt.date,
) -> EntityObligation:
    population = columns.population
    selection: Mask = columns.mask(decl.node.value("wie").where)
    fulfilled = _event_mask(population, decl.id, events)
    if not applies:
        selected = population.nobody
    else:
        selected = selection.true if fulfilled is None else selection.true & ~fulfilled
    if fulfilled is None:
        fulfilled = population.nobody
    new_due, due_text = due_date(decl, moment)
    today, due_ordinal = moment.toordinal(), new_due.toordinal() if new_due else 0
    carried = history.open_obligations.get(decl.id, {})
    ladder = decl.node.value("handhaving")
    common = dict(
        obligation=decl.id,
        reason=reason,
        selected=selected,
        unknown=int(np.count_nonzero(selection.unknown))
        if selection.unknown is not None and applies
        else 0,
        fulfilled=fulfilled,
        due_text=due_text,
        ladder=ladder.name if ladder else None,
    )
    if not carried:  # everyone selected got it now: one issue date and one due date for all
        overdue = selected if 0 < due_ordinal < today else population.nobody
        return EntityObligation(
            **common, ended=population.nobody, issued=today, due=due_ordinal, overdue=overdue
        )
    was_open, issued, due = _carried(population, carried)
    new = selected & ~was_open
    issued[new], due[new] = today, due_ordinal
    issued[~selected], due[~selected] = 0, 0
    undecided = selection.unknown if selection.unknown is not None else False
    ended = was_open & ~selection.true & ~fulfilled & ~undecided
    overdue = selected & (due > 0) & (due < today)
    return EntityObligation(**common, ended=ended, issued=issued, due=due, overdue=overdue)


def _carried(population, carried: Mapping[str, tuple[dt.date, dt.date | None]]):
    """Which entities held the obligation at the previous moment, with its issue and due dates."""
    was_open = np.zeros(population.size, dtype=bool)
    issued = np.zeros(population.size, dtype=np.int32)
    due = np.zeros(population.size, dtype=np.int32)
    index = population.index_of(carried)
    known = index >= 0
    rows = index[known]
    values = [v for v, ok in zip(carried.values(), known, strict=True) if ok]
    was_open[rows] = True
    issued[rows] = [v[0].toordinal() for v in values]
    due[rows] = [v[1].toordinal() if v[1] else 0 for v in values]
    return was_open, issued, due


def _event_mask(population, obligation: str, events) -> np.ndarray | None:
    """The entities with a filed or complied event for the obligation; None when there are none."""
    subjects = [
        s
        for (s, o), es in events.items()
        if o == obligation and any(e.event in FULFILLING_EVENTS for e in es)
    ]
    if not subjects:
        return None
    mask = np.zeros(population.size, dtype=bool)
    index = population.index_of(subjects)
    mask[index[index >= 0]] = True
    return mask


# ---------------------------------------------------------------------------------------- ladders


def _ladders(
    in_force, obligations: dict[str, EntityObligation], columns: EntityConditions, history: History
) -> dict[str, LadderOutcome]:
    found = {}
    for decl in sorted(in_force.values(), key=lambda d: d.id):
        if decl.kind != "handhaving":
            continue
        linked = [o for o in obligations.values() if o.ladder == decl.id]
        found[decl.id] = _ladder(decl, linked, columns, history)
    return found


def _ladder(
    decl: Declaration, linked: list[EntityObligation], columns: EntityConditions, history: History
) -> LadderOutcome:
    """One step up per moment for entities on the ladder (or newly overdue) whose next step's condition
    holds; off the ladder when the first step's condition no longer holds."""
    population = columns.population
    steps = sorted((f.value for f in decl.node.all("stap")), key=lambda s: s.number)
    previous = np.zeros(population.size, dtype=np.int8)
    earlier = history.steps.get(decl.id, {})
    if earlier:
        index = population.index_of(earlier)
        previous[index[index >= 0]] = np.array(list(earlier.values()), dtype=np.int8)[index >= 0]
    overdue = (
        np.logical_or.reduce([o.overdue for o in linked])
        if linked
        else np.zeros(population.size, bool)
    )
    on_ladder = previous > 0
    leaves = on_ladder & columns.mask(steps[0].condition).false
    current = previous.copy()
    for number, step in enumerate(steps, start=1):
        candidates = (previous == number - 1) & (on_ladder | overdue)
        holds = columns.mask(step.condition).true
        current[candidates & holds] = number
    current[leaves] = 0
    return LadderOutcome(decl.id, current, previous, tuple(s.label for s in steps))
