"""The ledger's tables (schema version 3) and their columns on disk: the key table of subject
labels, and the change blocks a moment's run writes, each a set of integer columns stored as
little-endian arrays in BLOBs, so a million changes are written and read as a few megabytes rather
than a million rows.

Version 3 records what changed at a moment rather than every open obligation: per obligation the
subjects it was issued to, re-dated for, or closed for (fulfilled, ended, or otherwise no longer
open), and per ladder the subjects whose step changed. Subjects are numbered once in `subjects`
(batches of labels; a label's number is its batch's `first` plus its place in the batch). A block
longer than PART entries is split in parts. Events are numbered in the order they were recorded,
a number never used again, so a reader fetches only the newer ones. ledgerstate.py derives the
open obligations and steps at a moment from the blocks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from compiler.evaluate import subjectkeys

APPLICATION_ID = 0x62656C64  # "beld"
SCHEMA_VERSION = 3
PART = 1 << 20  # entries per stored part of a change block
END_OF_TIME = "9999-12-31"  # after every moment (moments are ISO dates)

TABLES = {
    "moments": "moment TEXT NOT NULL, run INTEGER NOT NULL, policy_digest TEXT NOT NULL, "
    "data_digest TEXT NOT NULL, recorded_at TEXT NOT NULL, receipt TEXT, "
    "PRIMARY KEY(moment, run)",
    "triggers": "moment TEXT NOT NULL, run INTEGER NOT NULL, trigger TEXT NOT NULL, "
    "state TEXT NOT NULL, PRIMARY KEY(moment, run, trigger)",
    "targets": "moment TEXT NOT NULL, run INTEGER NOT NULL, target TEXT NOT NULL, "
    "state TEXT NOT NULL, PRIMARY KEY(moment, run, target)",
    "subjects": "first INTEGER PRIMARY KEY, count INTEGER NOT NULL, width INTEGER NOT NULL, "
    "labels BLOB NOT NULL",
    "obligation_changes": "moment TEXT NOT NULL, run INTEGER NOT NULL, obligation TEXT NOT NULL, "
    "part INTEGER NOT NULL, count INTEGER NOT NULL, subjects BLOB NOT NULL, "
    "changes BLOB NOT NULL, issued BLOB NOT NULL, due BLOB NOT NULL, "
    "PRIMARY KEY(moment, run, obligation, part)",
    "step_changes": "moment TEXT NOT NULL, run INTEGER NOT NULL, ladder TEXT NOT NULL, "
    "part INTEGER NOT NULL, count INTEGER NOT NULL, subjects BLOB NOT NULL, "
    "steps BLOB NOT NULL, PRIMARY KEY(moment, run, ladder, part)",
    "events": "id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT NOT NULL, "
    "obligation TEXT NOT NULL, event TEXT NOT NULL, date TEXT NOT NULL, moment TEXT NOT NULL, "
    "UNIQUE(subject, obligation, event, date)",
}
PER_MOMENT = ("moments", "triggers", "targets", "obligation_changes", "step_changes")
_CURRENT_RUNS = "(SELECT moment, max(run) AS run FROM moments GROUP BY moment)"


class Change(IntEnum):
    """What happened to an obligation for a subject at a moment."""

    ISSUED = 1  # open now, not open at the previous moment
    REDATED = 2  # open before and now, with another issue or due date
    FULFILLED = 3  # no longer open: a filed or complied event is known
    ENDED = 4  # no longer open: its selection no longer holds (e.g. the norm is met)
    CLOSED = 5  # no longer open otherwise: no longer issued, undecided, or the subject is gone


CLOSING = Change.FULFILLED  # codes from here on close an obligation


@dataclass(frozen=True)
class ObligationChanges:
    """One obligation's changes at a moment: subject numbers, Change codes, and the issue and due
    day ordinals of the subjects it is open for (0 for closed ones and for no due date).
    """

    subjects: np.ndarray  # int64
    changes: np.ndarray  # int8
    issued: np.ndarray  # int32
    due: np.ndarray  # int32


@dataclass(frozen=True)
class StepChanges:
    """One ladder's changes at a moment: subject numbers and their step now (0: off the ladder)."""

    subjects: np.ndarray  # int64
    steps: np.ndarray  # int8


def create(db: sqlite3.Connection) -> None:
    """Give an empty file the tables and identity of a ledger (inside a write transaction)."""
    for name, columns in TABLES.items():
        db.execute(f"CREATE TABLE {name}({columns})")
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def delete_run(db: sqlite3.Connection, moment: str, run: int) -> None:
    for table in PER_MOMENT:
        db.execute(f"DELETE FROM {table} WHERE moment=? AND run=?", (moment, run))  # noqa: S608 - fixed names


# ---------------------------------------------------------------------------------- subjects


def labels(db: sqlite3.Connection) -> subjectkeys.Labels:
    """Every numbered subject's label (UTF-8 bytes), by its number."""
    batches, expected = [], 0
    for first, count, width, blob in db.execute(
        "SELECT first, count, width, labels FROM subjects ORDER BY first"
    ):
        if first != expected or len(blob) != count * width or width < 1:
            raise ValueError(f"subject batch {first} is not {count} labels of {width} bytes")
        batches.append(np.frombuffer(blob, dtype=f"S{width}"))
        expected += count
    return subjectkeys.Labels(batches)


def add_labels(db: sqlite3.Connection, first: int, new: np.ndarray) -> None:
    """Number `new` labels (UTF-8 bytes) from `first` on."""
    if len(new):
        width = max(new.dtype.itemsize, 1)
        data = new.astype(f"S{width}").tobytes()
        db.execute("INSERT INTO subjects VALUES (?, ?, ?, ?)", (first, len(new), width, data))


# ------------------------------------------------------------------------------ change blocks


def write_obligation(db, moment: str, run: int, obligation: str, block: ObligationChanges) -> None:
    columns = (block.subjects, block.changes, block.issued, block.due)
    for part, start in enumerate(range(0, len(block.subjects), PART)):
        piece = [
            _blob(c[start : start + PART], t)
            for c, t in zip(columns, _OBLIGATION_TYPES, strict=True)
        ]
        db.execute(
            "INSERT INTO obligation_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (moment, run, obligation, part, min(PART, len(block.subjects) - start), *piece),
        )


def write_steps(db, moment: str, run: int, ladder: str, block: StepChanges) -> None:
    for part, start in enumerate(range(0, len(block.subjects), PART)):
        db.execute(
            "INSERT INTO step_changes VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                moment,
                run,
                ladder,
                part,
                min(PART, len(block.subjects) - start),
                _blob(block.subjects[start : start + PART], _ID),
                _blob(block.steps[start : start + PART], _STEP),
            ),
        )


def obligation_blocks(
    db: sqlite3.Connection, before: str, run: tuple[str, int] | None = None
) -> Iterator[tuple[str, str, ObligationChanges]]:
    """(moment, obligation, changes) of the current run of every moment before `before` (ISO
    date), in order of moment, and then those of `run` (moment, run) when given.
    """
    for moment, name, parts in _grouped(db, "obligation_changes", "obligation", before, run):
        columns = [
            np.concatenate([_array(p[i], t, p[0]) for p in parts])
            for i, t in enumerate(_OBLIGATION_TYPES, start=1)
        ]
        yield moment, name, ObligationChanges(columns[0].astype(np.int64), *columns[1:])


def step_blocks(
    db: sqlite3.Connection, before: str, run: tuple[str, int] | None = None
) -> Iterator[tuple[str, str, StepChanges]]:
    for moment, name, parts in _grouped(db, "step_changes", "ladder", before, run):
        subjects = np.concatenate([_array(p[1], _ID, p[0]) for p in parts]).astype(np.int64)
        yield (
            moment,
            name,
            StepChanges(subjects, np.concatenate([_array(p[2], _STEP, p[0]) for p in parts])),
        )


def _grouped(db, table: str, name: str, before: str, run: tuple[str, int] | None):
    """The parts of each block, grouped by (moment, name), in order."""
    blobs = (
        "count, subjects, changes, issued, due"
        if table == "obligation_changes"
        else "count, subjects, steps"
    )
    query = (
        f"SELECT c.moment, c.{name}, {blobs} FROM {table} c JOIN {_CURRENT_RUNS} r "  # noqa: S608
        f"ON c.moment = r.moment AND c.run = r.run WHERE c.moment < ? "
        f"ORDER BY c.moment, c.{name}, c.part"
    )
    rows = list(db.execute(query, (before,)))
    if run is not None:
        rows += db.execute(
            f"SELECT moment, {name}, {blobs} FROM {table} WHERE moment=? AND run=? "  # noqa: S608
            f"ORDER BY {name}, part",
            run,
        ).fetchall()
    group: list = []
    for row in rows:
        if group and (row[0], row[1]) != (group[0][0], group[0][1]):
            yield group[0][0], group[0][1], [g[2:] for g in group]
            group = []
        group.append(row)
    if group:
        yield group[0][0], group[0][1], [g[2:] for g in group]


_ID, _CODE, _DATE, _STEP = np.dtype("<i4"), np.dtype("i1"), np.dtype("<i4"), np.dtype("i1")
_OBLIGATION_TYPES = (_ID, _CODE, _DATE, _DATE)


def _blob(column: np.ndarray, dtype: np.dtype) -> bytes:
    return np.ascontiguousarray(column, dtype=dtype).tobytes()


def _array(blob: bytes, dtype: np.dtype, count: int) -> np.ndarray:
    if not isinstance(blob, bytes) or len(blob) != count * dtype.itemsize:
        raise ValueError(f"a change block does not hold {count} values of {dtype.itemsize} bytes")
    return np.frombuffer(blob, dtype=dtype)
