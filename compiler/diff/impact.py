"""The impact of a policy change on the monitoring data: both versions evaluated on the same data.

`impact` reports the triggers and targets whose state differs, and per obligation the farms it
newly selects or no longer selects, counted by sector and province.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from compiler.check.model import Policy
from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.types import Monitoring
from compiler.diff.compare import PolicyDiff
from compiler.evaluate.moment import Evaluation, evaluate
from compiler.evaluate.outcomes import per_category


@dataclass(frozen=True)
class StateChange:
    """A trigger or target whose state differs; None where the version does not evaluate it."""

    id: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class FarmChange:
    """Farms that an obligation newly selects, and farms it no longer selects."""

    obligation: str
    before: int
    after: int
    newly: int
    no_longer: int
    newly_by_sector: dict[str, int]
    newly_by_province: dict[str, int]
    no_longer_by_sector: dict[str, int]
    no_longer_by_province: dict[str, int]


@dataclass(frozen=True)
class Impact:
    """What a change does to the evaluation of the same data at one moment."""

    moment: dt.date
    triggers: tuple[StateChange, ...]
    targets: tuple[StateChange, ...]
    obligations: tuple[FarmChange, ...]
    farms: int | None  # the size of the population, None without an entity table

    @property
    def is_empty(self) -> bool:
        """True when no trigger, target or farm is affected."""
        return not (self.triggers or self.targets or self.obligations)


def impact_on_data(
    diff: PolicyDiff, base: Policy, head: Policy, monitoring: Monitoring, moment: dt.date
) -> Impact:
    """Evaluate both versions against the same data at `moment` and report what differs."""
    before, after = evaluate(base, monitoring, moment), evaluate(head, monitoring, moment)
    names = diff.renamed
    triggers = _state_changes(
        {names.get(k, k): v.state for k, v in before.triggers.items()},
        {k: v.state for k, v in after.triggers.items()},
    )
    targets = _state_changes(
        {names.get(k, k): v.status for k, v in before.targets.items()},
        {k: v.status for k, v in after.targets.items()},
    )
    population = monitoring.population
    farms = _farm_changes(before, after, names) if population is not None else ()
    return Impact(
        moment, triggers, targets, farms, population.size if population is not None else None
    )


def _state_changes(before: dict[str, str], after: dict[str, str]) -> tuple[StateChange, ...]:
    return tuple(
        StateChange(i, before.get(i), after.get(i))
        for i in sorted(before.keys() | after.keys())
        if before.get(i) != after.get(i)
    )


def _farm_changes(
    before: Evaluation, after: Evaluation, names: Mapping[str, str]
) -> tuple[FarmChange, ...]:
    population = after.population
    nobody = np.zeros(population.size, dtype=bool)
    old = {names.get(k, k): v.selected for k, v in before.entity_obligations.items()}
    new = {k: v.selected for k, v in after.entity_obligations.items()}
    out = []
    for obligation in sorted(old.keys() | new.keys()):
        was, now = old.get(obligation, nobody), new.get(obligation, nobody)
        newly, gone = now & ~was, was & ~now
        if newly.any() or gone.any():
            out.append(
                FarmChange(
                    obligation,
                    int(np.count_nonzero(was)),
                    int(np.count_nonzero(now)),
                    int(np.count_nonzero(newly)),
                    int(np.count_nonzero(gone)),
                    per_category(newly, population.sector, FARM_SECTORS),
                    per_category(newly, population.province, PROVINCES),
                    per_category(gone, population.sector, FARM_SECTORS),
                    per_category(gone, population.province, PROVINCES),
                )
            )
    return tuple(out)
