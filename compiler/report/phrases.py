"""Field values of the rules as words in Dutch or English: numbers, amounts, dates, terms,
conditions.

The sentence templates (compiler/report/templates/sentences.*.j2) compose these phrases into
sentences; this module knows nothing of pages or formats. Names of declarations are shown by the
title the caller gives (compiler/report/titles.py: Dutch, or the English title on English pages).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_decimal

from compiler.check import character
from compiler.report import citedsources
from dsl import nodes

LANGUAGES = ("nl", "en")
# Around Dutch text in an English sentence (a drafter's words): compiler/report/sentences.py marks
# it `<span lang="nl">` on an HTML page and drops the marks in plain text.
DUTCH_OPEN, DUTCH_CLOSE = "\ue000", "\ue001"

# The Babel locale of each report language: it writes every number, amount, percentage and date.
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
_UNITS = {"nl": {"ja_nee": "ja/nee"}, "en": {"ja_nee": "yes/no"}}  # units named by an id
_PERIODS = {  # the grammar's PERIOD words, singular or plural, to (one, many)
    "nl": {
        "dag": ("dag", "dagen"),
        "week": ("week", "weken"),
        "maand": ("maand", "maanden"),
        "jaar": ("jaar", "jaar"),
    },
    "en": {
        "dag": ("day", "days"),
        "week": ("week", "weeks"),
        "maand": ("month", "months"),
        "jaar": ("year", "years"),
    },
}
_SINGULAR = {"dagen": "dag", "weken": "week", "maanden": "maand"}
_OPERATORS = {  # a comparison as a clause that follows "als" / "if"
    "nl": {
        "<": "{l} lager is dan {r}",
        "<=": "{l} ten hoogste {r} is",
        ">": "{l} hoger is dan {r}",
        ">=": "{l} ten minste {r} is",
        "=": "{l} gelijk is aan {r}",
        "!=": "{l} niet gelijk is aan {r}",
    },
    "en": {
        "<": "{l} is lower than {r}",
        "<=": "{l} is at most {r}",
        ">": "{l} is higher than {r}",
        ">=": "{l} is at least {r}",
        "=": "{l} equals {r}",
        "!=": "{l} differs from {r}",
    },
}
_RANK = {"+": 1, "-": 1, "*": 2, "/": 2}  # how tightly an operator binds
_CALL_WORDS = {
    "achterstand": "shortfall",
    "achterstand_procent": "shortfall_percent",
    "effect": "effect",
}
_STATES = {
    "nl": {
        "gehaald": "gehaald is",
        "niet_gehaald": "niet gehaald is",
        "op_schema": "op schema ligt",
        "achter_op_schema": "achter op schema ligt",
        "actief": "is afgegaan",
    },
    "en": {
        "gehaald": "is met",
        "niet_gehaald": "is not met",
        "op_schema": "is on track",
        "achter_op_schema": "is behind schedule",
        "actief": "has fired",
    },
}
_WORDS = {
    "nl": {
        "to": "tot",
        "at_most": "ten hoogste",
        "at_least": "ten minste",
        "pending": "nog open",
        "and": "en",
        "or": "of",
        "not": "het niet zo is dat",
        "every": "elke",
        "yearly": "elk jaar",
        "at_least_every": "ten minste elke",
        "after_monitoring": "na de monitoring die het aanwijst",
        "shortfall": "de achterstand op",
        "shortfall_percent": "de achterstand in procenten op",
        "effect": "het effect van",
        "+": "plus",
        "-": "min",
        "*": "maal",
        "/": "gedeeld door",
        "negative": "min",
        "absolute": "de absolute waarde van",
        "lower_than": "minder dan in",
        "less": "minder",
        "in_year": "in",
        "holds": "geldt",
        "value_of": "de waarde van",
    },
    "en": {
        "to": "to",
        "at_most": "at most",
        "at_least": "at least",
        "pending": "still open",
        "and": "and",
        "or": "or",
        "not": "it is not the case that",
        "every": "every",
        "yearly": "every year",
        "at_least_every": "at least every",
        "after_monitoring": "after the monitoring that calls for it",
        "shortfall": "the shortfall on",
        "shortfall_percent": "the shortfall in percent on",
        "effect": "the effect of",
        "+": "plus",
        "-": "minus",
        "*": "times",
        "/": "divided by",
        "negative": "minus",
        "absolute": "the absolute value of",
        "lower_than": "less than in",
        "less": "less",
        "in_year": "in",
        "holds": "holds",
        "value_of": "the value of",
    },
}


class Phrases:
    """Turns field values into words of one language; `title` names a declaration by its id."""

    def __init__(
        self,
        language: str,
        title: Callable[[str], str],
        budget_title: Callable[[nodes.BudgetRef], tuple[str, str, str | None]] | None = None,
    ) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
        self.language = language
        self.locale = LOCALES[language]
        self.title = title
        self.words = _WORDS[language]
        # (table title, line title, package title or None) of a budget reference; ids when not given
        self.budget_title = budget_title or (
            lambda ref: (ref.table.name, ref.post.name, ref.package.name if ref.package else None)
        )

    def cited(self, citation: str) -> str:
        """Where a figure comes from, its describing words in this language."""
        return citedsources.in_language(citation, self.language)

    # names ------------------------------------------------------------------------------------

    def name(self, ref) -> str:
        """A declaration named in a field, by its title."""
        name = ref.name if isinstance(ref, nodes.Ref) else str(ref)
        return f"«{self.title(name)}»"

    def names(self, refs) -> str:
        return self.join([self.name(r) for r in refs])

    def budget(self, ref: nodes.BudgetRef) -> str:
        """'de post «Natuur» (Vervolgpakket …) van «Tabel 1 …»' / 'the line «Natuur» (…) of
        «Tabel 1 …»'.
        """
        table, post, package = self.budget_title(ref)
        line, of = ("de post", "van") if self.language == "nl" else ("the line", "of")
        return f"{line} «{post}»" + (f" ({package})" if package else "") + f" {of} «{table}»"

    def character(self, ref) -> str:
        """The source's word for how binding a rule is (`karakter`): Dutch, or its English
        rendering (compiler/check/character.py).
        """
        word = ref.name if isinstance(ref, nodes.Ref) else str(ref)
        return character.rendered(word, self.language) or ""

    def join(self, items: list[str]) -> str:
        """'a, b en c' / 'a, b and c'."""
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.words['and']} " + items[-1]

    # numbers and amounts ------------------------------------------------------------------------

    def number(self, text: str) -> str:
        """A number as written in the rule, every digit kept, in the language's locale:
        1125.5 is 1.125,5 in Dutch and 1,125.5 in English; 12.50 keeps its two decimals.
        """
        try:
            value = Decimal(text)
        except InvalidOperation:
            return text
        decimals = len(text.partition(".")[2])
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def figure(self, value: float, decimals: int = 2) -> str:
        """A computed value, rounded to at most `decimals` decimals (trailing zeros dropped), in
        the language's locale: 12,345.6 or 12.345,6.
        """
        pattern = "#,##0" + ("." + "#" * decimals if decimals > 0 else "")
        if math.isfinite(value) and round(value, max(decimals, 0)) == 0:
            value = 0.0  # no "-0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def significant(self, value: float, digits: int = 3) -> str:
        """A computed value to `digits` significant digits (whole numbers stay whole): 0.0009 stays
        0.0009 where two decimals would show 0.
        """
        if value == 0 or not math.isfinite(value):
            return self.figure(value, 0)
        return self.figure(value, max(0, digits - 1 - math.floor(math.log10(abs(value)))))

    def unit(self, unit: str | None) -> str:
        """A unit as the reader reads it: `ja_nee` is "ja/nee" or "yes/no"."""
        return _UNITS[self.language].get(unit or "", unit or "")

    def quantity(self, q: nodes.Quantity) -> str:
        unit = self.unit(q.unit.text)
        if unit.startswith("€"):
            rest = unit[1:].strip()
            return f"€ {self.number(q.number)}" + (f" {rest}" if rest else "")
        if unit == "%":
            return f"{self.number(q.number)}%"
        return f"{self.number(q.number)} {unit}"

    def amount(self, amount) -> str:
        if isinstance(amount, nodes.Quantity):
            return self.quantity(amount)
        if isinstance(amount, nodes.Range):
            low = (
                self.number(amount.low.number)
                if amount.low.unit == amount.high.unit
                else self.quantity(amount.low)
            )
            return f"{low} {self.words['to']} {self.quantity(amount.high)}"
        if isinstance(amount, nodes.Bound):
            value = (
                self.quantity(amount.value)
                if isinstance(amount.value, nodes.Quantity)
                else self.name(amount.value)
            )
            return f"{self.words[amount.direction]} {value}"
        if isinstance(amount, nodes.Pending):
            return self.pending(amount)
        return str(amount)

    def pending(self, pending: nodes.Pending) -> str:
        reason = pending.reason or ""
        if reason and self.language != "nl":
            reason = f"{DUTCH_OPEN}{reason}{DUTCH_CLOSE}"
        reason = f" ({reason})" if reason else ""
        return self.words["pending"] + reason

    # dates and terms ------------------------------------------------------------------------------

    def when(self, when: nodes.When | None) -> str:
        if when is None:
            return ""
        if when.is_year:
            return when.text
        try:
            return self.date(dt.date.fromisoformat(when.text))
        except ValueError:  # an impossible date (P220), e.g. while a drafter is still typing it
            return when.text

    def date(self, day: dt.date) -> str:
        """'1 juli 2026' / '1 July 2026'."""
        return format_date(day, format="d MMMM y", locale=self.locale)

    def period(self, count: int, period: str) -> str:
        one, many = _PERIODS[self.language][_SINGULAR.get(period, period)]
        return f"{count} {one if count == 1 else many}"

    def by(self, when: nodes.When) -> str:
        """'uiterlijk in 2035' / 'uiterlijk op 1 juli 2026'; 'by 2035' / 'by 1 July 2026'."""
        if self.language == "nl":
            return f"uiterlijk {'in' if when.is_year else 'op'} {self.when(when)}"
        return f"by {self.when(when)}"

    def term(self, term) -> str:
        if isinstance(term, nodes.RelativeTerm):
            return f"{self.period(term.count, term.period)} {self.words['after_monitoring']}"
        if isinstance(term, nodes.FixedTerm):
            return self.by(term.when)
        if isinstance(term, nodes.Pending):
            return self.pending(term)
        return ""

    def cadence(self, cadence: nodes.Cadence) -> str:
        if cadence.period == "jaar" and cadence.every == 1 and not cadence.at_least:
            return self.words["yearly"]
        lead = self.words["at_least_every"] if cadence.at_least else self.words["every"]
        return f"{lead} {self.period(cadence.every, cadence.period)}"

    # conditions -----------------------------------------------------------------------------------

    def condition(self, condition) -> str:
        if isinstance(condition, nodes.AllOf | nodes.AnyOf):
            joiner = self.words["and"] if isinstance(condition, nodes.AllOf) else self.words["or"]
            parts = [self._nested(c) for c in condition.items]
            return (
                f", {joiner} ".join(parts[:-1]) + f" {joiner} " + parts[-1]
                if len(parts) > 2
                else f" {joiner} ".join(parts)
            )
        if isinstance(condition, nodes.Not):
            return f"{self.words['not']} {self._nested(condition.item)}"
        if isinstance(condition, nodes.StateTest):
            return (
                f"«{self.title(condition.subject.name)}» {_STATES[self.language][condition.state]}"
            )
        if isinstance(condition, nodes.Flag):
            return f"«{self.title(condition.attribute.name)}» {self.words['holds']}"
        return self._comparison(condition)

    def _nested(self, condition) -> str:
        text = self.condition(condition)
        return f"({text})" if isinstance(condition, nodes.AllOf | nodes.AnyOf) else text

    def _comparison(self, comparison: nodes.Comparison) -> str:
        pattern = _OPERATORS[self.language][comparison.operator]
        return pattern.format(l=self.operand(comparison.left), r=self.operand(comparison.right))

    def operand(self, operand) -> str:
        if isinstance(operand, nodes.CALCULATIONS):
            return self._calculation(operand)
        if isinstance(operand, nodes.Quantity):
            return self.quantity(operand) if operand.unit.text else self.number(operand.number)
        if isinstance(operand, nodes.Call):
            lead = self.words[_CALL_WORDS[operand.function]]
            return f"{lead} «{self.title(operand.argument.name)}»"
        return f"«{self.title(operand.name)}»"

    def _calculation(self, expression) -> str:
        """A calculation in words, bracketed where the words alone would be ambiguous (as the rule
        printer brackets it: `* /` before `+ -`, left to right).
        """
        if isinstance(expression, nodes.Absolute | nodes.Negative):
            inner = self.operand(expression.operand)
            if isinstance(expression.operand, nodes.Arithmetic):
                inner = f"({inner})"
            word = "absolute" if isinstance(expression, nodes.Absolute) else "negative"
            return f"{self.words[word]} {inner}"
        rank = _RANK[expression.operator]
        left, right = self.operand(expression.left), self.operand(expression.right)
        if isinstance(expression.left, nodes.Arithmetic) and _RANK[expression.left.operator] < rank:
            left = f"({left})"
        if (
            isinstance(expression.right, nodes.Arithmetic)
            and _RANK[expression.right.operator] <= rank
        ):
            right = f"({right})"
        return f"{left} {self.words[expression.operator]} {right}"
