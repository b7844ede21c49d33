"""Coverage of policy tests: every trigger firing and not firing, each consequence and per-farm
obligation issued and not issued, each ladder step reached and each target decided, counted over
the evaluations the cases ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from compiler.check import views
from compiler.check.model import Policy
from compiler.evaluate.moment import Evaluation, TriggerState
from compiler.evaluate.targets import TargetState


@dataclass
class Coverage:
    """Every coverage item of the policy, and the ones some case exercised."""

    items: dict[str, set[str]] = field(default_factory=dict)  # category -> all items
    hit: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, policy: Policy) -> Coverage:
        """Every item of `policy`, none of them exercised yet."""
        triggers = policy.views(views.Trigger)
        consequences = {c.target.name for t in triggers for c in t.consequences}
        farm_duties = {o.id for o in policy.views(views.Obligation) if o.selection is not None}
        items = {
            "targets": {t.id for t in policy.views(views.Target)},
            "triggers": {f"{t.id}: {b}" for t in triggers for b in ("fired", "not fired")},
            "obligations": {
                f"{name}: {b}"
                for name in sorted(consequences | farm_duties)
                for b in ("issued", "not issued")
            },
            "ladder steps": {
                f"{ladder.id}: step {step.number}"
                for ladder in policy.views(views.Ladder)
                for step in ladder.steps
            },
        }
        return cls(items, {category: set() for category in items})

    def record(self, evaluation: Evaluation) -> None:
        """Count what one moment's evaluation exercised."""
        self._add(
            "targets",
            {
                t.target
                for t in evaluation.targets.values()
                if t.status not in (TargetState.NO_DATA, TargetState.CANNOT_DECIDE)
            },
        )
        self._add(
            "triggers",
            {
                f"{t.trigger}: {'fired' if t.state == TriggerState.FIRED else 'not fired'}"
                for t in evaluation.triggers.values()
                if t.state != TriggerState.UNDECIDED
            },
        )
        issued = {d.declaration for d in evaluation.duties} | {
            o.obligation
            for o in (
                *evaluation.entity_obligations.values(),
                *evaluation.regional_obligations.values(),
            )
            if o.count
        }
        in_force = set(evaluation.in_force)
        self._add(
            "obligations",
            {f"{name}: issued" for name in issued}
            | {f"{name}: not issued" for name in in_force - issued},
        )
        self._add(
            "ladder steps",
            {
                f"{ladder.ladder}: step {int(s)}"
                for ladder in evaluation.ladders.values()
                for s in np.unique(ladder.steps)
                if s > 0
            },
        )

    def _add(self, category: str, found: set[str]) -> None:
        self.hit[category] |= found & self.items[category]

    def percent(self, category: str | None = None) -> float:
        """The share exercised, of one category or (without one) of all items."""
        categories = [category] if category else list(self.items)
        total = sum(len(self.items[c]) for c in categories)
        return 100.0 * sum(len(self.hit[c]) for c in categories) / total if total else 100.0

    def missed(self, category: str) -> list[str]:
        """The items of `category` no case exercised, sorted."""
        return sorted(self.items[category] - self.hit[category])
