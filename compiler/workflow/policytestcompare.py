"""Comparing a moment's evaluation with what its test expects: target statuses (and the verdict of
each entity a target holds per), trigger states,
duties, per-farm obligations (farms, count, due dates, overdue) and ladder steps, each difference a
failure at the line of the expectation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from compiler.data.types import Population
from compiler.evaluate.moment import Evaluation


@dataclass(frozen=True)
class Failure:
    """An expected value a moment did not give, with the place of the expectation."""

    path: str
    line: int
    case: str
    moment: str
    what: str  # e.g. "trigger landbouw_achter_op_streefwaarde"
    expected: str
    actual: str


def compare(evaluation: Evaluation, expect: dict, population: Population | None):
    """How many values a moment's `expect` states, and for each one the evaluation does not give
    `(line, what, expected, actual)`, the line being that of the kind's mapping (or of `expect`).
    """
    checks, failures = 0, []
    for kind, compare in (
        ("targets", _targets),
        ("triggers", _triggers),
        ("duties", _duties),
        ("obligations", _obligations),
        ("steps", _steps),
    ):
        for name, wanted in _items(expect.get(kind, {})):
            line = expect[kind].get("__line__", expect["__line__"])
            for what, expected, actual in compare(evaluation, name, wanted, population):
                checks += 1
                if expected != actual:
                    failures.append((line, what, expected, actual))
    return checks, failures


def _items(mapping: dict):
    return [(k, v) for k, v in mapping.items() if not str(k).startswith("__")]


def _targets(evaluation, name, wanted, _population):
    status = evaluation.targets.get(name)
    actual = status.status if status else "not in force"
    expected = wanted["status"] if isinstance(wanted, dict) else wanted
    why = f" ({status.reason})" if status and actual != expected else ""
    yield f"target {name}", expected, actual + why
    if isinstance(wanted, dict) and "entities" in wanted:
        yield from _target_entities(status, name, wanted["entities"])


def _target_entities(status, name: str, wanted: dict):
    """Each expected entity's verdict against the one the target gives it."""
    outcome = status.per_entity if status else None
    verdicts = {e.id: e.verdict.value for e in outcome.entities} if outcome else {}
    for entity, verdict in _items(wanted):
        actual = verdicts.get(entity, "not an entity of this target")
        yield f"target {name}: entity {entity}", verdict, actual


def _triggers(evaluation, name, wanted, _population):
    outcome = evaluation.triggers.get(name)
    yield f"trigger {name}", wanted, outcome.state if outcome else "not in force"


def _duties(evaluation, name, wanted, _population):
    found = sorted({d.status for d in evaluation.duties if d.declaration == name})
    yield f"duty {name}", wanted, ", ".join(found) or "none"


def _obligations(evaluation, name, wanted, population):
    obligation = evaluation.entity_obligations.get(name)
    if obligation is None and name in evaluation.regional_obligations:
        obligation = evaluation.regional_obligations[name]
        population = evaluation.regional_tables[obligation.kind]
    if obligation is None:
        yield f"obligation {name}", "issued to farms", "not issued to any farm"
        return
    rows = np.flatnonzero(obligation.selected)
    if "entities" in wanted:  # of any kind: farms, provinces, ...
        labels = sorted(population.label(int(i)) for i in rows)
        yield (
            f"obligation {name}: {obligation.kind} entities",
            ", ".join(sorted(wanted["entities"])) or "none",
            ", ".join(labels) or "none",
        )
    if "farms" in wanted:
        labels = sorted(population.label(int(i)) for i in rows) if population is not None else []
        yield (
            f"obligation {name}: farms",
            ", ".join(sorted(wanted["farms"])) or "none",
            ", ".join(labels) or "none",
        )
    if "count" in wanted:
        yield f"obligation {name}: count", str(wanted["count"]), str(len(rows))
    if "overdue" in wanted:
        yield (
            f"obligation {name}: overdue",
            str(wanted["overdue"]),
            str(int(np.count_nonzero(obligation.overdue))),
        )
    if "due" in wanted:
        days = sorted({int(d) for d in obligation.due_of(rows)})
        actual = (
            ", ".join(dt.date.fromordinal(d).isoformat() if d else "none" for d in days) or "none"
        )
        yield f"obligation {name}: due", str(wanted["due"] or "none"), actual


def _steps(evaluation, name, wanted, population):
    ladder = evaluation.ladders.get(name)
    for farm, step in _items(wanted):
        index = int(population.index_of([farm])[0]) if population is not None else -1
        actual = "no such farm" if index < 0 or ladder is None else str(int(ladder.steps[index]))
        yield f"ladder {name}: farm {farm}", str(step), actual
