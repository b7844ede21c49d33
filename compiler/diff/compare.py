"""Field-by-field comparison of two versions of the policy, and the data types of its result.

`diff_policies` compares two checked models declaration by declaration and field by field, with
values rendered back in the rule language (compiler/diff/printer.py), so layout, comments and the
order of fields never show up as a change. The result is a `PolicyDiff`: declarations added,
removed and renamed, and one `FieldChange` per field that differs.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from compiler.check.model import CheckedDeclaration, Policy
from compiler.check.schema import REPEATABLE
from compiler.diff.printer import collapse, quoted, render_value
from dsl import nodes
from dsl.source import Span

TITLE = "title"  # the field name of a title change (no keyword is called `title`)


@dataclass(frozen=True)
class Entry:
    """A declaration added or removed, where it stands in its version."""

    id: str
    kind: str
    title: str | None
    span: Span


@dataclass(frozen=True)
class Rename:
    """A declaration that disappears and one that appears, taken as one declaration renamed."""

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
        """`added`, `removed` or `changed`."""
        if self.before is None:
            return "added"
        return "removed" if self.after is None else "changed"


@dataclass(frozen=True)
class PolicyDiff:
    """Every difference in meaning between a base and a head version."""

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
        """True when the two versions mean the same."""
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
    return tuple(sorted({citation_key(f.value, {}) for f in node.all("bron")}))


def citation_key(citation: nodes.Citation, names: Mapping[str, str]) -> tuple:
    """A citation as (document, first line, last line, quote), the document renamed by `names`."""
    return (
        names.get(citation.document.name, citation.document.name),
        citation.first_line,
        citation.last_line,
        collapse(citation.quote),
    )


# field by field -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RepeatedItem:
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
    if collapse(old.node.title or "") != collapse(new.node.title or ""):
        changes.append(
            make(TITLE, quoted(old.node.title), quoted(new.node.title), old.span, new.span)
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
    if canonical[0] == canonical[1] and bool(before) == bool(after):
        return []
    return [
        make(
            keyword,
            _shown(keyword, before),
            _shown(keyword, after),
            before[0].span if before else old.span,
            after[0].span if after else new.span,
        )
    ]


def _shown(keyword: str, found: list[nodes.Field]) -> str | None:
    """A field's value as the change shows it (a flag such as `bindend`: the empty text), or None
    when the version does not have the field.
    """
    return _joined(keyword, found) if found else None


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


def _items(keyword: str, node: nodes.Declaration, names: Mapping[str, str]) -> list[_RepeatedItem]:
    key_of = ITEM_KEYS.get(keyword)
    out = []
    for f in node.all(keyword):
        canonical = render_value(keyword, f.value, canonical=True, names=names)
        key = key_of(f.value, names) if key_of else canonical
        out.append(_RepeatedItem(key, canonical, render_value(keyword, f.value), f.span))
    return out


def _name(ref: nodes.Ref | None, names: Mapping[str, str]) -> str | None:
    return None if ref is None else names.get(ref.name, ref.name)


def _year_text(when: nodes.When | None) -> str | None:
    return None if when is None else when.text


# The key that makes two differing items of a repeatable field one item changed.
ITEM_KEYS: dict[str, Callable[[object, Mapping[str, str]], object]] = {
    "bron": lambda v, names: citation_key(v, names)[:3],
    "stap": lambda v, names: v.number,
    "post": lambda v, names: v.id.name,
    "pakket": lambda v, names: v.id.name,
    "deelpost": lambda v, names: v.id.name,
    "totaal": lambda v, names: v.section.name,
    "tussendoel": lambda v, names: v.year.text,
    "effect": lambda v, names: (_name(v.indicator, names), _year_text(v.year)),
    "vervangt": lambda v, names: _name(v.target, names),
    "stopt": lambda v, names: _name(v.target, names),
    "hoofdstuk": lambda v, names: v.id.name,
}
