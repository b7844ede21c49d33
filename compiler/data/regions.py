"""Regional tables in: the table of an entity kind other than farms (a CSV such as
monitoring/provincies.csv, or the same table as Parquet) becomes a `Population` of that kind, one
row per entity; it is read as columns (compiler/data/arrowtables.py) and checked row by row.

The header holds the kind's key column (its `sleutel`), optionally text columns (`naam`,
`cbs_code` and the provenance `url`, `publisher`, `published`, `quote` or `source`), and columns
for the indicators at that kind's level; a header cell may carry a unit (`nh3 [kg]`), converted to
the indicator's unit. Every fault is a located diagnostic (file, row, field, hint) and the table is
then not kept: an unknown column (D004), an indicator of another kind (D012), a unit that does not
fit (D006), a value the schema refuses (D007, D008, D013), a duplicate key (D009), an entity its
kind does not have (D021), an entity of another kind (D022), or a row with values that says
neither where they were published nor how they were made (D018, the source rule of series). A
kind without a table, or whose table is not there, has the entities its kind is known to have
(the twelve provinces) and no columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from compiler.check import units, views
from compiler.check.kinds import entity_kinds
from compiler.check.model import Policy
from compiler.check.resolve import did_you_mean
from compiler.data import arrowtables, dataschema
from compiler.data.entities import checked_columns
from compiler.data.entityrows import converted_to_units
from compiler.data.provenance import SOURCE_HINTS, SOURCE_PROBLEMS, missing_source
from compiler.data.tables import HEADER_UNIT, DataFile, Row, cell_number, cell_text
from compiler.data.types import Population
from compiler.data.validation import RecordValidator, report_error
from dsl import codes
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span

# Text about each entity, not indicator values: its name, the publisher's code for it, and where
# the row comes from (as in series files: compiler/data/provenance.py).
TEXT_COLUMNS = dataschema.REGION_TEXT_COLUMNS


def known_table(kind: str) -> Population:
    """The entities a kind is known to have, with no values: the twelve provinces, or none."""
    labels = dataschema.KNOWN_ENTITIES.get(kind, ())
    return _table(kind, list(labels), {}, f"the {len(labels)} entities of kind {kind}")


def load_region_table(
    path: Path, kind: views.EntityKind, policy: Policy, diags: Diagnostics, schema: dict
) -> Population | None:
    """The table of `kind` read from `path` (CSV or Parquet); None when it cannot be read or any
    row is invalid.
    """
    table = arrowtables.read_table(path, diags)
    if table is None:
        return None
    ctx = DataFile(path, table.header, table.lines, diags)
    columns = _columns(ctx, table.header, kind, policy)
    if columns is None:
        return None
    record_type = dataschema.table_record_type(kind.id)
    properties = schema["$defs"][record_type]["properties"]
    if checked_columns(ctx, table, columns, properties) is None:
        return None
    lines = table.row_lines.of(np.arange(table.size)).tolist()
    rows = [Row(line, table.cells(index), {}) for index, line in enumerate(lines)]
    before = _errors(diags)
    validator = RecordValidator(schema, record_type)
    records = _records(ctx, rows, kind, columns, validator)
    if _errors(diags) > before:
        return None
    values = {
        name: np.array([float(_value(r.get(name))) for r in records], dtype=np.float64)
        for name, _ in columns.values()
        if name not in (kind.key, *TEXT_COLUMNS)
    }
    return _table(kind.id, [r[kind.key] for r in records], values, str(path))


def _errors(diags: Diagnostics) -> int:
    return sum(1 for d in diags if d.severity is codes.Severity.ERROR)


def _value(value) -> float:
    return np.nan if value is None else value


def _table(kind: str, labels: list[str], values: dict, origin: str) -> Population:
    provinces = {p: i for i, p in enumerate(dataschema.PROVINCES)}
    own = kind == "provincie"
    return Population(
        size=len(labels),
        sector=np.full(len(labels), -1, dtype=np.int8),
        province=np.array([provinces[x] if own else -1 for x in labels], dtype=np.int8),
        columns=values,
        origin=origin,
        labels=np.array(labels, dtype=str),
        kind=kind,
    )


# ---------------------------------------------------------------------------------------- header


def _columns(
    ctx: DataFile, header: list[str], kind: views.EntityKind, policy: Policy
) -> dict[str, tuple[str, float]] | None:
    """Header cell -> (field, factor to the indicator's unit); None when the header is wrong."""
    own = {d.id: dataschema.unit_of(d) for d in dataschema.regional_indicators(policy, kind.id)}
    others = _indicator_kinds(policy)
    known = [kind.key, *TEXT_COLUMNS, *own]
    result: dict[str, tuple[str, float]] = {}
    for position, cell in enumerate(header):
        span = Span.point(str(ctx.path), 1, sum(len(h) + 1 for h in header[:position]) + 1)
        match = HEADER_UNIT.match(cell)
        name, unit = (match.group(1), match.group(2)) if match else (cell, None)
        if name in own:
            factor = 1.0 if unit is None else units.factor_between(unit, own[name])
            if factor is None:
                _wrong_unit(ctx, span, name, unit, own[name])
                return None
            result[cell] = (name, factor)
        elif name in known:
            result[cell] = (name, 1.0)
        elif name in others:
            _other_kind_column(ctx, span, name, others[name], kind.id)
            return None
        else:
            ctx.diags.add(
                codes.UNKNOWN_COLUMN,
                span,
                f"unknown column `{name}` in the table of `{kind.id}`",
                hint=did_you_mean(name, known) or f"columns: {', '.join(known)}",
            )
            return None
    if kind.key not in {v[0] for v in result.values()}:
        ctx.diags.add(
            codes.MISSING_COLUMN,
            Span.point(str(ctx.path)),
            f"`{ctx.path.name}` has no column `{kind.key}`",
            hint=f"the table of `{kind.id}` is keyed by `{kind.key}` (its `sleutel`)",
        )
        return None
    return result


def _indicator_kinds(policy: Policy) -> dict[str, str]:
    """Indicator -> where it is measured: its entity kind, `a series`, or `computed`."""
    found = {}
    for view in policy.views(views.Indicator):
        if view.aggregate is not None:
            found[view.id] = f"{view.kind}, computed (`berekend`), never given in a table"
        else:
            found[view.id] = view.kind or "a national, sector or area series"
    return found


def _other_kind_column(ctx: DataFile, span: Span, name: str, where: str, kind: str) -> None:
    ctx.diags.add(
        codes.WRONG_LEVEL,
        span,
        f"`{name}` is not a value per `{kind}`: it is measured per {where}",
        hint=f"the table of `{kind}` holds indicators at `niveau {kind}`",
    )


def _wrong_unit(ctx: DataFile, span: Span, name: str, unit: str, expected: str) -> None:
    ctx.diags.add(
        codes.WRONG_UNIT,
        span,
        f"`{name}` is measured in {expected}, not `{unit}`",
        hint=f"use one of {', '.join(dataschema.compatible_units(expected))}",
    )


# ---------------------------------------------------------------------------------------- rows


def _records(
    ctx: DataFile, rows: list[Row], kind: views.EntityKind, columns, validator: RecordValidator
) -> list[dict]:
    kept: list[dict] = []
    first_line: dict[str, int] = {}
    text = {kind.key, *TEXT_COLUMNS}
    for row in rows:
        record = {
            columns[c][0]: (cell_text(v) if columns[c][0] in text else cell_number(v))
            for c, v in row.record.items()
        }
        errors = validator.errors(record)
        if errors:
            for error in errors[:3]:
                report_error(error, row, record, ctx, {})
            continue
        key = record[kind.key]
        if not _known_entity(ctx, row, kind, key) or _duplicate(ctx, row, kind, key, first_line):
            continue
        if not _sourced(ctx, row, record, text):
            continue
        first_line[key] = row.line
        if converted_to_units(ctx, row, record, columns):
            kept.append(record)
    return kept


def _sourced(ctx: DataFile, row: Row, record: dict, text: set[str]) -> bool:
    """Whether a row with values names where they come from (D018 otherwise, at the field that is
    there or at the first value); a row of names and codes only needs no source.
    """
    values = [name for name, v in record.items() if name not in text and v is not None]
    lacking = missing_source(record)
    if not values or lacking is None:
        return True
    given = {"quote": "url", "url": "quote"}.get(lacking)
    ctx.diags.add(
        codes.NO_SOURCE,
        ctx.span(row, given or next(c for c, f in _fields(row, record) if f == values[0])),
        f"row {row.line - 1}: {SOURCE_PROBLEMS[lacking]}",
        hint=SOURCE_HINTS[lacking],
    )
    return False


def _fields(row: Row, record: dict):
    """(header cell, field) pairs of a row, in the order of the header."""
    return zip(row.record, record, strict=False)


def _known_entity(ctx: DataFile, row: Row, kind: views.EntityKind, key: str) -> bool:
    """Whether `key` may be an entity of `kind`: not one of another kind's known entities, and one
    of this kind's own when the kind has a fixed list (D021, D022).
    """
    for other, labels in dataschema.KNOWN_ENTITIES.items():
        if other != kind.id and key in labels:
            ctx.diags.add(
                codes.WRONG_ENTITY_KIND,
                ctx.span(row, kind.key),
                f"row {row.line - 1}: `{key}` is a {other}, not a {kind.id}",
                hint=f"give `{key}` in the table of `{other}`; this is the table of `{kind.id}`",
            )
            return False
    labels = dataschema.KNOWN_ENTITIES.get(kind.id)
    if labels is not None and key not in labels:
        ctx.diags.add(
            codes.UNKNOWN_ENTITY,
            ctx.span(row, kind.key),
            f"row {row.line - 1}: there is no {kind.id} `{key}`",
            hint=did_you_mean(key, list(labels)) or f"the {kind.id} entities: {', '.join(labels)}",
        )
        return False
    return True


def _duplicate(ctx: DataFile, row: Row, kind: views.EntityKind, key: str, first_line) -> bool:
    if key not in first_line:
        return False
    ctx.diags.add(
        codes.DUPLICATE_ROW,
        ctx.span(row, kind.key),
        f"{kind.id} `{key}` appears twice",
        hint=f"keep one row per {kind.id}",
        related=(Related("first given here", Span.point(str(ctx.path), first_line[key])),),
    )
    return True


def load_region_tables(
    policy: Policy, folder: Path | None, diags: Diagnostics, schema: dict
) -> tuple[dict[str, Population], list[Path]]:
    """The table of every entity kind that names one (`tabel`) and has it in `folder`, with the
    paths read; a table with faults is reported and left out.
    """
    tables: dict[str, Population] = {}
    paths: list[Path] = []
    for kind in entity_kinds(policy).values():
        if kind.table is None or folder is None or not (folder / kind.table).is_file():
            continue
        path = folder / kind.table
        paths.append(path)
        table = load_region_table(path, kind, policy, diags, schema)
        if table is not None:
            tables[kind.id] = table
    return tables, paths
