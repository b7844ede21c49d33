"""Obligations on entities and enforcement ladders at a monitoring moment, as columns over the
population: who holds an obligation, since when, until when, and which step of a ladder they are on.

compiler/evaluate/moment.py calls these with the declarations in force and what the ledger carried
over from the previous moment; docs/evaluation.md states the semantics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from compiler.check import views
from compiler.evaluate.carried import open_columns, step_columns
from compiler.evaluate.columns import EntityConditions
from compiler.evaluate.duties import FULFILLING_EVENTS, Events, due_date
from compiler.evaluate.kleene import Mask

# obligation -> subject -> (issued, due or None): obligations still open at the previous moment
Carried = Mapping[str, Mapping[str, tuple[dt.date, dt.date | None]]]


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
    kind: str = "bedrijf"  # the kind of entity selected

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.selected))

    def issued_of(self, rows: np.ndarray) -> np.ndarray:
        """Day ordinals (int32) of when the entities at `rows` got it."""
        if isinstance(self.issued, np.ndarray):
            return self.issued[rows].astype(np.int32, copy=False)
        return np.full(len(rows), self.issued, dtype=np.int32)

    def due_of(self, rows: np.ndarray) -> np.ndarray:
        """Day ordinals (int32; 0: no due date) of when it is due for the entities at `rows`."""
        if isinstance(self.due, np.ndarray):
            return self.due[rows].astype(np.int32, copy=False)
        return np.full(len(rows), self.due, dtype=np.int32)


@dataclass(frozen=True)
class LadderOutcome:
    """An enforcement ladder at a moment: each entity's step now and before, and the step labels."""

    ladder: str
    steps: np.ndarray  # int8 per entity: 0 = not on the ladder
    previous: np.ndarray  # int8 per entity, from the ledger
    labels: tuple[str, ...]  # the label of each step, index = step - 1


# ------------------------------------------------------------------------------------ obligations


def entity_obligation(
    obligation: views.Obligation,
    selection: views.Selection,
    reason: str,
    applies: bool,
    columns: EntityConditions,
    events: Events,
    carried: Carried,
    moment: dt.date,
) -> EntityObligation:
    """The obligation over the population: selected where `selection` holds and it `applies`."""
    population = columns.population
    mask: Mask = columns.mask(selection.where)
    fulfilled = _event_mask(population, obligation.id, events)
    if not applies:
        selected = population.nobody
    else:
        selected = mask.true if fulfilled is None else mask.true & ~fulfilled
    if fulfilled is None:
        fulfilled = population.nobody
    new_due, due_text = due_date(obligation.term, moment)
    today, due_ordinal = moment.toordinal(), new_due.toordinal() if new_due else 0
    open_before = carried.get(obligation.id, {})
    common = dict(
        obligation=obligation.id,
        reason=reason,
        selected=selected,
        unknown=int(np.count_nonzero(mask.unknown)) if mask.unknown is not None and applies else 0,
        fulfilled=fulfilled,
        due_text=due_text,
        ladder=obligation.ladder,
        kind=population.kind,
    )
    if not open_before:  # everyone selected got it now: one issue date and one due date for all
        overdue = selected if 0 < due_ordinal < today else population.nobody
        return EntityObligation(
            **common, ended=population.nobody, issued=today, due=due_ordinal, overdue=overdue
        )
    was_open, issued, due = _carried(population, open_before)
    new = selected & ~was_open
    issued[new], due[new] = today, due_ordinal
    issued[~selected], due[~selected] = 0, 0
    undecided = mask.unknown if mask.unknown is not None else False
    ended = was_open & ~mask.true & ~fulfilled & ~undecided
    overdue = selected & (due > 0) & (due < today)
    return EntityObligation(**common, ended=ended, issued=issued, due=due, overdue=overdue)


def _carried(population, carried: Mapping[str, tuple[dt.date, dt.date | None]]):
    """Which entities held the obligation at the previous moment, with its issue and due dates
    (found by label, as columns).
    """
    columns = open_columns(carried)
    was_open = np.zeros(population.size, dtype=bool)
    issued = np.zeros(population.size, dtype=np.int32)
    due = np.zeros(population.size, dtype=np.int32)
    index = columns.rows_in(population)
    known = index >= 0
    rows = index[known]
    was_open[rows] = True
    issued[rows] = columns.issued[known]
    due[rows] = columns.due[known]
    return was_open, issued, due


def _event_mask(population, obligation: str, events: Events) -> np.ndarray | None:
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


def ladder_outcome(
    ladder: views.Ladder,
    linked: list[EntityObligation],
    columns: EntityConditions,
    earlier: Mapping[str, int],
) -> LadderOutcome:
    """One step up per moment for entities on the ladder (or newly overdue) whose next step's
    condition holds; off the ladder when the first step's condition no longer holds. `earlier`: the
    step of each subject at the previous moment.
    """
    population = columns.population
    steps = ladder.steps
    previous = np.zeros(population.size, dtype=np.int8)
    if earlier:
        before = step_columns(earlier)
        index = before.rows_in(population)
        previous[index[index >= 0]] = before.steps[index >= 0]
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
    return LadderOutcome(ladder.id, current, previous, tuple(s.label for s in steps))
