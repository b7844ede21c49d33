"""Entity kinds: which kinds a policy knows, and the checks that tie levels, selections and
aggregates and per-entity goals to them. Reports P202-style unknown words (P105), P270, P271
and P272, and P211 for an aggregate whose unit does not fit.

A kind is built in (compiler/check/schema.py `ENTITY_KINDS`) or declared with `entiteit`. An
indicator whose `niveau` is a kind has one value per entity of that kind. `wie elk KIND waar C`
selects entities of one kind, so C may name indicators of that kind and national or sector ones
(the same for every entity), never indicators of another kind (P270). `berekend` computes an
indicator from the entities of another kind that lie in it (farms in a province); only the links
the data carries (`schema.LINKED_KINDS`) can be aggregated (P271). A target's bound may name a
column, a value per entity (`waarde ten hoogste norm_provincie`): an indicator of the target's own
kind (P272).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from compiler.check import schema, units, views
from compiler.check.fields import check_word
from compiler.check.model import Policy
from compiler.check.resolve import condition_uses
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related

_BUILTIN_TITLES = {"bedrijf": "Bedrijf", "provincie": "Provincie", "gebied": "Gebied"}
_BUILTIN_KEYS = {"bedrijf": "id"}


def known_kinds(decls: Mapping[str, nodes.Declaration]) -> tuple[str, ...]:
    """Every entity kind: the built-in ones and those the policy declares, in that order."""
    declared = [d.id.name for d in decls.values() if d.kind == "entiteit"]
    return tuple(dict.fromkeys([*schema.ENTITY_KINDS, *declared]))


def entity_kinds(policy: Policy) -> dict[str, views.EntityKind]:
    """The view of every entity kind, a built-in kind the policy does not declare included."""
    found = {
        kind: views.EntityKind(
            kind,
            _BUILTIN_TITLES[kind],
            _BUILTIN_KEYS.get(kind, "code"),
            None,
            schema.BUILTIN_WITHIN.get(kind, ()),
        )
        for kind in schema.ENTITY_KINDS
    }
    found.update({k.id: k for k in policy.views(views.EntityKind)})
    return found


def kind_of_indicator(decl: nodes.Declaration | None) -> str | None:
    """The entity kind an indicator has one value per entity of; None for a series or not one."""
    if decl is None or decl.kind != "indicator":
        return None
    level = decl.value("niveau")
    if not isinstance(level, nodes.Ref) or level.name in schema.SERIES_LEVELS:
        return None
    return level.name


def check_kinds(decls: Mapping[str, nodes.Declaration], diags: Diagnostics) -> None:
    """Levels, `binnen`, selections and aggregates against the kinds the policy knows."""
    kinds = known_kinds(decls)
    levels = (*schema.SERIES_LEVELS, *kinds)
    for decl in decls.values():
        for f in decl.fields:
            if f.keyword == "niveau" and isinstance(f.value, nodes.Ref):
                check_word(f.value, levels, "niveau", diags)
            elif f.keyword == "binnen" and isinstance(f.value, nodes.Ref):
                _check_within(decl, f.value, kinds, diags)
            elif f.keyword == "wie" and isinstance(f.value, nodes.EntitySubject):
                _check_selection(f.value, kinds, decls, diags)
            elif f.keyword == "berekend" and isinstance(f.value, nodes.EntityAggregate):
                _check_aggregate(decl, f.value, kinds, decls, diags)
            elif f.keyword == "waarde" and decl.kind == "doel":
                _check_goal_column(decl, f.value, decls, diags)


def _check_within(decl: nodes.Declaration, ref: nodes.Ref, kinds, diags: Diagnostics) -> None:
    if ref.name not in kinds:
        check_word(ref, kinds, "entity kind", diags)
    elif (decl.id.name, ref.name) not in schema.LINKED_KINDS:
        diags.add(
            codes.INVALID_AGGREGATE,
            ref.span,
            f"no table says which {ref.name} each {decl.id.name} lies in",
            hint="the data links "
            + ", ".join(f"{a} to {b}" for a, b in schema.LINKED_KINDS)
            + " (the farm table's `province` column)",
        )


def _check_selection(subject: nodes.EntitySubject, kinds, decls, diags: Diagnostics) -> None:
    if subject.entity.name not in kinds:
        check_word(subject.entity, kinds, "entity kind", diags)
        return
    if subject.where is not None:
        _check_condition_kind(subject.where, subject.entity.name, decls, diags, "selection")


def _check_condition_kind(condition, kind: str, decls, diags: Diagnostics, what: str) -> None:
    """P270 for every indicator in `condition` measured per entity of a kind other than `kind`."""
    for ref in _indicator_refs(condition):
        other = kind_of_indicator(decls.get(ref.name))
        if other is None or other == kind:
            continue
        hint = f"`{ref.name}` belongs to kind `{other}`: select `elk {other}`"
        if (other, kind) in schema.LINKED_KINDS:
            hint += f", or declare an indicator at `niveau {kind}` with `berekend som {ref.name}`"
        diags.add(
            codes.SELECTION_WRONG_KIND,
            ref.span,
            f"this {what} is over `{kind}`, but `{ref.name}` has one value per `{other}`",
            hint=hint,
            related=(Related(f"`{ref.name}` is declared here", decls[ref.name].id.span),),
        )


def _indicator_refs(condition) -> Iterator[nodes.Ref]:
    """The names a condition uses as values (operands, also inside calculations, and yes/no
    attributes): the resolver's walk over conditions, kept to the names that must be indicators.
    """
    for use in condition_uses(condition, "waar"):
        if use.kinds == ("indicator",):
            yield use.ref


def _check_aggregate(
    decl: nodes.Declaration, aggregate: nodes.EntityAggregate, kinds, decls, diags: Diagnostics
) -> None:
    into = kind_of_indicator(decl)
    source = _source_kind(aggregate, decls)
    if aggregate.function != "som" and aggregate.subject.name not in kinds:
        check_word(aggregate.subject, kinds, "entity kind", diags)
        return
    summed = decls.get(aggregate.subject.name)
    if aggregate.function == "som" and (summed is None or summed.kind != "indicator"):
        return  # `som` of a name that is unknown or not an indicator: resolve.py reported it
    if source is None:
        diags.add(
            codes.INVALID_AGGREGATE,
            aggregate.subject.span,
            f"`{aggregate.subject.name}` is one national or sector value; "
            "there is nothing to add up",
            hint="`som` adds up an indicator with one value per entity, e.g. per `bedrijf`",
        )
        return
    if into is None or (source, into) not in schema.LINKED_KINDS:
        level = into or "nationaal/sector"
        diags.add(
            codes.INVALID_AGGREGATE,
            aggregate.subject.span,
            f"`{decl.id.name}` is at niveau {level} "
            f"and cannot be computed from `{source}` entities",
            hint="aggregates go from the entities of one kind to the kind they lie in: "
            + ", ".join(f"`{a}` into `niveau {b}`" for a, b in schema.LINKED_KINDS),
        )
        return
    _check_aggregate_unit(decl, aggregate, decls, diags)
    if aggregate.where is not None:
        _check_condition_kind(aggregate.where, source, decls, diags, "aggregate")


def _source_kind(aggregate: nodes.EntityAggregate, decls) -> str | None:
    """The kind whose entities are added up: the summed indicator's, or the counted kind."""
    if aggregate.function == "som":
        return kind_of_indicator(decls.get(aggregate.subject.name))
    return aggregate.subject.name


_AGGREGATE_DIMENSIONS = {"aantal": ("count", "aantal"), "aandeel": ("share", "%")}


def _check_aggregate_unit(
    decl: nodes.Declaration, aggregate: nodes.EntityAggregate, decls, diags: Diagnostics
) -> None:
    unit = decl.value("eenheid")
    own = units.lookup(unit.text) if isinstance(unit, nodes.Unit) else None
    if own is None:
        return
    if aggregate.function == "som":
        summed = decls[aggregate.subject.name].value("eenheid")
        info = units.lookup(summed.text) if isinstance(summed, nodes.Unit) else None
        if info is None or units.compatible(info, own):
            return
        wanted, example = info.dimension, info.name
    else:
        wanted, example = _AGGREGATE_DIMENSIONS[aggregate.function]
        if own.dimension == wanted:
            return
    diags.add(
        codes.UNIT_MISMATCH,
        unit.span,
        f"`{decl.id.name}` is `berekend {aggregate.function}`, so its unit is {wanted}, "
        f"not {own.name} ({own.dimension})",
        hint=f"write `eenheid {example}`",
    )


def _check_goal_column(decl: nodes.Declaration, amount, decls, diags: Diagnostics) -> None:
    """P272 when a bound names an indicator of another kind than the target's indicator."""
    if not (isinstance(amount, nodes.Bound) and isinstance(amount.value, nodes.Ref)):
        return
    indicator, column = decl.value("indicator"), decls.get(amount.value.name)
    if not isinstance(indicator, nodes.Ref) or column is None or column.kind != "indicator":
        return  # an unknown name or not an indicator: resolve.py reported it
    own = kind_of_indicator(decls.get(indicator.name))
    other = kind_of_indicator(column)
    if own is not None and own == other:
        return
    per = f"one value per `{other}`" if other else "one national or sector value"
    target = f"one value per `{own}`" if own else "a national or sector series"
    diags.add(
        codes.TARGET_GOAL_WRONG_KIND,
        amount.value.span,
        f"`{amount.value.name}` has {per}, but `{indicator.name}` has {target}",
        hint=(
            f"name an indicator at `niveau {own}` (a column of its table or `berekend`)"
            if own
            else "write the goal as a number, e.g. `waarde ten hoogste 100 kton`"
        ),
        related=(Related(f"`{amount.value.name}` is declared here", column.id.span),),
    )
