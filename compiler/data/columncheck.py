"""A column checked against the JSON Schema of its field all at once, with pyarrow compute and
NumPy: which rows the schema would refuse, the text without surrounding blanks, the numbers as
float64. It decides exactly what the row validator (compiler/data/validation.py over the records
`cell_number` and `cell_text` make) decides, row for row, and a differential test holds it to
that on random text; the diagnostics of a refused row are still the row validator's.

A number is a number only in the grammar of compiler/data/numbers.py (`NUMBER` is its
`PLAIN_NUMBER`, anchored for RE2) and finite; blanks are those of Python's `str.strip`. A Parquet
column holds text or numbers as stored: a column whose type cannot hold its field's values is a
`WrongType`, for the caller's D027.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Every character `str.isspace` takes (what `str.strip()` removes); tests compare it with Python.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NUMBER = r"^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
# The schema keywords a field of an entity table uses; any other is refused, never ignored.
KEYWORDS = frozenset({"type", "enum", "minimum", "minLength", "description", "title"})


@dataclass(frozen=True)
class Checked:
    """A column checked: the rows its field's schema refuses, and the values of the others."""

    invalid: np.ndarray  # bool, one per row
    text: pa.Array | pa.ChunkedArray | None = (
        None  # a text field: the cells without surrounding blanks
    )
    values: np.ndarray | None = None  # a number field: float64, NaN where refused


@dataclass(frozen=True)
class WrongType:
    """A Parquet column whose type cannot hold its field's values."""

    takes: str  # "text" or "numbers"
    stored: str  # the Arrow type, as pyarrow names it


def takes_numbers(prop: dict) -> bool:
    """Whether a field's schema takes numbers (a number, or a choice of numbers such as 0 or 1)."""
    if set(prop) - KEYWORDS:
        raise ValueError(f"no columnar check for the schema keywords of {prop}")
    if "enum" in prop:
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in prop["enum"])
    return prop.get("type") == "number"


def check_column(prop: dict, column: pa.Array | pa.ChunkedArray) -> Checked | WrongType:
    """The rows of `column` the field's schema `prop` refuses, and its text or numbers."""
    if takes_numbers(prop):
        return _numbers(prop, column)
    if "enum" not in prop and prop.get("type") != "string":
        raise ValueError(f"no columnar check for {prop}")
    if not (_is_text(column.type) or pa.types.is_null(column.type)):
        return WrongType("text", str(column.type))
    text = stripped(column)
    invalid = np.zeros(len(column), dtype=bool)
    if "minLength" in prop:
        invalid |= _bools(pc.less(pc.utf8_length(text), prop["minLength"]))
    if "enum" in prop:
        invalid |= ~_bools(pc.is_in(text, value_set=pa.array(prop["enum"], type=pa.string())))
    return Checked(invalid, text=text)


def stripped(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells without the blanks `str.strip` removes; a missing (null) cell is empty text."""
    if pa.types.is_null(column.type):
        return pa.array([""] * len(column), type=pa.string())
    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    return pc.utf8_trim(pc.fill_null(column, ""), characters=WHITESPACE)


def _numbers(prop: dict, column: pa.Array | pa.ChunkedArray) -> Checked | WrongType:
    kind = column.type
    if _is_text(kind):
        text = stripped(column)
        plain = pc.match_substring_regex(text, NUMBER)
        values = _floats(pc.cast(pc.if_else(plain, text, None), pa.float64()))
        invalid = ~_bools(plain) | ~np.isfinite(values)
    elif pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind):
        values = _floats(pc.cast(column, pa.float64(), safe=False))
        invalid = ~np.isfinite(values)
    else:
        return WrongType("numbers", str(kind))
    with np.errstate(invalid="ignore"):
        if "minimum" in prop:
            invalid |= values < prop["minimum"]
        if "enum" in prop:
            invalid |= ~np.isin(values, np.array(prop["enum"], dtype=np.float64))
    if invalid.any():
        values = np.where(invalid, np.nan, values)
    return Checked(invalid, values=values)


def unicode_array(text: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Text cells as a NumPy unicode array; ASCII text without a Python string per cell."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks() if text.num_chunks else pa.array([], type=pa.string())
    text = pc.cast(text, pa.string())
    if len(text) == 0 or text.null_count or not pc.all(pc.string_is_ascii(text)).as_py():
        return np.array(text.to_pylist(), dtype=str)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[
        text.offset : text.offset + len(text) + 1
    ]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    width = max(int(lengths.max()), 1)
    if (lengths == width).all():
        cells = data[offsets[0] : offsets[-1]].reshape(len(text), width)
    else:
        cells = np.zeros((len(text), width), dtype=np.uint8)
        rows = np.repeat(np.arange(len(text)), lengths)
        places = np.arange(offsets[-1] - offsets[0]) - np.repeat(offsets[:-1] - offsets[0], lengths)
        cells[rows, places] = data[offsets[0] : offsets[-1]]
    # ASCII bytes are their own code points: widened to UCS-4, they are the unicode array.
    return cells.astype(np.uint32).view(f"<U{width}").ravel()


def repeats(keys: pa.Array | pa.ChunkedArray, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `among` (a mask) whose key an earlier row of `among` has, and that first row."""
    rows = np.flatnonzero(among)
    considered = keys if len(rows) == len(keys) else keys.take(pa.array(rows, type=pa.int64()))
    if len(rows) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # A stable sort keeps rows with the same key in their order: each run starts at its first.
    order = _ints(pc.sort_indices(considered))
    ordered = considered.take(pa.array(order))
    same = np.concatenate(([False], _bools(pc.equal(ordered[1:], ordered[:-1]))))
    if not same.any():
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    places = np.arange(len(order))
    starts = np.maximum.accumulate(np.where(same, 0, places))
    return rows[order[same]], rows[order[starts[same]]]


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        return _is_text(kind.value_type)
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _ints(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64)


def _floats(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64)
