"""Semantic diff of two versions of the policy: what changed in meaning, and may it change.

`diff_policies` compares two checked models declaration by declaration and field by field, with
values rendered back in the rule language, so layout, comments and the order of fields never show
up as a change. `guard_errors` reports the changes the policy itself forbids (a value a `borging`
freezes, a declaration already superseded, a citation dropped) as diagnostics that name both
versions' locations. `impact` evaluates both versions against the same monitoring data and reports
what the change does: triggers, target statuses, farms newly or no longer under an obligation.
`render_markdown` and `to_json` present the result (a pull-request comment, a job summary);
`load_version` compiles a version given as a folder or as a git revision.

What counts as the same:

- Values compare as they read in the rule language, with runs of whitespace in text collapsed,
  numbers compared by value (`40.0` is `40`), and name lists (`betreft a, b`) as sets. Fields
  compare by keyword, so their order does not matter. Repeatable fields (`bron`, `stap`, `post`,
  ...; compiler/check/schema.py REPEATABLE) compare as collections of items: an item written in both
  versions is unchanged wherever it stands; an item that differs is reported as changed when the
  two versions share its key (a `stap` its number, a `post`, `pakket` or `deelpost` its id, a
  `totaal` its section, a `tussendoel` its year, an `effect` its indicator and year, a `vervangt`
  or `stopt` its target, a `bron` its document and lines), else as added or removed.
- Rename rule: a declaration that disappears and one that appears are one declaration renamed when
  they have the same kind and either (1) equal fields (the title may differ and is then reported
  as changed), or (2) the same non-empty set of citations (document, lines and quote). Rule (1) is
  tried first. A pair counts only when it is unambiguous: exactly one removed and one added
  declaration share the kind and the fields (or citations). After a rename, references to the old
  id compare equal to references to the new one, so updating the users is no change in meaning.

Declarations are named by their id in the head version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from compiler.check.fields import parse_when
from compiler.check.graph import PolicyGraph
from compiler.check.model import CheckedDeclaration, Policy, Reference, SourceText
from compiler.check.pipeline import Compilation, compile_paths
from compiler.check.schema import REPEATABLE
from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.monitoring import Monitoring
from compiler.evaluate.moment import Evaluation, evaluate
from compiler.evaluate.outcomes import per_category
from dsl import nodes
from dsl.codes import (
    CITATION_DROPPED,
    FROZEN_VALUE_CHANGED,
    PATH_OUTSIDE_REPOSITORY,
    SUPERSEDED_EDITED,
    Code,
)
from dsl.diagnostics import Diagnostic, Diagnostics, Related
from dsl.source import Span

GUARD_CODES = (FROZEN_VALUE_CHANGED, SUPERSEDED_EDITED, CITATION_DROPPED)

TITLE = "title"  # the field name of a title change (no keyword is called `title`)
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
}
# Fields of a freezing `borging` that define the freeze: changing them loosens it.
FREEZE_FIELDS = frozenset({"vast_tot", "betreft", "soort", "geldig"})
# Fields that change no value of a frozen declaration: texts for readers, and citations (G003 guards
# those on every declaration).
UNFROZEN_FIELDS = frozenset({TITLE, "naam", "samenvatting", "bron"})
HISTORY_RELATIONS = ("vervangt", "stopt")


class DiffError(Exception):
    """A version cannot be loaded; `hint` says what to give instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message + (f" (hint: {self.hint})" if self.hint else "")


# ------------------------------------------------------------------------------------ the diff


@dataclass(frozen=True)
class Entry:
    """A declaration added or removed, where it stands in its version."""

    id: str
    kind: str
    title: str | None
    span: Span


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    kind: str
    rule: str  # "same fields" or "same citations"
    base_span: Span
    head_span: Span


@dataclass(frozen=True)
class FieldChange:
    """One field of one declaration, before and after; None where the field is absent."""

    declaration: str
    kind: str
    field: str
    before: str | None
    after: str | None
    base_span: Span | None
    head_span: Span | None

    @property
    def change(self) -> str:
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"


@dataclass(frozen=True)
class PolicyDiff:
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    renames: tuple[Rename, ...] = ()
    changed: tuple[FieldChange, ...] = ()

    @property
    def renamed(self) -> dict[str, str]:
        """Old id -> new id."""
        return {r.old: r.new for r in self.renames}

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.renames or self.changed)

    def base_id(self, head_id: str) -> str:
        """The id a head declaration had in the base version."""
        return next((r.old for r in self.renames if r.new == head_id), head_id)


def diff_policies(base: Policy, head: Policy) -> PolicyDiff:
    """Every difference in meaning between two versions (see the module docstring for the rules)."""
    removed = sorted(set(base.declarations) - set(head.declarations))
    added = sorted(set(head.declarations) - set(base.declarations))
    renames = _renames(base, head, removed, added)
    names = {r.old: r.new for r in renames}
    pairs = [(i, i) for i in sorted(set(base.declarations) & set(head.declarations))]
    pairs += [(r.old, r.new) for r in renames]
    changed = [
        c
        for old, new in sorted(pairs, key=lambda p: p[1])
        for c in compare(base.declarations[old], head.declarations[new], names)
    ]
    return PolicyDiff(
        added=tuple(_entry(head.declarations[i]) for i in added if i not in names.values()),
        removed=tuple(_entry(base.declarations[i]) for i in removed if i not in names),
        renames=tuple(renames),
        changed=tuple(changed),
    )


def _entry(decl: CheckedDeclaration) -> Entry:
    return Entry(decl.id, decl.kind, decl.node.title, decl.span)


# renames ------------------------------------------------------------------------------------


def _renames(base: Policy, head: Policy, removed: list[str], added: list[str]) -> list[Rename]:
    found: list[Rename] = []
    for rule, signature in (
        ("same fields", _field_signature),
        ("same citations", _citation_signature),
    ):
        taken_old, taken_new = {r.old for r in found}, {r.new for r in found}
        olds = _by_signature(base, [i for i in removed if i not in taken_old], signature)
        news = _by_signature(head, [i for i in added if i not in taken_new], signature)
        for key, old_ids in olds.items():
            new_ids = news.get(key, [])
            if len(old_ids) == 1 and len(new_ids) == 1:
                old, new = base.declarations[old_ids[0]], head.declarations[new_ids[0]]
                found.append(Rename(old.id, new.id, new.kind, rule, old.span, new.span))
    return sorted(found, key=lambda r: r.old)


def _by_signature(policy: Policy, ids: list[str], signature) -> dict[tuple, list[str]]:
    groups: dict[tuple, list[str]] = {}
    for i in ids:
        decl = policy.declarations[i]
        key = signature(decl.node)
        if key:
            groups.setdefault((decl.kind, key), []).append(i)
    return groups


def _field_signature(node: nodes.Declaration) -> tuple:
    return tuple(
        sorted((f.keyword, render_value(f.keyword, f.value, canonical=True)) for f in node.fields)
    )


def _citation_signature(node: nodes.Declaration) -> tuple:
    return tuple(sorted({_citation_key(f.value, {}) for f in node.all("bron")}))


def _citation_key(citation: nodes.Citation, names: Mapping[str, str]) -> tuple:
    return (
        names.get(citation.document.name, citation.document.name),
        citation.first_line,
        citation.last_line,
        _collapse(citation.quote),
    )


# field by field -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    key: object
    canonical: str
    text: str
    span: Span


def compare(
    old: CheckedDeclaration, new: CheckedDeclaration, names: Mapping[str, str] | None = None
) -> list[FieldChange]:
    """The field changes from `old` (base) to `new` (head); `names` maps renamed ids old -> new."""
    names = names or {}
    make = _changer(old, new)
    changes = []
    if old.kind != new.kind:
        changes.append(make("kind", old.kind, new.kind, old.span, new.span))
    if _collapse(old.node.title or "") != _collapse(new.node.title or ""):
        changes.append(
            make(TITLE, _quoted(old.node.title), _quoted(new.node.title), old.span, new.span)
        )
    for keyword in _keywords(old.node, new.node):
        if keyword in REPEATABLE:
            changes += _compare_items(keyword, old, new, names, make)
        else:
            changes += _compare_single(keyword, old, new, names, make)
    return changes


def _changer(old: CheckedDeclaration, new: CheckedDeclaration) -> Callable[..., FieldChange]:
    def make(name, before, after, base_span, head_span) -> FieldChange:
        return FieldChange(new.id, new.kind, name, before, after, base_span, head_span)

    return make


def _keywords(old: nodes.Declaration, new: nodes.Declaration) -> list[str]:
    """Every keyword of either version, in the head's written order, then the base's."""
    return list(dict.fromkeys([f.keyword for f in new.fields] + [f.keyword for f in old.fields]))


def _compare_single(
    keyword, old: CheckedDeclaration, new: CheckedDeclaration, names, make
) -> list[FieldChange]:
    before, after = old.node.all(keyword), new.node.all(keyword)
    canonical = [
        _joined(keyword, before, canonical=True, names=names),
        _joined(keyword, after, canonical=True),
    ]
    if canonical[0] == canonical[1]:
        return []
    return [
        make(
            keyword,
            _joined(keyword, before) if before else None,
            _joined(keyword, after) if after else None,
            before[0].span if before else old.span,
            after[0].span if after else new.span,
        )
    ]


def _joined(
    keyword: str,
    found: list[nodes.Field],
    *,
    canonical: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    return "; ".join(
        render_value(keyword, f.value, canonical=canonical, names=names) for f in found
    )


def _compare_items(
    keyword, old: CheckedDeclaration, new: CheckedDeclaration, names, make
) -> list[FieldChange]:
    before = _items(keyword, old.node, names)
    after = _items(keyword, new.node, {})
    for item in list(before):
        twin = next((a for a in after if a.canonical == item.canonical), None)
        if twin is not None:
            before.remove(item)
            after.remove(twin)
    changes = []
    for item in before:
        twin = next((a for a in after if a.key == item.key), None)
        if twin is not None:
            after.remove(twin)
        changes.append(
            make(
                keyword,
                item.text,
                twin.text if twin else None,
                item.span,
                twin.span if twin else new.span,
            )
        )
    changes += [make(keyword, None, a.text, old.span, a.span) for a in after]
    return changes


def _items(keyword: str, node: nodes.Declaration, names: Mapping[str, str]) -> list[_Item]:
    key_of = ITEM_KEYS.get(keyword)
    out = []
    for f in node.all(keyword):
        canonical = render_value(keyword, f.value, canonical=True, names=names)
        key = key_of(f.value, names) if key_of else canonical
        out.append(_Item(key, canonical, render_value(keyword, f.value), f.span))
    return out


def _name(ref: nodes.Ref | None, names: Mapping[str, str]) -> str | None:
    return None if ref is None else names.get(ref.name, ref.name)


def _year_text(when: nodes.When | None) -> str | None:
    return None if when is None else when.text


# The key that makes two differing items of a repeatable field one item changed.
ITEM_KEYS: dict[str, Callable[[object, Mapping[str, str]], object]] = {
    "bron": lambda v, names: _citation_key(v, names)[:3],
    "stap": lambda v, names: v.number,
    "post": lambda v, names: v.id.name,
    "pakket": lambda v, names: v.id.name,
    "deelpost": lambda v, names: v.id.name,
    "totaal": lambda v, names: v.section.name,
    "tussendoel": lambda v, names: v.year.text,
    "effect": lambda v, names: (_name(v.indicator, names), _year_text(v.year)),
    "vervangt": lambda v, names: _name(v.target, names),
    "stopt": lambda v, names: _name(v.target, names),
}


# ------------------------------------------------------------------------- values as rule text

# Fields whose value is a word from a vocabulary, not a reference to a declaration.
_WORD_FIELDS = frozenset({"soort", "niveau", "status", "traject"})
_BARE_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_MONEY_SCALES = {"€": "", "€ mln": " mln", "€ mld": " mld"}


def render_value(
    keyword: str, value: object, *, canonical: bool = False, names: Mapping[str, str] | None = None
) -> str:
    """A field's value as the rule language writes it after the keyword (a flag: the empty text).

    `canonical` also writes numbers by value and name lists sorted, for comparing; `names` renames
    references to declarations (old id -> new id).
    """
    return _Writer(names or {}, canonical).field(keyword, value)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str | None) -> str | None:
    return None if text is None else f'"{_collapse(text)}"'


class _Writer:
    """Writes syntax nodes back as rule text; one method per node type."""

    def __init__(self, names: Mapping[str, str], canonical: bool) -> None:
        self.names, self.canonical = names, canonical

    def field(self, keyword: str, value: object) -> str:
        if value is True:
            return ""
        if keyword in _WORD_FIELDS and isinstance(value, nodes.Ref):
            return value.name
        if keyword == "instrument" and isinstance(value, str) and _BARE_WORD.fullmatch(value):
            return value
        return self.value(value)

    def value(self, value: object) -> str:
        method = getattr(self, "_" + type(value).__name__.lower(), None)
        if method is None:
            return repr(value)
        return method(value)

    def _str(self, text: str) -> str:
        return f'"{_collapse(text)}"'

    def _tuple(self, refs: tuple) -> str:
        written = [self.value(r) for r in refs]
        return ", ".join(sorted(written) if self.canonical else written)

    def _ref(self, ref: nodes.Ref) -> str:
        return self.names.get(ref.name, ref.name)

    def _when(self, when: nodes.When) -> str:
        return when.text

    def _unit(self, unit: nodes.Unit) -> str:
        return unit.text

    def number(self, text: str) -> str:
        if not self.canonical:
            return text
        try:
            return format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            return text

    def _quantity(self, q: nodes.Quantity) -> str:
        unit = q.unit.text
        if unit in _MONEY_SCALES:
            return f"€ {self.number(q.number)}{_MONEY_SCALES[unit]}"
        return f"{self.number(q.number)} {unit}" if unit else self.number(q.number)

    def _range(self, r: nodes.Range) -> str:
        if r.low.unit.text == r.high.unit.text and r.low.unit.text not in _MONEY_SCALES:
            return f"{self.number(r.low.number)} tot {self._quantity(r.high)}"
        return f"{self._quantity(r.low)} tot {self._quantity(r.high)}"

    def _bound(self, b: nodes.Bound) -> str:
        return ("ten hoogste " if b.direction == "at_most" else "ten minste ") + self.value(b.value)

    def _pending(self, p: nodes.Pending) -> str:
        return "open" if p.reason is None else f"open {self._str(p.reason)}"

    def _reduction(self, r: nodes.Reduction) -> str:
        text = self.value(r.amount)
        return text if r.baseline is None else f"{text} t.o.v. {r.baseline.text}"

    def _interim(self, i: nodes.Interim) -> str:
        if i.kind == "open":
            return f"{i.year.text} {self.value(i.amount)}"
        return f"{i.year.text} {i.kind} {self.value(i.amount)}"

    def _citation(self, c: nodes.Citation) -> str:
        lines = (
            f"regel {c.first_line}"
            if c.first_line == c.last_line
            else f"regels {c.first_line}-{c.last_line}"
        )
        return f"{self._ref(c.document)} {lines} {self._str(c.quote)}"

    def _cadence(self, c: nodes.Cadence) -> str:
        if (c.every, c.period, c.at_least) == (1, "jaar", False):
            return "jaarlijks"
        return ("ten minste " if c.at_least else "") + f"elke {c.every} {c.period}"

    def _relativeterm(self, t: nodes.RelativeTerm) -> str:
        return f"{t.count} {t.period} na monitoring"

    def _fixedterm(self, t: nodes.FixedTerm) -> str:
        return f"uiterlijk {t.when.text}"

    def _budgetref(self, b: nodes.BudgetRef) -> str:
        package = f".{b.package.name}" if b.package else ""
        return f"{self._ref(b.table)}.{b.post.name}{package}"

    def _effect(self, e: nodes.Effect) -> str:
        year = f" in {e.year.text}" if e.year else ""
        return f"{self._ref(e.indicator)} {self._quantity(e.change)}{year}"

    def _consequence(self, c: nodes.Consequence) -> str:
        return f"{c.kind} {self._ref(c.target)}"

    def _call(self, c: nodes.Call) -> str:
        return f"{c.function}({self._ref(c.argument)})"

    def _comparison(self, c: nodes.Comparison) -> str:
        return f"{self.value(c.left)} {c.operator} {self.value(c.right)}"

    def _statetest(self, s: nodes.StateTest) -> str:
        return f"{self._ref(s.subject)} is {s.state}"

    def _flag(self, f: nodes.Flag) -> str:
        return self._ref(f.attribute)

    def _not(self, n: nodes.Not) -> str:
        return "niet " + self._nested(n.item, (nodes.AllOf, nodes.AnyOf))

    def _allof(self, a: nodes.AllOf) -> str:
        return " en ".join(self._nested(i, (nodes.AllOf, nodes.AnyOf)) for i in a.items)

    def _anyof(self, a: nodes.AnyOf) -> str:
        return " of ".join(self._nested(i, (nodes.AnyOf,)) for i in a.items)

    def _nested(self, item, grouped: tuple[type, ...]) -> str:
        """Conditions nest at most dsl/parser.py MAX_NESTING deep, so recursion is bounded."""
        text = self.value(item)
        return f"({text})" if isinstance(item, grouped) else text

    def _actorsubject(self, s: nodes.ActorSubject) -> str:
        return self._ref(s.actor)

    def _entitysubject(self, s: nodes.EntitySubject) -> str:
        where = f" waar {self.value(s.where)}" if s.where is not None else ""
        return f"elk {s.entity.name}{where}"

    def _step(self, s: nodes.Step) -> str:
        condition = f" als {self.value(s.condition)}" if s.condition is not None else ""
        return f"{s.number} {self._str(s.label)}{condition}"

    def _cells(self, cells: tuple[nodes.Cell, ...]) -> str:
        return ", ".join(f"{c.column.name} {self._quantity(c.amount)}" for c in cells)

    def _package(self, p: nodes.Package) -> str:
        return f"{p.id.name} {self._str(p.title)}"

    def _post(self, p: nodes.Post) -> str:
        return f"{p.id.name} {self._str(p.title)} {p.section.name}: {self._cells(p.cells)}"

    def _total(self, t: nodes.Total) -> str:
        return f"{t.section.name}: {self._cells(t.cells)}"

    def _suballocation(self, s: nodes.SubAllocation) -> str:
        return f"{s.id.name} {self._str(s.title)} van {s.post.name}.{s.package.name}: {self._quantity(s.amount)}"

    def _validity(self, v: nodes.Validity) -> str:
        start = f"vanaf {v.start.text}" if v.start else ""
        end = f"tot {v.end.text}" if v.end else ""
        return " ".join(part for part in (start, end) if part)

    def _supersession(self, s: nodes.Supersession) -> str:
        return self._ref(s.target) + (f" per {s.when.text}" if s.when else "")


# ------------------------------------------------------------------------------------- guards


def guard_errors(
    diff: PolicyDiff, base: Policy, head: Policy, as_of: dt.date | None = None
) -> list[Diagnostic]:
    """The changes the policy forbids, as diagnostics at the head location with the base location
    as related information. `as_of` is the date of the change (default today).

    - G001: a change to a declaration a `borging` with `vast_tot DATE` names in its `betreft`, on a
      date before DATE (a bare year stands for 1 January); also removing it, superseding it with a
      new `vervangt`/`stopt`, and changing the freezing borging's `vast_tot`, `betreft`, `soort` or
      `geldig`, or removing the borging. Titles, `naam`, `samenvatting` and `bron` change no value
      and are left to G003.
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
        until = (
            parse_when(field_.value) if field_ and isinstance(field_.value, nodes.When) else None
        )
        if until is None or as_of >= until:
            continue
        freeze = _Freeze(borging, until, field_.span)
        for ref in borging.node.value("betreft") or ():
            found.setdefault(ref.name, []).append(freeze)
        found.setdefault(borging.id, []).append(freeze)
    return found


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
                "history is kept as it was: change the declaration that replaced it, or add a new one that "
                "replaces it",
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
        kept = {_citation_key(f.value, {}) for f in decl.node.all("bron")}
        lines = {key[:3] for key in kept}
        for f in old.node.all("bron"):
            key = _citation_key(f.value, names)
            if key in kept or key[:3] in lines:
                continue
            out.append(
                _diagnostic(
                    CITATION_DROPPED,
                    decl.node.id.span,
                    f.span,
                    f"`{head_id}` no longer cites {render_value('bron', f.value)}",
                    "keep the citation; to correct a quote, cite the same document and lines with the "
                    "corrected quote",
                )
            )
    return out


# ------------------------------------------------------------------------------------- impact


@dataclass(frozen=True)
class StateChange:
    """A trigger or target whose state differs; None where the version does not evaluate it."""

    id: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class FarmChange:
    """Farms that an obligation newly selects, and farms it no longer selects."""

    obligation: str
    before: int
    after: int
    newly: int
    no_longer: int
    newly_by_sector: dict[str, int]
    newly_by_province: dict[str, int]
    no_longer_by_sector: dict[str, int]
    no_longer_by_province: dict[str, int]


@dataclass(frozen=True)
class Impact:
    moment: dt.date
    triggers: tuple[StateChange, ...]
    targets: tuple[StateChange, ...]
    obligations: tuple[FarmChange, ...]
    farms: int | None  # the size of the population, None without an entity table

    @property
    def is_empty(self) -> bool:
        return not (self.triggers or self.targets or self.obligations)


def impact(
    diff: PolicyDiff, base: Policy, head: Policy, monitoring: Monitoring, moment: dt.date
) -> Impact:
    """Evaluate both versions against the same data at `moment` and report what differs."""
    before, after = evaluate(base, monitoring, moment), evaluate(head, monitoring, moment)
    names = diff.renamed
    triggers = _state_changes(
        {names.get(k, k): v.state for k, v in before.triggers.items()},
        {k: v.state for k, v in after.triggers.items()},
    )
    targets = _state_changes(
        {names.get(k, k): v.status for k, v in before.targets.items()},
        {k: v.status for k, v in after.targets.items()},
    )
    population = monitoring.population
    farms = _farm_changes(before, after, names) if population is not None else ()
    return Impact(
        moment, triggers, targets, farms, population.size if population is not None else None
    )


def _state_changes(before: dict[str, str], after: dict[str, str]) -> tuple[StateChange, ...]:
    return tuple(
        StateChange(i, before.get(i), after.get(i))
        for i in sorted(before.keys() | after.keys())
        if before.get(i) != after.get(i)
    )


def _farm_changes(
    before: Evaluation, after: Evaluation, names: Mapping[str, str]
) -> tuple[FarmChange, ...]:
    population = after.population
    nobody = np.zeros(population.size, dtype=bool)
    old = {names.get(k, k): v.selected for k, v in before.entity_obligations.items()}
    new = {k: v.selected for k, v in after.entity_obligations.items()}
    out = []
    for obligation in sorted(old.keys() | new.keys()):
        was, now = old.get(obligation, nobody), new.get(obligation, nobody)
        newly, gone = now & ~was, was & ~now
        if newly.any() or gone.any():
            out.append(
                FarmChange(
                    obligation,
                    int(np.count_nonzero(was)),
                    int(np.count_nonzero(now)),
                    int(np.count_nonzero(newly)),
                    int(np.count_nonzero(gone)),
                    per_category(newly, population.sector, FARM_SECTORS),
                    per_category(newly, population.province, PROVINCES),
                    per_category(gone, population.sector, FARM_SECTORS),
                    per_category(gone, population.province, PROVINCES),
                )
            )
    return tuple(out)


# ---------------------------------------------------------------------------------- rendering


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
        (_label(e.kind, e.id), _cell(_collapse(e.title or "")), _code(where(e.span)))
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


# ----------------------------------------------------------------------------- loading versions


def load_version(spec: str, repo: Path, folder: str = "policy") -> Compilation:
    """Compile one version: `spec` is a folder (relative to `repo`, else as given) or a git revision of
    `repo`, whose `folder` is extracted into a temporary directory. A folder wins over a revision of
    the same name. Locations read `path/in/repo.policy` for a folder inside `repo`, the folder as
    given otherwise, and `REV:policy/file.policy` for a revision."""
    repo = Path(repo)
    found = _folder(spec, repo)
    if found is not None:
        return _compile_folder(found, _display(found, spec, repo))
    commit = _revision(spec, repo)
    if commit is None:
        raise DiffError(
            f"`{spec}` is neither a folder nor a git revision of `{repo}`",
            hint="give a policy folder, e.g. `policy/`, or a revision such as `main`, `HEAD~1` or a "
            "commit hash",
        )
    return _compile_revision(spec, commit, repo, folder)


def _folder(spec: str, repo: Path) -> Path | None:
    for candidate in (repo / spec, Path(spec)):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def _display(found: Path, spec: str, repo: Path) -> str:
    try:
        return found.relative_to(repo.resolve()).as_posix()
    except ValueError:
        return spec.rstrip("/")


def _compile_folder(found: Path, display: str) -> Compilation:
    return relocate(compile_paths([str(found)]), str(found), display)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as error:
        raise DiffError(
            f"cannot run git: {error}", hint="install git, or give two folders"
        ) from error


def _revision(spec: str, repo: Path) -> str | None:
    """The commit `spec` names in `repo`, or None."""
    if not spec or spec.startswith("-"):
        return None
    done = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if done.returncode != 0:
        return None
    return done.stdout.decode().strip() or None


def _compile_revision(spec: str, commit: str, repo: Path, folder: str) -> Compilation:
    archive = _git(repo, "archive", "--format=tar", commit, "--", folder)
    if archive.returncode != 0:
        raise DiffError(
            f"revision `{spec}` has no `{folder}/` folder",
            hint=f"{archive.stderr.decode(errors='replace').strip() or 'check the revision'}",
        )
    refused: list[tuple[tarfile.TarInfo, Exception]] = []

    def inside_only(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, destination)
        except tarfile.FilterError as error:  # a link out of the checkout, an absolute path, ...
            refused.append((member, error))
            return None

    with tempfile.TemporaryDirectory(prefix="beleid-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter=inside_only)
        compilation = relocate(
            compile_paths([str(Path(tmp) / folder)]), str(Path(tmp)), f"{spec}:", separator=""
        )
    for member, error in refused:
        compilation.diagnostics.add(
            PATH_OUTSIDE_REPOSITORY,
            Span.point(f"{spec}:{member.name}"),
            f"not read: {error}",
            hint="rule files are read from inside the repository only",
        )
    return compilation


def relocate(compilation: Compilation, old: str, new: str, *, separator: str = "/") -> Compilation:
    """The compilation with every location under folder `old` shown under `new` instead
    (`/tmp/x/policy/a.policy` -> `HEAD:policy/a.policy`); the files themselves are not read again."""

    def move(path: str) -> str:
        if path == old:
            return new
        if path.startswith(old + "/"):
            return new + separator + path[len(old) + 1 :]
        return path

    policy = _relocated(compilation.policy, move)
    diagnostics = Diagnostics()
    for d in _relocated(list(compilation.diagnostics), move):
        diagnostics.add(d.code, d.span, d.message, hint=d.hint, related=d.related)
    return Compilation(
        policy, PolicyGraph.build(policy), diagnostics, [move(f) for f in compilation.files]
    )


def _relocated(value, move: Callable[[str], str]):
    """A copy of `value` with `move` applied to the path of every Span (and SourceText) inside."""
    if isinstance(value, Span):
        return dataclasses.replace(value, path=move(value.path))
    if isinstance(value, SourceText):
        return dataclasses.replace(value, path=move(value.path))
    if isinstance(value, (tuple, list)):
        return type(value)(_relocated(v, move) for v in value)
    if isinstance(value, Mapping):
        return {k: _relocated(v, move) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _relocated(getattr(value, f.name), move)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
