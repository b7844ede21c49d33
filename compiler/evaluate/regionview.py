"""Obligations over entities of other kinds than farms (provinces, ...) per entity, as `beleid
evaluate` shows them (one line or record per entity, with the farm-derived values that selected it)
and as `beleid explain` and the report need them: each entity's trace through the selection, by the
reference evaluator (compiler/evaluate/conditions.py) with the entity as the subject.

Every value computed from farms (`berekend`) is marked synthetic when the farm table is the
generated one (compiler/data/synthetic.py), so no reader takes it for a published figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from compiler.check.resolve import did_you_mean
from compiler.evaluate.conditions import Trace, trace_for_entity
from compiler.evaluate.entities import EntityObligation
from compiler.evaluate.moment import Evaluation
from dsl import nodes

SYNTHETIC_NOTE = "computed from the synthetic farm population, not a published figure"


def farms_are_synthetic(evaluation: Evaluation) -> bool:
    """Whether the farm table is the generated one (no file was read for it)."""
    population = evaluation.population
    return population is not None and population.labels is None


def entity_values(evaluation: Evaluation, obligation: EntityObligation) -> list[dict]:
    """Per entity of the obligation's kind: its id, whether it is selected, and its values."""
    table = evaluation.regional_tables[obligation.kind]
    return [
        {
            "id": table.label(i),
            "selected": bool(obligation.selected[i]),
            "values": {
                name: (None if math.isnan(v) else round(float(v), 6))
                for name, column in sorted(table.columns.items())
                for v in (column[i],)
            },
        }
        for i in range(table.size)
    ]


def regional_json(evaluation: Evaluation) -> list[dict]:
    """The obligations on entities of other kinds, each with every entity of that kind."""
    synthetic = farms_are_synthetic(evaluation)
    return [
        {
            "id": o.obligation,
            "kind": o.kind,
            "reason": o.reason,
            "count": o.count,
            "of": int(o.selected.size),
            "undecidable": o.unknown,
            "term": o.due_text,
            "synthetic": synthetic,
            "entities": entity_values(evaluation, o),
        }
        for o in evaluation.regional_obligations.values()
    ]


def regional_lines(evaluation: Evaluation) -> list[str]:
    """The text section: per obligation, its selected entities out of all of that kind."""
    if not evaluation.regional_obligations:
        return []
    out = [""]
    for o in evaluation.regional_obligations.values():
        out.append(
            f"Obligation per {o.kind}: {o.obligation} ({o.reason}): {o.count} of {o.selected.size}"
        )
        for entity in entity_values(evaluation, o):
            mark = "selected" if entity["selected"] else "-"
            values = ", ".join(
                f"{k} {'unknown' if v is None else f'{v:g}'}" for k, v in entity["values"].items()
            )
            out.append(f"  {entity['id']}: {mark}" + (f" ({values})" if values else ""))
        if farms_are_synthetic(evaluation):
            out.append(f"  values {SYNTHETIC_NOTE}")
    return out


# ---------------------------------------------------------------------------------------- explain


@dataclass(frozen=True)
class EntityReason:
    """Why one entity has a regional obligation or not: the trace of the selection for it."""

    id: str
    selected: bool  # the selection holds and the obligation is not yet fulfilled
    fulfilled: bool  # a filed or complied event is recorded for it
    trace: Trace


def computed_columns(evaluation: Evaluation, kind: str) -> tuple[str, ...]:
    """The columns of `kind`'s table computed from farms (`berekend`), not read from its table."""
    table = evaluation.regional_tables.get(kind)
    if table is None:
        return ()
    given = evaluation.monitoring.tables.get(kind)
    return tuple(sorted(set(table.columns) - set(given.columns if given else ())))


def computed_note(evaluation: Evaluation, kind: str) -> list[str]:
    """The line of `beleid explain` naming the values of `kind` computed from farms, and whether
    those farms are synthetic (none when nothing is computed).
    """
    computed = computed_columns(evaluation, kind)
    population = evaluation.population
    if not computed or population is None:
        return []
    names = ", ".join(f"`{c}`" for c in computed)
    if farms_are_synthetic(evaluation):
        return [
            f"  {names} are computed from the synthetic farm population ({population.size:,} farms,"
            " generated, not observed): not published figures"
        ]
    return [f"  {names} are computed from the farm table {population.origin}"]


def entity_reason(
    evaluation: Evaluation, obligation: EntityObligation, where: nodes.Condition | None, index: int
) -> EntityReason:
    """The selection of `obligation` traced for entity `index` of its kind."""
    table = evaluation.regional_tables[obligation.kind]
    if where is None:
        trace = Trace(f"every {obligation.kind}", True)
    else:
        national = evaluation.national()
        trace = trace_for_entity(where, table, index, national, evaluation.indicator_units)
    return EntityReason(
        table.label(index),
        bool(obligation.selected[index]),
        bool(obligation.fulfilled[index]),
        trace,
    )


def find_entity(evaluation: Evaluation, kind: str, key: str) -> int:
    """The row of entity `key` in the table of `kind`; LookupError saying what there is."""
    table = evaluation.regional_tables.get(kind)
    if table is None:
        kinds = ", ".join(sorted(evaluation.regional_tables)) or "none"
        raise LookupError(f"no entity kind `{kind}` (kinds: {kinds}, bedrijf)")
    if table.size == 0:
        raise LookupError(
            f"kind `{kind}` has no entities: no table of {kind} was given"
            " (declare its `tabel` in the `entiteit` and put the file in the monitoring folder)"
        )
    index = int(table.index_of([key])[0])
    if index < 0:
        labels = [table.label(i) for i in range(table.size)]
        hint = did_you_mean(key, labels)
        raise LookupError(
            f"no {kind} `{key}` in {table.origin}"
            + (f"; {hint}" if hint else f" (there are: {', '.join(labels)})")
        )
    return index
