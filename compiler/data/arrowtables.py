"""Entity tables read into Arrow columns: a CSV file (every cell as text, so the data grammar
stays ours) or a Parquet file (its own types) becomes a `ColumnTable`, one column per header cell,
with the line of every row found only when a diagnostic needs it.

The bytes come from the one bounded reader (dsl/files.py, through `read_data_bytes`); pyarrow is
given a buffer over them, never a path. The structural faults are those of the row reader
(compiler/data/tables.py) with the same codes and lines: D001, D002, D014, D016, D026. A CSV
file without quotes below its header has one record per non-empty line, which pyarrow splits the
same way. A file with quotes below it is first split by Python's csv module (strict), exactly as
the row reader splits it, for its faults and the line of each record, because pyarrow reads some
malformed quoting (`"a"b`) that the strict reader refuses; pyarrow then splits the cells, and
where the two count different records the csv module's cells are taken, a batch at a time. A Parquet
row is located at the line it has in the same table written as CSV (the header is line 1, row 1
is line 2), so both formats give the same diagnostics.
"""

from __future__ import annotations

import array
import codecs
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from compiler.data import tables
from dsl import codes
from dsl.diagnostics import Diagnostics
from dsl.source import Span

SUFFIXES = (".csv", ".parquet")
_BATCH = 1 << 16  # rows of a quoted CSV file turned into columns at once


@dataclass
class ColumnTable:
    """A table as read: its header (cells without surrounding blanks), one Arrow column per
    header cell, and how to find the line of a row and the text of a line.
    """

    path: Path
    header: list[str]
    columns: list[pa.ChunkedArray]
    lines: TextLines
    row_lines: RowLines

    @property
    def size(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def cells(self, row: int) -> dict:
        """Row `row` (0-based) as header cell -> value as read (text, or a Parquet value)."""
        pairs = zip(self.header, self.columns, strict=True)
        return {cell: column[row].as_py() for cell, column in pairs}


class TextLines(Sequence):
    """The lines of a CSV file's text (none for Parquet), decoded on first use: the row reader's
    `DataFile.lines`, to find the column a field starts at.
    """

    def __init__(self, source: bytes | str | None) -> None:
        self._source = source
        self._lines: list[str] | None = None

    def _all(self) -> list[str]:
        if self._lines is None:
            source = self._source or ""
            text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
            self._lines, self._source = text.splitlines(), None
        return self._lines

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):
        return self._all()[index]


@dataclass
class RowLines:
    """The line each row of a table stands on (1-based, the header on line 1): given, or found in
    the bytes of a CSV file without quotes when first asked, leaving out the ragged records pyarrow
    skipped (their ordinals among the non-empty lines).
    """

    given: np.ndarray | None = None
    data: bytes | None = None
    skipped: list[int] = field(default_factory=list)

    def of(self, rows: np.ndarray) -> np.ndarray:
        if self.given is None:
            lines = non_empty_lines(self.data)[1:]
            if self.skipped:
                lines = np.delete(lines, np.array(self.skipped) - 2)
            self.given = lines
        return self.given[rows]


def non_empty_lines(data: bytes) -> np.ndarray:
    """The 1-based numbers of the non-empty lines of text without quotes, lines ending at a line
    feed, a carriage return and line feed, or a carriage return alone,
    as Python's csv module counts them.
    """
    text = np.frombuffer(data, dtype=np.uint8)
    newline, cr = text == 10, text == 13
    lone_cr = cr.copy()
    lone_cr[:-1] &= ~newline[1:]
    ends = np.flatnonzero(newline | lone_cr)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(text)]))
    length = stops - starts
    # A line ended by \r\n holds the \r: empty when that is all it holds.
    crlf = np.zeros(len(stops), dtype=bool)
    crlf[:-1] = newline[ends] & (ends > 0) & cr[np.maximum(ends - 1, 0)]
    empty = (length == 0) | ((length == 1) & crlf)
    return np.flatnonzero(~empty) + 1


def read_table(path: Path, diags: Diagnostics) -> ColumnTable | None:
    """The table at `path` (.csv or .parquet) as columns; None after a D001 or D002 (or D026)."""
    data = tables.read_data_bytes(path, diags)
    if data is None:
        return None
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet(path, data, diags)
    if suffix != ".csv":
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            f"`{path.name}`: an entity table must be a .csv or .parquet file",
            hint="export the table as CSV with a header row, or write it as Parquet",
        )
        return None
    # ASCII without NUL is UTF-8 text: only other bytes are decoded to be judged (D001).
    if (b"\x00" in data or not data.isascii()) and tables.data_text(path, data, diags) is None:
        return None
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    first = _first_line(body)
    header = _header(first)
    if header is None:
        return _by_rows(path, body.decode("utf-8"), diags)
    if b'"' in body[len(first) :]:
        return _quoted(path, body, len(header), diags)
    try:
        return _unquoted(path, body, header, diags)
    except pa.ArrowInvalid:  # a record longer than pyarrow's block: split it as the row reader does
        return _by_rows(path, body.decode("utf-8"), diags)


def _first_line(body: bytes) -> bytes:
    ends = [i for i in (body.find(b"\n"), body.find(b"\r")) if i >= 0]
    return body[: min(ends)] if ends else body


def _header(first: bytes) -> list[str] | None:
    """The cells of a first line that is a whole CSV record (quoted cells allowed), else None."""
    if not first:
        return None
    try:
        return next(csv.reader([first.decode("utf-8")], strict=True))
    except csv.Error:
        return None


def _by_rows(path: Path, text: str, diags: Diagnostics) -> ColumnTable | None:
    """A CSV text split as the row reader splits it, turned into columns a batch at a time."""
    batches: list[list[tuple]] = []
    batch: list[list[str]] = []
    lines = array.array("q")

    def take(line: int, cells: list[str]) -> None:
        batch.append(cells)
        lines.append(line)
        if len(batch) == _BATCH:
            batches.append(_as_columns(batch))
            batch.clear()

    header = tables.split_csv(path, text, diags, take)
    if header is None:
        return None
    if batch:
        batches.append(_as_columns(batch))
    columns = [
        pa.chunked_array([b[i] for b in batches], type=pa.string()) for i in range(len(header))
    ]
    given = np.frombuffer(lines, dtype=np.int64) if lines else np.empty(0, dtype=np.int64)
    return ColumnTable(path, header, columns, TextLines(text), RowLines(given=given))


def _quoted(path: Path, body: bytes, width: int, diags: Diagnostics) -> ColumnTable | None:
    """A CSV file with quotes below a one-line header: its records and their lines found by the
    strict csv module, as the row reader finds them, their cells split by pyarrow. Where the two
    do not count the same records, the csv module's cells are taken instead.
    """
    text = body.decode("utf-8")
    found = Diagnostics()
    lines = array.array("q")
    names = tables.split_csv(path, text, found, lambda line, cells: lines.append(line))
    if names is None:
        diags.extend(found)
        return None
    if len(lines) >= tables.MAX_ROWS:
        return _by_rows(path, text, diags)
    try:
        read = _pyarrow_csv(body, width, lambda row: "skip", threads=True, newlines=True)
    except pa.ArrowInvalid:
        return _by_rows(path, text, diags)
    if read.num_rows != len(lines):
        return _by_rows(path, text, diags)
    diags.extend(found)
    given = np.frombuffer(lines, dtype=np.int64) if lines else np.empty(0, dtype=np.int64)
    columns = [read.column(i) for i in range(width)]
    return ColumnTable(path, names, columns, TextLines(text), RowLines(given=given))


def _as_columns(batch: list[list[str]]) -> list[pa.Array]:
    return [pa.array(column, type=pa.string()) for column in zip(*batch, strict=True)]


def _unquoted(path: Path, body: bytes, header: list[str], diags: Diagnostics) -> ColumnTable | None:
    """A CSV file without quotes, split by pyarrow: one record per non-empty line."""
    if tables.repeated_column(path, header, diags):
        return None
    ragged: list[tuple[int, int]] = []

    def skip(row) -> str:
        ragged.append((row.number, row.actual_columns))
        return "skip"

    read = _pyarrow_csv(body, len(header), skip, threads=True)
    if any(number is None for number, _ in ragged):  # threads do not count lines: once more
        ragged.clear()
        read = _pyarrow_csv(body, len(header), skip, threads=False)
    row_lines = RowLines(data=body, skipped=[number for number, _ in ragged])
    if ragged:
        lines = non_empty_lines(body)
        for number, actual in ragged:
            diags.add(
                codes.RAGGED_ROW,
                Span.point(str(path), int(lines[number - 1])),
                f"row has {actual} fields, the header has {len(header)}",
                hint="check for a stray or missing comma; quote text that contains commas",
            )
    columns = [read.column(i) for i in range(len(header))]
    table = ColumnTable(path, [h.strip() for h in header], columns, TextLines(body), row_lines)
    return _within_row_limit(table, diags)


def _pyarrow_csv(
    body: bytes, width: int, on_ragged, *, threads: bool, newlines: bool = False
) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    return pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
        parse_options=pacsv.ParseOptions(
            invalid_row_handler=on_ragged, newlines_in_values=newlines
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    )


def _within_row_limit(table: ColumnTable, diags: Diagnostics) -> ColumnTable:
    """The table cut at MAX_ROWS rows, after a D016 at the first row past it."""
    if table.size <= tables.MAX_ROWS:
        return table
    line = int(table.row_lines.of(np.array([tables.MAX_ROWS]))[0])
    diags.add(
        codes.TOO_MANY_ROWS,
        Span.point(str(table.path), line),
        f"`{table.path.name}` has more than {tables.MAX_ROWS:,} rows",
        hint="split the data into several files",
    )
    table.columns = [column.slice(0, tables.MAX_ROWS) for column in table.columns]
    return table


def _parquet(path: Path, data: bytes, diags: Diagnostics) -> ColumnTable | None:
    """A Parquet file's columns, as stored; D002 when it is not one pyarrow can read."""
    try:
        read = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        diags.add(
            codes.DATA_SYNTAX,
            Span.point(str(path)),
            f"`{path.name}` is not a readable Parquet file: {error}",
            hint="write the table with a Parquet writer (pyarrow, pandas, polars, DuckDB),"
            " or give it as CSV",
        )
        return None
    header = list(read.column_names)
    if tables.repeated_column(path, header, diags):
        return None
    columns = [read.column(i) for i in range(read.num_columns)]
    lines = np.arange(read.num_rows, dtype=np.int64) + 2
    table = ColumnTable(
        path, [h.strip() for h in header], columns, TextLines(None), RowLines(given=lines)
    )
    return _within_row_limit(table, diags)
