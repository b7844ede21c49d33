"""One writer of the concurrency test (tests/test_ledger_concurrency.py), run as its own process:
`python -m tests.ledger_writer LEDGER WORKER ROUNDS WRITERS`.

It prepares the bundled policy and a small synthetic population once, marks itself ready beside
the ledger and waits until all WRITERS are (so the writers start together), then runs
`evaluate_and_record` ROUNDS times on one ledger, at moments in mixed order (mostly rising,
sometimes a year or two back), and prints one JSON line per round: the moment and the outcome
(`recorded`, `unchanged`, or the L0xx code with its message).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from compiler.evaluate import run
from compiler.evaluate.ledger import LedgerError

FIRST_YEAR = 2025


def moments(worker: int, rounds: int) -> list[dt.date]:
    """The moments one writer evaluates, in its order: rising, with steps back."""
    rng = random.Random(worker)
    return [
        dt.date(FIRST_YEAR + max(0, r + rng.choice((-2, -1, 0, 0, 1))), 12, 31)
        for r in range(rounds)
    ]


def wait_for_the_others(ledger: str, worker: int, writers: int) -> None:
    """Mark this writer ready beside the ledger; return when every writer is (or after 60 s)."""
    folder = Path(ledger).parent
    (folder / f"ready-{worker}").touch()
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < writers and time.monotonic() < deadline:
        time.sleep(0.005)


def main(ledger: str, worker: int, rounds: int, writers: int) -> None:
    request = run.EvaluationRequest(
        dt.date(FIRST_YEAR, 12, 31), data=run.DataRequest(farm_count=40), ledger=ledger
    )
    prepared = run.prepare(request)
    run.prepare = lambda *_args, **_kwargs: prepared  # the policy and data are the same each round
    wait_for_the_others(ledger, worker, writers)
    for moment in moments(worker, rounds):
        try:
            done = run.evaluate_and_record(dataclasses.replace(request, moment=moment))
            outcome = {"outcome": "recorded" if done.recorded.changed else "unchanged"}
        except LedgerError as error:
            outcome = {"outcome": error.code.id, "message": error.message, "hint": error.hint}
        print(json.dumps({"worker": worker, "moment": moment.isoformat(), **outcome}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
