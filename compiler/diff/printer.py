"""The rule printer: a field's value (a syntax node) written back as rule-language text.

`render_value` writes what follows a keyword, as the formatter would; with `canonical` it also
writes numbers by value and name lists sorted, which is how compiler/diff/compare.py decides that
two values mean the same. `collapse` and `quoted` write texts with runs of whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from dsl import nodes

# Fields whose value is a word from a vocabulary, not a reference to a declaration.
_WORD_FIELDS = frozenset({"soort", "niveau", "status", "traject", "karakter"})
_BARE_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_MONEY_SCALES = {"€": "", "€ mln": " mln", "€ mld": " mld"}
_RANK = {"+": 1, "-": 1, "*": 2, "/": 2}  # how tightly an operator binds


def render_value(
    keyword: str, value: object, *, canonical: bool = False, names: Mapping[str, str] | None = None
) -> str:
    """A field's value as the rule language writes it after the keyword (a flag: the empty text).

    `canonical` also writes numbers by value and name lists sorted, for comparing; `names` renames
    references to declarations (old id -> new id).
    """
    return _RuleTextWriter(names or {}, canonical).field(keyword, value)


def collapse(text: str) -> str:
    """`text` with every run of whitespace written as one space, and none at either end."""
    return " ".join(text.split())


def quoted(text: str | None) -> str | None:
    """`text` collapsed and in double quotes, as a title is written; None stays None."""
    return None if text is None else f'"{collapse(text)}"'


class _RuleTextWriter:
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
        return f'"{collapse(text)}"'

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

    def _passage(self, p: nodes.Passage) -> str:
        lines = (
            f"regel {p.first_line}"
            if p.first_line == p.last_line
            else f"regels {p.first_line}-{p.last_line}"
        )
        return f"{self._ref(p.document)} {lines}"

    def _chapter(self, c: nodes.Chapter) -> str:
        return f"{c.id.name} regels {c.first_line}-{c.last_line} {self._str(c.title)}"

    def _scope(self, s: nodes.Scope) -> str:
        if s.chapters is None:
            return "volledig"
        return "hoofdstuk " + self._tuple(s.chapters)

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

    def _arithmetic(self, a: nodes.Arithmetic) -> str:
        """Brackets only where the grammar needs them: `* /` bind tighter than `+ -`, and both
        are left-associative, so `a - (b - c)` keeps its brackets and `(a - b) - c` loses them.
        """
        rank = _RANK[a.operator]
        left, right = self.value(a.left), self.value(a.right)
        if isinstance(a.left, nodes.Arithmetic) and _RANK[a.left.operator] < rank:
            left = f"({left})"
        if isinstance(a.right, nodes.Arithmetic) and _RANK[a.right.operator] <= rank:
            right = f"({right})"
        return f"{left} {a.operator} {right}"

    def _negative(self, n: nodes.Negative) -> str:
        inner = self.value(n.operand)
        if isinstance(n.operand, nodes.Arithmetic):
            return f"-({inner})"
        # `-5` would be the number minus five, not a calculation: keep them apart.
        return f"- {inner}" if inner[:1].isdigit() or inner[:1] == "-" else f"-{inner}"

    def _absolute(self, a: nodes.Absolute) -> str:
        return f"absoluut({self.value(a.operand)})"

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

    def _entityaggregate(self, a: nodes.EntityAggregate) -> str:
        where = f" waar {self.value(a.where)}" if a.where is not None else ""
        return f"{a.function} {a.subject.name}{where}"

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
        source = f"{s.post.name}.{s.package.name}"
        return f"{s.id.name} {self._str(s.title)} van {source}: {self._quantity(s.amount)}"

    def _validity(self, v: nodes.Validity) -> str:
        start = f"vanaf {v.start.text}" if v.start else ""
        end = f"tot {v.end.text}" if v.end else ""
        return " ".join(part for part in (start, end) if part)

    def _supersession(self, s: nodes.Supersession) -> str:
        return self._ref(s.target) + (f" per {s.when.text}" if s.when else "")
