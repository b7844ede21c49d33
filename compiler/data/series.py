"""Series in: observations from CSV or YAML files, validated row by row and converted to each
indicator's unit (a `unit` column per row). One value per indicator and period; a second is D009.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compiler.check import units
from compiler.check.model import Policy
from compiler.data import dataschema
from compiler.data.tables import cell_number, cell_text, records
from compiler.data.types import Observation, Series
from compiler.data.validation import RecordValidator, report_error, valid_period
from dsl import codes
from dsl.diagnostics import Diagnostics, Related


def load_series(
    paths: list[Path], policy: Policy, diags: Diagnostics, schema: dict | None = None
) -> Series:
    """Observations from CSV or YAML files, checked and converted to each indicator's unit."""
    schema = schema or dataschema.data_schema(policy)
    validator = RecordValidator(schema, "observation")
    entity_level = {d.id for d in dataschema.entity_indicators(policy)}
    units_of = {d.id: dataschema.unit_of(d) for d in dataschema.series_indicators(policy)}
    found: dict[tuple[str, str], Observation] = {}
    for path in paths:
        for ctx, row in records(
            path, diags, ("indicator", "period", "value", "unit", "status"), schema, "observation"
        ):
            record = {
                k: cell_number(v) if k == "value" else cell_text(v) for k, v in row.record.items()
            }
            observation = _observation(ctx, row, record, validator, entity_level, units_of)
            if observation is None:
                continue
            key = (observation.indicator, observation.period)
            if key in found:
                ctx.diags.add(
                    codes.DUPLICATE_ROW,
                    ctx.span(row, "period"),
                    f"a second value for `{key[0]}` in {key[1]}",
                    hint="keep one row per indicator and period",
                    related=(Related("first given here", found[key].origin),),
                )
                continue
            found[key] = observation
    by_indicator: dict[str, list[Observation]] = {}
    for observation in found.values():
        by_indicator.setdefault(observation.indicator, []).append(observation)
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
            hint="write a year (2027) or a date as YYYY-MM-DD",
        )
        return None
    unit = units.lookup(record["unit"])
    target = units.lookup(units_of[indicator])
    value = (
        float(record["value"])
        if unit is None or target is None
        else float(units.convert(_decimal(record["value"]), unit, target))
    )
    return Observation(
        indicator, period, value, record["status"], str(record.get("source", "")), ctx.span(row)
    )


def _decimal(value) -> Decimal:
    """A value as an exact decimal for unit conversion (1.1 stays 1.1, not its binary float)."""
    return Decimal(str(value))
