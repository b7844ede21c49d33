"""Older ledgers brought to schema version 3, inside the caller's write transaction (a run killed
half-way leaves the old version intact).

Version 1 had no runs or receipts; its rows become run 1 of version 2 without a receipt. Version 2
stored every open obligation and ladder step per moment's run; each run becomes the change block
from the state of the previous moment's current run to its own, so every history answer stays the
same. Why an obligation closed is taken from the events: `ended` at that moment, a filed or
complied event known by then, or else closed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import numpy as np

from compiler.evaluate import ledgerstate, ledgerstore, subjectkeys
from compiler.evaluate.duties import FULFILLING_EVENTS
from compiler.evaluate.ledgerstore import Change

MIGRATABLE = (1, 2)  # older versions this module can bring up to ledgerstore.SCHEMA_VERSION

_V2_TABLES = {
    "moments": "moment TEXT NOT NULL, run INTEGER NOT NULL, policy_digest TEXT NOT NULL, "
    "data_digest TEXT NOT NULL, recorded_at TEXT NOT NULL, receipt TEXT, "
    "PRIMARY KEY(moment, run)",
    "triggers": "moment TEXT NOT NULL, run INTEGER NOT NULL, trigger TEXT NOT NULL, "
    "state TEXT NOT NULL, PRIMARY KEY(moment, run, trigger)",
    "obligations": "moment TEXT NOT NULL, run INTEGER NOT NULL, obligation TEXT NOT NULL, "
    "subject TEXT NOT NULL, issued TEXT NOT NULL, due TEXT, "
    "PRIMARY KEY(moment, run, obligation, subject)",
    "steps": "moment TEXT NOT NULL, run INTEGER NOT NULL, ladder TEXT NOT NULL, "
    "subject TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY(moment, run, ladder, subject)",
}
# Version 1's columns of each table, copied into version 2 with run 1 (and no receipt).
_FROM_V1 = {
    "moments": (
        "moment, 1, policy_digest, data_digest, recorded_at, NULL",
        "moment, run, policy_digest, data_digest, recorded_at, receipt",
    ),
    "triggers": ("moment, 1, trigger, state", "moment, run, trigger, state"),
    "obligations": (
        "moment, 1, obligation, subject, issued, due",
        "moment, run, obligation, subject, issued, due",
    ),
    "steps": ("moment, 1, ladder, subject, step", "moment, run, ladder, subject, step"),
}


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a ledger of `version` (one of MIGRATABLE) to the current version (inside a write
    transaction: all of it happens, or none). ValueError when its values are not beleid's.
    """
    if version == 1:
        _from_1(db)
    _from_2(db)
    db.execute(f"PRAGMA user_version={ledgerstore.SCHEMA_VERSION}")


def _from_1(db: sqlite3.Connection) -> None:
    for name, (selected, inserted) in _FROM_V1.items():
        db.execute(f"ALTER TABLE {name} RENAME TO {name}_v1")
        db.execute(f"CREATE TABLE {name}({_V2_TABLES[name]})")
        db.execute(f"INSERT INTO {name}({inserted}) SELECT {selected} FROM {name}_v1")  # noqa: S608
        db.execute(f"DROP TABLE {name}_v1")


def _from_2(db: sqlite3.Connection) -> None:
    for name in ("obligations", "steps"):
        db.execute(f"ALTER TABLE {name} RENAME TO {name}_v2")
    for name in ("targets", "subjects", "obligation_changes", "step_changes"):
        db.execute(f"CREATE TABLE {name}({ledgerstore.TABLES[name]})")
    db.execute("ALTER TABLE events RENAME TO events_v2")
    db.execute(f"CREATE TABLE events({ledgerstore.TABLES['events']})")
    db.execute(
        "INSERT INTO events(subject, obligation, event, date, moment) "
        "SELECT subject, obligation, event, date, moment FROM events_v2 ORDER BY rowid"
    )
    db.execute("DROP TABLE events_v2")
    numbers: dict[str, int] = {}
    current = dict(db.execute("SELECT moment, max(run) FROM moments GROUP BY moment").fetchall())
    state = ledgerstate.State()
    for moment in sorted(current):
        for (run,) in db.execute("SELECT run FROM moments WHERE moment=? ORDER BY run", (moment,)):
            after = _run_state(db, moment, run, numbers)
            _write_changes(db, moment, run, state, after, numbers)
            if run == current[moment]:
                kept = after
        state = kept
    if numbers:
        ledgerstore.add_labels(db, 0, subjectkeys.utf8(list(numbers)))
    db.execute("DROP TABLE obligations_v2")
    db.execute("DROP TABLE steps_v2")


def _run_state(db, moment: str, run: int, numbers: dict[str, int]) -> ledgerstate.State:
    """The full state version 2 stored for one run, numbered by subject."""
    grouped: dict[str, list[tuple[int, int, int]]] = {}
    for obligation, subject, issued, due in db.execute(
        "SELECT obligation, subject, issued, due FROM obligations_v2 WHERE moment=? AND run=?",
        (moment, run),
    ):
        grouped.setdefault(obligation, []).append(
            (_number(numbers, subject), _ordinal(issued), _ordinal(due) if due else 0)
        )
    obligations = {}
    for name, rows in grouped.items():
        ids, issued, due = (np.array(c, dtype=np.int64) for c in zip(*sorted(rows), strict=True))
        obligations[name] = ledgerstate.Open(ids, issued.astype(np.int32), due.astype(np.int32))
    stepped: dict[str, list[tuple[int, int]]] = {}
    for ladder, subject, step in db.execute(
        "SELECT ladder, subject, step FROM steps_v2 WHERE moment=? AND run=?", (moment, run)
    ):
        stepped.setdefault(ladder, []).append((_number(numbers, subject), int(step)))
    ladders = {}
    for name, rows in stepped.items():
        ids, steps = (np.array(c, dtype=np.int64) for c in zip(*sorted(rows), strict=True))
        ladders[name] = ledgerstate.OnLadder(ids, steps.astype(np.int8))
    return ledgerstate.State(obligations, ladders)


def _write_changes(db, moment: str, run: int, before, after, numbers: dict[str, int]) -> None:
    reasons = _Reasons(db, moment, numbers)
    for name in sorted(before.obligations.keys() | after.obligations.keys()):
        old = before.obligations.get(name, ledgerstate.Open())
        block = ledgerstate.obligation_delta(old, after.obligations.get(name, ledgerstate.Open()))
        closing = block.changes >= ledgerstore.CLOSING
        if np.any(closing):
            block.changes[closing] = [reasons.of(name, s) for s in block.subjects[closing].tolist()]
        if len(block.subjects):
            ledgerstore.write_obligation(db, moment, run, name, block)
    for name in sorted(before.ladders.keys() | after.ladders.keys()):
        old = before.ladders.get(name, ledgerstate.OnLadder())
        block = ledgerstate.step_delta(old, after.ladders.get(name, ledgerstate.OnLadder()))
        if len(block.subjects):
            ledgerstore.write_steps(db, moment, run, name, block)


class _Reasons:
    """Why an obligation closed for a subject at a moment, by the events version 2 kept."""

    def __init__(self, db, moment: str, numbers: dict[str, int]) -> None:
        self.ended: set[tuple[str, str]] = set()
        self.fulfilled: set[tuple[str, str]] = set()
        self.numbers, self.labels = numbers, None
        for subject, obligation, event, date in db.execute(
            "SELECT subject, obligation, event, date FROM events WHERE date <= ?", (moment,)
        ):
            if event == "ended" and date == moment:
                self.ended.add((subject, obligation))
            elif event in FULFILLING_EVENTS:
                self.fulfilled.add((subject, obligation))

    def of(self, obligation: str, number: int) -> int:
        if self.labels is None:
            self.labels = list(self.numbers)  # in order of number
        key = (self.labels[number], obligation)
        if key in self.fulfilled:
            return Change.FULFILLED
        return Change.ENDED if key in self.ended else Change.CLOSED


def _number(numbers: dict[str, int], subject: str) -> int:
    if not isinstance(subject, str):
        raise ValueError(f"the subject {subject!r} is not a text")
    return numbers.setdefault(subject, len(numbers))


def _ordinal(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()
