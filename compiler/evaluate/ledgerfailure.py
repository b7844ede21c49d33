"""Why the ledger failed or refused, told truly: every SQLite or file-system error met while
opening, reading or writing a ledger becomes a LedgerError whose code and hint fit its cause (disk
full, read-only, locked by another process, damaged, another input/output failure), and so does a
refused recording (other inputs for a recorded moment, a moment out of order). Only a damaged file
is advised to be moved away; the others leave a good ledger that a later run can use as it is.
"""

from __future__ import annotations

import errno
import sqlite3

from dsl import codes

# SQLite's primary result codes (the low byte of an extended code), https://sqlite.org/rescode.html
SQLITE_ERROR = 1
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_SCHEMA = 17
SQLITE_CONSTRAINT = 19
SQLITE_MISMATCH = 20
SQLITE_AUTH = 23
SQLITE_NOTADB = 26
SQLITE_READONLY_ROLLBACK = SQLITE_READONLY | (3 << 8)  # a hot journal a read-only open cannot undo

_DAMAGED = {SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_ERROR, SQLITE_SCHEMA, SQLITE_MISMATCH}
_DAMAGED |= {SQLITE_CONSTRAINT}  # a ledger whose rows break its own keys was not written by us
_READ_ONLY = {SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH, SQLITE_CANTOPEN}
_LOCKED = {SQLITE_BUSY, SQLITE_LOCKED}

UNCHANGED = "this run changed nothing in it"


class LedgerError(Exception):
    """A ledger problem to report as a diagnostic (L0xx) rather than a traceback."""

    def __init__(self, code: codes.Code, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def damaged(path: str, error: Exception) -> LedgerError:
    """The file's content is broken, or holds values beleid did not write: the one case in which
    the ledger cannot be used again.
    """
    return LedgerError(
        codes.NOT_A_LEDGER,
        f"`{path}` is damaged or holds values beleid did not write ({error})",
        "move the file away, or pass another --ledger, and evaluate the moments again into a "
        "new ledger (--no-ledger evaluates without reading or writing one)",
    )


def disk_full(path: str, error: Exception) -> LedgerError:
    return LedgerError(
        codes.LEDGER_DISK_FULL,
        f"the disk (or the size limit) of `{path}` is full; {UNCHANGED} ({error})",
        "free space on that disk and evaluate again, or pass another --ledger on a disk with "
        "room; the ledger itself is intact",
    )


def read_only(path: str, error: Exception) -> LedgerError:
    return LedgerError(
        codes.LEDGER_READ_ONLY,
        f"`{path}` cannot be written: the file or its folder is read-only or not ours ({error})",
        "give write permission on the file and on its folder (SQLite writes a journal beside "
        "it), or pass another --ledger; the ledger itself is intact",
    )


def interrupted(path: str, error: Exception) -> LedgerError:
    return LedgerError(
        codes.LEDGER_READ_ONLY,
        f"`{path}` holds the journal of an interrupted write, which reading alone cannot roll "
        f"back ({error})",
        "run `beleid evaluate` (or open the ledger anywhere it can be written) once: that rolls "
        "the interrupted write back and leaves the ledger as its last commit left it; "
        "--no-ledger evaluates without it",
    )


def locked(path: str, error: Exception, timeout: float) -> LedgerError:
    return LedgerError(
        codes.LEDGER_LOCKED,
        f"`{path}` is locked by another process; gave up after waiting {timeout:g} s ({error})",
        "wait until the other run (an evaluate, simulate or a program holding the file) ends, "
        "then evaluate again, or pass another --ledger (or --no-ledger); the ledger itself is "
        "intact",
    )


def io_failure(path: str, error: Exception) -> LedgerError:
    return LedgerError(
        codes.LEDGER_IO_ERROR,
        f"reading or writing `{path}` failed ({error}); {UNCHANGED}",
        "check the --ledger path (a folder on it that is a file) and the disk or file system "
        "holding it (a removed drive, a network share), then evaluate again",
    )


def not_a_ledger(path: str, error: Exception) -> LedgerError:
    """The file could not be opened as a ledger at all: not SQLite, or damaged past reading."""
    return LedgerError(
        codes.NOT_A_LEDGER,
        f"`{path}` is not a beleid ledger, or is damaged ({error})",
        "give another --ledger path (or --no-ledger), or move the file away",
    )


def other_version(path: str, version: int) -> LedgerError:
    """The file is SQLite, but not a ledger of a version this beleid reads."""
    return LedgerError(
        codes.NOT_A_LEDGER,
        f"`{path}` is not a beleid ledger of version {version}",
        "give another --ledger path (or --no-ledger); beleid never changes a file it did not make",
    )


def conflict(path: str, current, changes: list[str]) -> LedgerError:
    """A recorded moment (`current`, a RecordedRun) evaluated again from other inputs: L008 naming
    the changed files and options when both runs have receipts, else L001.
    """
    if not changes:
        return LedgerError(
            codes.LEDGER_CONFLICT,
            f"{current.moment} is already recorded in `{path}` with other policy or data",
            "pass --replace to record it again, --new-run to record a separate run, or use "
            "another --ledger",
        )
    return LedgerError(
        codes.INPUTS_CHANGED,
        f"{current.moment} is recorded in `{path}` (run {current.run}, "
        f"{current.recorded_at[:19]}) from other inputs; changed since: {'; '.join(changes)}",
        "restore the recorded files to reproduce that run, or pass --new-run to record a "
        "separate run of this moment (the recorded one is kept)",
    )


def out_of_order(path: str, moment, latest) -> LedgerError:
    return LedgerError(
        codes.MOMENT_OUT_OF_ORDER,
        f"`{path}` already holds {latest}, after {moment}",
        f"evaluate moments in order; to evaluate {moment} anyway, pass --no-ledger (nothing "
        "is recorded) or another --ledger PATH (a new ledger, to re-run history from there)",
    )


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `error` (None when it carries none)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def from_sqlite(path: str, error: sqlite3.Error, timeout: float) -> LedgerError:
    """The LedgerError for an error SQLite raised on the ledger at `path`."""
    code = primary_code(error)
    shown = _described(error)
    if code in _LOCKED:
        return locked(path, shown, timeout)
    if code == SQLITE_FULL:
        return disk_full(path, shown)
    if getattr(error, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
        return interrupted(path, shown)
    if code in _READ_ONLY:
        return read_only(path, shown)
    if code in _DAMAGED or isinstance(error, sqlite3.IntegrityError):
        return damaged(path, shown)
    return io_failure(path, shown)


def from_os(path: str, error: OSError) -> LedgerError:
    """The LedgerError for a file-system error met while preparing the ledger's folder or file."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return read_only(path, error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(path, error)
    return io_failure(path, error)


def _described(error: sqlite3.Error) -> Exception:
    """The error with SQLite's name for its code appended (e.g. SQLITE_FULL), when it has one."""
    name = getattr(error, "sqlite_errorname", None)
    return Exception(f"{error}, {name}" if name else str(error))
