"""The ledger: idempotent, atomic (a run killed with SIGKILL mid-write leaves it unchanged and
usable), and refuses conflicting, out-of-order or foreign files with L0xx diagnostics.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring
from compiler.evaluate.ledger import PAUSE_VARIABLE, Ledger, LedgerError
from compiler.evaluate.moment import evaluate
from tests.conftest import ROOT
from tests.evaluation_helpers import series

MOMENT = dt.date(2027, 12, 31)


def _evaluation(policy, moment=MOMENT, size=500, seed=1, ledger=None):
    history = ledger.history(moment) if ledger else None
    return evaluate(
        policy,
        Monitoring(series({"nh3_landbouw": {"2019": 110.3}}), generate_farms(size, seed)),
        moment,
        history,
    )


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def test_recording_the_same_moment_twice_changes_nothing(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        first = ledger.record(_evaluation(bundled_policy), "p1")
    before = _dump(path)
    with Ledger(path) as ledger:
        again = ledger.record(_evaluation(bundled_policy), "p1")
    assert first.changed and first.obligations > 0
    assert not again.changed
    assert _dump(path) == before


def test_other_inputs_for_a_recorded_moment_conflict(bundled_policy, tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record(_evaluation(bundled_policy), "p1")
        with pytest.raises(LedgerError) as caught:
            ledger.record(_evaluation(bundled_policy, seed=2), "p1")
        assert caught.value.code.id == "L001"
        assert ledger.record(_evaluation(bundled_policy, seed=2), "p1", replace=True).changed


def test_moments_are_recorded_in_order(bundled_policy, tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record(_evaluation(bundled_policy, dt.date(2029, 12, 31)), "p1")
        with pytest.raises(LedgerError) as caught:
            ledger.record(_evaluation(bundled_policy), "p1")
        assert caught.value.code.id == "L003"


@pytest.mark.parametrize("content", [b"not a database at all", None])
def test_a_foreign_file_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "other.sqlite"
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE people(name TEXT)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(LedgerError) as caught:
        Ledger(path)
    assert caught.value.code.id == "L002"
    assert path.read_bytes() == before


def test_history_carries_open_obligations_and_events(bundled_policy, tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record(_evaluation(bundled_policy), "p1")
        history = ledger.history(dt.date(2029, 12, 31))
    assert history.previous == MOMENT
    assert len(history.open_obligations["maatregelen_boven_norm"]) > 0
    issued, due = next(iter(history.open_obligations["maatregelen_boven_norm"].values()))
    assert (issued, due) == (MOMENT, dt.date(2035, 12, 31))


def _cli(*args: str, env=None, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "compiler.cli.main", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_a_run_killed_mid_write_leaves_the_ledger_unchanged_and_usable(tmp_path):
    ledger = str(tmp_path / "ledger.sqlite")
    common = ["--ledger", ledger, "--farm-count", "3000"]
    first = _cli("evaluate", "--as-of", "2027", *common)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    before = _dump(Path(ledger))
    env = {**os.environ, PAUSE_VARIABLE: "60"}
    victim = _cli("evaluate", "--as-of", "2029", *common, env=env)
    deadline = time.monotonic() + 120
    line = ""
    while "paused" not in line and time.monotonic() < deadline:
        line = victim.stderr.readline()
    assert "paused" in line, "the run never reached the middle of its write"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert _dump(Path(ledger)) == before  # the hot journal is rolled back on the next open
    again = _cli("evaluate", "--as-of", "2029", *common)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "recorded 2029-12-31" in out
    with Ledger(ledger) as reopened:
        assert reopened.moments() == [MOMENT, dt.date(2029, 12, 31)]
