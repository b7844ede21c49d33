"""The policy handbook as data: declarations grouped by theme and programme, with their quotes,
history, neighbours in the dependency graph, the actor index, the deadline timeline and the budget
tables. Built from the checked `Policy` alone; compiler/report/site.py turns it into pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath

from compiler.check import budgets
from compiler.check.fields import parse_when
from compiler.check.model import CheckedDeclaration, Policy
from compiler.check.schema import REPEATABLE
from dsl import nodes

GENERAL = "algemeen"  # the theme of rule files at the top of the policy tree
_KIND_ORDER = (
    "doel",
    "indicator",
    "entiteit",
    "maatregel",
    "begroting",
    "trigger",
    "verplichting",
    "handhaving",
    "besluit",
    "borging",
    "verbod",
    "bevinding",
    "buiten_scope",
    "actor",
    "document",
)
# Fields in which an actor is named, and the role the actor has there.
_ACTOR_ROLES = (
    ("verplichting", "wie", "must"),
    ("verplichting", "door", "carries_out"),
    ("besluit", "door", "decides"),
    ("maatregel", "eigenaar", "owns"),
    ("doel", "eigenaar", "owns"),
    ("borging", "door", "secures"),
    ("borging", "aan", "receives"),
    ("verbod", "door", "enforces"),
)


@dataclass(frozen=True)
class Quote:
    """A `bron` citation of a declaration: the document, the cited lines and the quoted text."""

    document: str
    first_line: int
    last_line: int
    text: str


@dataclass(frozen=True)
class Ending:
    """Another declaration ends this one: `mode` is 'replaces' or 'stops', `on` the date, if
    given.
    """

    by: str
    mode: str
    on: dt.date | None


@dataclass(frozen=True)
class Entry:
    """One declaration as the handbook shows it."""

    declaration: CheckedDeclaration
    fields: dict  # keyword -> value (a list for repeatable keywords)
    theme: str
    chapter: str  # the rule file's name, without folder and suffix
    quotes: tuple[Quote, ...]
    ended: tuple[Ending, ...]
    ends: tuple[str, ...]  # declarations this one replaces or stops
    uses: tuple[str, ...]  # declarations this one names (documents left out)
    used_by: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.declaration.id

    @property
    def kind(self) -> str:
        return self.declaration.kind

    @property
    def title(self) -> str:
        return self.declaration.title


@dataclass(frozen=True)
class Chapter:
    """A rule file as a handbook chapter: its name, path and the ids of its entries in order."""

    name: str
    path: str
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    """A handbook theme (a top folder of the policy tree, or `algemeen`) and its chapters."""

    name: str
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True)
class Role:
    """A role an actor (or the farms) has in one declaration, for the actor index."""

    declaration: str
    role: str  # must, carries_out, decides, owns, secures, receives, enforces, farms


@dataclass(frozen=True)
class Deadline:
    """A date a declaration names (deadline, interim, first, fixed until, start, end)."""

    on: dt.date
    when: nodes.When
    declaration: str
    what: str  # deadline, interim, first, fixed_until, ends, starts


@dataclass(frozen=True)
class BudgetRow:
    """One `post` of a budget table: its id, title, section and amount per package column."""

    id: str
    title: str
    section: str
    cells: dict[str, Decimal]


@dataclass(frozen=True)
class BudgetTable:
    """A `begroting` as a table: package columns, post rows, section totals and `deelpost` lines."""

    id: str
    columns: tuple[str, ...]  # package ids, then 'totaal'
    column_titles: dict[str, str]
    rows: tuple[BudgetRow, ...]
    totals: dict[str, dict[str, Decimal]]  # section -> column -> amount
    suballocations: tuple[
        tuple[str, str, str, str, Decimal], ...
    ]  # id, title, post, package, amount


@dataclass(frozen=True)
class Handbook:
    """The handbook as data: entries by id, themes, actor index, deadlines, budgets, findings."""

    policy: Policy
    entries: dict[str, Entry]
    themes: tuple[Theme, ...]
    actors: dict[str, tuple[Role, ...]]
    deadlines: tuple[Deadline, ...]
    budgets: dict[str, BudgetTable]
    findings: tuple[str, ...] = field(default=())

    def title(self, name: str) -> str:
        entry = self.entries.get(name)
        return entry.title if entry else name


def build(policy: Policy) -> Handbook:
    root = _root([d.span.path for d in policy.declarations.values()])
    neighbours = _neighbours(policy)
    endings = _endings(policy)
    entries = {d.id: _entry(d, root, neighbours, endings) for d in policy.declarations.values()}
    return Handbook(
        policy,
        entries,
        _themes(entries),
        _actors(entries),
        _deadlines(entries),
        {e.id: _budget(e.declaration.node) for e in entries.values() if e.kind == "begroting"},
        tuple(sorted(e.id for e in entries.values() if e.kind == "bevinding")),
    )


def fields_of(node: nodes.Declaration) -> dict:
    """Keyword -> value; a list of values for repeatable keywords; True for bare flags."""
    out: dict = {}
    for f in node.fields:
        if f.keyword in REPEATABLE:
            out.setdefault(f.keyword, []).append(f.value)
        else:
            out.setdefault(f.keyword, True if f.value is None else f.value)
    return out


def _root(files: list[str]) -> PurePosixPath:
    """The deepest folder that holds every rule file: the top of the policy tree."""
    parents = [PurePosixPath(f).parent.parts for f in files]
    common = parents[0] if parents else ()
    for parts in parents[1:]:
        while parts[: len(common)] != common:
            common = common[:-1]
    return PurePosixPath(*common)


def _entry(decl: CheckedDeclaration, root: PurePosixPath, neighbours, endings) -> Entry:
    path = PurePosixPath(decl.span.path)
    relative = path.relative_to(root) if path.is_relative_to(root) else path
    theme = relative.parts[0] if len(relative.parts) > 1 else GENERAL
    quotes = tuple(
        Quote(c.document.name, c.first_line, c.last_line, c.quote)
        for c in (f.value for f in decl.node.all("bron"))
    )
    uses, used_by = neighbours
    return Entry(
        decl,
        fields_of(decl.node),
        theme,
        path.stem,
        quotes,
        tuple(endings["ended"].get(decl.id, ())),
        tuple(endings["ends"].get(decl.id, ())),
        tuple(uses.get(decl.id, ())),
        tuple(used_by.get(decl.id, ())),
    )


def _neighbours(policy: Policy) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    documents = {d.id for d in policy.of_kind("document")}
    uses: dict[str, set[str]] = defaultdict(set)
    used_by: dict[str, set[str]] = defaultdict(set)
    for ref in policy.references:
        if (
            ref.source in documents
            or ref.source == ref.target
            or ref.relation in ("vervangt", "stopt")
        ):
            continue
        uses[ref.target].add(ref.source)
        used_by[ref.source].add(ref.target)
    return ({k: sorted(v) for k, v in uses.items()}, {k: sorted(v) for k, v in used_by.items()})


def _endings(policy: Policy) -> dict[str, dict[str, list]]:
    ended: dict[str, list[Ending]] = defaultdict(list)
    ends: dict[str, list[str]] = defaultdict(list)
    for decl in policy.declarations.values():
        for f in decl.node.fields:
            if f.keyword in ("vervangt", "stopt"):
                change: nodes.Supersession = f.value
                on = parse_when(change.when) if change.when else decl.valid_from
                ended[change.target.name].append(Ending(decl.id, change.mode, on))
                ends[decl.id].append(change.target.name)
    return {"ended": ended, "ends": ends}


def _themes(entries: dict[str, Entry]) -> tuple[Theme, ...]:
    by_theme: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries.values():
        by_theme[entry.theme][entry.declaration.span.path].append(entry)
    order = {kind: i for i, kind in enumerate(_KIND_ORDER)}
    themes = []
    for theme in sorted(by_theme, key=lambda t: (t == GENERAL, t)):
        chapters = tuple(
            Chapter(
                PurePosixPath(path).stem,
                path,
                tuple(
                    e.id
                    for e in sorted(items, key=lambda e: (order[e.kind], e.declaration.span.line))
                ),
            )
            for path, items in sorted(by_theme[theme].items())
        )
        themes.append(Theme(theme, chapters))
    return tuple(themes)


def _actors(entries: dict[str, Entry]) -> dict[str, tuple[Role, ...]]:
    roles: dict[str, list[Role]] = {e.id: [] for e in entries.values() if e.kind == "actor"}
    for entry in entries.values():
        for kind, keyword, role in _ACTOR_ROLES:
            value = entry.fields.get(keyword)
            if entry.kind != kind or value is None:
                continue
            if isinstance(value, nodes.EntitySubject):
                roles.setdefault(value.entity.name, []).append(Role(entry.id, "farms"))
            elif isinstance(value, nodes.ActorSubject):
                roles.setdefault(value.actor.name, []).append(Role(entry.id, role))
            elif isinstance(value, nodes.Ref):
                roles.setdefault(value.name, []).append(Role(entry.id, role))
    return {actor: tuple(found) for actor, found in sorted(roles.items())}


def _deadlines(entries: dict[str, Entry]) -> tuple[Deadline, ...]:
    found = []
    for entry in entries.values():
        if entry.kind in ("document", "actor", "bevinding", "buiten_scope"):
            continue
        for when, what in _dated(entry):
            on = parse_when(when, end=what in ("deadline", "interim", "fixed_until"))
            if on is not None:
                found.append(Deadline(on, when, entry.id, what))
    return tuple(sorted(found, key=lambda d: (d.on, d.declaration, d.what)))


def _dated(entry: Entry) -> list[tuple[nodes.When, str]]:
    f = entry.fields
    out = []
    if isinstance(f.get("uiterlijk"), nodes.When):
        out.append((f["uiterlijk"], "deadline"))
    term = f.get("termijn")
    if isinstance(term, nodes.FixedTerm):
        out.append((term.when, "deadline"))
    out += [(interim.year, "interim") for interim in f.get("tussendoel", [])]
    if isinstance(f.get("eerste"), nodes.When):
        out.append((f["eerste"], "first"))
    if isinstance(f.get("vast_tot"), nodes.When):
        out.append((f["vast_tot"], "fixed_until"))
    validity = f.get("geldig")
    if isinstance(validity, nodes.Validity):
        out += [
            (w, what)
            for w, what in ((validity.start, "starts"), (validity.end, "ends"))
            if w is not None
        ]
    return out


def _budget(node: nodes.Declaration) -> BudgetTable:
    packages = [f.value for f in node.all("pakket")]
    columns = tuple(p.id.name for p in packages) + (budgets.TOTAL,)
    rows = tuple(
        BudgetRow(p.id.name, p.title, p.section.name, _euros(p.cells))
        for p in (f.value for f in node.all("post"))
    )
    totals = {t.section.name: _euros(t.cells) for t in (f.value for f in node.all("totaal"))}
    subs = tuple(
        (s.id.name, s.title, s.post.name, s.package.name, budgets.euros(s.amount) or Decimal(0))
        for s in (f.value for f in node.all("deelpost"))
    )
    return BudgetTable(
        node.id.name, columns, {p.id.name: p.title for p in packages}, rows, totals, subs
    )


def _euros(cells: tuple[nodes.Cell, ...]) -> dict[str, Decimal]:
    return {c.column.name: budgets.euros(c.amount) or Decimal(0) for c in cells}
