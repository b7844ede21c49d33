"""Data files read into located records: a CSV file (a header, one record per row) or a YAML file
(a list of records) becomes `Row`s that know their line and where each field stands.

A file that cannot be trusted or parsed is a located diagnostic, never an exception: D001 (missing,
too large, binary, not UTF-8), D002 (malformed CSV or YAML, an unknown file type), D003 and D004 (a
header without a required column or with an unknown one), D026 (a column named twice), D014 (a
ragged row), D016 (more rows than MAX_ROWS), D017 (a header without rows). A cell is a number only
in the grammar of compiler/data/numbers.py. The loaders (series.py, entities.py, events.py) turn
the records into values; validation.py checks them against the JSON Schema.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from compiler.check.resolve import did_you_mean
from compiler.data.numbers import read_number
from compiler.data.yamlsafe import UNREADABLE, LineLoader, load_yaml_text
from dsl import codes, files
from dsl.diagnostics import Diagnostics, Related
from dsl.source import Span

MAX_DATA_BYTES = 2 * 1024**3
MAX_ROWS = 20_000_000
HEADER_UNIT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([^\]]+?)\s*\])?\s*$")


@dataclass(slots=True)
class Row:
    """A record as read, with where each of its fields stands."""

    line: int
    record: dict
    columns: dict[str, int]  # field -> 1-based column of its text


@dataclass
class DataFile:
    """A data file as read: its path, header (None for YAML) and lines, to locate rows and fields,
    and the diagnostics its faults go to.
    """

    path: Path
    header: list[str] | None
    lines: list[str]
    diags: Diagnostics

    def span(self, row: Row, name: str | None = None) -> Span:
        column = _column_of(row, name, self.header, self.lines) if name else 1
        return Span.point(str(self.path), row.line, column)


def records(
    path: Path, diags: Diagnostics, required: tuple[str, ...], schema: dict, record_type: str
) -> Iterator[tuple[DataFile, Row]]:
    """Each record of a series or event file with the file it stands in; nothing when the file
    cannot be read or its header lacks a required column or has an unknown one.
    """
    text = read_data_text(path, diags)
    if text is None:
        return
    header, rows = _rows(path, text, diags)
    ctx = DataFile(path, header, text.splitlines(), diags)
    if header is not None and not _check_header(ctx, header, required, schema, record_type):
        return
    if header is not None and not rows and header:
        diags.add(
            codes.EMPTY_DATA,
            Span.point(str(path)),
            f"`{path.name}` has a header but no rows",
            hint="add rows, or leave the file out",
        )
    for row in rows:
        yield ctx, row


def read_data_text(path: Path, diags: Diagnostics) -> str | None:
    """A data file's text, or None after a D001 (missing, too large, binary, not UTF-8)."""
    data = read_data_bytes(path, diags)
    return None if data is None else data_text(path, data, diags)


def read_data_bytes(path: Path, diags: Diagnostics) -> bytes | None:
    """A data file's bytes through the bounded reader, or None after a D001 (missing, too large,
    not a regular file).
    """
    try:
        return files.read_bytes(path, MAX_DATA_BYTES)
    except files.FileRefused as refused:
        diags.add(
            codes.DATA_UNREADABLE,
            Span.point(str(path)),
            f"cannot read `{path}`: {refused.message}",
            hint="split the data into several files"
            if refused.reason is files.Refusal.TOO_LARGE
            else "give a regular CSV or YAML file; `beleid evaluate --help` lists the data options",
        )
        return None


def data_text(path: Path, data: bytes, diags: Diagnostics) -> str | None:
    """The bytes of a text data file as text (a byte-order mark dropped), or None after a D001
    (NUL bytes, not UTF-8).
    """
    if b"\x00" in data:
        diags.add(
            codes.DATA_UNREADABLE,
            Span.point(str(path)),
            f"`{path}` contains NUL bytes and looks binary",
            hint="monitoring data is CSV or YAML text",
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diags.add(
            codes.DATA_UNREADABLE,
            Span.point(str(path), line),
            f"`{path}` is not UTF-8 text",
            hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        )
        return None


def _rows(path: Path, text: str, diags: Diagnostics) -> tuple[list[str] | None, list[Row]]:
    """The header (None for YAML) and the raw records of a CSV or YAML file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(path, text, diags)
    if suffix in (".yaml", ".yml"):
        return None, _yaml_rows(path, text, diags)
    diags.add(
        codes.DATA_SYNTAX,
        Span.point(str(path)),
        f"`{path.name}`: unknown data file type `{suffix}`",
        hint="give a .csv or .yaml file",
    )
    return None, []


def csv_rows(path: Path, text: str, diags: Diagnostics) -> tuple[list[str] | None, list[Row]]:
    """The header and rows of CSV text; a None header after a D002 (malformed CSV)."""
    found: list[tuple[int, list[str]]] = []
    names = split_csv(path, text, diags, lambda line, cells: found.append((line, cells)))
    if names is None:
        return None, []
    return names, [Row(line, dict(zip(names, cells, strict=True)), {}) for line, cells in found]


def split_csv(path: Path, text: str, diags: Diagnostics, take) -> list[str] | None:
    """CSV text split by the strict csv module: `take(line, cells)` for each record that has as
    many cells as the header, blank lines skipped; the header cells without surrounding blanks, or
    None after a D002 (malformed CSV; what was taken is then to be dropped) or a D026.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return []
        if repeated_column(path, header, diags):
            return None
        taken = 0
        for cells in reader:
            if not cells or cells == [""]:
                continue
            line = reader.line_num
            if taken >= MAX_ROWS:
                diags.add(
                    codes.TOO_MANY_ROWS,
                    Span.point(str(path), line),
                    f"`{path.name}` has more than {MAX_ROWS:,} rows",
                    hint="split the data into several files",
                )
                break
            if len(cells) != len(header):
                diags.add(
                    codes.RAGGED_ROW,
                    Span.point(str(path), line),
                    f"row has {len(cells)} fields, the header has {len(header)}",
                    hint="check for a stray or missing comma; quote text that contains commas",
                )
                continue
            take(line, cells)
            taken += 1
        return [h.strip() for h in header]
    except csv.Error as error:
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path), reader.line_num),
            f"malformed CSV: {error}",
            hint="check the quotes on this line: a quoted field must end with a quote",
        )
        return None


def repeated_column(path: Path, header: list[str], diags: Diagnostics) -> bool:
    """Whether the header names a column twice (D026, at the second): a dict of the row would
    keep only the last value, silently.
    """
    first: dict[str, int] = {}
    for position, cell in enumerate(header):
        match = HEADER_UNIT.match(cell)
        name = match.group(1) if match else cell.strip()
        column = sum(len(h) + 1 for h in header[:position]) + 1
        if name in first:
            diags.add(
                codes.DUPLICATE_COLUMN,
                Span.point(str(path), 1, column),
                f"the header names column `{name}` twice",
                hint="keep one column of each name; rename or remove the other",
                related=(Related("first named here", Span.point(str(path), 1, first[name])),),
            )
            return True
        first[name] = column
    return False


def _yaml_rows(path: Path, text: str, diags: Diagnostics) -> list[Row]:
    """The records of a YAML data file: a list of mappings, optionally under one top-level key."""
    data = load_yaml_text(text, path, diags, codes.DATA_SYNTAX, LineLoader)
    if data is UNREADABLE:
        return []
    if isinstance(data, dict) and len([k for k in data if not str(k).startswith("__")]) == 1:
        data = next(v for k, v in data.items() if not str(k).startswith("__"))
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            "a YAML data file must be a list of records",
            hint="write one `- indicator: ...` item per value, optionally under one top-level key",
        )
        return []
    rows = []
    for item in data[:MAX_ROWS]:
        # Not popped: a YAML alias (`- *a`) makes two items one dict, so it is read twice.
        line, columns = item["__line__"], item["__columns__"]
        record = {
            str(k): ("" if v is None else v)
            for k, v in item.items()
            if k not in ("__line__", "__columns__", "__lines__")
        }
        rows.append(Row(line, record, columns))
    if len(data) > MAX_ROWS:
        diags.add(
            codes.TOO_MANY_ROWS,
            Span.point(str(path)),
            f"`{path.name}` has more than {MAX_ROWS:,} records",
            hint="split the data into several files",
        )
    return rows


def _check_header(
    ctx: DataFile, header: list[str], required, schema: dict, record_type: str
) -> bool:
    """Whether a CSV header names every required column and only columns the schema knows."""
    known = list(schema["$defs"][record_type]["properties"])
    names = [HEADER_UNIT.match(h).group(1) if HEADER_UNIT.match(h) else h for h in header]
    ok = True
    for name in required:
        if name not in names:
            ctx.diags.add(
                codes.MISSING_COLUMN,
                Span.point(str(ctx.path)),
                f"`{ctx.path.name}` has no column `{name}`",
                hint=f"the header needs {', '.join(f'`{n}`' for n in required)}",
            )
            ok = False
    if record_type != "farm":
        for position, name in enumerate(names):
            if name not in known:
                column = sum(len(h) + 1 for h in header[:position]) + 1
                ctx.diags.add(
                    codes.UNKNOWN_COLUMN,
                    Span.point(str(ctx.path), 1, column),
                    f"unknown column `{name}`",
                    hint=did_you_mean(name, known) or f"columns: {', '.join(known)}",
                )
                ok = False
    return ok


def _column_of(row: Row, name: str, header: list[str] | None, lines: list[str]) -> int:
    """The 1-based column where field `name` starts on its line (unquoted CSV), else 1."""
    if header is None:
        return row.columns.get(name, 1)
    if name not in header or row.line > len(lines):
        return 1
    raw = lines[row.line - 1]
    if '"' in raw:
        return 1
    index = header.index(name)
    return sum(len(cell) + 1 for cell in raw.split(",")[:index]) + 1


def cell_number(text):
    """A cell as the JSON value it stands for: a finite number of the data grammar
    (compiler/data/numbers.py) where it writes one, None when empty, else the text, which the
    schema then refuses as not a number (D008, D023, D024).
    """
    if not isinstance(text, str):
        return text if not isinstance(text, float) or math.isfinite(text) else repr(text)
    stripped = text.strip()
    if stripped == "":
        return None
    value = read_number(stripped)
    return stripped if value is None else value


def cell_text(value) -> object:
    """A cell as text without surrounding blanks, a missing value as empty text, others as read."""
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else value
