"""Name resolution: syntax modules -> a symbol table and resolved references. Reports P101-P103.

Every name written in a field is looked up across all files. A name that is unknown gets a
"did you mean" hint; a name of the wrong kind (an indicator where a target is expected) is P103.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.check.model import Reference
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related

# keyword -> (kinds the name may refer to, direction). Direction "in": the named declaration is used
# in the definition of this one (edge named -> this). "out": this one leads to the named one.
FIELD_REFERENCES: dict[str, tuple[tuple[str, ...], str]] = {
    "uitgever": (("actor",), "in"),
    "sector": (("actor",), "in"),
    "indicator": (("indicator",), "in"),
    "eigenaar": (("actor",), "in"),
    "door": (("actor",), "in"),
    "aan": (("actor",), "in"),
    "draagt_bij_aan": (("doel",), "out"),
    "handhaving": (("handhaving",), "out"),
    "betreft": (nodes.KINDS, "in"),
    "behoudt": (tuple(k for k in nodes.KINDS if k != "document"), "history"),
    "onderdeel_van": (("maatregel",), "history"),  # the programme a declaration is part of
}
CONSEQUENCE_KINDS = {"verplichting": "verplichting", "besluit": "besluit", "maatregel": "maatregel"}
STATE_KINDS = {"actief": ("trigger",)}
FUNCTION_KINDS = {
    "achterstand": ("doel",),
    "achterstand_procent": ("doel",),
    "effect": ("maatregel",),
}


@dataclass(frozen=True, slots=True)
class Use:
    """One name written in a declaration, with the kinds it may name and the edge it makes."""

    ref: nodes.Ref
    kinds: tuple[str, ...]
    relation: str
    direction: str


def build_symbols(modules: list[nodes.Module], diags: Diagnostics) -> dict[str, nodes.Declaration]:
    """Index declarations by id; report duplicates against the first occurrence."""
    symbols: dict[str, nodes.Declaration] = {}
    for module in modules:
        for decl in module.declarations:
            first = symbols.get(decl.id.name)
            if first is None:
                symbols[decl.id.name] = decl
                continue
            diags.add(
                codes.DUPLICATE_ID,
                decl.id.span,
                f"duplicate id `{decl.id.name}`",
                hint="ids must be unique across the whole policy tree; rename one of them",
                related=(Related(f"`{decl.id.name}` is first declared here", first.id.span),),
            )
    return symbols


def resolve(symbols: dict[str, nodes.Declaration], diags: Diagnostics) -> list[Reference]:
    """Resolve every reference of every declaration; return the ones that resolved."""
    references: list[Reference] = []
    for decl in symbols.values():
        for use in uses(decl):
            target = _lookup(use, symbols, diags)
            if target is None:
                continue
            name = decl.id.name
            source, dest = (name, target) if use.direction == "out" else (target, name)
            references.append(Reference(source, dest, use.relation, use.ref.span))
    return references


def _lookup(use: Use, symbols: dict[str, nodes.Declaration], diags: Diagnostics) -> str | None:
    name = use.ref.name
    found = symbols.get(name)
    wanted = " or ".join(use.kinds) if len(use.kinds) <= 3 else "declaration"
    if found is None:
        candidates = [s for s, d in symbols.items() if d.kind in use.kinds]
        diags.add(
            codes.UNKNOWN_REFERENCE,
            use.ref.span,
            f"unknown {wanted} `{name}`",
            hint=did_you_mean(name, candidates)
            or f"declare {article(use.kinds[0])} `{name}` first",
        )
        return None
    if found.kind not in use.kinds:
        candidates = [s for s, d in symbols.items() if d.kind in use.kinds]
        suggestion = did_you_mean(name, candidates)
        diags.add(
            codes.WRONG_KIND,
            use.ref.span,
            f"`{name}` is {article(found.kind)}, but `{use.relation}` needs {article(wanted)}",
            hint=suggestion or f"name {article(wanted)} here",
            related=(Related(f"`{name}` is declared here", found.id.span),),
        )
        return None
    return name


def article(kind: str) -> str:
    """`a doel`, `an actor`."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def did_you_mean(name: str, candidates: list[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close.

    >>> did_you_mean("nh3_landbow", ["nh3_landbouw", "nox_mobiliteit"])
    'did you mean `nh3_landbouw`?'
    """
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f"did you mean `{match[0]}`?" if match else None


def uses(decl: nodes.Declaration) -> Iterator[Use]:
    """Every name that `decl` writes where a declaration is expected."""
    for f in decl.fields:
        yield from _field_uses(f)


def _field_uses(f: nodes.Field) -> Iterator[Use]:
    value = f.value
    if f.keyword in FIELD_REFERENCES:
        kinds, direction = FIELD_REFERENCES[f.keyword]
        refs = value if isinstance(value, tuple) else (value,)
        for ref in refs:
            yield Use(ref, kinds, f.keyword, direction)
    elif f.keyword == "bron":
        yield Use(value.document, ("document",), "cites", "in")
    elif f.keyword == "passage":
        yield Use(value.document, ("document",), "passage", "in")
    elif f.keyword == "budget":
        yield Use(value.table, ("begroting",), "budget", "in")
    elif f.keyword == "effect":
        yield Use(value.indicator, ("indicator",), "effect", "in")
    elif f.keyword == "dan":
        yield Use(value.target, (CONSEQUENCE_KINDS[value.kind],), "dan", "out")
    elif f.keyword in ("vervangt", "stopt"):
        yield Use(value.target, nodes.KINDS, f.keyword, "history")
    elif f.keyword == "als":
        yield from condition_uses(value, "als")
    elif f.keyword == "wie":
        yield from _subject_uses(value)
    elif f.keyword == "berekend":
        yield from _aggregate_uses(value)
    elif f.keyword == "stap" and value.condition is not None:
        yield from condition_uses(value.condition, "stap")
    elif f.keyword in ("waarde", "tussendoel"):
        amount = value.amount if f.keyword == "tussendoel" else value
        if isinstance(amount, nodes.Bound) and isinstance(amount.value, nodes.Ref):
            yield Use(amount.value, ("indicator",), f.keyword, "in")


def _subject_uses(subject) -> Iterator[Use]:
    if isinstance(subject, nodes.ActorSubject):
        yield Use(subject.actor, ("actor",), "wie", "in")
    elif subject.where is not None:
        yield from condition_uses(subject.where, "waar")


def _aggregate_uses(aggregate: nodes.EntityAggregate) -> Iterator[Use]:
    """The summed indicator of `som` and the names in the condition; the counted kind of `aantal`
    and `aandeel` is checked as an entity kind (compiler/check/kinds.py), not looked up here.
    """
    if aggregate.function == "som":
        yield Use(aggregate.subject, ("indicator",), "berekend", "in")
    if aggregate.where is not None:
        yield from condition_uses(aggregate.where, "berekend")


def condition_uses(condition, relation: str) -> Iterator[Use]:
    """Names used in a condition, iteratively (conditions may nest deeply)."""
    stack = [condition]
    while stack:
        item = stack.pop()
        if isinstance(item, (nodes.AllOf, nodes.AnyOf)):
            stack.extend(reversed(item.items))
        elif isinstance(item, nodes.Not):
            stack.append(item.item)
        elif isinstance(item, nodes.Comparison):
            stack.extend((item.right, item.left))
        elif isinstance(item, nodes.CALCULATIONS):
            stack.extend(reversed(nodes.parts_of(item)))
        elif isinstance(item, nodes.StateTest):
            yield Use(item.subject, STATE_KINDS.get(item.state, ("doel",)), relation, "in")
        elif isinstance(item, nodes.Flag):
            yield Use(item.attribute, ("indicator",), relation, "in")
        elif isinstance(item, nodes.Call):
            yield Use(item.argument, FUNCTION_KINDS[item.function], relation, "in")
        elif isinstance(item, nodes.Ref):
            yield Use(item, ("indicator",), relation, "in")
