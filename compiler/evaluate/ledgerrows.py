"""What one evaluated moment gives the ledger, as columns: per obligation the subjects it is open
for (population rows for obligations on farms, actor ids for duties) with issue and due dates, why
a farm's obligation closed (fulfilled or ended masks), the ladder step of every farm on a ladder,
trigger and target states, and the compliance events known (from the data, and `ended` where an
obligation's selection no longer holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compiler.evaluate import subjectkeys
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import Evaluation


@dataclass(frozen=True)
class Held:
    """One obligation's open subjects at a moment: farms by population row, then actors by label;
    issue and due day ordinals for the rows and then the actors (0: no due date).
    """

    rows: np.ndarray  # int64 population rows
    actors: tuple[str, ...]
    issued: np.ndarray  # int32
    due: np.ndarray  # int32
    fulfilled: np.ndarray | None = None  # bool per population row, for why a farm's closed
    ended: np.ndarray | None = None


def held(evaluation: Evaluation) -> dict[str, Held]:
    """Every obligation open at the moment, per obligation id."""
    today = evaluation.moment.toordinal()
    actors: dict[str, list[tuple[str, int]]] = {}
    for duty in evaluation.duties:
        if duty.status in (DutyStatus.DUE, DutyStatus.OVERDUE):
            due = duty.due.toordinal() if duty.due else 0
            actors.setdefault(duty.declaration, []).append((duty.actor, due))
    found: dict[str, Held] = {}
    for obligation in evaluation.entity_obligations.values():
        rows = np.flatnonzero(obligation.selected)
        found[obligation.obligation] = Held(
            rows,
            (),
            obligation.issued_of(rows),
            obligation.due_of(rows),
            obligation.fulfilled,
            obligation.ended,
        )
    for name, pairs in actors.items():
        entity = found.get(name)
        rows = entity.rows if entity else np.zeros(0, dtype=np.int64)
        issued = np.concatenate([entity.issued if entity else [], [today] * len(pairs)])
        due = np.concatenate([entity.due if entity else [], [d for _, d in pairs]])
        found[name] = Held(
            rows,
            tuple(a for a, _ in pairs),
            issued.astype(np.int32),
            due.astype(np.int32),
            entity.fulfilled if entity else None,
            entity.ended if entity else None,
        )
    return found


def steps(evaluation: Evaluation) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(population rows, step) of every farm on a step above zero, per ladder."""
    found = {}
    for ladder in evaluation.ladders.values():
        rows = np.flatnonzero(ladder.steps)
        found[ladder.ladder] = (rows, ladder.steps[rows].astype(np.int8))
    return found


def trigger_rows(evaluation: Evaluation, run: int):
    key = evaluation.moment.isoformat()
    return [(key, run, t.trigger, t.state) for t in evaluation.triggers.values()]


def target_rows(evaluation: Evaluation, run: int):
    key = evaluation.moment.isoformat()
    return [(key, run, t.target, t.status) for t in evaluation.targets.values()]


def event_rows(evaluation: Evaluation):
    """Events from the data, and `ended` where an obligation's selection no longer holds (e.g. the
    norm is met).
    """
    key = evaluation.moment.isoformat()
    for event in evaluation.monitoring.events:
        if event.date <= evaluation.moment:
            yield event.subject, event.obligation, event.event, event.date.isoformat(), key
    population = evaluation.population
    for obligation in evaluation.entity_obligations.values():
        rows = np.flatnonzero(obligation.ended)
        if len(rows):
            labels = subjectkeys.texts(subjectkeys.of_population(population)[rows])
            for label in labels:
                yield label, obligation.obligation, "ended", key, key
