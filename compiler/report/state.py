"""The monitoring report as data: an `Evaluation` reduced to what the report shows.

The figures come from `compiler.evaluate.outcomes.to_json` (the same data `beleid evaluate
--format json` prints), so the report and the command line cannot disagree; this module adds the
full observed series for the plots, the duties grouped per actor, the counts the overview needs,
the columns of the tables of the obligations on provinces (and other kinds), and whether the farms
every farm figure is derived from are the synthetic population (compiler/evaluate/regionview.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.evaluate import outcomes
from compiler.evaluate.changes import MomentChanges
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import Evaluation
from compiler.evaluate.regionview import computed_columns, farms_are_synthetic
from compiler.evaluate.targets import STATUSES

# The order of the duties of one actor in the report.
_DUTY_ORDER = (DutyStatus.OVERDUE, DutyStatus.DUE, DutyStatus.NOT_YET, DutyStatus.FULFILLED)


@dataclass(frozen=True)
class MonitoringState:
    """What the monitoring report shows of one evaluated moment."""

    moment: str
    data: dict  # outcomes.to_json of the evaluation
    status_counts: dict[str, int]
    series: dict[
        str, tuple[tuple[int, float, str, str], ...]
    ]  # indicator -> (year, value, status, source)
    duties_by_actor: dict[str, list[dict]]
    overdue_reports: list[dict]
    farms: int | None
    # True when the farm table is generated: every figure derived from farms is then synthetic.
    synthetic: bool = False
    # Per obligation on another kind (`regional_obligations` of the data): its entities' columns,
    # each {"id", "unit", "computed"} (computed from farms, or read from the kind's table).
    regional_columns: dict[str, list[dict]] = field(default_factory=dict)
    # What the figures were computed from (compiler/evaluate/receipt.py `summary`), if known.
    receipt: dict | None = None
    # What changed since the previous recorded moment (compiler/evaluate/changes.py), if known.
    changes: MomentChanges | None = None

    @property
    def regional(self) -> list[dict]:
        return self.data["regional_obligations"]

    @property
    def targets(self) -> list[dict]:
        return self.data["targets"]

    def target(self, ident: str) -> dict | None:
        return next((t for t in self.targets if t["id"] == ident), None)


def build(evaluation: Evaluation, receipt: dict | None = None) -> MonitoringState:
    """The report's view of the evaluation; `receipt` is what it was computed from."""
    data = outcomes.to_json(evaluation)
    counts = {
        status: sum(1 for t in data["targets"] if t["status"] == status) for status in STATUSES
    }
    indicators = {t["indicator"] for t in data["targets"]}
    series = {
        name: tuple(
            (o.year, o.value, o.status, o.citation)
            for o in evaluation.monitoring.series.of(name)
            if o.date <= evaluation.moment
        )
        for name in sorted(indicators)
    }
    by_actor: dict[str, list[dict]] = {}
    for duty in sorted(
        data["duties"], key=lambda d: (_DUTY_ORDER.index(d["status"]), d["due"] or "", d["id"])
    ):
        by_actor.setdefault(duty["actor"] or "", []).append(duty)
    overdue_reports = [
        d for d in data["duties"] if d["kind"] == "borging" and d["status"] == DutyStatus.OVERDUE
    ]
    population = evaluation.population
    return MonitoringState(
        data["moment"],
        data,
        counts,
        series,
        dict(sorted(by_actor.items())),
        overdue_reports,
        population.size if population is not None else None,
        farms_are_synthetic(evaluation),
        {o["id"]: _columns(evaluation, o) for o in data["regional_obligations"]},
        receipt,
    )


def _columns(evaluation: Evaluation, obligation: dict) -> list[dict]:
    """The value columns of an obligation's entities, in the order `beleid evaluate` gives them."""
    computed = computed_columns(evaluation, obligation["kind"])
    names = obligation["entities"][0]["values"] if obligation["entities"] else {}
    return [
        {"id": name, "unit": evaluation.indicator_units.get(name), "computed": name in computed}
        for name in names
    ]
