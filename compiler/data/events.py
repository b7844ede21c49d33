"""Compliance events in: who did what for which obligation on which day, from CSV or YAML files.
The subject must be a farm in the entity table or a declared actor; the same event twice is D009.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import dataschema
from compiler.data.tables import cell_text, records
from compiler.data.types import Event, Population
from compiler.data.validation import RecordValidator, report_error, valid_period
from dsl import codes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span


def load_events(
    paths: list[Path],
    policy: Policy,
    population: Population | None,
    diags: Diagnostics,
    schema: dict | None = None,
) -> tuple[Event, ...]:
    """Compliance events; the subject must be a known farm or actor."""
    schema = schema or dataschema.data_schema(policy)
    validator = RecordValidator(schema, "event")
    actors = {d.id for d in policy.of_kind("actor")}
    events: list[Event] = []
    seen: dict[tuple, Span] = {}
    for path in paths:
        for ctx, row in records(
            path, diags, ("subject", "obligation", "event", "date"), schema, "event"
        ):
            event = _event(ctx, row, validator, actors, population, seen)
            if event is not None:
                events.append(event)
    return tuple(events)


def _event(ctx, row, validator, actors, population, seen) -> Event | None:
    """One record as an event, or None after its diagnostic; `seen` gains the event's key."""
    record = {
        k: cell_text(v) if not isinstance(v, dt.date) else v.isoformat()
        for k, v in row.record.items()
    }
    errors = validator.errors(record)
    if errors:
        report_error(errors[0], row, record, ctx, {"obligation": codes.UNKNOWN_SUBJECT})
        return None
    if not valid_period(record["date"]):
        ctx.diags.add(
            codes.INVALID_PERIOD,
            ctx.span(row, "date"),
            f"`{record['date']}` is not a real date",
            hint="write the date as YYYY-MM-DD",
        )
        return None
    subject = record["subject"]
    known_farm = population is not None and population.index_of([subject])[0] >= 0
    if subject not in actors and not known_farm:
        ctx.diags.add(
            codes.UNKNOWN_SUBJECT,
            ctx.span(row, "subject"),
            f"`{subject}` is neither a farm in the entity table nor an actor",
            hint=did_you_mean(subject, sorted(actors)) or "check the farm id",
        )
        return None
    key = (subject, record["obligation"], record["event"], record["date"])
    if key in seen:
        ctx.diags.add(
            codes.DUPLICATE_ROW,
            ctx.span(row),
            "the same event is given twice",
            hint="keep one row per event",
            related=(Related("first given here", seen[key]),),
        )
        return None
    seen[key] = ctx.span(row)
    return Event(
        subject,
        record["obligation"],
        record["event"],
        dt.date.fromisoformat(record["date"]),
        ctx.span(row),
    )
