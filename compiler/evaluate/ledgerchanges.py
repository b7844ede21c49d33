"""What changed between two recorded moments (their current runs), as the ledger knows it: target
statuses and trigger states that differ, triggers that fired, and per obligation and ladder the
subjects whose obligation was issued, re-dated, fulfilled, ended or closed, or whose step went up
or down. For the "what changed since the last moment" page; `Ledger.changes` asks it.

Obligations and steps are compared as net changes from one moment's state to the other's: a farm
issued an obligation and freed of it in between does not appear. Why an obligation closed is the
reason recorded at the last moment in between that closed it. Subjects are label columns (UTF-8
bytes, `labels_of` decodes them), so a change for millions of farms is not a Python list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from compiler.evaluate import ledgerstate, ledgerstore, subjectkeys
from compiler.evaluate.ledgerstore import Change


class NotRecorded(LookupError):
    """A moment asked about is not in the ledger."""


@dataclass(frozen=True)
class StateChange:
    """A target's status or a trigger's state at both moments (None: not evaluated then)."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ObligationChanges:
    """One obligation's subjects (labels) per kind of change between the two moments."""

    obligation: str
    issued: np.ndarray
    redated: np.ndarray
    fulfilled: np.ndarray
    ended: np.ndarray
    closed: np.ndarray  # no longer open for another reason (no longer issued, undecided, gone)

    def counts(self) -> dict[str, int]:
        kinds = ("issued", "redated", "fulfilled", "ended", "closed")
        return {kind: len(getattr(self, kind)) for kind in kinds}


@dataclass(frozen=True)
class LadderChanges:
    """One ladder's subjects (labels) whose step rose, fell (still on it) or went to zero."""

    ladder: str
    escalated: np.ndarray
    lowered: np.ndarray
    left: np.ndarray

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("escalated", "lowered", "left")}


@dataclass(frozen=True)
class Changes:
    """Everything that changed from `since` to `until` (each at its current run)."""

    since: dt.date
    until: dt.date
    targets: tuple[StateChange, ...]
    triggers: tuple[StateChange, ...]
    fired: tuple[str, ...]  # triggers fired at `until` that had not fired at `since`
    obligations: tuple[ObligationChanges, ...]  # only obligations with a change
    ladders: tuple[LadderChanges, ...]  # only ladders with a change


def labels_of(column: np.ndarray, limit: int | None = None) -> list[str]:
    """The first `limit` (or all) subjects of a change column as text."""
    return subjectkeys.texts(column[:limit])


def between(db, since: dt.date, until: dt.date, runs: dict[dt.date, int]) -> Changes:
    """The changes from `since` to `until`; `runs`: the current run of each recorded moment."""
    for moment in (since, until):
        if moment not in runs:
            raise NotRecorded(f"{moment} is not recorded in the ledger")
    if until < since:
        since, until = until, since
    a, b = (since.isoformat(), runs[since]), (until.isoformat(), runs[until])
    labels = ledgerstore.labels(db)
    before, after = ledgerstate.derive(db, a[0], a), ledgerstate.derive(db, b[0], b)
    reasons = _last_closing(db, a[0], b)
    obligations = []
    for name in sorted(before.obligations.keys() | after.obligations.keys()):
        delta = ledgerstate.obligation_delta(
            before.obligations.get(name, ledgerstate.Open()),
            after.obligations.get(name, ledgerstate.Open()),
        )
        codes = delta.changes.copy()
        closing = codes >= ledgerstore.CLOSING
        codes[closing] = reasons.get(name, _Reasons.NONE).of(delta.subjects[closing])
        kinds = [labels[delta.subjects[codes == kind]] for kind in Change]
        if len(delta.subjects):
            obligations.append(ObligationChanges(name, *kinds))
    ladders = []
    for name in sorted(before.ladders.keys() | after.ladders.keys()):
        changed = _ladder(name, before.ladders.get(name), after.ladders.get(name), labels)
        if changed is not None:
            ladders.append(changed)
    targets = _states(db, "targets", "target", a, b)
    triggers = _states(db, "triggers", "trigger", a, b)
    fired = tuple(t.name for t in triggers if t.after == "fired")
    return Changes(since, until, targets, triggers, fired, tuple(obligations), tuple(ladders))


def _states(db, table: str, column: str, a, b) -> tuple[StateChange, ...]:
    query = f"SELECT {column}, state FROM {table} WHERE moment=? AND run=?"  # noqa: S608
    old, new = dict(db.execute(query, a).fetchall()), dict(db.execute(query, b).fetchall())
    return tuple(
        StateChange(name, old.get(name), new.get(name))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    )


def _ladder(name, before, after, labels) -> LadderChanges | None:
    before = before or ledgerstate.OnLadder()
    after = after or ledgerstate.OnLadder()
    delta = ledgerstate.step_delta(before, after)
    if not len(delta.subjects):
        return None
    at = np.searchsorted(before.ids, delta.subjects)
    at = np.minimum(at, max(len(before.ids) - 1, 0))
    was = np.zeros(len(delta.subjects), dtype=np.int8)
    if len(before.ids):
        present = before.ids[at] == delta.subjects
        was[present] = before.steps[at[present]]
    now = delta.steps
    return LadderChanges(
        name,
        labels[delta.subjects[now > was]],
        labels[delta.subjects[(now < was) & (now > 0)]],
        labels[delta.subjects[(now == 0) & (was > 0)]],
    )


class _Reasons:
    """The last closing code of each subject for one obligation, over the moments in between."""

    NONE: _Reasons

    def __init__(self, ids: np.ndarray, codes: np.ndarray) -> None:
        order = np.argsort(ids, kind="stable")
        ranked, ranked_codes = ids[order], codes[order]
        last = np.concatenate([ranked[1:] != ranked[:-1], [True]]) if len(ranked) else ranked
        self.ids, self.codes = ranked[last.astype(bool)], ranked_codes[last.astype(bool)]

    def of(self, ids: np.ndarray) -> np.ndarray:
        found = np.full(len(ids), Change.CLOSED, dtype=np.int8)
        if len(self.ids):
            at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
            hit = self.ids[at] == ids
            found[hit] = self.codes[at[hit]]
        return found


_Reasons.NONE = _Reasons(np.zeros(0, np.int64), np.zeros(0, np.int8))


def _last_closing(db, since: str, until: tuple[str, int]) -> dict[str, _Reasons]:
    """Per obligation, the reasons recorded by the moments after `since` up to `until`."""
    found: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for moment, name, block in ledgerstore.obligation_blocks(db, until[0], until):
        if moment > since:
            closing = block.changes >= ledgerstore.CLOSING
            found.setdefault(name, []).append((block.subjects[closing], block.changes[closing]))
    return {
        name: _Reasons(np.concatenate([i for i, _ in parts]), np.concatenate([c for _, c in parts]))
        for name, parts in found.items()
    }
