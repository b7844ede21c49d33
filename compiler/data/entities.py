"""Entity tables in: a farm table (CSV or Parquet) becomes a `Population` of columns. A column
header may carry a unit, `nh3_emissie_bedrijf [ton]`, and its values are converted to the
indicator's unit.

The table is read as columns (compiler/data/arrowtables.py) and checked column by column
(compiler/data/columncheck.py): which rows the schema refuses, which repeat a farm id, which a
unit conversion makes infinite. The rows with faults are then reported in row order as the row
reader reported them (compiler/data/entityrows.py): the row validator's diagnostics for a refused
row (D007, D008, D011, D013, D023, D024), D009 for a repeated id, D025 for an overflow; the first
MAX_REPORTED_ROWS of them one by one, the rest counted in one D028 note. A Parquet column of a
type its field cannot take is D027. By default nothing is kept when any row is invalid; with
`keep_valid_rows` the invalid rows are left out (each still reported) and the rest is kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from compiler.check import units
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import arrowtables, columncheck, dataschema
from compiler.data.numbers import OVERFLOW_HINT
from compiler.data.tables import HEADER_UNIT, DataFile, Row, cell_number, cell_text
from compiler.data.types import Population
from compiler.data.validation import RecordValidator, report_error
from dsl import codes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span

MAX_REPORTED_ROWS = 100  # rows with faults reported one by one; the rest are counted (D028)


def load_entities(
    path: Path,
    policy: Policy,
    diags: Diagnostics,
    schema: dict | None = None,
    *,
    keep_valid_rows: bool = False,
) -> Population | None:
    """A farm table (CSV or Parquet) as columns; None when it cannot be read or has invalid rows
    (unless `keep_valid_rows`).
    """
    schema = schema or dataschema.data_schema(policy)
    table = arrowtables.read_table(path, diags)
    if table is None:
        return None
    ctx = DataFile(path, table.header, table.lines, diags)
    columns = entity_columns(ctx, table.header, policy)
    if columns is None:
        return None
    checked = checked_columns(ctx, table, columns, schema["$defs"]["farm"]["properties"])
    if checked is None:
        return None
    if not table.size:
        diags.add(
            codes.EMPTY_DATA,
            Span.point(str(path)),
            f"`{path.name}` has a header but no rows",
            hint="add one row per farm",
        )
    invalid = np.zeros(table.size, dtype=bool)
    for column in checked.values():
        invalid |= column.invalid
    ids = checked[_cell_of(columns, "id")].text
    later, first = columncheck.repeats(ids, ~invalid)
    values, overflow = _converted(checked, columns, invalid)
    faults = _Faults(ctx, table, columns, RecordValidator(schema, "farm"))
    faults.report(invalid, dict(zip(later.tolist(), first.tolist(), strict=True)), overflow)
    if faults.count and not keep_valid_rows:
        return None
    kept = None if not faults.count else ~faults.rows
    sector = _codes(checked[_cell_of(columns, "sector")].text, dataschema.FARM_SECTORS)
    province = _codes(checked[_cell_of(columns, "province")].text, dataschema.PROVINCES)
    if kept is not None:
        sector, province, ids = sector[kept], province[kept], ids.filter(pa.array(kept))
        values = {name: column[kept] for name, column in values.items()}
    return Population(
        size=len(sector),
        sector=sector,
        province=province,
        columns=values,
        origin=str(path),
        labels=columncheck.unicode_array(ids),
    )


def entity_columns(
    ctx: DataFile, header: list[str], policy: Policy
) -> dict[str, tuple[str, float]] | None:
    """Header cell -> (field, factor to the indicator's unit); None when the header is wrong."""
    entity = {d.id: dataschema.unit_of(d) for d in dataschema.entity_indicators(policy)}
    series = {d.id for d in dataschema.series_indicators(policy)}
    known = [*dataschema.FIXED_ENTITY_COLUMNS, *entity]
    result: dict[str, tuple[str, float]] = {}
    ok = True
    for position, cell in enumerate(header):
        span = Span.point(str(ctx.path), 1, sum(len(h) + 1 for h in header[:position]) + 1)
        match = HEADER_UNIT.match(cell)
        name, unit = (match.group(1), match.group(2)) if match else (cell, None)
        if name in series:
            ctx.diags.add(
                codes.WRONG_LEVEL,
                span,
                f"`{name}` is a national or sector series, not a farm value",
                hint="series belong in a series file (series.csv)",
            )
            ok = False
        elif name not in known:
            ctx.diags.add(
                codes.UNKNOWN_COLUMN,
                span,
                f"unknown column `{name}`",
                hint=did_you_mean(name, known) or f"columns: {', '.join(known)}",
            )
            ok = False
        elif unit is not None and name in entity:
            factor = units.factor_between(unit, entity[name])
            if factor is None:
                ctx.diags.add(
                    codes.WRONG_UNIT,
                    span,
                    f"`{name}` is measured in {entity[name]}, not `{unit}`",
                    hint=f"use one of {', '.join(dataschema.compatible_units(entity[name]))}",
                )
                ok = False
            else:
                result[cell] = (name, factor)
        else:
            result[cell] = (name, 1.0)
    for name in dataschema.FIXED_ENTITY_COLUMNS:
        if name not in {v[0] for v in result.values()} and ok:
            ctx.diags.add(
                codes.MISSING_COLUMN,
                Span.point(str(ctx.path)),
                f"`{ctx.path.name}` has no column `{name}`",
                hint="an entity table needs `id`, `sector` and `province`",
            )
            ok = False
    return result if ok else None


def _cell_of(columns, field: str) -> str:
    return next(cell for cell, (name, _) in columns.items() if name == field)


def checked_columns(ctx: DataFile, table, columns, properties) -> dict | None:
    """Header cell -> its column checked; None after a D027 for a column of the wrong type."""
    checked = {}
    for cell, column in zip(table.header, table.columns, strict=True):
        result = columncheck.check_column(properties[columns[cell][0]], column)
        if isinstance(result, columncheck.WrongType):
            ctx.diags.add(
                codes.COLUMN_TYPE,
                Span.point(str(ctx.path), 2),
                f"row 1, field `{columns[cell][0]}`: column `{cell}` holds {result.stored}, "
                f"not {result.takes}",
                hint=f"store `{cell}` as text (a string column)"
                if result.takes == "text"
                else f"store `{cell}` as integers or floating-point numbers",
            )
            checked = None
        elif checked is not None:
            checked[cell] = result
    return checked


def _converted(checked: dict, columns, invalid: np.ndarray):
    """Field -> its values in the indicator's unit, and row -> the first header cell whose value
    the conversion makes infinite.
    """
    values: dict[str, np.ndarray] = {}
    overflow: dict[int, str] = {}
    for cell, (name, factor) in columns.items():
        column = checked[cell].values
        if column is None:
            continue
        if factor != 1.0:
            with np.errstate(over="ignore", invalid="ignore"):
                column = column * factor
            for row in np.flatnonzero(~invalid & ~np.isfinite(column)).tolist():
                overflow.setdefault(row, cell)
        values[name] = column
    return values, dict(sorted(overflow.items()))


def _codes(text: pa.Array, words: tuple[str, ...]) -> np.ndarray:
    found = pc.fill_null(pc.index_in(text, value_set=pa.array(words, type=pa.string())), -1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int8)


class _Faults:
    """The faults of a table's rows reported in row order, the first MAX_REPORTED_ROWS rows one
    by one with the row validator's diagnostics, the rest counted in one D028.
    """

    def __init__(self, ctx: DataFile, table, columns, validator: RecordValidator) -> None:
        self.ctx, self.table, self.columns, self.validator = ctx, table, columns, validator
        self.rows = np.zeros(table.size, dtype=bool)
        self.count = 0

    def report(self, invalid: np.ndarray, repeated: dict[int, int], overflow: dict[int, str]):
        self.rows = invalid.copy()
        self.rows[list(repeated)] = True
        self.rows[[r for r in overflow if r not in repeated]] = True
        faulty = np.flatnonzero(self.rows)
        self.count = len(faulty)
        shown = faulty[:MAX_REPORTED_ROWS]
        wanted = [*faulty[: MAX_REPORTED_ROWS + 1].tolist(), *repeated.values()]
        if not wanted:
            return
        lines = self.table.row_lines.of(np.array(wanted, dtype=np.int64))
        line_of = dict(zip(wanted, lines.tolist(), strict=True))
        for index in shown.tolist():
            row = Row(int(line_of[index]), self.table.cells(index), {})
            if invalid[index]:
                self._invalid(row)
            elif index in repeated:
                self._repeated(row, int(line_of[repeated[index]]))
            else:
                self._overflow(row, overflow[index])
        if self.count > len(shown):
            self.ctx.diags.add(
                codes.MORE_ROW_FAULTS,
                Span.point(str(self.ctx.path), int(line_of[faulty[len(shown)].item()])),
                f"{self.count - len(shown):,} more rows have faults; the first "
                f"{len(shown)} are reported",
                hint="fix the faults reported and read the table again to see the next ones",
            )

    def _record(self, row: Row) -> dict:
        return {
            self.columns[c][0]: (
                cell_text(v)
                if self.columns[c][0] in dataschema.FIXED_ENTITY_COLUMNS
                else cell_number(v)
            )
            for c, v in row.record.items()
        }

    def _invalid(self, row: Row) -> None:
        record = self._record(row)
        errors = self.validator.errors(record)
        if not errors:
            raise AssertionError(f"the columnar check and the schema disagree on {record}")
        for error in errors[:3]:
            report_error(error, row, record, self.ctx, {})

    def _repeated(self, row: Row, first_line: int) -> None:
        key = cell_text(row.record[_cell_of(self.columns, "id")])
        self.ctx.diags.add(
            codes.DUPLICATE_ROW,
            self.ctx.span(row, "id"),
            f"farm `{key}` appears twice",
            hint="keep one row per farm",
            related=(Related("first given here", Span.point(str(self.ctx.path), first_line)),),
        )

    def _overflow(self, row: Row, cell: str) -> None:
        self.ctx.diags.add(
            codes.CONVERSION_OVERFLOW,
            self.ctx.span(row, cell),
            f"`{cell_number(row.record[cell])}` in column `{cell}` is infinite in the "
            "indicator's unit",
            hint=OVERFLOW_HINT,
        )
