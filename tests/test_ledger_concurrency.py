"""Concurrent writers on one ledger (issue 20, item 2): four processes, twenty rounds each, moments
in mixed order. Afterwards every moment a writer recorded is in the ledger exactly once, the
moments were committed in date order, and every refused round said why (L003 or L006).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections import Counter

from tests.conftest import ROOT

WRITERS = 4
ROUNDS = 20


def _run_writers(ledger: str) -> list[dict]:
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ledger_writer",
                ledger,
                str(w),
                str(ROUNDS),
                str(WRITERS),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    rounds = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        rounds.extend(json.loads(line) for line in out.splitlines())
    return rounds


def test_concurrent_evaluate_runs_lose_nothing_and_keep_date_order(tmp_path):
    ledger = str(tmp_path / "ledger.sqlite")
    rounds = _run_writers(ledger)
    assert len(rounds) == WRITERS * ROUNDS
    with sqlite3.connect(ledger) as db:
        committed = [m for (m,) in db.execute("SELECT moment FROM moments ORDER BY rowid")]
    db.close()
    recorded = Counter(r["moment"] for r in rounds if r["outcome"] == "recorded")
    refused = [r for r in rounds if r["outcome"] not in ("recorded", "unchanged")]
    # every recording a writer reported is there, once: none overwrote another's
    assert recorded == Counter(committed), (recorded, committed)
    assert committed == sorted(committed), f"moments committed out of order: {committed}"
    assert len(committed) > 1
    for r in refused:  # every refusal says why
        assert r["outcome"] in ("L003", "L006"), r
        assert r["message"] and r["hint"], r
    for r in (r for r in rounds if r["outcome"] == "unchanged"):
        assert r["moment"] in recorded, r
