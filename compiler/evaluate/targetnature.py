"""Targets that are shown, not judged: a `doel` whose `soort` is not `doelstelling` (an estimate
the source gives, an option it names, a proposal of another body it reports) gets the status
`not_judged`, with a reason naming its kind, and keeps its latest observation, goal and deadline
so every output can show the data beside it. No gap, path verdict or per-entity verdict is kept:
those would judge it. docs/evaluation.md, 'Targets', states the rule.
"""

from __future__ import annotations

from dataclasses import replace

from compiler.check import views
from compiler.check.views import TargetNature
from compiler.evaluate.targets import TargetState, TargetStatus

# What each kind is, in plain English, as a reason starts.
NATURE_PHRASES = {
    TargetNature.RAMING: "an estimate the source gives, not a target",
    TargetNature.OPTIE: "an option the source names, not a decision",
    TargetNature.VOORSTEL: "a proposal of another body the source reports, not adopted",
}


def unjudged(
    targets: list[views.Target], statuses: dict[str, TargetStatus]
) -> dict[str, TargetStatus]:
    """The `not_judged` status of every target of a kind other than `doelstelling`, by id."""
    return {
        t.id: not_judged(statuses[t.id], t.nature)
        for t in targets
        if t.nature is not TargetNature.DOELSTELLING and t.id in statuses
    }


def not_judged(status: TargetStatus, nature: TargetNature) -> TargetStatus:
    """`status` with its judgement taken out: what was observed stays, the verdict goes."""
    return replace(
        status,
        status=TargetState.NOT_JUDGED,
        reason=f"{NATURE_PHRASES[nature]}: shown, not judged; {_seen(status)}",
        required=None,
        gap=None,
        gap_percent=None,
        path=(),
        tally=None,
        per_entity=None,
        range_end=None,
        ends=(),
        nature=nature,
    )


def _seen(status: TargetStatus) -> str:
    """What the data says, without comparing it with the goal."""
    observed = status.observed
    if observed is None:
        return f"no value of `{status.indicator}` is shown beside it"
    return f"the latest value is {observed.value:g} {status.unit} in {observed.period}"
