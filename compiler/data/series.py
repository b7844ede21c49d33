"""Series in: observations from CSV or YAML files, validated row by row and converted to each
indicator's unit (a `unit` column per row), each with where it comes from (`url`, `publisher`,
`published`, `quote`, or a `source` text; D018 when neither). Several publications of a value for
the same indicator and period are kept, the latest winning (compiler/data/provenance.py); two rows
of the same publication are D009.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

from compiler.check import units
from compiler.check.model import Policy
from compiler.data import dataschema
from compiler.data.numbers import OVERFLOW_HINT
from compiler.data.provenance import (
    SOURCE_HINTS,
    SOURCE_PROBLEMS,
    missing_source,
    pick_vintage,
    publication,
)
from compiler.data.tables import cell_number, cell_text, records
from compiler.data.types import Observation, Series
from compiler.data.validation import RecordValidator, report_error, valid_period
from dsl import codes
from dsl.diagnostics import Diagnostics, Related

REQUIRED = ("indicator", "period", "value", "unit", "status")


def load_series(
    paths: list[Path], policy: Policy, diags: Diagnostics, schema: dict | None = None
) -> Series:
    """Observations from CSV or YAML files, checked and converted to each indicator's unit; of
    several publications of one value the latest, carrying the others as superseded.
    """
    schema = schema or dataschema.data_schema(policy)
    validator = RecordValidator(schema, "observation")
    entity_level = {d.id for d in dataschema.entity_indicators(policy)}
    units_of = {d.id: dataschema.unit_of(d) for d in dataschema.series_indicators(policy)}
    found: dict[tuple[str, str], list[Observation]] = {}
    for path in paths:
        for ctx, row in records(path, diags, REQUIRED, schema, "observation"):
            record = {
                k: cell_number(v) if k == "value" else cell_text(v) for k, v in row.record.items()
            }
            observation = _observation(ctx, row, record, validator, entity_level, units_of)
            if observation is None:
                continue
            key = (observation.indicator, observation.period)
            same = _same_publication(observation, found.get(key, []))
            if same is not None:
                ctx.diags.add(
                    codes.DUPLICATE_ROW,
                    ctx.span(row, "period"),
                    f"a second value for `{key[0]}` in {key[1]} from the same publication",
                    hint="keep one row per indicator, period and publication; a newer publication"
                    " needs its own `published` date or url",
                    related=(Related("first given here", same.origin),),
                )
                continue
            found.setdefault(key, []).append(observation)
    return _series(found, diags)


def _same_publication(observation: Observation, earlier: list[Observation]) -> Observation | None:
    """An earlier row of the same indicator and period from the same publication, if any."""
    return next((o for o in earlier if publication(o) == publication(observation)), None)


def _series(found: dict[tuple[str, str], list[Observation]], diags: Diagnostics) -> Series:
    """One observation per indicator and period, the latest publication winning."""
    by_indicator: dict[str, list[Observation]] = {}
    for (indicator, period), candidates in found.items():
        winner, rival = pick_vintage(candidates)
        if rival is not None:
            diags.add(
                codes.DUPLICATE_ROW,
                rival.origin,
                f"two publications of the same date and status give `{indicator}` in {period}"
                f" as {winner.value:g} and {rival.value:g}",
                hint="fill in `published` as each page states it, so the latest wins; or keep one",
                related=(Related("the other value", winner.origin),),
            )
            continue
        by_indicator.setdefault(indicator, []).append(winner)
    return Series(
        {k: tuple(sorted(v, key=lambda o: o.date)) for k, v in sorted(by_indicator.items())}
    )


def _observation(ctx, row, record, validator, entity_level, units_of) -> Observation | None:
    """One record as an observation in its indicator's unit, or None after its diagnostic."""
    indicator = record.get("indicator")
    if indicator in entity_level:
        ctx.diags.add(
            codes.WRONG_LEVEL,
            ctx.span(row, "indicator"),
            f"`{indicator}` has one value per farm, not a series",
            hint="per-farm values belong in the entity table (farms.csv)",
        )
        return None
    errors = validator.errors(record)
    if errors:
        report_error(
            errors[0],
            row,
            record,
            ctx,
            {"indicator": codes.UNKNOWN_INDICATOR, "unit": codes.WRONG_UNIT},
        )
        return None
    period = str(record["period"])
    if not valid_period(period):
        ctx.diags.add(
            codes.INVALID_PERIOD,
            ctx.span(row, "period"),
            f"`{period}` is not a real date",
            hint="write a year (2027), a month (2027-06) or a date (2027-06-30)",
        )
        return None
    lacking = missing_source(record)
    if lacking is not None:
        where = f"row {row.line - 1}" if ctx.header is not None else f"record on line {row.line}"
        given = {"quote": "url", "url": "quote"}.get(lacking, lacking)  # point at what is there
        ctx.diags.add(
            codes.NO_SOURCE,
            ctx.span(row, given),
            f"{where}, field `{given}`: {SOURCE_PROBLEMS[lacking]}",
            hint=SOURCE_HINTS[lacking],
        )
        return None
    unit = units.lookup(record["unit"])
    target = units.lookup(units_of[indicator])
    value = (
        float(record["value"])
        if unit is None or target is None
        else float(units.convert(_decimal(record["value"]), unit, target))
    )
    if not math.isfinite(value):
        ctx.diags.add(
            codes.CONVERSION_OVERFLOW,
            ctx.span(row, "value"),
            f"`{record['value']}` {record['unit']} is infinite in {units_of[indicator]}",
            hint=OVERFLOW_HINT,
        )
        return None
    text = {k: str(record.get(k) or "") for k in ("source", "url", "publisher", "published")}
    return Observation(
        indicator,
        period,
        value,
        record["status"],
        text["source"],
        ctx.span(row),
        url=text["url"],
        publisher=text["publisher"],
        published=text["published"],
        quote=str(record.get("quote") or ""),
    )


def _decimal(value) -> Decimal:
    """A value as an exact decimal for unit conversion (1.1 stays 1.1, not its binary float)."""
    return Decimal(str(value))
