"""Shape conversion from a Lark tree to syntax nodes (dsl/nodes.py), one method per grammar alias.

The walk is iterative and bottom-up (no recursion, so deep nesting cannot overflow the stack) and
calls `method(meta, children)` directly, without Lark's per-call wrappers. It never reports user
errors: anything the grammar accepts becomes a node, and compiler/check/fields.py judges it.
Methods need no docstrings.
"""

from __future__ import annotations

import re

from lark import Token, Tree

from dsl import nodes as n
from dsl.source import Span


def _text(token: Token) -> str:
    return str(token)


def _string(token: Token) -> str:
    return str(token)[1:-1]


class PolicyTransformer:
    """Builds `nodes.Declaration`s from the parse tree of one file."""

    def __init__(self, path: str = "<text>") -> None:
        self.path = path

    def transform(self, tree: Tree):
        """Convert `tree` bottom-up: every subtree's children are converted before it."""
        done: dict[int, object] = {}
        for subtree in tree.iter_subtrees():
            children = [done[id(c)] if isinstance(c, Tree) else c for c in subtree.children]
            done[id(subtree)] = getattr(self, subtree.data)(subtree.meta, children)
        return done[id(tree)]

    # helpers ----------------------------------------------------------------
    def _span(self, meta) -> Span:
        return Span.from_meta(self.path, meta)

    def _ref(self, token: Token | None) -> n.Ref | None:
        return None if token is None else n.Ref(str(token), Span.from_meta(self.path, token))

    def _field(self, meta, keyword: str, value: object) -> n.Field:
        return n.Field(keyword, value, self._span(meta))

    # declarations -----------------------------------------------------------
    def start(self, meta, children):
        return tuple(children)

    def declaration(self, meta, children):
        kind, name, title, *fields = children
        title_text = _string(title) if title is not None else None
        title_span = Span.from_meta(self.path, title) if title is not None else None
        return n.Declaration(
            str(kind), self._ref(name), title_text, tuple(fields), self._span(meta), title_span
        )

    # simple fields ----------------------------------------------------------
    def _string_field(keyword):  # noqa: N805 - builds methods below
        def method(self, meta, children):
            return self._field(meta, keyword, _string(children[0]))

        return method

    def _ref_field(keyword):  # noqa: N805
        def method(self, meta, children):
            return self._field(meta, keyword, self._ref(children[0]))

        return method

    def _flag_field(keyword):  # noqa: N805
        def method(self, meta, children):
            return self._field(meta, keyword, True)

        return method

    def _value_field(keyword):  # noqa: N805
        def method(self, meta, children):
            return self._field(meta, keyword, children[0])

        return method

    naam = _string_field("naam")
    samenvatting = _string_field("samenvatting")
    titel_en = _string_field("titel_en")
    titel = _string_field("titel")
    kenmerk = _string_field("kenmerk")
    reden = _string_field("reden")
    kamerstuk = _string_field("kamerstuk")
    url = _string_field("url")
    bestand = _string_field("bestand")
    wat = _string_field("wat")
    waar = _string_field("waar")
    uitzondering = _string_field("uitzondering")
    uitgever = _ref_field("uitgever")
    soort = _ref_field("soort")
    niveau = _ref_field("niveau")
    sleutel = _ref_field("sleutel")
    binnen = _ref_field("binnen")
    tabel = _string_field("tabel")
    berekend = _value_field("berekend")
    status = _ref_field("status")
    traject = _ref_field("traject")
    karakter = _ref_field("karakter")
    sector = _ref_field("sector")
    indicator = _ref_field("indicator")
    eigenaar = _ref_field("eigenaar")
    handhaving = _ref_field("handhaving")
    door = _ref_field("door")
    onderdeel_van = _ref_field("onderdeel_van")
    aan = _ref_field("aan")
    bindend = _flag_field("bindend")
    indicatief = _flag_field("indicatief")
    wettelijk = _flag_field("wettelijk")
    negatief_toegestaan = _flag_field("negatief_toegestaan")
    eenheid = _value_field("eenheid")
    cadans = _value_field("cadans")
    eerste = _value_field("eerste")
    waarde = _value_field("waarde")
    uiterlijk = _value_field("uiterlijk")
    als = _value_field("als")
    wie = _value_field("wie")
    termijn = _value_field("termijn")
    vast_tot = _value_field("vast_tot")
    draagt_bij_aan = _value_field("draagt_bij_aan")
    betreft = _value_field("betreft")
    behoudt = _value_field("behoudt")

    def datum(self, meta, children):
        return self._field(
            meta, "datum", n.When(str(children[0]), Span.from_meta(self.path, children[0]))
        )

    def instrument(self, meta, children):
        token = children[0]
        text = _string(token) if token.type == "STRING" else str(token)
        return self._field(meta, "instrument", text)

    def bron(self, meta, children):
        document, (first, last), quote = children
        citation = n.Citation(
            self._ref(document),
            first,
            last,
            _string(quote),
            self._span(meta),
            Span.from_meta(self.path, quote),
        )
        return self._field(meta, "bron", citation)

    def passage(self, meta, children):
        document, (first, last) = children
        passage = n.Passage(self._ref(document), first, last, self._span(meta))
        return self._field(meta, "passage", passage)

    def hoofdstuk(self, meta, children):
        name, (first, last), title = children
        chapter = n.Chapter(self._ref(name), first, last, _string(title), self._span(meta))
        return self._field(meta, "hoofdstuk", chapter)

    def bereik_volledig(self, meta, children):
        return self._field(meta, "bereik", n.Scope(None, self._span(meta)))

    def bereik_hoofdstukken(self, meta, children):
        return self._field(meta, "bereik", n.Scope(children[0], self._span(meta)))

    def location(self, meta, children):
        first = int(children[0])
        return (first, int(children[1]) if children[1] is not None else first)

    def uiterlijk_open(self, meta, children):
        return self._field(meta, "uiterlijk", self.pending(meta, children))

    def reductie(self, meta, children):
        return self._field(
            meta, "reductie", n.Reduction(children[0], children[1], self._span(meta))
        )

    def tussendoel(self, meta, children):
        year, value = children
        kind, amount = value if isinstance(value, tuple) else ("open", value)
        return self._field(meta, "tussendoel", n.Interim(year, kind, amount, self._span(meta)))

    def interim_value(self, meta, children):
        return ("waarde", children[0])

    def interim_reduction(self, meta, children):
        return ("reductie", children[0])

    def budget(self, meta, children):
        table, post, package = (self._ref(token) for token in children)
        return self._field(meta, "budget", n.BudgetRef(table, post, package, self._span(meta)))

    def effect(self, meta, children):
        indicator, change, year = children
        value = n.Effect(self._ref(indicator), change, year, self._span(meta))
        return self._field(meta, "effect", value)

    def dan(self, meta, children):
        kind, target = children
        value = n.Consequence(str(kind), self._ref(target), self._span(meta))
        return self._field(meta, "dan", value)

    def stap(self, meta, children):
        number, label, condition = children
        step = n.Step(int(number), _string(label), condition, self._span(meta))
        return self._field(meta, "stap", step)

    def pakket(self, meta, children):
        package = n.Package(self._ref(children[0]), _string(children[1]), self._span(meta))
        return self._field(meta, "pakket", package)

    def post(self, meta, children):
        name, title, section, cells = children
        value = n.Post(self._ref(name), _string(title), self._ref(section), cells, self._span(meta))
        return self._field(meta, "post", value)

    def totaal(self, meta, children):
        value = n.Total(self._ref(children[0]), children[1], self._span(meta))
        return self._field(meta, "totaal", value)

    def deelpost(self, meta, children):
        name, title, post, package, amount = children
        value = n.SubAllocation(
            self._ref(name),
            _string(title),
            self._ref(post),
            self._ref(package),
            amount,
            self._span(meta),
        )
        return self._field(meta, "deelpost", value)

    def geldig(self, meta, children):
        return self._field(meta, "geldig", n.Validity(children[0], children[1], self._span(meta)))

    def geldig_tot(self, meta, children):
        return self._field(meta, "geldig", n.Validity(None, children[0], self._span(meta)))

    def vervangt(self, meta, children):
        value = n.Supersession("replaces", self._ref(children[0]), children[1], self._span(meta))
        return self._field(meta, "vervangt", value)

    def stopt(self, meta, children):
        value = n.Supersession("stops", self._ref(children[0]), children[1], self._span(meta))
        return self._field(meta, "stopt", value)

    # values -----------------------------------------------------------------
    def name_list(self, meta, children):
        return tuple(self._ref(token) for token in children)

    def quantity(self, meta, children):
        if len(children) == 1:
            return children[0]
        number, unit = children
        return n.Quantity(str(number), unit, self._span(meta))

    def count(self, meta, children):
        span = self._span(meta)
        return n.Quantity(str(children[0]), n.Unit("", span), span)

    def money(self, meta, children):
        return _parse_money(children[0], self.path)

    def unit(self, meta, children):
        return n.Unit(str(children[0]), self._span(meta))

    def range(self, meta, children):
        return n.Range(children[0], children[1], self._span(meta))

    def short_range(self, meta, children):
        number, high = children
        low = n.Quantity(str(number), high.unit, Span.from_meta(self.path, number))
        return n.Range(low, high, self._span(meta))

    def at_most(self, meta, children):
        return n.Bound("at_most", children[0], self._span(meta))

    def at_least(self, meta, children):
        return n.Bound("at_least", children[0], self._span(meta))

    def pending(self, meta, children):
        reason = children[0]
        return n.Pending(_string(reason) if reason is not None else None, self._span(meta))

    def ref(self, meta, children):
        return self._ref(children[0])

    def date(self, meta, children):
        return n.When(str(children[0]), self._span(meta))

    def year(self, meta, children):
        return n.When(str(children[0]), self._span(meta))

    def yearly(self, meta, children):
        return n.Cadence(1, "jaar", False, self._span(meta))

    def every(self, meta, children):
        return n.Cadence(int(children[0]), str(children[1]), False, self._span(meta))

    def at_least_every(self, meta, children):
        return n.Cadence(int(children[0]), str(children[1]), True, self._span(meta))

    def relative_term(self, meta, children):
        return n.RelativeTerm(int(children[0]), str(children[1]), self._span(meta))

    def fixed_term(self, meta, children):
        return n.FixedTerm(children[0], self._span(meta))

    def actor_subject(self, meta, children):
        return n.ActorSubject(self._ref(children[0]), self._span(meta))

    def entity_subject(self, meta, children):
        return n.EntitySubject(self._ref(children[0]), children[1], self._span(meta))

    def _aggregate(function):  # noqa: N805
        def method(self, meta, children):
            where = children[1] if len(children) > 1 else None
            return n.EntityAggregate(function, self._ref(children[0]), where, self._span(meta))

        return method

    sum_of = _aggregate("som")
    count_of = _aggregate("aantal")
    share_of = _aggregate("aandeel")

    def cells(self, meta, children):
        return tuple(children)

    def cell(self, meta, children):
        return n.Cell(self._ref(children[0]), children[1], self._span(meta))

    # conditions -------------------------------------------------------------
    def any_of(self, meta, children):
        return n.AnyOf(tuple(children), self._span(meta))

    def all_of(self, meta, children):
        return n.AllOf(tuple(children), self._span(meta))

    def negation(self, meta, children):
        return n.Not(children[0], self._span(meta))

    def comparison(self, meta, children):
        left, operator, right = children
        return n.Comparison(left, str(operator), right, self._span(meta))

    def state_test(self, meta, children):
        return n.StateTest(self._ref(children[0]), str(children[1]), self._span(meta))

    def flag(self, meta, children):
        return n.Flag(self._ref(children[0]), self._span(meta))

    def call(self, meta, children):
        function, argument = children
        return n.Call(str(function), self._ref(argument), self._span(meta))

    def function(self, meta, children):
        return children[0]

    # arithmetic -------------------------------------------------------------
    def _arithmetic(operator):  # noqa: N805 - builds methods below
        def method(self, meta, children):
            left, right = children
            return n.Arithmetic(left, operator, right, self._span(meta))

        return method

    add = _arithmetic("+")
    subtract = _arithmetic("-")
    multiply = _arithmetic("*")
    divide = _arithmetic("/")

    def negative(self, meta, children):
        return n.Negative(children[0], self._span(meta))

    def absolute(self, meta, children):
        return n.Absolute(children[1], self._span(meta))

    def math_function(self, meta, children):
        return children[0]


_MONEY_SCALE = {"mln": "€ mln", "miljoen": "€ mln", "mld": "€ mld", "miljard": "€ mld"}


_MONEY = re.compile(r"€ ?(-?\d+(?:\.\d+)?) ?([a-z]*)")


def _parse_money(token: Token, path: str) -> n.Quantity:
    """`€ 750 mln` -> Quantity('750', '€ mln'); the scale word becomes part of the unit."""
    number, scale = _MONEY.fullmatch(str(token)).groups()
    span = Span.from_meta(path, token)
    return n.Quantity(number, n.Unit(_MONEY_SCALE.get(scale, "€"), span), span)
