"""The ledger: an SQLite file recording every evaluated monitoring moment, and the history the next
moment reads from it.

One moment is written in one transaction: its digests and receipt, trigger and target states, what
changed since the previous moment (obligations issued, re-dated, fulfilled, ended or closed per
subject, ladder steps changed; compiler/evaluate/ledgerstore.py, ledgerstate.py), and the
compliance events known so far. Recording is idempotent (the same moment with the same inputs
changes nothing), atomic (a run killed half-way leaves the file as it was: SQLite's rollback journal
undoes it) and serialised: the write lock is taken before anything it checks is read, so concurrent
writers wait their turn (up to a bounded time, then L006) and none loses or reorders another's
moment. A moment evaluated again from other inputs is refused (L001, L008), replaced when asked
(`replace`), or recorded as a new run of that moment (`new_run`), the earlier run kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from compiler.data.types import Event
from compiler.evaluate import (
    ledgerchanges,
    ledgerfailure,
    ledgermigrate,
    ledgerrows,
    ledgerstate,
    ledgerstore,
    ledgerwrite,
)
from compiler.evaluate import receipt as receipts
from compiler.evaluate.ledgerfailure import LedgerError
from compiler.evaluate.moment import Evaluation, History
from compiler.evaluate.receipt import Receipt
from dsl import codes, files
from dsl.source import Span

__all__ = ["LOCK_TIMEOUT", "PAUSE_VARIABLE", "Ledger", "LedgerError", "Recorded", "RecordedRun"]

APPLICATION_ID = ledgerstore.APPLICATION_ID
SCHEMA_VERSION = ledgerstore.SCHEMA_VERSION
LOCK_TIMEOUT = 60.0  # seconds a run waits for another process's write lock before L006
PAUSE_VARIABLE = ledgerwrite.PAUSE_VARIABLE


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
    (a moment that is not a date, a step that is not a number), is L002; a lock held too long,
    a full disk or a read-only file get their own codes; never a traceback.
    """

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            raise ledgerfailure.from_sqlite(self.path, error, self.timeout) from None
        except (ValueError, TypeError) as error:
            raise ledgerfailure.damaged(self.path, error) from None

    return guarded


@dataclass(frozen=True)
class Recorded:
    """What recording a moment did: whether anything changed; how many obligation and step rows;
    the number of the moment's run that now stands (1 unless a new run was asked for).
    `obligations` and `steps` count what is open and on a step at the moment; `changes` counts
    the change entries written.
    """

    moment: dt.date
    changed: bool  # False: the moment was already recorded with the same inputs
    obligations: int
    steps: int
    run: int = 1
    changes: int = 0


@dataclass(frozen=True)
class RecordedRun:
    """The current run of a recorded moment: its number, when, and its receipt (None when it was
    recorded before receipts).
    """

    moment: dt.date
    run: int
    recorded_at: str
    policy_digest: str
    data_digest: str
    receipt: Receipt | None


class Ledger:
    """An open ledger file (`:memory:` for a throwaway one). `read_only` opens the file without
    ever writing it (an older version is migrated in a copy in memory); `timeout` bounds the wait
    for another process's lock.
    """

    def __init__(
        self, path: str | Path, *, read_only: bool = False, timeout: float = LOCK_TIMEOUT
    ) -> None:
        self.path, self.read_only, self.timeout = str(path), read_only, timeout
        # The state after the moments up to one moment, kept while nobody writes the file:
        # (fingerprint, that moment, state); `_pending` until its transaction commits.
        self._cached: tuple | None = None
        self._pending: tuple | None = None
        # (how many, the newest number, the events, their keys) of the events read so far
        self._read_events: tuple | None = None
        if self.path != ":memory:":
            _refuse_unless_regular(self.path)
        self.db = self._connect()
        try:
            self._prepare()
        except LedgerError:
            self.db.close()  # a refused file is left as it was: no journal or WAL files linger
            raise
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # the message may quote bytes
            self.db.close()
            raise self._refused(error) from None

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.path == ":memory:":
                return sqlite3.connect(self.path, isolation_level=None)
            if self.read_only:
                uri = f"file:{urllib.parse.quote(os.path.abspath(self.path))}?mode=ro"
                return sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            return sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except OSError as error:
            raise ledgerfailure.from_os(self.path, error) from None
        except sqlite3.DatabaseError as error:
            raise self._refused(error) from None

    def _refused(self, error: Exception) -> LedgerError:
        """Why the file could not be opened as a ledger: not one (or damaged) is L002; a lock, a
        full disk or a read-only file have their own codes.
        """
        if isinstance(error, sqlite3.DatabaseError):
            code = ledgerfailure.primary_code(error)
            if code not in (ledgerfailure.SQLITE_NOTADB, ledgerfailure.SQLITE_CORRUPT, None):
                return ledgerfailure.from_sqlite(self.path, error, self.timeout)
        return ledgerfailure.not_a_ledger(self.path, error)

    def _prepare(self) -> None:
        """Create the tables in a new (empty) file, or check that the file is a ledger of this
        version (migrating an older one); the file's settings change only after that check.
        Creating and migrating happen under the write lock, so two first runs cannot both do it.
        """
        if self._is_empty():
            if self.read_only:
                self._copy_to_memory()
            with self.writing():
                if self._is_empty():
                    ledgerstore.create(self.db)
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        if application != APPLICATION_ID or not (
            version == SCHEMA_VERSION or version in ledgermigrate.MIGRATABLE
        ):
            raise ledgerfailure.other_version(self.path, SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            self._migrate()
        if not self.read_only:
            self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.execute("PRAGMA synchronous=FULL")

    def _is_empty(self) -> bool:
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return application == 0 and tables == 0

    def _migrate(self) -> None:
        """Bring an older ledger to this version: in the file under the write lock, or in a copy
        in memory when the file is only read.
        """
        if self.read_only:
            self._copy_to_memory()
        with self.writing():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:  # another process may have migrated it meanwhile
                try:
                    ledgermigrate.migrate(self.db, version)
                except (ValueError, TypeError) as error:
                    raise ledgerfailure.damaged(self.path, error) from None

    def _copy_to_memory(self) -> None:
        memory = sqlite3.connect(":memory:", isolation_level=None)
        self.db.backup(memory)
        self.db.close()
        self.db = memory

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock for the block: read, check and write as one transaction, committed
        at the end and rolled back on any error. Waits up to `timeout` for another writer (then
        L006); nested use joins the open transaction.
        """
        if self.db.in_transaction:
            yield
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self._pending = None
            try:
                yield
                self.db.execute("COMMIT")
                if self._pending is not None:
                    self._cached, self._pending = self._pending, None
            except BaseException:
                self._pending = None
                if self.db.in_transaction:  # SQLite has already rolled back after some errors
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as error:
            raise ledgerfailure.from_sqlite(self.path, error, self.timeout) from None

    # ------------------------------------------------------------------------------------ reading

    @_reads
    def moments(self) -> list[dt.date]:
        rows = self.db.execute("SELECT DISTINCT moment FROM moments ORDER BY moment").fetchall()
        return [dt.date.fromisoformat(r[0]) for r in rows]

    @_reads
    def recorded(self, moment: dt.date) -> RecordedRun | None:
        """The current (latest) run of `moment`, or None when the moment is not recorded."""
        row = self.db.execute(
            "SELECT run, recorded_at, policy_digest, data_digest, receipt FROM moments "
            "WHERE moment=? ORDER BY run DESC LIMIT 1",
            (moment.isoformat(),),
        ).fetchone()
        if row is None:
            return None
        run, at, policy, data, receipt = row
        return RecordedRun(moment, int(run), str(at), policy, data, receipts.from_json(receipt))

    @_reads
    def history(self, moment: dt.date) -> History:
        """What the ledger knows before `moment`: the previous moment's open obligations and steps
        (of its current run), and every event recorded so far.
        """
        earlier = [m for m in self.moments() if m < moment]
        events = self._events()
        if not earlier:
            return History(events=events)
        state = self._state_after(earlier[-1])
        open_obligations, steps = ledgerstate.carried(state, ledgerstore.labels(self.db))
        return History(earlier[-1], open_obligations, steps, events)

    def _events(self) -> tuple[Event, ...]:
        """Every recorded event: those read before (while none of them was deleted since) and
        the newer ones, by number.
        """
        known, newest, events, keys = self._read_events or (0, 0, (), set())
        count = self.db.execute("SELECT count(*) FROM events WHERE id <= ?", (newest,)).fetchone()
        if count[0] != known:  # a moment replaced took some away: read them all again
            known, newest, events, keys = 0, 0, (), set()
        origin = Span.point(self.path)
        dates = functools.lru_cache(maxsize=None)(dt.date.fromisoformat)
        rows = self.db.execute(
            "SELECT id, subject, obligation, event, date FROM events WHERE id > ? ORDER BY id",
            (newest,),
        ).fetchall()
        if rows:
            added = tuple(Event(s, o, e, dates(d), origin) for _, s, o, e, d in rows)
            events, known, newest = events + added, known + len(rows), rows[-1][0]
            keys.update(row[1:] for row in rows)
        self._read_events = (known, newest, events, keys)
        return events

    def _new_events(self, evaluation: Evaluation):
        """The evaluation's event rows not recorded yet (INSERT OR IGNORE would skip the others,
        at the price of a look-up in SQLite's index each).
        """
        self._events()
        recorded = self._read_events[3]
        return [row for row in ledgerrows.event_rows(evaluation) if row[:4] not in recorded]

    def _fingerprint(self) -> tuple[int, int]:
        """Changes by this connection and commits by others: equal while the file is unchanged."""
        return self.db.total_changes, self.db.execute("PRAGMA data_version").fetchone()[0]

    def _state_after(self, latest: dt.date) -> ledgerstate.State:
        """The state after the current runs of every moment up to `latest` (a recorded moment)."""
        key = latest.isoformat()
        if self._cached is not None and self._cached[:2] == (self._fingerprint(), key):
            return self._cached[2]
        state = ledgerstate.derive(self.db, key, (key, self.recorded(latest).run))
        self._cached = (self._fingerprint(), key, state)
        return state

    @_reads
    def state(self, moment: dt.date) -> ledgerstate.State:
        """The open obligations and ladder steps at recorded `moment` (its current run), by
        subject number (`labels()` names them).
        """
        current = self.recorded(moment)
        if current is None:
            raise ValueError(f"{moment} is not recorded")
        return ledgerstate.derive(self.db, moment.isoformat(), (moment.isoformat(), current.run))

    @_reads
    def changes(self, since: dt.date, until: dt.date) -> ledgerchanges.Changes:
        """What changed from recorded moment `since` to recorded moment `until` (current runs):
        statuses and trigger states, triggers fired, obligations issued, re-dated, fulfilled,
        ended or closed, steps escalated, lowered or left (compiler/evaluate/ledgerchanges.py).
        NotRecorded when either moment is not recorded.
        """
        runs = {m: self.recorded(m).run for m in self.moments()}
        return ledgerchanges.between(self.db, since, until, runs)

    @_reads
    def changes_since_previous(self, moment: dt.date) -> ledgerchanges.Changes | None:
        """What changed at recorded `moment` since the moment before it; None for the first."""
        earlier = [m for m in self.moments() if m < moment]
        return self.changes(earlier[-1], moment) if earlier else None

    @_reads
    def labels(self):
        """Every subject's label (UTF-8 bytes) by its number (`labels[numbers]`)."""
        return ledgerstore.labels(self.db)

    @_reads
    def steps_of(self, ladder: str, subject: str) -> list[tuple[dt.date, int]]:
        """The steps of `subject` on `ladder` per recorded moment (its current run) at which it
        stood on a step above zero.
        """
        number = ledgerstore.labels(self.db).number(subject.encode())
        if number < 0:
            return []
        changed_at: dict[str, int] = {}
        for moment, name, block in ledgerstore.step_blocks(self.db, ledgerstore.END_OF_TIME):
            hit = np.flatnonzero(block.subjects == number) if name == ladder else ()
            if len(hit):
                changed_at[moment] = int(block.steps[hit[-1]])
        found, step = [], 0
        for moment in self.moments():
            step = changed_at.get(moment.isoformat(), step)
            if step > 0:
                found.append((moment, step))
        return found

    # ------------------------------------------------------------------------------------ writing

    def check_order(
        self,
        moment: dt.date,
        policy_digest: str,
        data_digest: str,
        *,
        replace: bool,
        receipt: Receipt | None = None,
        new_run: bool = False,
    ) -> bool:
        """True when `moment` is already recorded with these inputs (nothing to do); raises on
        conflict. Call it under `writing()`, or what it checked may change before the write.
        """
        return self._run_to_write(moment, policy_digest, data_digest, receipt, replace, new_run) < 0

    def record(
        self,
        evaluation: Evaluation,
        policy_digest: str,
        *,
        replace: bool = False,
        receipt: Receipt | None = None,
        new_run: bool = False,
    ) -> Recorded:
        """Write one moment in one transaction (under the write lock, which it takes unless the
        caller holds it); a no-op when it is already recorded identically.
        """
        moment = evaluation.moment
        data_digest = evaluation.monitoring.digest()
        with self.writing():
            run = self._run_to_write(moment, policy_digest, data_digest, receipt, replace, new_run)
            if run < 0:
                return Recorded(moment, False, 0, 0, -run)
            try:
                earlier = [m for m in self.moments() if m < moment]
                before = self._state_after(earlier[-1]) if earlier else ledgerstate.State()
                written = ledgerwrite.write(
                    self.db, evaluation, run, (policy_digest, data_digest, receipt), before
                )
                self.db.executemany(
                    "INSERT OR IGNORE INTO events(subject, obligation, event, date, moment) "
                    "VALUES (?, ?, ?, ?, ?)",
                    self._new_events(evaluation),
                )
            except UnicodeDecodeError as error:
                raise ledgerfailure.damaged(self.path, error) from None
            except ValueError as error:
                raise ledgerfailure.damaged(self.path, error) from None
            self._pending = (self._fingerprint(), moment.isoformat(), written[3])
        return Recorded(moment, True, *written[:2], run, written[2])

    @_reads
    def _run_to_write(self, moment, policy_digest, data_digest, receipt, replace, new_run) -> int:
        """The run number to write `moment` as, or minus the current run's number when it is
        already recorded with these inputs; raises L001, L008 or L003 on conflict.
        """
        current = self.recorded(moment)
        if current is not None and self._same_inputs(current, policy_digest, data_digest, receipt):
            return -current.run
        if current is not None and not (replace or new_run):
            changes = current.receipt.changes(receipt) if current.receipt and receipt else []
            raise ledgerfailure.conflict(self.path, current, changes)
        later = [m for m in self.moments() if m > moment]
        if later:
            raise ledgerfailure.out_of_order(self.path, moment, later[-1])
        if current is None:
            return 1
        return current.run + 1 if new_run else current.run

    @staticmethod
    def _same_inputs(current: RecordedRun, policy_digest, data_digest, receipt) -> bool:
        if (current.policy_digest, current.data_digest) != (policy_digest, data_digest):
            return False
        return receipt is None or current.receipt is None or not current.receipt.changes(receipt)
