"""`beleid explain`: why an outcome holds, in plain language, from rule to condition to input values
to the quoted source. Works for a target, a trigger (also why it did not fire), an obligation (one
on provinces or other kinds per entity), an enforcement ladder, for one farm (`--farm`): every
obligation and step it has and why, and for one entity of any kind (`--entity KIND:KEY`): its
values and every obligation on its kind.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from compiler.check.model import CheckedDeclaration, Policy
from compiler.data import dataschema
from compiler.data.provenance import provenance_lines
from compiler.evaluate.conditions import Trace, trace_for_entity
from compiler.evaluate.entities import EntityObligation
from compiler.evaluate.ledger import Ledger
from compiler.evaluate.moment import Evaluation
from compiler.evaluate.regionview import (
    computed_note,
    entity_reason,
    farms_are_synthetic,
    find_entity,
)
from compiler.evaluate.standing import standing_lines, standing_of
from compiler.evaluate.targetentities import explain_lines
from compiler.evaluate.targetnature import NATURE_PHRASES
from compiler.evaluate.targets import EndStatus, RangeEnd, TargetStatus
from dsl import nodes
from dsl.printable import escaped

_TRUTH = {True: "yes", False: "no", None: "unknown"}
FARM = "bedrijf"  # the entity kind `--farm` explains


class ExplainError(Exception):
    """The thing to explain does not exist; the message says what does."""


@escaped
def explain(
    policy: Policy,
    evaluation: Evaluation,
    subject: str | None,
    farm: str | None,
    ledger: Ledger | None = None,
    entity: str | None = None,
) -> str:
    """Why `subject` holds (for `farm` or `entity` when given), or all about the farm or entity."""
    kind, _, key = entity.partition(":") if entity else (None, None, None)
    if entity and not (kind and key):
        raise ExplainError(f"`{entity}` is not KIND:KEY, e.g. provincie:gelderland")
    if kind == FARM:
        if farm not in (None, key):
            raise ExplainError("name one farm: --farm ID or --entity bedrijf:ID")
        farm, kind = key, None
    if subject is None and farm is None and kind is None:
        raise ExplainError("name a declaration, a farm (--farm ID), an entity, or both")
    if farm and kind:
        raise ExplainError("name a farm or an entity of another kind, not both")
    index = _farm_index(evaluation, farm) if farm else None
    region = _entity_row(evaluation, kind, key) if kind else None
    if subject is None:
        if region is not None:
            return _region(policy, evaluation, kind, region)
        return _farm(policy, evaluation, index, ledger)
    decl = policy.declarations.get(subject)
    if decl is None:
        raise ExplainError(f"no declaration `{subject}`")
    lines = [f"{decl.kind} `{decl.id}`: {decl.title}", f"  defined at {decl.span}"]
    lines += standing_lines(standing_of(policy, decl.id))
    if decl.id not in evaluation.in_force:
        lines.append(
            f"  not in force on {evaluation.moment}"
            f" (valid {decl.valid_from or '…'} – {decl.valid_to or '…'})"
        )
    elif decl.kind == "doel":
        lines += _target(evaluation.targets[decl.id], evaluation, index)
    elif decl.kind == "trigger":
        lines += _trigger(evaluation, decl)
    elif decl.id in evaluation.regional_obligations:
        obligation = evaluation.regional_obligations[decl.id]
        row = region if kind == obligation.kind else None
        lines += _regional(evaluation, decl, obligation, row)
    elif decl.kind == "verplichting":
        lines += _obligation(policy, evaluation, decl, index)
    elif decl.kind == "handhaving":
        lines += _ladder(evaluation, decl, index, farm, ledger)
    else:
        lines += _duty(evaluation, decl)
    return "\n".join(lines + _sources(policy, decl))


def _farm_index(evaluation: Evaluation, farm: str) -> int:
    population = evaluation.population
    if population is None:
        raise ExplainError("there is no entity table to find a farm in")
    index = int(population.index_of([farm])[0])
    if index < 0:
        raise ExplainError(f"no farm `{farm}` in {population.origin}")
    return index


def _entity_row(evaluation: Evaluation, kind: str, key: str) -> int:
    try:
        return find_entity(evaluation, kind, key)
    except LookupError as error:
        raise ExplainError(str(error)) from None


# ---------------------------------------------------------------------------------------- kinds


def _target(status: TargetStatus, evaluation: Evaluation, index: int | None) -> list[str]:
    lines = [
        f"  status on {evaluation.moment}: {status.status.replace('_', ' ')}"
        + _RANGE_END_WORDS.get(status.range_end, ""),
        f"  because {status.reason}",
    ]
    if status.nature is not None:
        lines.append(f"  soort {status.nature}: {NATURE_PHRASES[status.nature]}")
    if status.start:
        lines.append(
            f"  the trajectory starts at {status.start[1]:,.2f} {status.unit} in {status.start[0]}"
        )
    if status.ends:
        lines += [line for end in status.ends for line in _range_end(status, end)]
    else:
        lines += _single_value(status)
    if status.observed:
        o = status.observed
        lines.append(
            f"  observed: {o.value:,.2f} {status.unit} in {o.period}"
            f" ({o.status}; {o.citation or 'no source'}; {o.origin})"
        )
        lines += provenance_lines(o, status.unit)
    if status.gap is not None and not status.ends:
        lines.append(f"  gap: {_gap(status.gap, status.gap_percent, status.unit)}")
    return lines + explain_lines(evaluation, status, index)


# What the status of a range target says of its ends (the `_lenient_end` statuses say it
# themselves).
_RANGE_END_WORDS = {
    RangeEnd.AMBITIOUS: " (at the ambitious end)",
    RangeEnd.NEITHER: " (at both ends)",
}


def _single_value(status: TargetStatus) -> list[str]:
    lines = []
    if status.goal is not None:
        lines.append(
            f"  the target asks {_better(status)} {status.goal:,.2f} {status.unit}"
            + (f" by {status.deadline}" if status.deadline else "")
        )
    if status.path:
        lines.append("  path: " + _points(status.path))
    return lines


def _range_end(status: TargetStatus, end: EndStatus) -> list[str]:
    """The goal, status, path and gap of one end of a range target."""
    lines = [
        f"  {end.end} end ({end.written}): {_better(status)} {end.goal:,.2f} {status.unit}"
        + (f" by {status.deadline}" if status.deadline else "")
        + f"; {end.status.replace('_', ' ')}"
    ]
    if end.path:
        lines.append("    path: " + _points(end.path))
    if end.required is not None and status.observed:
        lines.append(
            f"    the path asks {end.required:,.2f} {status.unit} for {status.observed.year}"
        )
    if end.gap is not None:
        lines.append(f"    gap: {_gap(end.gap, end.gap_percent, status.unit)}")
    return lines


def _better(status: TargetStatus) -> str:
    return "at most" if status.direction == "down" else "at least"


def _points(path) -> str:
    return ", ".join(f"{y}: {v:,.2f}" for y, v in path)


def _gap(gap: float, gap_percent: float | None, unit: str) -> str:
    """'3.39 kton (3.2%)' behind the path; a gap of zero or less is at or ahead of it."""
    text = f"{gap:,.2f} {unit}" + (f" ({gap_percent:.1f}%)" if gap_percent is not None else "")
    return text if gap > 0 else text + ", at or ahead of the path"


def _trigger(evaluation: Evaluation, decl: CheckedDeclaration) -> list[str]:
    outcome = evaluation.triggers[decl.id]
    said = {"fired": "fired", "not_fired": "did not fire", "undecided": "could not be decided"}[
        outcome.state
    ]
    lines = [f"  on {evaluation.moment} it {said}:"]
    lines += _trace_lines(outcome.trace, 2)
    then = ", ".join(f"{kind} `{target}`" for kind, target in outcome.consequences)
    if outcome.state == "fired":
        lines.append(f"  so these became due: {then}")
    else:
        lines.append(f"  so these did not become due: {then}")
    return lines


def _obligation(
    policy: Policy, evaluation: Evaluation, decl: CheckedDeclaration, index: int | None
) -> list[str]:
    selection = decl.view.selection
    entity = evaluation.entity_obligations.get(decl.id)
    if entity is None:
        return _duty(evaluation, decl)
    lines = [
        f"  applies: {entity.reason}",
        f"  term: {entity.due_text}",
        f"  {entity.count:,} {_farms_word(evaluation)} hold it now;"
        f" {int(np.count_nonzero(entity.overdue)):,} overdue;"
        f" {int(np.count_nonzero(entity.ended)):,} no longer selected since the previous moment",
    ]
    if index is not None:
        population = evaluation.population
        trace = trace_for_entity(
            selection.where, population, index, evaluation.national(), evaluation.indicator_units
        )
        lines.append(f"  farm {population.label(index)}: selected? {_TRUTH[trace.truth]}")
        lines += _trace_lines(trace, 2)
        if entity.selected[index]:
            row = np.array([index])
            due = int(entity.due_of(row)[0])
            lines.append(
                f"  issued {_day(int(entity.issued_of(row)[0]))};"
                f" due {_day(due) if due else entity.due_text}"
                + ("; OVERDUE" if entity.overdue[index] else "")
            )
        elif entity.fulfilled[index]:
            lines.append("  fulfilled: a filed or complied event is recorded for this farm")
    return lines


def _ladder(
    evaluation: Evaluation,
    decl: CheckedDeclaration,
    index: int | None,
    farm: str | None,
    ledger: Ledger | None,
) -> list[str]:
    outcome = evaluation.ladders[decl.id]
    lines = [
        f"  step {i}: {label} ({int(np.count_nonzero(outcome.steps == i)):,} farms)"
        for i, label in enumerate(outcome.labels, 1)
    ]
    if index is None:
        return lines
    step, before = int(outcome.steps[index]), int(outcome.previous[index])
    lines.append(f"  farm {farm}: step {step} now, step {before} at the previous moment")
    for number, f in enumerate(
        sorted((f.value for f in decl.node.all("stap")), key=lambda s: s.number), 1
    ):
        if number in (before + 1, max(before, 1)):
            trace = trace_for_entity(
                f.condition,
                evaluation.population,
                index,
                evaluation.national(),
                evaluation.indicator_units,
            )
            lines.append(f"  condition of step {number}: {_TRUTH[trace.truth]}")
            lines += _trace_lines(trace, 2)
    if ledger is not None and farm:
        history = ledger.steps_of(decl.id, farm)
        if history:
            lines.append("  history: " + ", ".join(f"{m}: step {s}" for m, s in history))
    return lines


def _duty(evaluation: Evaluation, decl: CheckedDeclaration) -> list[str]:
    duties = [d for d in evaluation.duties if d.declaration == decl.id]
    if not duties:
        return [f"  no duty arises from it on {evaluation.moment}"]
    return [
        f"  {d.actor}: {d.status.replace('_', ' ')} (due {d.due or d.due_text}; {d.reason})"
        for d in duties
    ]


def _farm(policy: Policy, evaluation: Evaluation, index: int, ledger: Ledger | None) -> str:
    population = evaluation.population
    label = population.label(index)
    values = ", ".join(
        f"{k} = {population.columns[k][index]:g}" for k in sorted(population.columns)
    )
    lines = [
        f"farm {label} ({dataschema.FARM_SECTORS[population.sector[index]]}, "
        f"{dataschema.PROVINCES[population.province[index]]}) on {evaluation.moment}",
        f"  {values}",
    ]
    for obligation in evaluation.entity_obligations:
        decl = policy.declarations[obligation]
        lines += [
            "",
            f"verplichting `{obligation}`: {decl.title}",
            *_obligation(policy, evaluation, decl, index),
        ]
    for ladder in evaluation.ladders:
        lines += [
            "",
            f"handhaving `{ladder}`",
            *_ladder(evaluation, policy.declarations[ladder], index, label, ledger),
        ]
    return "\n".join(lines)


def _regional(
    evaluation: Evaluation,
    decl: CheckedDeclaration,
    obligation: EntityObligation,
    row: int | None,
) -> list[str]:
    """An obligation on entities of another kind: its count, and why each entity (or only `row`)
    has it or not.
    """
    kind = obligation.kind
    lines = [
        f"  applies: {obligation.reason}",
        f"  term: {obligation.due_text}",
        f"  {obligation.count:,} of {obligation.selected.size:,} entities of kind {kind} hold it"
        f" now; {obligation.unknown:,} could not be decided",
        *computed_note(evaluation, kind),
    ]
    rows = range(obligation.selected.size) if row is None else (row,)
    for index in rows:
        lines += _entity_reason(evaluation, decl, obligation, index)
    return lines


def _entity_reason(
    evaluation: Evaluation, decl: CheckedDeclaration, obligation: EntityObligation, index: int
) -> list[str]:
    reason = entity_reason(evaluation, obligation, decl.view.selection.where, index)
    lines = [f"  {obligation.kind} {reason.id}: selected? {_TRUTH[reason.trace.truth]}"]
    lines += _trace_lines(reason.trace, 2)
    if reason.fulfilled:
        lines.append(f"    fulfilled: a filed or complied event is recorded for {reason.id}")
    return lines


def _region(policy: Policy, evaluation: Evaluation, kind: str, index: int) -> str:
    """All about one entity of a kind other than farms: its values and the obligations on its
    kind.
    """
    table = evaluation.regional_tables[kind]
    lines = [f"{kind} {table.label(index)} on {evaluation.moment} (from {table.origin})"]
    for name in sorted(table.columns):
        value = float(table.columns[name][index])
        unit = evaluation.indicator_units.get(name, "")
        shown = "unknown" if np.isnan(value) else f"{value:g} {unit}".rstrip()
        lines.append(f"  {name} = {shown}")
    lines += computed_note(evaluation, kind)
    for ident, obligation in evaluation.regional_obligations.items():
        if obligation.kind == kind:
            decl = policy.declarations[ident]
            lines += ["", f"verplichting `{ident}`: {decl.title}"]
            lines += _regional(evaluation, decl, obligation, index)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- helpers


def _trace_lines(trace: Trace, depth: int) -> list[str]:
    lines = ["  " * depth + f"- {trace.text}"]
    for child in trace.children:
        lines += _trace_lines(child, depth + 1)
    return lines


def _sources(policy: Policy, decl: CheckedDeclaration) -> list[str]:
    lines = ["", "  sources:"]
    for f in decl.node.all("bron"):
        citation: nodes.Citation = f.value
        document = policy.declarations.get(citation.document.name)
        where = (
            f"line {citation.first_line}"
            if citation.first_line == citation.last_line
            else f"lines {citation.first_line}-{citation.last_line}"
        )
        title = document.title if document else citation.document.name
        lines.append(f"  - {title} ({citation.document.name}, {where}):")
        lines.append(f'    "{" ".join(citation.quote.split())}"')
    return lines


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _farms_word(evaluation: Evaluation) -> str:
    """'farms', or 'synthetic farms' when the farm table is the generated population."""
    return "synthetic farms" if farms_are_synthetic(evaluation) else "farms"
