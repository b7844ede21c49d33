"""Obligations over entities of other kinds than farms (provinces, ...) as `beleid evaluate` shows
them: one line or record per entity, with the farm-derived values that selected it.

Every value computed from farms (`berekend`) is marked synthetic when the farm table is the
generated one (compiler/data/synthetic.py), so no reader takes it for a published figure.
"""

from __future__ import annotations

import math

from compiler.evaluate.entities import EntityObligation
from compiler.evaluate.moment import Evaluation

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
