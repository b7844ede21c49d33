"""The ledger's state at a moment, derived by subject number with NumPy: the open obligations
(with issue and due dates) and ladder steps after applying every change block of the moments so
far, in order; and, for a newly evaluated moment, the change blocks that turn the previous state
into its state (compiler/evaluate/ledgerstore.py stores both).

No Python object is made per subject: states are sorted integer columns, changes are found with
`searchsorted` and `isin`, and labels are numbered through compiler/evaluate/subjectkeys.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from compiler.evaluate import ledgerrows, ledgerstore, subjectkeys
from compiler.evaluate.carried import LadderSteps, OpenObligations
from compiler.evaluate.ledgerstore import Change, ObligationChanges, StepChanges
from compiler.evaluate.moment import Evaluation

_NONE = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Open:
    """One obligation's open subjects: numbers (sorted), issue and due day ordinals."""

    ids: np.ndarray = field(default_factory=lambda: _NONE)
    issued: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    due: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))


@dataclass(frozen=True)
class OnLadder:
    """One ladder's subjects above step zero: numbers (sorted) and steps."""

    ids: np.ndarray = field(default_factory=lambda: _NONE)
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))


@dataclass(frozen=True)
class State:
    """Open obligations and ladder steps per declaration id at one moment."""

    obligations: dict[str, Open] = field(default_factory=dict)
    ladders: dict[str, OnLadder] = field(default_factory=dict)


# ----------------------------------------------------------------------------------- deriving


def derive(db, before: str, run: tuple[str, int] | None = None) -> State:
    """The state after the current runs of every moment before `before` (ISO date), and after
    `run` (moment, run) when given.
    """
    obligations: dict[str, Open] = {}
    for _moment, name, block in ledgerstore.obligation_blocks(db, before, run):
        obligations[name] = apply_obligation(obligations.get(name, Open()), block)
    ladders: dict[str, OnLadder] = {}
    for _moment, name, block in ledgerstore.step_blocks(db, before, run):
        ladders[name] = apply_steps(ladders.get(name, OnLadder()), block)
    return State(obligations, ladders)


def apply_obligation(state: Open, block: ObligationChanges) -> Open:
    if len(block.subjects) * 8 < len(state.ids):  # a few changes to many: no sort of them all
        return _apply_few(state, block)
    keep = ~np.isin(state.ids, block.subjects)
    opened = block.changes < ledgerstore.CLOSING
    ids = np.concatenate([state.ids[keep], block.subjects[opened]])
    order = np.argsort(ids, kind="stable")
    issued = np.concatenate([state.issued[keep], block.issued[opened]])[order]
    due = np.concatenate([state.due[keep], block.due[opened]])[order]
    return Open(ids[order], issued, due)


def _apply_few(state: Open, block: ObligationChanges) -> Open:
    """apply_obligation for a block much smaller than the state: the changed subjects found by
    binary search, removed, and the open ones put back in their sorted places.
    """
    at, present = _matched(state.ids, block.subjects)
    keep = np.ones(len(state.ids), dtype=bool)
    keep[at[present]] = False
    opened = block.changes < ledgerstore.CLOSING
    order = np.argsort(block.subjects[opened], kind="stable")
    new_ids = block.subjects[opened][order]
    ids = state.ids[keep]
    places = np.searchsorted(ids, new_ids)
    return Open(
        np.insert(ids, places, new_ids),
        np.insert(state.issued[keep], places, block.issued[opened][order]),
        np.insert(state.due[keep], places, block.due[opened][order]),
    )


def apply_steps(state: OnLadder, block: StepChanges) -> OnLadder:
    keep = ~np.isin(state.ids, block.subjects)
    on = block.steps > 0
    ids = np.concatenate([state.ids[keep], block.subjects[on]])
    order = np.argsort(ids, kind="stable")
    return OnLadder(ids[order], np.concatenate([state.steps[keep], block.steps[on]])[order])


def applied(state: State, blocks: dict, steps: dict) -> State:
    """`state` with one moment's change blocks applied."""
    obligations = dict(state.obligations)
    for name, block in blocks.items():
        obligations[name] = apply_obligation(obligations.get(name, Open()), block)
    ladders = dict(state.ladders)
    for name, block in steps.items():
        ladders[name] = apply_steps(ladders.get(name, OnLadder()), block)
    return State(obligations, ladders)


def carried(state: State, labels: subjectkeys.Labels):
    """The state as the History a moment reads: labels instead of numbers, empty ones left out."""
    obligations = {
        name: OpenObligations(labels[o.ids], o.issued, o.due)
        for name, o in sorted(state.obligations.items())
        if len(o.ids)
    }
    ladders = {
        name: LadderSteps(labels[o.ids], o.steps)
        for name, o in sorted(state.ladders.items())
        if len(o.ids)
    }
    return obligations, ladders


# ---------------------------------------------------------------------------------- recording


def changes(
    db, evaluation: Evaluation, before: State
) -> tuple[dict[str, ObligationChanges], dict[str, StepChanges]]:
    """The change blocks that take `before` (the previous moment's state) to the evaluation's;
    numbers the subjects not numbered yet (written to the key table in the caller's transaction).
    """
    held = ledgerrows.held(evaluation)
    on_ladders = ledgerrows.steps(evaluation)
    numbers = _Numbering(db, evaluation, held, on_ladders)
    blocks = {}
    for name in sorted(held.keys() | before.obligations.keys()):
        now = numbers.open(held.get(name))
        block = obligation_delta(before.obligations.get(name, Open()), now, numbers, held.get(name))
        if len(block.subjects):
            blocks[name] = block
    steps = {}
    for name in sorted(on_ladders.keys() | before.ladders.keys()):
        rows, values = on_ladders.get(name, (_NONE, np.zeros(0, np.int8)))
        ids = numbers.of_rows(rows)
        order = np.argsort(ids, kind="stable")
        block = step_delta(
            before.ladders.get(name, OnLadder()), OnLadder(ids[order], values[order])
        )
        if len(block.subjects):
            steps[name] = block
    numbers.save()
    return blocks, steps


def obligation_delta(before: Open, now: Open, numbers=None, held=None) -> ObligationChanges:
    """The changes from `before` to `now`; why each closed is asked of `held` (the masks of the
    evaluation, through `numbers`), else CLOSED.
    """
    at, present = _matched(before.ids, now.ids)
    new = ~present
    redated = present.copy()
    redated[present] = (before.issued[at[present]] != now.issued[present]) | (
        before.due[at[present]] != now.due[present]
    )
    closed = before.ids[~_matched(now.ids, before.ids)[1]]  # now.ids is sorted
    reasons = np.full(len(closed), Change.CLOSED, dtype=np.int8)
    if held is not None and held.fulfilled is not None and len(closed):
        rows = numbers.rows_of(closed)
        known = rows >= 0
        ended = np.zeros(len(closed), bool)
        fulfilled = np.zeros(len(closed), bool)
        ended[known] = held.ended[rows[known]]
        fulfilled[known] = held.fulfilled[rows[known]]
        reasons[ended] = Change.ENDED
        reasons[fulfilled] = Change.FULFILLED
    nothing = np.zeros(len(closed), np.int32)
    return ObligationChanges(
        np.concatenate([now.ids[new], now.ids[redated], closed]),
        np.concatenate(
            [
                np.full(np.count_nonzero(new), Change.ISSUED, np.int8),
                np.full(np.count_nonzero(redated), Change.REDATED, np.int8),
                reasons,
            ]
        ),
        np.concatenate([now.issued[new], now.issued[redated], nothing]),
        np.concatenate([now.due[new], now.due[redated], nothing]),
    )


def step_delta(before: OnLadder, now: OnLadder) -> StepChanges:
    """The subjects whose step differs between `before` and `now`, with their step now."""
    at, present = _matched(before.ids, now.ids)
    changed = ~present
    changed[present] = before.steps[at[present]] != now.steps[present]
    left = before.ids[~_matched(now.ids, before.ids)[1]]
    return StepChanges(
        np.concatenate([now.ids[changed], left]),
        np.concatenate([now.steps[changed], np.zeros(len(left), np.int8)]),
    )


def _matched(ranked: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `ids`, its place in the sorted `ranked` and whether it is there."""
    if not len(ranked):
        return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(ranked, ids), len(ranked) - 1)
    return at, ranked[at] == ids


class _Numbering:
    """Subject numbers for the population's rows and the actors one evaluation names: those the
    key table knows, and new ones for the rest (saved as one batch).
    """

    def __init__(self, db, evaluation: Evaluation, held, on_ladders) -> None:
        self.db = db
        self.known = ledgerstore.labels(db)
        population = evaluation.population
        rows = [h.rows for h in held.values()] + [r for r, _ in on_ladders.values()]
        self.population = (
            subjectkeys.of_population(population) if population is not None else _NONE.astype("S1")
        )
        wanted = np.zeros(len(self.population), dtype=bool)  # (np.unique would hash: slower)
        for some in rows:
            wanted[some] = True
        needed = np.flatnonzero(wanted)
        self.by_row = np.full(len(self.population), -1, dtype=np.int32)  # subject numbers
        if len(self.population) and len(self.known):
            rows = self.known.rows_in(subjectkeys.index_of_population(population))
            numbered = rows >= 0
            self.by_row[rows[numbered]] = np.flatnonzero(numbered)
        fresh = needed[self.by_row[needed] < 0]
        labels, inverse = subjectkeys.unique(self.population[fresh])
        self.by_row[fresh] = len(self.known) + inverse
        self.new = [labels]
        actors = sorted({a for h in held.values() for a in h.actors})
        self.actors = {}
        fresh_actors = []
        for actor in actors:  # few: each looked up on its own
            encoded = actor.encode()
            number = self.known.number(encoded)
            if number < 0:
                among_new = np.flatnonzero(labels == encoded) if len(encoded) <= 8 else []
                number = len(self.known) + (
                    int(among_new[0]) if len(among_new) else len(labels) + len(fresh_actors)
                )
                if not len(among_new):
                    fresh_actors.append(encoded)
            self.actors[actor] = number
        if fresh_actors:
            self.new.append(subjectkeys.utf8(fresh_actors))
        self._rows_of = None

    def of_rows(self, rows: np.ndarray) -> np.ndarray:
        return self.by_row[rows]

    def open(self, held) -> Open:
        if held is None:
            return Open()
        ids = np.concatenate([self.by_row[held.rows], [self.actors[a] for a in held.actors]])
        order = np.argsort(ids.astype(np.int64), kind="stable")
        return Open(ids.astype(np.int64)[order], held.issued[order], held.due[order])

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """The population row of each subject number; -1 for subjects not in the population."""
        if self._rows_of is None:
            numbered = np.flatnonzero(self.by_row >= 0)
            order = np.argsort(self.by_row[numbered], kind="stable")
            self._rows_of = (self.by_row[numbered][order], numbered[order])
        ranked, rows = self._rows_of
        if not len(ranked):
            return np.full(len(ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(ranked, ids), len(ranked) - 1)
        return np.where(ranked[at] == ids, rows[at], -1)

    def save(self) -> None:
        first = len(self.known)
        for batch in self.new:  # each batch at its own width
            ledgerstore.add_labels(self.db, first, batch)
            first += len(batch)
