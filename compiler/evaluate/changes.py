"""What changed between two monitoring moments: obligations issued and ended and enforcement steps
raised, as the ledger recorded them; targets whose status changed and triggers that fired, from the
evaluations of the two moments.

Only `changes_between` reads the ledger, and only through its public read API (`Ledger.moments`,
`Ledger.history`), so a change of the ledger's storage needs adapting here alone. The ledger
(schema version 2) keeps no target statuses and offers no reader of trigger states, so `compare`
takes those from an evaluation of the earlier moment on the same data (`moment_changes` makes it).
Targets and triggers read only the series and each other, never the ledger's history, so that
evaluation needs none; it shows what the earlier moment says on today's data, which is what the
ledger recorded unless the data was revised since (the receipts say when it was).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from compiler.check.model import Policy
from compiler.data.types import Monitoring
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import FIRED, Evaluation, evaluate

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class StatusChange:
    """A target's status or a trigger's state at the earlier and the later moment (None: not in
    force then).
    """

    declaration: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ObligationChange:
    """The subjects (actors, or entities such as farms) an obligation became open for, and those
    it was open for at the earlier moment and no longer is (fulfilled, or no longer selected).
    """

    obligation: str
    issued: tuple[str, ...]
    ended: tuple[str, ...]


@dataclass(frozen=True)
class Escalation:
    """How many subjects moved from one step of an enforcement ladder to a higher one."""

    ladder: str
    before: int  # 0: not on the ladder at the earlier moment
    after: int
    count: int


@dataclass(frozen=True)
class MomentChanges:
    """What changed from `earlier` (the previous recorded moment; None when there is none) to
    `later`. `recorded` says whether `later` itself is in the ledger: the obligations and steps
    are known only then.
    """

    later: dt.date
    earlier: dt.date | None = None
    recorded: bool = False
    obligations: tuple[ObligationChange, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    targets: tuple[StatusChange, ...] = ()
    triggers: tuple[StatusChange, ...] = ()

    @property
    def fired(self) -> tuple[StatusChange, ...]:
        """The triggers that fired at the later moment."""
        return tuple(t for t in self.triggers if t.after == FIRED)

    @property
    def stopped(self) -> tuple[StatusChange, ...]:
        """The triggers that fired at the earlier moment and no longer do."""
        return tuple(t for t in self.triggers if t.before == FIRED and t.after != FIRED)


def changes_between(
    ledger_path: str | Path | None, earlier: dt.date | None, later: dt.date
) -> MomentChanges:
    """The obligations and ladder steps that changed from `earlier` to `later` in the ledger
    (`earlier` None: the last moment recorded before `later`). A missing ledger file is an empty
    history: nothing is created. LedgerError on a damaged one.
    """
    if ledger_path is None or str(ledger_path) == ":memory:" or not Path(ledger_path).exists():
        return MomentChanges(later)
    with Ledger(ledger_path, read_only=True) as ledger:
        moments = ledger.moments()
        if earlier is None:
            before = [m for m in moments if m < later]
            earlier = before[-1] if before else None
        recorded = later in moments
        if earlier is None or earlier not in moments or not recorded:
            return MomentChanges(later, earlier if earlier in moments else None, recorded)
        # history(day after m) is what the ledger knows at m: its open obligations and steps
        then, now = ledger.history(earlier + _DAY), ledger.history(later + _DAY)
    return MomentChanges(
        later,
        earlier,
        True,
        _obligation_changes(then.open_obligations, now.open_obligations),
        _escalations(then.steps, now.steps),
    )


def compare(changes: MomentChanges, before: Evaluation | None, after: Evaluation) -> MomentChanges:
    """`changes` with the targets whose status changed and the triggers whose state changed or
    that fired, from the evaluations of the earlier moment (None: there is none) and the later.
    """
    if before is None:
        return changes
    return replace(
        changes,
        targets=_state_changes(
            {k: t.status for k, t in before.targets.items()},
            {k: t.status for k, t in after.targets.items()},
        ),
        triggers=_state_changes(
            {k: t.state for k, t in before.triggers.items()},
            {k: t.state for k, t in after.triggers.items()},
            keep=lambda b, a: a == FIRED,
        ),
    )


def moment_changes(
    policy: Policy, monitoring: Monitoring, ledger_path: str | Path | None, after: Evaluation
) -> MomentChanges:
    """What changed from the previous recorded moment to `after`'s moment: the ledger's record and
    the earlier moment evaluated again on `monitoring`.
    """
    changes = changes_between(ledger_path, None, after.moment)
    if changes.earlier is None:
        return changes
    return compare(changes, evaluate(policy, monitoring, changes.earlier), after)


def _state_changes(before: Mapping, after: Mapping, keep=lambda b, a: False) -> tuple:
    return tuple(
        StatusChange(ident, before.get(ident), after.get(ident))
        for ident in sorted(before.keys() | after.keys())
        if before.get(ident) != after.get(ident) or keep(before.get(ident), after.get(ident))
    )


def _obligation_changes(then: Mapping, now: Mapping) -> tuple[ObligationChange, ...]:
    found = []
    for obligation in sorted(then.keys() | now.keys()):
        old, new = set(then.get(obligation, {})), set(now.get(obligation, {}))
        if old != new:
            found.append(
                ObligationChange(obligation, tuple(sorted(new - old)), tuple(sorted(old - new)))
            )
    return tuple(found)


def _escalations(then: Mapping, now: Mapping) -> tuple[Escalation, ...]:
    counts: dict[tuple[str, int, int], int] = {}
    for ladder, subjects in now.items():
        old = then.get(ladder, {})
        for subject, step in subjects.items():
            if step > old.get(subject, 0):
                key = (ladder, old.get(subject, 0), step)
                counts[key] = counts.get(key, 0) + 1
    return tuple(Escalation(*key, n) for key, n in sorted(counts.items()))
