"""The diff presented: Markdown for a pull-request comment or a job summary, and JSON.

`render_markdown` and `to_json` present a `PolicyDiff` with its guard errors and, when given, its
`Impact`; `summary` is their one-line headline, `change_text` one field change as plain text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from compiler.diff.compare import Entry, FieldChange, PolicyDiff, Rename
from compiler.diff.impact import FarmChange, Impact, StateChange
from compiler.diff.printer import collapse
from dsl.diagnostics import Diagnostic
from dsl.source import Span

KIND_NAMES = {
    "document": "document",
    "actor": "actor",
    "indicator": "indicator",
    "doel": "target",
    "maatregel": "measure",
    "begroting": "budget table",
    "trigger": "trigger",
    "verplichting": "obligation",
    "handhaving": "enforcement ladder",
    "borging": "commitment",
    "besluit": "decision",
    "verbod": "prohibition",
    "bevinding": "finding",
    "buiten_scope": "passage out of scope",
}


def where(span: Span | None) -> str:
    """`path:line`, or an empty text without a location."""
    return f"{span.path}:{span.line}" if span is not None else ""


def change_text(change: FieldChange) -> str:
    """`reductie 42 tot 46 % t.o.v. 2019 → 40 tot 46 % t.o.v. 2019`, `bron ... dropped`, ..."""
    if change.change == "changed":
        return f"{_field_text(change.field, change.before)} → {change.after}"
    if change.change == "added":
        return f"{_field_text(change.field, change.after)} added"
    if change.field == "bron":
        return f"citation dropped: {_field_text(change.field, change.before)}"
    return f"{_field_text(change.field, change.before)} removed"


def _field_text(name: str, value: str) -> str:
    return f"{name} {value}".rstrip()


def _label(kind: str, ident: str) -> str:
    return f"{KIND_NAMES.get(kind, kind)} `{ident}`"


def summary(diff: PolicyDiff, guards: list[Diagnostic]) -> str:
    """One line: how much changed, and how many guard errors."""
    if diff.is_empty:
        text = "No change in meaning."
    else:
        declarations = len({c.declaration for c in diff.changed})
        parts = (
            [
                f"{len(diff.changed)} field change{'s' * (len(diff.changed) != 1)} in "
                f"{declarations} declaration{'s' * (declarations != 1)}"
            ]
            if diff.changed
            else []
        )
        parts += [
            f"{len(items)} {word}"
            for items, word in (
                (diff.added, "added"),
                (diff.removed, "removed"),
                (diff.renames, "renamed"),
            )
            if items
        ]
        text = ", ".join(parts) + "."
    if guards:
        text += f" **{len(guards)} guard error{'s' * (len(guards) != 1)}.**"
    return text


def render_markdown(
    diff: PolicyDiff, impact: Impact | None = None, guards: list[Diagnostic] | None = None
) -> str:
    """The diff as Markdown for a pull-request comment or a job summary; guard errors come first."""
    guards = guards or []
    out = ["## Policy diff", "", summary(diff, guards)]
    out += _guard_section(guards)
    out += _entries_section("Added", diff.added)
    out += _entries_section("Removed", diff.removed)
    out += _renames_section(diff.renames)
    out += _changes_section(diff.changed)
    if impact is not None:
        out += _impact_section(impact)
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return _cell(f"{fence}{pad}{text}{pad}{fence}") if text else ""


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _section(
    title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], level: int = 3
) -> list[str]:
    return ["", "#" * level + " " + title, "", *_table(header, rows)] if rows else []


def _guard_section(guards: list[Diagnostic]) -> list[str]:
    rows = [
        (
            f"{d.code.id} {d.code.slug}",
            _cell(d.message),
            _code(where(d.span)),
            _code(where(d.related[0].span)) if d.related else "",
        )
        for d in guards
    ]
    return _section("Guard errors", ("code", "problem", "head", "base"), rows)


def _entries_section(title: str, entries: tuple[Entry, ...]) -> list[str]:
    rows = [
        (_label(e.kind, e.id), _cell(collapse(e.title or "")), _code(where(e.span)))
        for e in entries
    ]
    return _section(title, ("declaration", "title", "where"), rows)


def _renames_section(renames: tuple[Rename, ...]) -> list[str]:
    rows = [
        (
            _label(r.kind, r.old),
            f"`{r.new}`",
            r.rule,
            _code(where(r.base_span)),
            _code(where(r.head_span)),
        )
        for r in renames
    ]
    return _section("Renamed", ("declaration", "renamed to", "rule", "base", "head"), rows)


def _changes_section(changes: tuple[FieldChange, ...]) -> list[str]:
    rows = [
        (_label(c.kind, c.declaration), _change_cell(c), _code(where(c.head_span))) for c in changes
    ]
    return _section("Changed", ("declaration", "change", "where"), rows)


def _change_cell(change: FieldChange) -> str:
    """`change_text` with the rule text as code."""
    if change.change == "changed":
        return f"{_code(_field_text(change.field, change.before))} → {_code(change.after)}"
    if change.change == "added":
        return f"added {_code(_field_text(change.field, change.after))}"
    dropped = "citation dropped" if change.field == "bron" else "removed"
    return f"{dropped} {_code(_field_text(change.field, change.before))}"


def _impact_section(result: Impact) -> list[str]:
    out = ["", f"### Impact on {result.moment.isoformat()}"]
    if result.is_empty:
        return out + ["", "No change in triggers, target statuses or farms affected."]
    out += _section("Triggers", ("trigger", "before", "after"), _state_rows(result.triggers), 4)
    out += _section("Targets", ("target", "before", "after"), _state_rows(result.targets), 4)
    out += _section(
        "Farms",
        ("obligation", "before", "after", "newly affected", "no longer affected"),
        [
            (f"`{f.obligation}`", str(f.before), str(f.after), str(f.newly), str(f.no_longer))
            for f in result.obligations
        ],
        4,
    )
    out += _section(
        "Farms by sector and province",
        ("obligation", "group", "newly affected", "no longer affected"),
        [row for f in result.obligations for row in _category_rows(f)],
        4,
    )
    return out


def _state_rows(changes: tuple[StateChange, ...]) -> list[tuple[str, ...]]:
    return [(f"`{c.id}`", _state(c.before), _state(c.after)) for c in changes]


def _state(state: str | None) -> str:
    return "(not evaluated)" if state is None else state.replace("_", " ")


def _category_rows(change: FarmChange) -> Iterator[tuple[str, ...]]:
    for group, newly, gone in (
        ("sector", change.newly_by_sector, change.no_longer_by_sector),
        ("province", change.newly_by_province, change.no_longer_by_province),
    ):
        for name in newly:
            if newly[name] or gone[name]:
                yield (
                    f"`{change.obligation}`",
                    f"{group} {name}",
                    str(newly[name]),
                    str(gone[name]),
                )


def to_json(
    diff: PolicyDiff, impact: Impact | None = None, guards: list[Diagnostic] | None = None
) -> dict:
    """The diff, its impact and the guard errors as JSON-serialisable data."""
    guards = guards or []
    return {
        "empty": diff.is_empty,
        "summary": summary(diff, guards).replace("**", ""),
        "guards": [_guard_json(d) for d in guards],
        "added": [_entry_json(e) for e in diff.added],
        "removed": [_entry_json(e) for e in diff.removed],
        "renamed": [
            {
                "from": r.old,
                "to": r.new,
                "kind": r.kind,
                "rule": r.rule,
                "base": where(r.base_span),
                "head": where(r.head_span),
            }
            for r in diff.renames
        ],
        "changed": [
            {
                "declaration": c.declaration,
                "kind": c.kind,
                "field": c.field,
                "change": c.change,
                "before": c.before,
                "after": c.after,
                "base": where(c.base_span),
                "head": where(c.head_span),
            }
            for c in diff.changed
        ],
        "impact": _impact_json(impact) if impact is not None else None,
    }


def _entry_json(entry: Entry) -> dict:
    return {"id": entry.id, "kind": entry.kind, "title": entry.title, "at": where(entry.span)}


def _guard_json(d: Diagnostic) -> dict:
    return {
        "code": d.code.id,
        "slug": d.code.slug,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
        "head": where(d.span),
        "related": [{"message": r.message, "at": where(r.span)} for r in d.related],
    }


def _impact_json(result: Impact) -> dict:
    return {
        "moment": result.moment.isoformat(),
        "farms": result.farms,
        "triggers": [dataclasses.asdict(c) for c in result.triggers],
        "targets": [dataclasses.asdict(c) for c in result.targets],
        "obligations": [dataclasses.asdict(f) for f in result.obligations],
    }
