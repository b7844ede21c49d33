"""`beleid simulate`: a run of monitoring moments from a scenario, each evaluated against the ledger
the previous moments wrote, with farms behaving between moments as the scenario says.

Behaviour is columnar and seeded: a share of the farms holding an obligation files or complies, a
share of the farms over their norm reaches it, and a column can count how often a farm reached a
ladder step (so `overtredingen` grows with every sanction).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from compiler.check.model import Policy
from compiler.data.scenario import Scenario, apply_assumptions
from compiler.data.types import Event, Monitoring, Population
from compiler.evaluate import progress as shown_progress
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import Evaluation, TriggerState, evaluate
from compiler.evaluate.receipt import Receipt
from compiler.evaluate.targets import TargetState
from dsl.printable import escaped
from dsl.source import Span


@dataclass(frozen=True)
class MomentSummary:
    """A simulated moment: targets, triggers, obligations, ladders, overdue duties and events."""

    moment: dt.date
    targets: dict[str, TargetState]  # id -> status
    triggers: dict[str, tuple[TriggerState, str]]  # id -> (state, why)
    obligations: dict[str, tuple[int, int, int, str]]  # id -> (holding, new, overdue, term)
    ladders: dict[str, tuple[tuple[int, ...], int]]  # id -> (farms per step, escalated)
    overdue_duties: int
    events: int


def simulate(
    policy: Policy,
    scenario: Scenario,
    base: Monitoring,
    ledger: Ledger,
    policy_digest: str,
    progress=None,
    receipt: Receipt | None = None,
) -> list[MomentSummary]:
    """Evaluate and record each moment of the scenario in turn (each under the ledger's write
    lock, from reading its history to the commit), the farms behaving between moments.
    """
    policy = apply_assumptions(policy, scenario.assumptions)
    assumed = frozenset(f"{a.declaration}.{a.field}" for a in scenario.assumptions)
    behaviour = scenario.behaviour
    rng = np.random.default_rng(behaviour.get("seed", 0))
    population = base.population
    events = list(base.events)
    summaries = []
    moments = len(scenario.moments)
    with shown_progress.bar(f"simulating {moments} moments", moments, "moments") as shown:
        for year in scenario.moments:
            moment = dt.date(year, 12, 31)
            monitoring = dataclasses.replace(base, population=population, events=tuple(events))
            with ledger.writing():
                history = ledger.history(moment)
                evaluation = evaluate(policy, monitoring, moment, history, assumed=assumed)
                ledger.record(evaluation, policy_digest, receipt=receipt)
            summaries.append(summarise(evaluation))
            shown.update()
            shown.note(str(moment))
            if progress:
                progress(f"simulated {moment}")
            if population is not None:
                population, new_events = _behave(evaluation, population, behaviour, rng)
                events.extend(new_events)
    return summaries


def summarise(evaluation: Evaluation) -> MomentSummary:
    previous_open = evaluation.history.open_obligations
    obligations = {}
    for o in evaluation.entity_obligations.values():
        carried = len(previous_open.get(o.obligation, {}))
        new = (
            o.count
            if not carried
            else int(np.count_nonzero(o.selected & (o.issued == evaluation.moment.toordinal())))
        )
        obligations[o.obligation] = (o.count, new, int(np.count_nonzero(o.overdue)), o.due_text)
    ladders = {
        lad.ladder: (
            tuple(int(np.count_nonzero(lad.steps == s)) for s in range(1, len(lad.labels) + 1)),
            int(np.count_nonzero(lad.steps > lad.previous)),
        )
        for lad in evaluation.ladders.values()
    }
    return MomentSummary(
        evaluation.moment,
        {t.target: t.status for t in evaluation.targets.values()},
        {t.trigger: (t.state, _why(t.trace)) for t in evaluation.triggers.values()},
        obligations,
        ladders,
        sum(1 for d in evaluation.duties if d.status is DutyStatus.OVERDUE),
        len(evaluation.monitoring.events),
    )


def _why(trace) -> str:
    if not trace.children:
        return trace.text
    return "; ".join(_why(c) for c in trace.children)


def _behave(
    evaluation: Evaluation, population: Population, behaviour: dict, rng
) -> tuple[Population, list[Event]]:
    moment = evaluation.moment
    events: list[Event] = []
    for obligation, share in sorted(behaviour.get("comply", {}).items()):
        held = evaluation.entity_obligations.get(obligation)
        if held is None:
            continue
        chosen = np.flatnonzero(held.selected & (rng.random(population.size) < share))
        when = moment + dt.timedelta(days=30)
        events.extend(
            Event(population.label(i), obligation, "filed", when, Span.point("<scenario>"))
            for i in chosen.tolist()
        )
    columns = dict(population.columns)
    reach = behaviour.get("reach_norm")
    if reach and reach["emission"] in columns and reach["norm"] in columns:
        emission, norm = columns[reach["emission"]], columns[reach["norm"]]
        improve = (emission > norm) & (rng.random(population.size) < reach["share"])
        columns[reach["emission"]] = np.where(improve, norm, emission)
    for ladder, rule in sorted(behaviour.get("count_steps", {}).items()):
        outcome = evaluation.ladders.get(ladder)
        if outcome is not None and rule["column"] in columns:
            columns[rule["column"]] = columns[rule["column"]] + (outcome.steps >= rule["from_step"])
    return dataclasses.replace(population, columns=columns), events


# Target states shown at the first moment of a timeline (later moments show every change).
_DECIDED = (
    TargetState.MET,
    TargetState.MET_LENIENT_END,
    TargetState.ON_TRACK,
    TargetState.ON_TRACK_LENIENT_END,
    TargetState.OFF_TRACK,
    TargetState.MISSED,
)


@escaped
def render_timeline(scenario: Scenario, summaries: list[MomentSummary]) -> str:
    out = [f"Scenario: {scenario.name} ({len(summaries)} moments)"]
    for a in scenario.assumptions:
        out.append(f"  ASSUMED {a.declaration}.{a.field} (pending in the policy): {a.why}")
    previous: MomentSummary | None = None
    for s in summaries:
        out += ["", f"{s.moment.year}"]
        for target, status in sorted(s.targets.items()):
            if (
                previous is None
                and status in _DECIDED
                or previous is not None
                and previous.targets.get(target) != status
            ):
                out.append(f"  target   {target}: {status.replace('_', ' ')}")
        for trigger, (state, why) in sorted(s.triggers.items()):
            changed = previous is not None and previous.triggers.get(trigger, ("",))[0] != state
            first_undecided = previous is None and state == TriggerState.UNDECIDED
            if state == TriggerState.FIRED or changed or first_undecided:
                out.append(f"  trigger  {trigger}: {state.replace('_', ' ')} ({why})")
        for obligation, (count, new, overdue, term) in sorted(s.obligations.items()):
            if count or (previous and previous.obligations.get(obligation, (0,))[0]):
                out.append(
                    f"  farms    {obligation}: {count:,} hold it "
                    f"({new:,} new, {overdue:,} overdue; {term})"
                )
        for ladder, (steps, escalated) in sorted(s.ladders.items()):
            if any(steps):
                shown = ", ".join(f"step {i} {n:,}" for i, n in enumerate(steps, 1))
                out.append(f"  ladder   {ladder}: {shown}; {escalated:,} escalated")
        out.append(
            f"  actors   {s.overdue_duties} duties overdue; {s.events:,} compliance events so far"
        )
        previous = s
    return "\n".join(out)
