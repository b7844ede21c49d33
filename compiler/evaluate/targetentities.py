"""A target held per entity as the reader sees it: the `per_entity` block of `beleid evaluate
--json`, the lines under the target in its text, and the lines of `beleid explain <target>` (one
per entity, or this farm's outcome for a farm target). Values computed from the synthetic farm
population are marked synthetic (compiler/evaluate/regionview.py).
"""

from __future__ import annotations

from compiler.evaluate.moment import Evaluation
from compiler.evaluate.regionview import SYNTHETIC_NOTE, computed_columns, farms_are_synthetic
from compiler.evaluate.tally import EntityOutcome, EntityVerdict, PerEntity
from compiler.evaluate.targets import TargetStatus


def is_synthetic(evaluation: Evaluation, status: TargetStatus) -> bool:
    """Whether the target's values or goals per entity are computed from generated farms."""
    outcome = status.per_entity
    if outcome is None or not farms_are_synthetic(evaluation):
        return False
    computed = computed_columns(evaluation, outcome.kind)
    return status.indicator in computed or outcome.goal_column in computed


def per_entity_json(evaluation: Evaluation, status: TargetStatus) -> dict:
    """Each entity's value, goal, status and gap, with the counts per status."""
    outcome = status.per_entity
    return {
        "kind": outcome.kind,
        "goal_column": outcome.goal_column,
        "synthetic": is_synthetic(evaluation, status),
        "counts": {v.value: outcome.count(v) for v in EntityVerdict},
        "entities": [
            {
                "id": e.id,
                "value": e.value,
                "goal": e.goal,
                "status": e.verdict.value,
                "gap": e.gap,
                "gap_percent": e.gap_percent,
            }
            for e in outcome.entities
        ],
    }


def per_entity_lines(evaluation: Evaluation, status: TargetStatus, indent: str) -> list[str]:
    """One line per entity ('utrecht: not met, 5,500 kg against 5,000 kg; gap 500 kg (10.0%)'),
    then the synthetic note where it applies.
    """
    outcome = status.per_entity
    if outcome is None:
        return []
    lines = [f"{indent}{_entity_line(e, status.unit)}" for e in outcome.entities]
    if is_synthetic(evaluation, status):
        lines.append(f"{indent}values {SYNTHETIC_NOTE}")
    return lines


def _entity_line(entity: EntityOutcome, unit: str) -> str:
    word = entity.verdict.value.replace("_", " ")
    value = "unknown" if entity.value is None else f"{entity.value:,.2f} {unit}"
    goal = "an unknown goal" if entity.goal is None else f"{entity.goal:,.2f} {unit}"
    line = f"{entity.id}: {word}, {value} against {goal}"
    if entity.verdict is EntityVerdict.NOT_MET and entity.gap is not None:
        percent = f" ({entity.gap_percent:.1f}%)" if entity.gap_percent is not None else ""
        line += f"; gap {entity.gap:,.2f} {unit}{percent}"
    return line


def explain_lines(evaluation: Evaluation, status: TargetStatus, farm: int | None) -> list[str]:
    """What `beleid explain <target>` adds for a target held per entity: each entity of another
    kind on a line of its own, or whether the farm asked about (row `farm`) meets a farm target.
    """
    if status.per_entity is not None:
        return [_explain_heading(status.per_entity)] + per_entity_lines(evaluation, status, "    ")
    if status.tally is None or farm is None:
        return []
    failing = bool(status.tally.failing_mask[farm])
    gap = float(status.tally.gap[farm])
    return [
        f"  this farm {'does not meet' if failing else 'meets'} it"
        + (f" (gap {gap:,.1f})" if failing else "")
    ]


def _explain_heading(outcome: PerEntity) -> str:
    goal = f"its own `{outcome.goal_column}`" if outcome.goal_column else "one value for all"
    return f"  per {outcome.kind} ({goal}):"
