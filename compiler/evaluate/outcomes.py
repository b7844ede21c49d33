"""An `Evaluation` as text for a terminal and as JSON for machines (and for compiler/report later).

Counts per sector and province come from the entity columns with NumPy; nothing here loops per farm.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from compiler.check.views import TargetNature
from compiler.data.calibration import LABEL as SYNTHETIC_LABEL
from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.provenance import provenance_json
from compiler.evaluate.duties import DutyStatus
from compiler.evaluate.moment import Evaluation
from compiler.evaluate.regionview import farms_are_synthetic, regional_json, regional_lines
from compiler.evaluate.standing import standing_json
from compiler.evaluate.targetentities import per_entity_json, per_entity_lines
from compiler.evaluate.targets import STATUSES, EndStatus, TargetState, TargetStatus
from dsl.printable import escaped

_ORDER = {status: i for i, status in enumerate(STATUSES)}
# In this order the duty counts are shown, and the duties of one actor listed.
_DUTY_HEADINGS = {
    DutyStatus.OVERDUE: "overdue: the due date has passed and no completion is recorded",
    DutyStatus.DUE: "due: not yet past the due date, or no date set",
    DutyStatus.FULFILLED: "fulfilled: a completion event is recorded",
    DutyStatus.NOT_YET: "not yet: the first due period has not started",
}
_DUTY_ORDER = {status: i for i, status in enumerate(_DUTY_HEADINGS)}
# Targets whose value is unknown: counted, and listed only with --verbose.
_UNKNOWN = (TargetState.CANNOT_DECIDE, TargetState.NO_DATA)


def per_category(mask: np.ndarray, codes: np.ndarray, names: tuple[str, ...]) -> dict[str, int]:
    """How many entities of each category a mask holds. One `count_nonzero` per category measured
    fastest (benchmarks/evaluate.py): no boolean indexing, no conversion of the mask to weights.
    """
    return {name: int(np.count_nonzero(mask & (codes == k))) for k, name in enumerate(names)}


def aggregates(
    evaluation: Evaluation,
    obligations: tuple[str, ...] | None = None,
    targets: tuple[str, ...] | None = None,
) -> dict:
    """Counts per sector and province of farm obligations, and the gap per sector of per-farm
    targets (all of them, or the ones named): the figures the monitoring report shows.
    """
    population = evaluation.population
    if population is None:
        return {}
    return {
        "obligations": {
            o.obligation: {
                "by_sector": per_category(o.selected, population.sector, FARM_SECTORS),
                "by_province": per_category(o.selected, population.province, PROVINCES),
            }
            for o in evaluation.entity_obligations.values()
            if obligations is None or o.obligation in obligations
        },
        "targets": {
            t.target: dict(zip(FARM_SECTORS, t.tally.gap_by_sector, strict=True))
            for t in evaluation.targets.values()
            if t.tally is not None and (targets is None or t.target in targets)
        },
    }


def to_json(evaluation: Evaluation) -> dict:
    population = evaluation.population
    return {
        "moment": evaluation.moment.isoformat(),
        "in_force": len(evaluation.in_force),
        "assumed": sorted(evaluation.assumed),
        "data": {
            "files": list(evaluation.monitoring.files),
            "farms": population.origin if population else None,
            "observations": len(evaluation.monitoring.series),
        },
        "targets": [_target_json(evaluation, t) for t in _sorted_targets(evaluation)],
        "triggers": [
            {
                "id": t.trigger,
                "state": t.state,
                "why": _flatten(t.trace),
                "consequences": [{"kind": k, "id": d} for k, d in t.consequences],
            }
            for t in evaluation.triggers.values()
        ],
        "duties": [
            {
                "id": d.declaration,
                "kind": d.kind,
                "actor": d.actor,
                "reason": d.reason,
                "status": d.status,
                "due": d.due.isoformat() if d.due else None,
                "term": d.due_text,
            }
            for d in evaluation.duties
        ],
        "entity_obligations": [
            _entity_json(o, population, farms_are_synthetic(evaluation))
            for o in evaluation.entity_obligations.values()
        ],
        "ladders": [
            {
                "id": ladder.ladder,
                "steps": {
                    str(s): int(np.count_nonzero(ladder.steps == s))
                    for s in range(1, len(ladder.labels) + 1)
                },
                "escalated": int(np.count_nonzero(ladder.steps > ladder.previous)),
                "left": int(np.count_nonzero((ladder.previous > 0) & (ladder.steps == 0))),
            }
            for ladder in evaluation.ladders.values()
        ],
        "regional_obligations": regional_json(evaluation),
    }


def _target_json(evaluation: Evaluation, t: TargetStatus) -> dict:
    out = {
        "id": t.target,
        "indicator": t.indicator,
        "unit": t.unit,
        "status": t.status,
        "soort": t.nature or TargetNature.DOELSTELLING,
        **standing_json(evaluation.standings.get(t.target)),
        "why": t.reason,
        "deadline": t.deadline.isoformat() if t.deadline else None,
        "goal": t.goal,
        "observed": {
            "period": t.observed.period,
            "value": t.observed.value,
            "status": t.observed.status,
            **provenance_json(t.observed),
        }
        if t.observed
        else None,
        "required": t.required,
        "gap": t.gap,
        "gap_percent": t.gap_percent,
        "path": [list(p) for p in t.path],
        "range_end": t.range_end,
        "ends": [_end_json(e) for e in t.ends],
    }
    if t.tally is not None:
        out["farms"] = {
            "meeting": t.tally.meeting,
            "failing": t.tally.failing,
            "unknown": t.tally.unknown,
            "failing_by_sector": dict(zip(FARM_SECTORS, t.tally.failing_by_sector, strict=True)),
            "gap_by_sector": dict(zip(FARM_SECTORS, t.tally.gap_by_sector, strict=True)),
        }
    if t.per_entity is not None:
        out["per_entity"] = per_entity_json(evaluation, t)
    return out


def _end_json(e: EndStatus) -> dict:
    """One end of a range target: its value, its own status and its own path and gap."""
    return {
        "end": e.end,
        "written": e.written,
        "goal": e.goal,
        "status": e.status,
        "why": e.reason,
        "required": e.required,
        "gap": e.gap,
        "gap_percent": e.gap_percent,
        "path": [list(p) for p in e.path],
    }


def _entity_json(o, population, synthetic: bool) -> dict:
    """One farm obligation's counts; `synthetic` says they count generated farms, not real ones."""
    return {
        "id": o.obligation,
        "reason": o.reason,
        "farms": o.count,
        "unknown": o.unknown,
        "overdue": int(np.count_nonzero(o.overdue)),
        "ended": int(np.count_nonzero(o.ended)),
        "term": o.due_text,
        "due": _single_day(o.due),
        "ladder": o.ladder,
        "by_sector": per_category(o.selected, population.sector, FARM_SECTORS),
        "by_province": per_category(o.selected, population.province, PROVINCES),
        "synthetic": synthetic,
    }


def _single_day(due) -> str | None:
    """The due date shared by every selected entity, or None (no date, or dates that differ)."""
    if isinstance(due, np.ndarray):
        days = np.unique(due[due > 0]) if due.size else due
        due = int(days[0]) if days.size == 1 else 0
    return dt.date.fromordinal(int(due)).isoformat() if due else None


def _flatten(trace, depth: int = 0) -> list[str]:
    lines = ["  " * depth + trace.text]
    for child in trace.children:
        lines.extend(_flatten(child, depth + 1))
    return lines


def _sorted_targets(evaluation: Evaluation) -> list[TargetStatus]:
    return sorted(evaluation.targets.values(), key=lambda t: (_ORDER[t.status], t.target))


def render_json(evaluation: Evaluation, recorded: str | None = None) -> str:
    data = to_json(evaluation)
    if recorded:
        data["ledger"] = recorded
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


# ---------------------------------------------------------------------------------------- text


@escaped
def render_text(evaluation: Evaluation, *, verbose: bool = False) -> str:
    out = [
        f"Monitoring moment {evaluation.moment}: {len(evaluation.in_force)} declarations in force"
    ]
    if evaluation.assumed:
        out.append(
            "ASSUMED for this scenario (not in the sources): "
            + ", ".join(sorted(evaluation.assumed))
        )
    out += _data_lines(evaluation)
    out += _target_lines(evaluation, verbose)
    out += _trigger_lines(evaluation)
    out += _entity_lines(evaluation)
    out += _ladder_lines(evaluation)
    out += regional_lines(evaluation)
    out += _duty_lines(evaluation, verbose)
    return "\n".join(out)


def _data_lines(evaluation: Evaluation) -> list[str]:
    m = evaluation.monitoring
    statuses = {}
    for series in m.series.by_indicator.values():
        for o in series:
            statuses[o.status] = statuses.get(o.status, 0) + 1
    kinds = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "none"
    farms = m.population.origin if m.population else "no entity table"
    return [
        f"Data: {len(m.series)} series values ({kinds}); farms: {farms}; {len(m.events)} events"
    ]


def _target_lines(evaluation: Evaluation, verbose: bool) -> list[str]:
    targets = _sorted_targets(evaluation)
    counts = {s: sum(1 for t in targets if t.status == s) for s in STATUSES}
    out = [
        "",
        f"Targets ({len(targets)} in force): "
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n),
    ]
    for t in targets:
        if t.status in _UNKNOWN and not verbose:
            continue
        out.append(f"  {t.status.replace('_', ' '):<13} {t.target}: {t.reason}{_gap(t)}")
        out += per_entity_lines(evaluation, t, " " * 16)
    hidden = sum(counts[s] for s in _UNKNOWN)
    if hidden and not verbose:
        out.append(f"  ({hidden} without data or with a pending value; --verbose lists them)")
    return out


def _gap(t: TargetStatus) -> str:
    if t.ends:
        return _range_gaps(t)
    if t.gap is None or t.gap <= 0:
        return ""
    percent = f" ({t.gap_percent:.1f}%)" if t.gap_percent is not None else ""
    return f"; gap {t.gap:,.2f} {t.unit}{percent}"


def _range_gaps(t: TargetStatus) -> str:
    """Each end's gap to its own path: '; gap: ambitious end 3.94 kton (3.8%) behind, …'."""
    gaps = [
        f"{e.end} end {_signed_gap(e.gap, e.gap_percent, t.unit)}"
        for e in t.ends
        if e.gap is not None
    ]
    return "; gap: " + ", ".join(gaps) if gaps else ""


def _signed_gap(gap: float, gap_percent: float | None, unit: str) -> str:
    """'3.94 kton (3.8%) behind' or '2.10 kton (2.5%) ahead'."""
    percent = f" ({abs(gap_percent):.1f}%)" if gap_percent is not None else ""
    return f"{abs(gap):,.2f} {unit}{percent} {'behind' if gap > 0 else 'ahead'}"


def _trigger_lines(evaluation: Evaluation) -> list[str]:
    out = ["", f"Triggers ({len(evaluation.triggers)} in force)"]
    for t in evaluation.triggers.values():
        then = ", ".join(f"{k} {d}" for k, d in t.consequences)
        out.append(f"  {t.state.replace('_', ' '):<10} {t.trigger} -> {then}")
        out.append(f"             because {_because(t.trace)}")
    return out


def _because(trace) -> str:
    if not trace.children:
        return trace.text
    return trace.text + ": " + "; ".join(_because(c) for c in trace.children)


def _entity_lines(evaluation: Evaluation) -> list[str]:
    population = evaluation.population
    if population is None:
        return []
    label = f", {SYNTHETIC_LABEL}" if farms_are_synthetic(evaluation) else ""
    out = ["", f"Obligations per farm ({population.size:,} farms{label})"]
    for o in evaluation.entity_obligations.values():
        if o.count == 0:
            out.append(f"  {o.obligation}: none ({o.reason})")
            continue
        sectors = ", ".join(
            f"{k} {v:,}"
            for k, v in per_category(o.selected, population.sector, FARM_SECTORS).items()
        )
        out.append(f"  {o.obligation} ({o.reason}): {o.count:,} farms; due {o.due_text}; {sectors}")
        overdue = int(np.count_nonzero(o.overdue))
        if overdue or o.unknown:
            out.append(f"    overdue {overdue:,}; undecidable {o.unknown:,}")
    return out


def _ladder_lines(evaluation: Evaluation) -> list[str]:
    out = []
    for ladder in evaluation.ladders.values():
        counts = [
            int(np.count_nonzero(ladder.steps == s)) for s in range(1, len(ladder.labels) + 1)
        ]
        escalated = int(np.count_nonzero(ladder.steps > ladder.previous))
        out += [
            "",
            f"Enforcement: {ladder.ladder}: "
            + ", ".join(f"step {i} {n:,}" for i, n in enumerate(counts, 1))
            + f"; {escalated:,} escalated this moment",
        ]
    return out


def _duty_lines(evaluation: Evaluation, verbose: bool) -> list[str]:
    """Duties grouped per actor; without --verbose, duties that are merely due are counted, not
    listed.
    """
    duties = evaluation.duties
    counts = {status: sum(1 for d in duties if d.status == status) for status in _DUTY_HEADINGS}
    out = [
        "",
        f"Duties per actor ({len(duties)}): "
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n),
        f"  (overdue: {_DUTY_HEADINGS[DutyStatus.OVERDUE].split(': ')[1]})",
    ]
    for actor in sorted({d.actor for d in duties}):
        mine = [d for d in duties if d.actor == actor]
        shown = [d for d in mine if verbose or d.status is not DutyStatus.DUE]
        hidden = len(mine) - len(shown)
        out.append(
            f"  {actor or '(no actor)'}: {len(mine)}"
            + (f" ({hidden} due, --verbose lists them)" if hidden else "")
        )
        for d in sorted(shown, key=lambda d: (_DUTY_ORDER[d.status], d.declaration)):
            due = d.due.isoformat() if isinstance(d.due, dt.date) else d.due_text
            why = "" if d.reason == "standing" else f"; because {d.reason}"
            out.append(
                f"    {d.status.replace('_', ' '):<9} {d.declaration} ({d.kind}, due {due}{why})"
            )
    return out
