"""The ledger: an SQLite file recording every evaluated monitoring moment, and the history the next
moment reads from it.

One moment is written in one transaction: its digests, trigger states, the obligations open per
subject with their due dates, the enforcement step of every entity on a ladder, and the compliance
events known so far. Recording is idempotent (the same moment with the same inputs changes nothing)
and atomic (a run killed half-way leaves the file as it was: SQLite's rollback journal undoes it).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.data.types import Event
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import Evaluation, History
from dsl import codes, files
from dsl.source import Span

APPLICATION_ID = 0x62656C64  # "beld"
SCHEMA_VERSION = 1
# Fault injection for the crash test: pause for this many seconds after writing half the rows.
PAUSE_VARIABLE = "BELEID_LEDGER_PAUSE_MIDWAY"

_SCHEMA = """
CREATE TABLE moments(moment TEXT PRIMARY KEY, policy_digest TEXT NOT NULL,
                     data_digest TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TABLE triggers(moment TEXT NOT NULL, trigger TEXT NOT NULL, state TEXT NOT NULL,
                      PRIMARY KEY(moment, trigger));
CREATE TABLE obligations(moment TEXT NOT NULL, obligation TEXT NOT NULL, subject TEXT NOT NULL,
                         issued TEXT NOT NULL, due TEXT, PRIMARY KEY(moment, obligation, subject));
CREATE TABLE steps(moment TEXT NOT NULL, ladder TEXT NOT NULL, subject TEXT NOT NULL,
                   step INTEGER NOT NULL, PRIMARY KEY(moment, ladder, subject));
CREATE TABLE events(subject TEXT NOT NULL, obligation TEXT NOT NULL, event TEXT NOT NULL,
                    date TEXT NOT NULL, moment TEXT NOT NULL,
                    PRIMARY KEY(subject, obligation, event, date));
"""


class LedgerError(Exception):
    """A ledger problem to report as a diagnostic (L0xx) rather than a traceback."""

    def __init__(self, code: codes.Code, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _damaged(path: str, error: Exception) -> LedgerError:
    return LedgerError(
        codes.NOT_A_LEDGER,
        f"`{path}` is damaged or holds values beleid did not write ({error})",
        "move the file away and evaluate the moments again into a new ledger",
    )


def _refuse_unless_regular(path: str) -> None:
    """A FIFO, device or folder given as the ledger is refused before SQLite opens (and blocks
    on) it.
    """
    kind = files.not_regular(path)
    if kind is not None:
        raise LedgerError(
            codes.NOT_A_LEDGER,
            f"`{path}` is {kind}, not a ledger file",
            "give the path of a ledger file (or of a new one) as --ledger",
        )


def _reads(method):
    """A ledger method reading the file: a damaged file, or values in it that beleid did not write
    (a moment that is not a date, a step that is not a number), is L002, not a traceback.
    """

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, ValueError, TypeError) as error:
            raise _damaged(self.path, error) from None

    return guarded


@dataclass(frozen=True)
class Recorded:
    """What recording a moment did: whether anything changed; how many obligation and step rows."""

    moment: dt.date
    changed: bool  # False: the moment was already recorded with the same inputs
    obligations: int
    steps: int


class Ledger:
    """An open ledger file (`:memory:` for a throwaway one)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _refuse_unless_regular(self.path)
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.DatabaseError as error:
            raise LedgerError(
                codes.NOT_A_LEDGER,
                f"`{self.path}` is not a beleid ledger ({error})",
                "give another --ledger path, or move the file away",
            ) from None
        try:
            self._prepare()
        except LedgerError:
            self.db.close()  # a refused file is left as it was: no journal or WAL files linger
            raise
        except (
            sqlite3.DatabaseError,
            UnicodeDecodeError,
        ) as error:  # SQLite's message may quote bad bytes
            self.db.close()
            raise LedgerError(
                codes.NOT_A_LEDGER,
                f"`{self.path}` is not a beleid ledger ({error})",
                "give another --ledger path, or move the file away",
            ) from None

    def _prepare(self) -> None:
        """Create the tables in a new (empty) file, or check that the file is a ledger of this
        version; the file's settings (journal mode) change only after that check.
        """
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application == 0 and tables == 0:
            self._settings()
            self.db.execute("BEGIN IMMEDIATE")
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("COMMIT")
            return
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if application != APPLICATION_ID or version != SCHEMA_VERSION:
            raise LedgerError(
                codes.NOT_A_LEDGER,
                f"`{self.path}` is not a beleid ledger of version {SCHEMA_VERSION}",
                "give another --ledger path; beleid never changes a file it did not make",
            )
        self._settings()

    def _settings(self) -> None:
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------------------ reading

    @_reads
    def moments(self) -> list[dt.date]:
        rows = self.db.execute("SELECT moment FROM moments ORDER BY moment").fetchall()
        return [dt.date.fromisoformat(r[0]) for r in rows]

    @_reads
    def history(self, moment: dt.date) -> History:
        """What the ledger knows before `moment`: the previous moment's open obligations and steps,
        and every event recorded so far.
        """
        earlier = [m for m in self.moments() if m < moment]
        events = tuple(
            Event(s, o, e, dt.date.fromisoformat(d), Span.point(self.path))
            for s, o, e, d in self.db.execute("SELECT subject, obligation, event, date FROM events")
        )
        if not earlier:
            return History(events=events)
        previous = earlier[-1].isoformat()
        open_obligations: dict[str, dict[str, tuple[dt.date, dt.date | None]]] = {}
        for obligation, subject, issued, due in self.db.execute(
            "SELECT obligation, subject, issued, due FROM obligations WHERE moment=?", (previous,)
        ):
            open_obligations.setdefault(obligation, {})[subject] = (
                dt.date.fromisoformat(issued),
                dt.date.fromisoformat(due) if due else None,
            )
        steps: dict[str, dict[str, int]] = {}
        for ladder, subject, step in self.db.execute(
            "SELECT ladder, subject, step FROM steps WHERE moment=?", (previous,)
        ):
            steps.setdefault(ladder, {})[subject] = int(step)
        return History(earlier[-1], open_obligations, steps, events)

    @_reads
    def steps_of(self, ladder: str, subject: str) -> list[tuple[dt.date, int]]:
        rows = self.db.execute(
            "SELECT moment, step FROM steps WHERE ladder=? AND subject=? ORDER BY moment",
            (ladder, subject),
        )
        return [(dt.date.fromisoformat(m), s) for m, s in rows]

    # ------------------------------------------------------------------------------------ writing

    @_reads
    def check_order(
        self, moment: dt.date, policy_digest: str, data_digest: str, *, replace: bool
    ) -> bool:
        """True when `moment` is already recorded with these inputs (nothing to do); raises on
        conflict.
        """
        row = self.db.execute(
            "SELECT policy_digest, data_digest FROM moments WHERE moment=?", (moment.isoformat(),)
        ).fetchone()
        later = [m for m in self.moments() if m > moment]
        if row is not None and tuple(row) == (policy_digest, data_digest):
            return True
        if row is not None and not replace:
            raise LedgerError(
                codes.LEDGER_CONFLICT,
                f"{moment} is already recorded in `{self.path}` with other policy or data",
                "pass --replace to record it again, or use another --ledger",
            )
        if later:
            raise LedgerError(
                codes.MOMENT_OUT_OF_ORDER,
                f"`{self.path}` already holds {later[-1]}, after {moment}",
                "evaluate moments in order; start a new ledger to re-run history",
            )
        return False

    def record(
        self, evaluation: Evaluation, policy_digest: str, *, replace: bool = False
    ) -> Recorded:
        """Write one moment in one transaction; a no-op when it is already recorded identically."""
        moment = evaluation.moment
        data_digest = evaluation.monitoring.digest()
        if self.check_order(moment, policy_digest, data_digest, replace=replace):
            return Recorded(moment, False, 0, 0)
        obligations = list(_obligation_rows(evaluation))
        steps = list(_step_rows(evaluation))
        events = list(_event_rows(evaluation))
        key = moment.isoformat()
        try:
            self._write(key, evaluation, policy_digest, data_digest, obligations, steps, events)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            raise _damaged(self.path, error) from None
        return Recorded(moment, True, len(obligations), len(steps))

    def _write(
        self, key, evaluation, policy_digest, data_digest, obligations, steps, events
    ) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for table in ("moments", "triggers", "obligations", "steps", "events"):
                self.db.execute(f"DELETE FROM {table} WHERE moment=?", (key,))  # noqa: S608 - fixed names
            self.db.execute(
                "INSERT INTO moments VALUES (?, ?, ?, ?)",
                (key, policy_digest, data_digest, dt.datetime.now(dt.UTC).isoformat()),
            )
            self.db.executemany(
                "INSERT INTO triggers VALUES (?, ?, ?)",
                [(key, t.trigger, t.state) for t in evaluation.triggers.values()],
            )
            half = len(obligations) // 2
            self.db.executemany(
                "INSERT INTO obligations VALUES (?, ?, ?, ?, ?)", obligations[:half]
            )
            _pause_if_asked()
            self.db.executemany(
                "INSERT INTO obligations VALUES (?, ?, ?, ?, ?)", obligations[half:]
            )
            self.db.executemany("INSERT INTO steps VALUES (?, ?, ?, ?)", steps)
            self.db.executemany("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?)", events)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:  # SQLite has already rolled back after some errors
                self.db.execute("ROLLBACK")
            raise


def _pause_if_asked() -> None:
    seconds = os.environ.get(PAUSE_VARIABLE)
    if seconds:
        print("ledger: paused mid-write", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


def _obligation_rows(evaluation: Evaluation):
    key = evaluation.moment.isoformat()
    for duty in evaluation.duties:
        if duty.status in (DutyStatus.DUE, DutyStatus.OVERDUE):
            yield key, duty.declaration, duty.actor, key, duty.due.isoformat() if duty.due else None
    population = evaluation.population
    for obligation in evaluation.entity_obligations.values():
        rows = np.flatnonzero(obligation.selected)
        issued = obligation.issued_of(rows)
        due = obligation.due_of(rows)
        for index, i, d in zip(rows.tolist(), issued.tolist(), due.tolist(), strict=True):
            yield (
                key,
                obligation.obligation,
                population.label(index),
                dt.date.fromordinal(i).isoformat(),
                dt.date.fromordinal(d).isoformat() if d else None,
            )


def _step_rows(evaluation: Evaluation):
    key = evaluation.moment.isoformat()
    population = evaluation.population
    for ladder in evaluation.ladders.values():
        rows = np.flatnonzero(ladder.steps)
        for index, step in zip(rows.tolist(), ladder.steps[rows].tolist(), strict=True):
            yield key, ladder.ladder, population.label(index), step


def _event_rows(evaluation: Evaluation):
    """Events from the data, and `ended` where an obligation's selection no longer holds (e.g. the
    norm is met).
    """
    key = evaluation.moment.isoformat()
    for event in evaluation.monitoring.events:
        if event.date <= evaluation.moment:
            yield event.subject, event.obligation, event.event, event.date.isoformat(), key
    population = evaluation.population
    for obligation in evaluation.entity_obligations.values():
        for index in np.flatnonzero(obligation.ended).tolist():
            yield population.label(index), obligation.obligation, "ended", key, key
