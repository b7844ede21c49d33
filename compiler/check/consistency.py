"""Cross-document consistency: where two documents state the same target with different values.

Targets on the same indicator with the same deadline year, cited from different documents, must
agree. Only targets the sources set take part: an estimate, option or proposal (`soort raming`,
`optie`, `voorstel`) states no target, so a different value in one is no disagreement.
A disagreement is a finding about the sources, not a drafting error, so it is a warning (P501)
with both citations; a `bevinding` whose `betreft` names both targets records it, and the warning
is then no longer raised.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import combinations

from compiler.check import units
from compiler.check.fields import parse_when
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related


def check_consistency(decls: dict[str, nodes.Declaration], diags: Diagnostics) -> None:
    recorded = _recorded_findings(decls)
    groups: dict[tuple[str, int], list[nodes.Declaration]] = defaultdict(list)
    for decl in decls.values():
        key = _target_key(decl)
        if key is not None:
            groups[key].append(decl)
    for (indicator, year), targets in sorted(groups.items()):
        for a, b in combinations(sorted(targets, key=lambda d: d.id.name), 2):
            if _document(a) == _document(b) or frozenset((a.id.name, b.id.name)) in recorded:
                continue
            left, right = _statement(a, decls), _statement(b, decls)
            if left is not None and right is not None and left != right:
                _report(a, b, indicator, year, diags)


def _recorded_findings(decls: dict[str, nodes.Declaration]) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for decl in decls.values():
        if decl.kind == "bevinding":
            names = [ref.name for ref in decl.value("betreft", ()) or ()]
            pairs.update(frozenset(pair) for pair in combinations(names, 2))
    return pairs


def _target_key(decl: nodes.Declaration) -> tuple[str, int] | None:
    if decl.kind != "doel" or not _sets_a_target(decl):
        return None
    indicator, deadline = decl.value("indicator"), decl.value("uiterlijk")
    if not isinstance(indicator, nodes.Ref) or not isinstance(deadline, nodes.When):
        return None
    date = parse_when(deadline)
    return (indicator.name, date.year) if date else None


def _sets_a_target(decl: nodes.Declaration) -> bool:
    """A `doel` without `soort`, or with `soort doelstelling`: one the source sets."""
    nature = decl.value("soort")
    return not isinstance(nature, nodes.Ref) or nature.name == "doelstelling"


def _document(decl: nodes.Declaration) -> str | None:
    citation = decl.value("bron")
    return citation.document.name if citation else None


def _statement(decl: nodes.Declaration, decls) -> tuple | None:
    """What a target demands, normalised: ('reductie', low, high, baseline) or ('waarde', ...)."""
    reduction = decl.value("reductie")
    if isinstance(reduction, nodes.Reduction):
        bounds = _bounds(reduction.amount, None)
        baseline = reduction.baseline.text if reduction.baseline else None
        return None if bounds is None or baseline is None else ("reductie", *bounds, baseline)
    indicator = decls.get(decl.value("indicator").name)
    unit = (
        units.lookup(indicator.value("eenheid").text)
        if indicator and indicator.value("eenheid")
        else None
    )
    bounds = _bounds(decl.value("waarde"), unit)
    return None if bounds is None else ("waarde", *bounds)


def _bounds(amount, unit) -> tuple | None:
    if isinstance(amount, nodes.Quantity):
        value = _value(amount, unit)
        return None if value is None else ("=", value, value)
    if isinstance(amount, nodes.Range):
        low, high = _value(amount.low, unit), _value(amount.high, unit)
        return None if low is None or high is None else ("=", low, high)
    if isinstance(amount, nodes.Bound) and isinstance(amount.value, nodes.Quantity):
        value = _value(amount.value, unit)
        return None if value is None else (amount.direction, value, value)
    return None  # pending, or a per-entity bound: nothing to compare


def _value(quantity: nodes.Quantity, unit) -> Decimal | None:
    source = units.lookup(quantity.unit.text)
    if source is None:
        return None
    if unit is None or quantity.unit.text == "%":
        return Decimal(quantity.number)
    if not units.compatible(source, unit):
        return None
    return units.convert(Decimal(quantity.number), source, unit).normalize()


def _report(a: nodes.Declaration, b: nodes.Declaration, indicator: str, year: int, diags) -> None:
    related = tuple(
        Related(
            f"`{d.id.name}` cites `{f.value.document.name}` "
            f"lines {f.value.first_line}-{f.value.last_line}",
            f.value.span,
        )
        for d in (a, b)
        for f in d.all("bron")[:1]
    )
    diags.add(
        codes.SOURCES_DISAGREE,
        b.id.span,
        f"`{a.id.name}` and `{b.id.name}` set different values for `{indicator}` in {year}",
        hint='if the sources really differ, record it: `bevinding ID { wat "..." betreft '
        f"{a.id.name}, {b.id.name} bron ... }}`",
        related=related,
    )
