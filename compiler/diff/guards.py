"""The commitment guards: the changes the policy itself forbids, as G0xx diagnostics.

`guard_errors` reads a `PolicyDiff` with both versions and reports a value a `borging` freezes
(G001), a declaration already superseded (G002) and a citation dropped (G003), each at its head
location with the base location as related information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compiler.check.fields import parse_when
from compiler.check.model import CheckedDeclaration, Policy, Reference
from compiler.diff.compare import TITLE, FieldChange, PolicyDiff, citation_key
from compiler.diff.printer import render_value
from dsl import nodes
from dsl.codes import CITATION_DROPPED, FROZEN_VALUE_CHANGED, SUPERSEDED_EDITED, Code
from dsl.diagnostics import Diagnostic, Related
from dsl.source import Span

GUARD_CODES = (FROZEN_VALUE_CHANGED, SUPERSEDED_EDITED, CITATION_DROPPED)

# Fields of a freezing `borging` that define the freeze: changing them loosens it.
FREEZE_FIELDS = frozenset({"vast_tot", "betreft", "soort", "geldig"})
# Fields that change no value of a frozen declaration: texts for readers, and citations (G003 guards
# those on every declaration).
UNFROZEN_FIELDS = frozenset({TITLE, "titel_en", "naam", "samenvatting", "bron"})
HISTORY_RELATIONS = ("vervangt", "stopt")


def guard_errors(
    diff: PolicyDiff, base: Policy, head: Policy, as_of: dt.date | None = None
) -> list[Diagnostic]:
    """The changes the policy forbids, as diagnostics at the head location with the base location
    as related information. `as_of` is the date of the change (default today).

    - G001: a change to a declaration a `borging` with `vast_tot DATE` names in its `betreft`, on a
      date before DATE (a bare year stands for 1 January); also removing it, superseding it with a
      new `vervangt`/`stopt`, and changing the freezing borging's `vast_tot`, `betreft`, `soort` or
      `geldig`, or removing the borging. Titles, `titel_en`, `naam`, `samenvatting` and `bron`
      change no value and are left to G003.
    - G002: a change to a declaration that, in the base version, another declaration's `vervangt`
      or `stopt` ends on or before `as_of` (or without a date). Removing it is left to the checker:
      the declaration that ends it would then name nothing (P102).
    - G003: a declaration present in both versions loses a `bron`, unless the head cites the same
      document on the same lines again (a corrected quote). Dropping every citation of a document
      is therefore always an error.
    """
    as_of = as_of or dt.date.today()
    found = (
        _frozen(diff, base, head, as_of)
        + _superseded_edits(diff, base, as_of)
        + _dropped_citations(diff, base, head)
    )
    return sorted(found, key=Diagnostic.sort_key)


def _diagnostic(
    code: Code,
    head_span: Span | None,
    base_span: Span | None,
    message: str,
    hint: str,
    *related: Related,
) -> Diagnostic:
    base = (Related("in the base version", base_span),) if base_span is not None else ()
    return Diagnostic(
        code, head_span if head_span is not None else base_span, message, hint, base + related
    )


@dataclass(frozen=True)
class _Freeze:
    borging: CheckedDeclaration
    until: dt.date
    span: Span


def _freezes(base: Policy, as_of: dt.date) -> dict[str, list[_Freeze]]:
    """Declaration id -> the borgingen that freeze it on `as_of` (the borging itself included)."""
    found: dict[str, list[_Freeze]] = {}
    for borging in base.of_kind("borging"):
        field_ = borging.node.get("vast_tot")
        until = _first_day_unfrozen(field_.value) if field_ else None
        if until is None or as_of >= until:
            continue
        freeze = _Freeze(borging, until, field_.span)
        for ref in borging.node.value("betreft") or ():
            found.setdefault(ref.name, []).append(freeze)
        found.setdefault(borging.id, []).append(freeze)
    return found


def _first_day_unfrozen(value: object) -> dt.date | None:
    """The first day a `vast_tot` no longer freezes: `vast_tot 2035` lasts through 2035, so 1
    January 2036; `vast_tot 2035-06-30` freezes until that day, as `tot` does everywhere.
    """
    if not isinstance(value, nodes.When):
        return None
    until = parse_when(value)
    if until is not None and value.is_year:
        return dt.date(until.year + 1, 1, 1)
    return until


def _frozen(diff: PolicyDiff, base: Policy, head: Policy, as_of: dt.date) -> list[Diagnostic]:
    freezes = _freezes(base, as_of)
    out = []
    for change in diff.changed:
        base_id = diff.base_id(change.declaration)
        for freeze in freezes.get(base_id, ()):
            if base_id == freeze.borging.id and change.field not in FREEZE_FIELDS:
                continue
            if change.field not in UNFROZEN_FIELDS:
                out.append(_frozen_change(change, base_id, freeze))
    for entry in diff.removed:
        for freeze in freezes.get(entry.id, ()):
            out.append(
                _diagnostic(
                    FROZEN_VALUE_CHANGED,
                    None,
                    entry.span,
                    f"`{entry.id}` is removed, but {_frozen_by(freeze)}",
                    "keep the declaration until the freeze ends",
                    _freeze_related(freeze),
                )
            )
    out += _frozen_supersessions(diff, base, head, freezes)
    return out


def _frozen_by(freeze: _Freeze) -> str:
    return f"`{freeze.borging.id}` fixes it until {freeze.until.isoformat()}"


def _freeze_related(freeze: _Freeze) -> Related:
    return Related(f"frozen until {freeze.until.isoformat()} by `{freeze.borging.id}`", freeze.span)


def _frozen_change(change: FieldChange, base_id: str, freeze: _Freeze) -> Diagnostic:
    return _diagnostic(
        FROZEN_VALUE_CHANGED,
        change.head_span,
        change.base_span,
        f"`{change.field}` of `{change.declaration}` changes, but {_frozen_by(freeze)}",
        f"leave `{base_id}` as it is until {freeze.until.isoformat()}, or date the change "
        "on or after that day",
        _freeze_related(freeze),
    )


def _frozen_supersessions(
    diff: PolicyDiff, base: Policy, head: Policy, freezes
) -> list[Diagnostic]:
    """A new `vervangt`/`stopt` in the head that ends a frozen declaration."""
    names = diff.renamed
    before = {
        (names.get(r.source, r.source), names.get(r.target, r.target))
        for r in base.references
        if r.relation in HISTORY_RELATIONS
    }
    out = []
    for ref in head.references:
        if ref.relation not in HISTORY_RELATIONS or (ref.source, ref.target) in before:
            continue
        for freeze in freezes.get(diff.base_id(ref.source), ()):
            frozen = base.declarations.get(diff.base_id(ref.source))
            out.append(
                _diagnostic(
                    FROZEN_VALUE_CHANGED,
                    ref.span,
                    frozen.span if frozen else None,
                    f"`{ref.target}` {ref.relation} `{ref.source}`, but {_frozen_by(freeze)}",
                    "a frozen declaration may not be replaced or stopped before its date",
                    _freeze_related(freeze),
                )
            )
    return out


def _superseded_edits(diff: PolicyDiff, base: Policy, as_of: dt.date) -> list[Diagnostic]:
    enders: dict[str, list[Reference]] = {}
    for ref in base.references:
        if ref.relation in HISTORY_RELATIONS:
            enders.setdefault(ref.source, []).append(ref)
    out = []
    for change in diff.changed:
        base_id = diff.base_id(change.declaration)
        decl = base.declarations.get(base_id)
        if (
            decl is None
            or base_id not in enders
            or (decl.valid_to is not None and decl.valid_to > as_of)
        ):
            continue
        ender = enders[base_id][0]
        out.append(
            _diagnostic(
                SUPERSEDED_EDITED,
                change.head_span,
                change.base_span,
                f"`{change.field}` of `{change.declaration}` changes, but `{ender.target}` "
                f"{ender.relation} it"
                + (f" per {decl.valid_to.isoformat()}" if decl.valid_to else ""),
                "history is kept as it was: change the declaration that replaced it, or add a new "
                "one that replaces it",
                Related(f"`{ender.target}` {ender.relation} `{base_id}` here", ender.span),
            )
        )
    return out


def _dropped_citations(diff: PolicyDiff, base: Policy, head: Policy) -> list[Diagnostic]:
    names = diff.renamed
    out = []
    for head_id, decl in sorted(head.declarations.items()):
        old = base.declarations.get(diff.base_id(head_id))
        if old is None:
            continue
        kept = {citation_key(f.value, {}) for f in decl.node.all("bron")}
        lines = {key[:3] for key in kept}
        for f in old.node.all("bron"):
            key = citation_key(f.value, names)
            if key in kept or key[:3] in lines:
                continue
            out.append(
                _diagnostic(
                    CITATION_DROPPED,
                    decl.node.id.span,
                    f.span,
                    f"`{head_id}` no longer cites {render_value('bron', f.value)}",
                    "keep the citation; to correct a quote, cite the same document and lines "
                    "with the corrected quote",
                )
            )
    return out
