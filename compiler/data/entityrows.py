"""The reference row reader of entity tables: a farm table read as Python records, each validated
with jsonschema. It is what the columnar reader (compiler/data/entities.py) is held to by a
differential test and measured against by benchmarks/read_tables.py; `converted_to_units` is also
the unit conversion of each row of the other kinds' tables (compiler/data/regions.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from compiler.check.model import Policy
from compiler.data import dataschema
from compiler.data.entities import entity_columns
from compiler.data.numbers import OVERFLOW_HINT, finite_product
from compiler.data.tables import DataFile, Row, cell_number, csv_rows, read_data_text
from compiler.data.types import Population
from compiler.data.validation import RecordValidator, report_error
from dsl import codes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span


def load_entities_by_rows(
    path: Path,
    policy: Policy,
    diags: Diagnostics,
    schema: dict | None = None,
    *,
    keep_valid_rows: bool = False,
) -> Population | None:
    """A farm table (CSV) as columns, read row by row; None when it cannot be read or has invalid
    rows (unless `keep_valid_rows`).
    """
    schema = schema or dataschema.data_schema(policy)
    text = read_data_text(path, diags)
    if text is None:
        return None
    if path.suffix.lower() != ".csv":
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            f"`{path.name}`: the row reader reads .csv files only",
            hint="export the table as CSV with a header row",
        )
        return None
    header, rows = csv_rows(path, text, diags)
    if header is None:
        return None
    ctx = DataFile(path, header, text.splitlines(), diags)
    columns = entity_columns(ctx, header, policy)
    if columns is None:
        return None
    if not rows:
        diags.add(
            codes.EMPTY_DATA,
            Span.point(str(path)),
            f"`{path.name}` has a header but no rows",
            hint="add one row per farm",
        )
    before = sum(1 for d in diags if d.severity is codes.Severity.ERROR)
    kept = _valid_entity_rows(ctx, rows, columns, RecordValidator(schema, "farm"))
    errors = sum(1 for d in diags if d.severity is codes.Severity.ERROR) - before
    if errors and not keep_valid_rows:
        return None
    return _population(kept, columns, str(path))


def _valid_entity_rows(
    ctx: DataFile, rows: list[Row], columns, validator: RecordValidator
) -> list[dict]:
    kept: list[dict] = []
    first_line: dict[str, int] = {}
    numeric = {
        cell for cell, (name, _) in columns.items() if name not in dataschema.FIXED_ENTITY_COLUMNS
    }
    for row in rows:
        record = {
            columns[c][0]: (cell_number(v) if c in numeric else v.strip())
            for c, v in row.record.items()
        }
        errors = validator.errors(record)
        if errors:
            for error in errors[:3]:
                report_error(error, row, record, ctx, {})
            continue
        if record["id"] in first_line:
            ctx.diags.add(
                codes.DUPLICATE_ROW,
                ctx.span(row, "id"),
                f"farm `{record['id']}` appears twice",
                hint="keep one row per farm",
                related=(
                    Related(
                        "first given here", Span.point(str(ctx.path), first_line[record["id"]])
                    ),
                ),
            )
            continue
        first_line[record["id"]] = row.line
        if converted_to_units(ctx, row, record, columns):
            kept.append(record)
    return kept


def converted_to_units(ctx: DataFile, row: Row, record: dict, columns) -> bool:
    """Converts a record's values to their indicators' units in place; False after a D025 for a
    value the conversion makes infinite.
    """
    for cell, (name, factor) in columns.items():
        if factor == 1.0 or record.get(name) is None:
            continue
        converted = finite_product(record[name], factor)
        if converted is None:
            ctx.diags.add(
                codes.CONVERSION_OVERFLOW,
                ctx.span(row, cell),
                f"`{record[name]}` in column `{cell}` is infinite in the indicator's unit",
                hint=OVERFLOW_HINT,
            )
            return False
        record[name] = converted
    return True


def _population(records: list[dict], columns, origin: str) -> Population:
    sector_code = {s: i for i, s in enumerate(dataschema.FARM_SECTORS)}
    province_code = {p: i for i, p in enumerate(dataschema.PROVINCES)}
    present = [name for name, _ in columns.values() if name not in dataschema.FIXED_ENTITY_COLUMNS]
    return Population(
        size=len(records),
        sector=np.array([sector_code[r["sector"]] for r in records], dtype=np.int8),
        province=np.array([province_code[r["province"]] for r in records], dtype=np.int8),
        columns={
            name: np.array([float(r[name]) for r in records], dtype=np.float64) for name in present
        },
        origin=origin,
        labels=np.array([r["id"] for r in records], dtype=str),
    )
