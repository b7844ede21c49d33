"""Evaluation of a monitoring moment: what is in force, target statuses, triggers, obligations per
actor and per entity with their due dates, decisions and fallback measures that became due,
reporting duties, and the enforcement step of every entity.

Pure: the inputs are the policy, the monitoring data, the moment and the `History` read from the
ledger; the result is an `Evaluation`, which compiler/evaluate/ledger.py records. Duties of actors
are worked out in compiler/evaluate/duties.py, obligations on entities and ladders in
compiler/evaluate/entities.py; docs/evaluation.md states the semantics in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from compiler.check import views
from compiler.check.model import CheckedDeclaration, Policy
from compiler.data.types import Event, Monitoring, Population
from compiler.evaluate.aggregate import FARM, regional_tables
from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.conditions import NationalConditions, Trace
from compiler.evaluate.duties import ActorDuty, Events, actor_duties
from compiler.evaluate.entities import (
    EntityObligation,
    LadderOutcome,
    entity_obligation,
    ladder_outcome,
)
from compiler.evaluate.entitytargets import entity_targets
from compiler.evaluate.standing import Standing, standings
from compiler.evaluate.targetnature import unjudged
from compiler.evaluate.targets import TargetStatus, evaluate_targets


class TriggerState(StrEnum):
    """Whether a trigger's condition held at the moment."""

    FIRED = "fired"
    NOT_FIRED = "not_fired"
    UNDECIDED = "undecided"


FIRED, NOT_FIRED, UNDECIDED = TriggerState.FIRED, TriggerState.NOT_FIRED, TriggerState.UNDECIDED


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
    """A trigger at a moment: its state, the trace of its condition, and what it issues."""

    trigger: str
    state: TriggerState
    trace: Trace
    consequences: tuple[tuple[str, str], ...]  # (kind, declaration id)


@dataclass(frozen=True)
class Evaluation:
    """Everything the policy says at one monitoring moment, for output, the ledger and explain."""

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
    # Obligations on entities of other kinds (provinces, ...), and the table of each such kind with
    # its computed indicators (compiler/evaluate/aggregate.py). Not carried in the ledger.
    regional_obligations: dict[str, EntityObligation] = field(default_factory=dict)
    regional_tables: dict[str, Population] = field(default_factory=dict)
    # Indicators with one value per entity: a condition reads them from the entity, never from the
    # national series, so `national()` answers as the evaluation did.
    entity_indicators: frozenset[str] = frozenset()
    # How binding each rule in force is, in the source's word (compiler/evaluate/standing.py).
    standings: Mapping[str, Standing] = field(default_factory=dict)

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
            self.entity_indicators,
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
    indicators = policy.views(views.Indicator)
    indicator_units = {i.id: i.unit for i in indicators if i.unit is not None}
    entity_level = frozenset(i.id for i in indicators if i.unit is not None and i.kind is not None)
    target_views = _views(in_force, views.Target)
    targets = evaluate_targets(
        policy, target_views, monitoring.series, moment, monitoring.population
    )
    targets.update(unjudged(target_views, targets))  # estimates, options, proposals: not judged
    triggers: dict[str, TriggerOutcome] = {}
    national = NationalConditions(
        monitoring.series,
        moment,
        indicator_units,
        targets,
        lambda name: _trigger_state(name, in_force, national, triggers),
        entity_level,
    )
    columns = None
    if monitoring.population is not None:
        columns = EntityConditions(monitoring.population, national, indicator_units)
    tables = regional_tables(policy, monitoring, columns)
    # before any trigger reads a target's state: targets held per province, waterbody, ...
    per_entity = entity_targets(policy, target_views, tables, moment)
    targets.update(per_entity | unjudged(target_views, per_entity))
    for trigger in _of_kind(in_force, "trigger"):
        _trigger(trigger, national, triggers)
    issuers = _issuers(in_force, triggers)
    events = _events_until(history.events + monitoring.events, moment)
    duties = actor_duties(
        [(d.id, d.view) for d in in_force.values()],
        lambda ident: _reason(ident, issuers),
        lambda ident: ident in issuers,
        events,
        moment,
    )
    entity_obligations, ladders = {}, {}
    if columns is not None:
        entity_obligations = _entity_obligations(
            in_force, issuers, columns, events, history, moment
        )
        ladders = _ladders(in_force, entity_obligations, columns, history)
    regional = {
        kind: EntityConditions(table, national, indicator_units) for kind, table in tables.items()
    }
    regional_obligations = _regional_obligations(in_force, issuers, regional, events, moment)
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
        regional_obligations,
        tables,
        entity_level,
        standings(policy, in_force),
    )


def _in_force(decl: CheckedDeclaration, moment: dt.date) -> bool:
    if decl.kind in ("document", "bevinding", "buiten_scope"):
        return False
    return (decl.valid_from is None or decl.valid_from <= moment) and (
        decl.valid_to is None or moment < decl.valid_to
    )


def _of_kind(decls: dict[str, CheckedDeclaration], kind: str) -> list[CheckedDeclaration]:
    return sorted((d for d in decls.values() if d.kind == kind), key=lambda d: d.id)


def _views(decls: dict[str, CheckedDeclaration], kind: type[views.V]) -> list[views.V]:
    """The views of one kind among `decls`, in order of id."""
    return [d.view for d in sorted(decls.values(), key=lambda d: d.id) if isinstance(d.view, kind)]


def _events_until(events: tuple[Event, ...], moment: dt.date) -> Events:
    by_key: Events = {}
    for event in events:
        if event.date <= moment:
            by_key.setdefault((event.subject, event.obligation), []).append(event)
    return by_key


# ---------------------------------------------------------------------------------------- triggers


def _trigger(
    decl: CheckedDeclaration, national: NationalConditions, done: dict[str, TriggerOutcome]
) -> TriggerOutcome:
    if decl.id in done:
        return done[decl.id]
    done[decl.id] = TriggerOutcome(decl.id, UNDECIDED, Trace("(cycle)", None), ())  # guards a cycle
    trigger = decl.view
    trace = national.evaluate(trigger.condition)
    state = {True: FIRED, False: NOT_FIRED, None: UNDECIDED}[trace.truth]
    consequences = tuple((c.kind, c.target.name) for c in trigger.consequences)
    done[decl.id] = TriggerOutcome(decl.id, state, trace, consequences)
    return done[decl.id]


def _trigger_state(name: str, in_force, national, done) -> str | None:
    """The state trigger `name` reaches at this moment, or None when it is not in force (what that
    means for `trigger is actief`: compiler/evaluate/conditions.py `trigger_is_active`).
    """
    decl = in_force.get(name)
    if decl is None or decl.kind != "trigger":
        return None
    return _trigger(decl, national, done).state


def _issuers(
    in_force: dict[str, CheckedDeclaration], triggers: dict[str, TriggerOutcome]
) -> dict[str, list[TriggerOutcome]]:
    """For each declaration a trigger issues: the triggers (fired or not) that name it."""
    found: dict[str, list[TriggerOutcome]] = {}
    for outcome in triggers.values():
        for _kind, target in outcome.consequences:
            found.setdefault(target, []).append(outcome)
    return found


def _not_issued(decl_id: str, issuers: dict[str, list[TriggerOutcome]]) -> str:
    """Why a trigger's consequence was not issued: its triggers did not fire or were undecided."""
    states = [
        f"`{t.trigger}` {'could not be decided' if t.state == UNDECIDED else 'did not fire'}"
        for t in issuers.get(decl_id, [])
    ]
    return "not issued: " + ", ".join(states)


def _reason(decl_id: str, issuers: dict[str, list[TriggerOutcome]]) -> str | None:
    """Why a declaration applies now: 'standing', 'trigger X', or None (no trigger fired)."""
    named_by = issuers.get(decl_id)
    if not named_by:
        return "standing"
    fired = [t.trigger for t in named_by if t.state == FIRED]
    return f"trigger {fired[0]}" if fired else None


# ---------------------------------------------------------------------------------------- entities


def _entity_obligations(
    in_force: dict[str, CheckedDeclaration],
    issuers: dict[str, list[TriggerOutcome]],
    columns: EntityConditions,
    events: Events,
    history: History,
    moment: dt.date,
) -> dict[str, EntityObligation]:
    found = {}
    for obligation in _views(in_force, views.Obligation):
        if obligation.selection is None or obligation.selection.entity != FARM:
            continue
        reason = _reason(obligation.id, issuers)
        found[obligation.id] = entity_obligation(
            obligation,
            obligation.selection,
            reason or _not_issued(obligation.id, issuers),
            reason is not None,
            columns,
            events,
            history.open_obligations,
            moment,
        )
    return found


def _regional_obligations(
    in_force: dict[str, CheckedDeclaration],
    issuers: dict[str, list[TriggerOutcome]],
    kinds: dict[str, EntityConditions],
    events: Events,
    moment: dt.date,
) -> dict[str, EntityObligation]:
    """Obligations on every entity of a kind other than farms that their selection picks."""
    found = {}
    for obligation in _views(in_force, views.Obligation):
        selection = obligation.selection
        if selection is None or selection.entity not in kinds:
            continue
        reason = _reason(obligation.id, issuers)
        found[obligation.id] = entity_obligation(
            obligation,
            selection,
            reason or _not_issued(obligation.id, issuers),
            reason is not None,
            kinds[selection.entity],
            events,
            {},
            moment,
        )
    return found


def _ladders(
    in_force: dict[str, CheckedDeclaration],
    obligations: dict[str, EntityObligation],
    columns: EntityConditions,
    history: History,
) -> dict[str, LadderOutcome]:
    found = {}
    for ladder in _views(in_force, views.Ladder):
        linked = [o for o in obligations.values() if o.ladder == ladder.id]
        found[ladder.id] = ladder_outcome(ladder, linked, columns, history.steps.get(ladder.id, {}))
    return found
