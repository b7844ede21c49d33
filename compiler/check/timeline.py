"""Validity on a date: which declarations are in force, which have not started, which have ended and
what ended them. Backs `beleid check --as-of DATE`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compiler.check.history import owners
from compiler.check.model import CheckedDeclaration, Policy


@dataclass(frozen=True, slots=True)
class Status:
    """A declaration's state on a date (in force, not yet, ended, undated) and what ended it."""

    declaration: CheckedDeclaration
    state: str  # "in force", "not yet", "ended", "undated"
    ended_by: tuple[str, ...] = ()


def as_of(policy: Policy, on: dt.date) -> list[Status]:
    """The status of every declaration (documents excluded) on date `on`, by kind and id."""
    enders = _enders(policy)
    statuses = [
        _status(decl, on, enders.get(decl.id, ()))
        for decl in policy.declarations.values()
        if decl.kind != "document"
    ]
    return sorted(statuses, key=lambda s: (s.declaration.kind, s.declaration.id))


def _enders(policy: Policy) -> dict[str, tuple[str, ...]]:
    """What ended each declaration: a `vervangt` or `stopt` naming it, else what it belongs to
    and ended with (shown as "with ID").
    """
    found: dict[str, list[str]] = {}
    for ref in policy.references:
        if ref.relation in ("vervangt", "stopt"):
            found.setdefault(ref.source, []).append(ref.target)
    decls = policy.declarations
    for member, of in owners({d.id: d.node for d in decls.values()}).items():
        end = decls[member].valid_to
        if member in found or end is None:
            continue
        with_ = [f"with {o}" for o in of if o in decls and decls[o].valid_to == end]
        if with_:
            found[member] = with_
    return {name: tuple(sorted(by)) for name, by in found.items()}


def _status(decl: CheckedDeclaration, on: dt.date, enders: tuple[str, ...]) -> Status:
    if decl.valid_from is None and decl.valid_to is None:
        return Status(decl, "undated")
    if decl.valid_from is not None and on < decl.valid_from:
        return Status(decl, "not yet")
    if decl.valid_to is not None and on >= decl.valid_to:
        return Status(decl, "ended", enders)
    return Status(decl, "in force")


def render_text(statuses: list[Status], on: dt.date) -> str:
    counts = {
        state: sum(1 for s in statuses if s.state == state)
        for state in ("in force", "not yet", "ended", "undated")
    }
    out = [f"on {on}: " + ", ".join(f"{n} {state}" for state, n in counts.items() if n)]
    for state in ("in force", "not yet", "ended", "undated"):
        chosen = [s for s in statuses if s.state == state]
        if not chosen:
            continue
        out.append(f"\n{state}:")
        for s in chosen:
            d = s.declaration
            period = f"{d.valid_from or '…'} – {d.valid_to or '…'}"
            label = ", ".join(s.ended_by)
            by = f"  ({label})" if label.startswith("with ") else f"  (by {label})" if label else ""
            out.append(f"  {d.kind:<12} {d.id:<40} {period}{by}")
    return "\n".join(out)


def to_json(statuses: list[Status], on: dt.date) -> dict:
    return {
        "as_of": on.isoformat(),
        "declarations": [
            {
                "id": s.declaration.id,
                "kind": s.declaration.kind,
                "state": s.state,
                "valid_from": s.declaration.valid_from.isoformat()
                if s.declaration.valid_from
                else None,
                "valid_to": s.declaration.valid_to.isoformat() if s.declaration.valid_to else None,
                "ended_by": list(s.ended_by),
            }
            for s in statuses
        ],
    }
