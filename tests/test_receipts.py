"""Receipts (issue 20): every recorded moment stores what it was computed from; evaluating it again
from other inputs is refused naming the changed file (L008) unless a new run is asked for; the
same inputs stay idempotent; `explain` and the report show the receipt; a ledger of version 1
(without receipts) still opens.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from compiler.evaluate import receipt as receipts
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.run import (
    DataRequest,
    EvaluationRequest,
    evaluate_and_record,
    explain_moment,
)
from tests.conftest import ROOT

MOMENT = dt.date(2027, 12, 31)


def _request(tmp_path: Path, moment=MOMENT) -> EvaluationRequest:
    data = tmp_path / "monitoring"
    if not data.exists():
        shutil.copytree(ROOT / "monitoring", data, ignore=shutil.ignore_patterns("scenarios"))
    return EvaluationRequest(
        moment, data=DataRequest(data, farm_count=200), ledger=str(tmp_path / "ledger.sqlite")
    )


def _dump(path: str) -> list[str]:
    with sqlite3.connect(path) as db:
        lines = list(db.iterdump())
    db.close()
    return lines


def _change_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    index = data.index(b"110.3") if b"110.3" in data else data.rindex(b"1")
    data[index] = ord("2")
    path.write_bytes(bytes(data))


def test_a_changed_byte_in_a_data_file_is_refused_naming_the_file(tmp_path):
    request = _request(tmp_path)
    assert evaluate_and_record(request).recorded.changed
    before = _dump(request.ledger)
    _change_one_byte(tmp_path / "monitoring" / "series.csv")
    with pytest.raises(LedgerError) as caught:
        evaluate_and_record(request)
    assert caught.value.code.id == "L008"
    assert "monitoring/series.csv" in caught.value.message
    assert "provincies.csv" not in caught.value.message
    assert "--new-run" in caught.value.hint
    assert _dump(request.ledger) == before


def test_unchanged_inputs_stay_idempotent(tmp_path):
    request = _request(tmp_path)
    first = evaluate_and_record(request)
    before = _dump(request.ledger)
    again = evaluate_and_record(request)
    assert first.recorded.changed and not again.recorded.changed
    assert _dump(request.ledger) == before


def test_the_receipt_names_every_input_and_the_options(tmp_path):
    request = _request(tmp_path)
    evaluate_and_record(request)
    with Ledger(request.ledger) as ledger:
        receipt = ledger.recorded(MOMENT).receipt
    (series_hash,) = [h for p, h in receipt.files["data"].items() if p.endswith("/series.csv")]
    assert series_hash == receipts.file_hash(tmp_path / "monitoring" / "series.csv")
    assert receipt.files["rules"]["policy/actoren.policy"] == receipts.file_hash(
        ROOT / "policy" / "actoren.policy"
    )
    assert receipt.files["sources"] and all(p.endswith(".txt") for p in receipt.files["sources"])
    assert receipt.options == {"farm_count": 200, "seed": 2026, "keep_valid_rows": False}
    assert receipt.version == receipts.tool_version()


def test_a_new_run_keeps_the_recorded_one_and_stands_for_the_history(tmp_path):
    request = _request(tmp_path)
    evaluate_and_record(request)
    _change_one_byte(tmp_path / "monitoring" / "series.csv")
    second = evaluate_and_record(request, new_run=True)
    assert second.recorded.changed and second.recorded.run == 2
    assert not evaluate_and_record(request).recorded.changed  # run 2's inputs: idempotent
    with sqlite3.connect(request.ledger) as db:
        runs = db.execute("SELECT moment, run FROM moments ORDER BY run").fetchall()
    db.close()
    assert runs == [("2027-12-31", 1), ("2027-12-31", 2)]
    later = evaluate_and_record(_request(tmp_path, dt.date(2029, 12, 31)))
    assert later.evaluation.history.previous == MOMENT


def test_explain_shows_what_the_recorded_moment_was_computed_from(tmp_path):
    request = _request(tmp_path)
    evaluate_and_record(request)
    run = explain_moment(request, "nh3_landbouw", None)
    block = receipts.computed_from(run.receipt, run.recorded_run)
    assert block.startswith("Computed from (recorded run 1, ")
    assert "monitoring/series.csv" in block and "beleid version" in block
    assert "farm_count=200" in block and "today's inputs are the same" in block
    _change_one_byte(tmp_path / "monitoring" / "series.csv")
    run = explain_moment(request, "nh3_landbouw", None)
    assert "the inputs differ now: " in receipts.computed_from(run.receipt, run.recorded_run)


_V1_SCHEMA = """
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
INSERT INTO moments VALUES ('2027-12-31', 'p', 'd', '2026-01-01T00:00:00+00:00');
INSERT INTO obligations VALUES ('2027-12-31', 'maatregelen_boven_norm', 'B0000001',
                                '2027-12-31', '2035-12-31');
INSERT INTO steps VALUES ('2027-12-31', 'handhaving_doelsturing', 'B0000001', 2);
PRAGMA application_id=1650814052;
PRAGMA user_version=1;
"""


def _version_1_ledger(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    db.close()
    return path


def test_a_version_1_ledger_is_read_without_being_changed(tmp_path):
    path = _version_1_ledger(tmp_path / "old.sqlite")
    before = path.read_bytes()
    with Ledger(path, read_only=True) as ledger:
        assert ledger.moments() == [MOMENT]
        assert ledger.recorded(MOMENT).receipt is None
        history = ledger.history(dt.date(2029, 12, 31))
        assert history.steps == {"handhaving_doelsturing": {"B0000001": 2}}
    assert path.read_bytes() == before


def test_a_version_1_ledger_is_migrated_when_written(bundled_policy, tmp_path):
    path = _version_1_ledger(tmp_path / "old.sqlite")
    with Ledger(path) as ledger:
        assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == 3
        assert ledger.steps_of("handhaving_doelsturing", "B0000001") == [(MOMENT, 2)]
        run = ledger.recorded(MOMENT)
        assert (run.run, run.policy_digest, run.receipt) == (1, "p", None)
        open_obligations = ledger.history(dt.date(2029, 12, 31)).open_obligations
    assert open_obligations["maatregelen_boven_norm"]["B0000001"][1] == dt.date(2035, 12, 31)
