"""The rows one evaluated moment adds to the ledger: the obligations open per subject with their
issue and due dates, the ladder step of every entity on a ladder, and the compliance events known
(from the data, and `ended` where an obligation's selection no longer holds).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import Evaluation


def obligation_rows(evaluation: Evaluation, run: int):
    """(moment, run, obligation, subject, issued, due) of every obligation open at the moment."""
    key = evaluation.moment.isoformat()
    for duty in evaluation.duties:
        if duty.status in (DutyStatus.DUE, DutyStatus.OVERDUE):
            yield (
                key,
                run,
                duty.declaration,
                duty.actor,
                key,
                duty.due.isoformat() if duty.due else None,
            )
    population = evaluation.population
    for obligation in evaluation.entity_obligations.values():
        rows = np.flatnonzero(obligation.selected)
        issued = obligation.issued_of(rows)
        due = obligation.due_of(rows)
        for index, i, d in zip(rows.tolist(), issued.tolist(), due.tolist(), strict=True):
            yield (
                key,
                run,
                obligation.obligation,
                population.label(index),
                dt.date.fromordinal(i).isoformat(),
                dt.date.fromordinal(d).isoformat() if d else None,
            )


def step_rows(evaluation: Evaluation, run: int):
    """(moment, run, ladder, subject, step) of every entity on a step above zero."""
    key = evaluation.moment.isoformat()
    population = evaluation.population
    for ladder in evaluation.ladders.values():
        rows = np.flatnonzero(ladder.steps)
        for index, step in zip(rows.tolist(), ladder.steps[rows].tolist(), strict=True):
            yield key, run, ladder.ladder, population.label(index), step


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
        for index in np.flatnonzero(obligation.ended).tolist():
            yield population.label(index), obligation.obligation, "ended", key, key
