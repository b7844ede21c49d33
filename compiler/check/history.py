"""History: each declaration's validity period and the checks on it (P240, P241, P280).

A period starts at `geldig vanaf` (else the date of the first document the declaration cites) and
ends at `geldig tot`, at the date a `vervangt` or `stopt` names it, or when what it belongs to
ends. A declaration belongs to the programme its `onderdeel_van` names; else, when it has a
`betreft`, to what that names (a safeguard ends when everything it concerns has ended); a budget
table belongs to the declarations whose `budget` names it (it ends when the last of them ends).
A declaration that a `behoudt` names does not end with what it belongs to: only its own
`geldig tot`, `vervangt` or `stopt` ends it. docs/language.md ('Validity and history') states the
same for drafters.
"""

from __future__ import annotations

import datetime as dt

from compiler.check.fields import parse_when
from compiler.check.model import Reference
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related

Period = tuple[dt.date | None, dt.date | None]
# Kinds that never take part in an evaluation, so nothing ends with them and they end with nothing.
TIMELESS_KINDS = ("document", "bevinding", "buiten_scope")


def validity(decls: dict[str, nodes.Declaration]) -> dict[str, Period]:
    """Each declaration's validity period: its own dates, supersessions, and what it belongs to."""
    periods = {name: _own_period(decl, decls) for name, decl in decls.items()}
    for name, decl in decls.items():
        for f in decl.all("vervangt") + decl.all("stopt"):
            _apply_supersession(name, f.value, periods)
    _end_with_owners(decls, periods)
    return periods


def owners(decls: dict[str, nodes.Declaration]) -> dict[str, tuple[str, ...]]:
    """What each declaration belongs to (see the module docstring), by id; kept ones included."""
    found: dict[str, set[str]] = {}
    for name, decl in decls.items():
        if decl.kind in TIMELESS_KINDS:
            continue
        part = decl.value("onderdeel_van")
        concerns = decl.value("betreft") or ()
        if isinstance(part, nodes.Ref):
            found[name] = {part.name}
        elif concerns:
            found[name] = {ref.name for ref in concerns}
    for name, decl in decls.items():
        for f in decl.all("budget"):
            table = f.value.table.name
            if table in decls and decls[table].value("onderdeel_van") is None:
                found.setdefault(table, set()).add(name)
    return {name: tuple(sorted(of)) for name, of in found.items()}


def kept(decls: dict[str, nodes.Declaration]) -> frozenset[str]:
    """The declarations some `behoudt` names: they never end with what they belong to."""
    return frozenset(ref.name for decl in decls.values() for ref in decl.value("behoudt", ()) or ())


def _own_period(decl: nodes.Declaration, decls: dict[str, nodes.Declaration]) -> Period:
    start = end = None
    period = decl.value("geldig")
    if isinstance(period, nodes.Validity):
        start = parse_when(period.start) if period.start else None
        end = parse_when(period.end) if period.end else None
    if start is None:
        start = _document_date(decl, decls)
    return start, end


def _document_date(decl: nodes.Declaration, decls: dict[str, nodes.Declaration]) -> dt.date | None:
    if decl.kind == "document":
        datum = decl.value("datum")
        return parse_when(datum) if isinstance(datum, nodes.When) else None
    for f in decl.all("bron"):
        document = decls.get(f.value.document.name)
        if document is not None and document.kind == "document":
            return _document_date(document, decls)
    return None


def _apply_supersession(name: str, supersession: nodes.Supersession, periods) -> None:
    target = supersession.target.name
    if target not in periods:
        return
    when = parse_when(supersession.when) if supersession.when else periods[name][0]
    start, end = periods[target]
    if when is not None and (end is None or when < end):
        periods[target] = (start, when)


def _end_with_owners(decls: dict[str, nodes.Declaration], periods: dict[str, Period]) -> None:
    """End every declaration not kept when what it belongs to has ended, until nothing changes
    (ends only move earlier, so this stops).
    """
    belongs, keep = owners(decls), kept(decls)
    changed = True
    while changed:
        changed = False
        for member, of in belongs.items():
            start, end = periods[member]
            ended = None if member in keep else owners_end(of, start, periods)
            if ended is not None and (end is None or ended < end):
                periods[member] = (start, ended)
                changed = True


def owners_end(of: tuple[str, ...], start: dt.date | None, periods) -> dt.date | None:
    """When the last of `of` ends, or None while one of them does not. An owner that had already
    ended when the member started does not count: the member was written about an ended one.
    """
    ends = []
    for owner in of:
        if owner not in periods or periods[owner][1] is None:
            return None
        ends.append(periods[owner][1])
    live = [end for end in ends if start is None or end > start]
    return max(live) if live else None


# Checks ------------------------------------------------------------------------------------------


def check_history(
    decls: dict[str, nodes.Declaration],
    periods: dict[str, Period],
    references: list[Reference],
    diags: Diagnostics,
) -> None:
    """A declaration may only supersede an earlier one; `behoudt` must name something related;
    a recurring duty needs its first year.
    """
    linked = {(r.source, r.target) for r in references} | {(r.target, r.source) for r in references}
    for name, decl in decls.items():
        _check_order(name, decl, decls, periods, diags)
        _check_retained(name, decl, decls, linked, diags)
        _check_first_year(decl, diags)


def _check_order(name, decl, decls, periods, diags: Diagnostics) -> None:
    own_start = periods[name][0]
    for f in decl.all("vervangt") + decl.all("stopt"):
        target = f.value.target.name
        if target not in decls:
            continue
        target_start = periods[target][0]
        when = parse_when(f.value.when) if f.value.when else own_start
        if target_start and when and when < target_start:
            diags.add(
                codes.SUPERSEDES_LATER,
                f.value.target.span,
                f"`{name}` {_verb(f.value)} `{target}` from {when}, "
                f"before `{target}` starts on {target_start}",
                hint=(
                    "a declaration can only supersede one that is already in force; check the dates"
                ),
                related=(Related(f"`{target}` is declared here", decls[target].id.span),),
            )


def _check_retained(name, decl, decls, linked, diags: Diagnostics) -> None:
    stopped = [f.value.target.name for f in decl.all("stopt")]
    for ref in decl.value("behoudt", ()) or ():
        if ref.name in decls and not any((ref.name, s) in linked for s in stopped):
            diags.add(
                codes.RETAINS_UNRELATED,
                ref.span,
                f"`{ref.name}` is retained, but nothing that `{name}` stops refers to it",
                hint="`behoudt` lists what a stopped declaration led to and what stands",
            )


def _check_first_year(decl: nodes.Declaration, diags: Diagnostics) -> None:
    """A `borging` with a `cadans` is a recurring duty: without `eerste` it never becomes due."""
    cadence = decl.get("cadans") if decl.kind == "borging" else None
    if cadence is None or decl.value("eerste") is not None:
        return
    diags.add(
        codes.RECURRING_WITHOUT_FIRST,
        cadence.span,
        f"`{decl.id.name}` recurs (`cadans`) but has no first year (`eerste`), so it is never due",
        hint=(
            "add `eerste YEAR`: the year of the first report the source names; where the source "
            "names none, choose one and record the choice in a `bevinding`"
        ),
    )


def _verb(supersession: nodes.Supersession) -> str:
    return "replaces" if supersession.mode == "replaces" else "stops"
