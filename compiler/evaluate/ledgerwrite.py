"""Writing one run of a moment into the ledger, inside the caller's write transaction: the moment
row with its digests and receipt, trigger and target states, and the change blocks from the
previous moment's state to this evaluation's (compiler/evaluate/ledgerstate.py), with progress on
a terminal for a large population. The crash test pauses it half-way (PAUSE_VARIABLE).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import numpy as np

from compiler.evaluate import ledgerrows, ledgerstate, ledgerstore, progress
from compiler.evaluate.duties import DutyStatus

# Fault injection for the crash test: pause for this many seconds after writing half the rows.
PAUSE_VARIABLE = "BELEID_LEDGER_PAUSE_MIDWAY"


def write(db, evaluation, run: int, fingerprint, before: ledgerstate.State):
    """Replace the rows of `run` of the moment by this evaluation's (the caller commits): what
    changed since `before`, the previous moment's state. Returns the obligations open, the
    subjects on a step, the change entries written, and the state at this moment.
    """
    key = evaluation.moment.isoformat()
    policy_digest, data_digest, receipt = fingerprint
    ledgerstore.delete_run(db, key, run)
    db.execute("DELETE FROM events WHERE moment=?", (key,))
    db.execute(
        "INSERT INTO moments VALUES (?, ?, ?, ?, ?, ?)",
        (
            key,
            run,
            policy_digest,
            data_digest,
            dt.datetime.now(dt.UTC).isoformat(),
            receipt.to_json() if receipt else None,
        ),
    )
    db.executemany(
        "INSERT INTO triggers VALUES (?, ?, ?, ?)", ledgerrows.trigger_rows(evaluation, run)
    )
    db.executemany(
        "INSERT INTO targets VALUES (?, ?, ?, ?)", ledgerrows.target_rows(evaluation, run)
    )
    size = evaluation.population.size if evaluation.population is not None else 0
    with progress.bar(f"recording {key}", 2, "stages", size=size) as shown:
        shown.note("comparing")
        blocks, steps = ledgerstate.changes(db, evaluation, before)
        shown.update()
        shown.note("writing")
        names = sorted(blocks)
        for number, name in enumerate(names):
            if number == len(names) // 2:
                _pause_if_asked()
            ledgerstore.write_obligation(db, key, run, name, blocks[name])
        if not names:
            _pause_if_asked()
        for name, block in steps.items():
            ledgerstore.write_steps(db, key, run, name, block)
        shown.update()
    held = sum(o.count for o in evaluation.entity_obligations.values())
    held += sum(1 for d in evaluation.duties if d.status in (DutyStatus.DUE, DutyStatus.OVERDUE))
    on_steps = sum(int(np.count_nonzero(lad.steps)) for lad in evaluation.ladders.values())
    written = sum(len(b.subjects) for b in blocks.values()) + sum(
        len(b.subjects) for b in steps.values()
    )
    return held, on_steps, written, ledgerstate.applied(before, blocks, steps)


def _pause_if_asked() -> None:
    seconds = os.environ.get(PAUSE_VARIABLE)
    if seconds:
        print("ledger: paused mid-write", file=sys.stderr, flush=True)
        time.sleep(float(seconds))
