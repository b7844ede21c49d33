"""SQLite failures on the ledger get distinct codes whose hints are true (issue 20, item 3): a full
disk (L004), a read-only file or folder (L005), a lock held by another process past the timeout
(L006), another file-system failure (L007), and a damaged file (L002, the only one whose hint says
to move the file away). Each is produced for real where it can be, and the mapping is checked
for every SQLite result code it names.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring
from compiler.evaluate import ledgerfailure
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import evaluate
from tests.evaluation_helpers import series

MOMENT = dt.date(2027, 12, 31)
MOVE_AWAY = "move the file away"


def _evaluation(policy, moment=MOMENT, size=500):
    farms = generate_farms(size, 1)
    return evaluate(policy, Monitoring(series({"nh3_landbouw": {"2019": 110.3}}), farms), moment)


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        lines = list(db.iterdump())
    db.close()
    return lines


def _sqlite_error(code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(f"failure {name}")
    error.sqlite_errorcode, error.sqlite_errorname = code, name
    return error


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        (13, "SQLITE_FULL", "L004"),
        (8, "SQLITE_READONLY", "L005"),
        (8 | (1 << 8), "SQLITE_READONLY_RECOVERY", "L005"),
        (3, "SQLITE_PERM", "L005"),
        (14, "SQLITE_CANTOPEN", "L005"),
        (5, "SQLITE_BUSY", "L006"),
        (6, "SQLITE_LOCKED", "L006"),
        (5 | (2 << 8), "SQLITE_BUSY_SNAPSHOT", "L006"),
        (11, "SQLITE_CORRUPT", "L002"),
        (26, "SQLITE_NOTADB", "L002"),
        (10, "SQLITE_IOERR", "L007"),
        (10 | (3 << 8), "SQLITE_IOERR_WRITE", "L007"),
    ],
)
def test_each_sqlite_result_code_maps_to_its_own_code_and_hint(code, name, expected):
    error = ledgerfailure.from_sqlite("l.sqlite", _sqlite_error(code, name), 5)
    assert error.code.id == expected
    assert name in error.message
    assert (MOVE_AWAY in error.hint) == (expected == "L002")


def test_a_full_disk_is_L004_and_leaves_the_ledger_as_it_was(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record(_evaluation(bundled_policy, size=50), "p")
    before = _dump(path)
    with Ledger(path) as ledger:
        pages = ledger.db.execute("PRAGMA page_count").fetchone()[0]
        ledger.db.execute(f"PRAGMA max_page_count={pages}")  # this connection may not grow it
        with pytest.raises(LedgerError) as caught:
            ledger.record(_evaluation(bundled_policy, dt.date(2029, 12, 31), 3000), "p")
    assert caught.value.code.id == "L004"
    assert "full" in caught.value.message and MOVE_AWAY not in caught.value.hint
    assert _dump(path) == before
    with Ledger(path) as ledger:
        assert ledger.moments() == [MOMENT]


def test_a_ledger_opened_read_only_is_L005_when_written(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record(_evaluation(bundled_policy), "p")
    before = path.read_bytes()
    with Ledger(path, read_only=True) as ledger, pytest.raises(LedgerError) as caught:
        ledger.record(_evaluation(bundled_policy, dt.date(2029, 12, 31)), "p")
    assert caught.value.code.id == "L005"
    assert "write permission" in caught.value.hint and MOVE_AWAY not in caught.value.hint
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="file permissions do not bind root")
def test_a_read_only_file_and_folder_are_L005(bundled_policy, tmp_path):
    folder = tmp_path / "ledgers"
    folder.mkdir()
    path = folder / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record(_evaluation(bundled_policy), "p")
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        with pytest.raises(LedgerError) as caught, Ledger(path) as ledger:
            ledger.record(_evaluation(bundled_policy, dt.date(2029, 12, 31)), "p")
        assert caught.value.code.id == "L005"
        with pytest.raises(LedgerError) as caught:
            Ledger(folder / "new" / "ledger.sqlite")
        assert caught.value.code.id == "L005"
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def test_a_ledger_locked_by_another_process_is_L006_after_the_timeout(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record(_evaluation(bundled_policy), "p")
    before = _dump(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # RESERVED: others may read, not write
    try:
        with Ledger(path, timeout=0.2) as ledger, pytest.raises(LedgerError) as caught:
            ledger.record(_evaluation(bundled_policy, dt.date(2029, 12, 31)), "p")
        assert caught.value.code.id == "L006"
        assert "locked by another process" in caught.value.message
        assert MOVE_AWAY not in caught.value.hint
        holder.execute("ROLLBACK")
        holder.execute("BEGIN EXCLUSIVE")  # nobody may even read
        with pytest.raises(LedgerError) as caught:
            Ledger(path, timeout=0.2)
        assert caught.value.code.id == "L006"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _dump(path) == before


def test_an_interrupted_write_read_only_is_L005_saying_how_to_roll_it_back():
    error = ledgerfailure.from_sqlite("l.sqlite", _sqlite_error(776, "SQLITE_READONLY_ROLLBACK"), 5)
    assert error.code.id == "L005"
    assert "interrupted write" in error.message and "beleid evaluate" in error.hint


def test_a_ledger_path_through_a_file_is_L007(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(LedgerError) as caught:
        Ledger(tmp_path / "file" / "ledger.sqlite")
    assert caught.value.code.id == "L007"
    assert MOVE_AWAY not in caught.value.hint


def test_a_damaged_ledger_is_the_only_failure_advised_to_be_moved_away(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    with pytest.raises(LedgerError) as caught:
        Ledger(path).moments()
    assert caught.value.code.id == "L002"
    assert MOVE_AWAY in caught.value.hint
