"""Numbers rest on quotes: every number a declaration states (values, ranges, effects, budget
amounts, years of deadlines and baselines) must be written in one of its own quotes. Reports P250.
One exception: the first year of a recurring duty (`eerste`) where the source names none may rest
instead on a `bevinding` about the duty whose `wat` states the year chosen.

The quote is read the way the sources write numbers: a decimal comma (12,5), a point or a space
between thousands (280.000), and amounts in the scale the rule uses (€ 2.6 mld ~ "€2,6 mld.").
Yes/no values and numbers inside conditions are not checked: conditions compare against data.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from dsl import codes, nodes
from dsl.diagnostics import Diagnostics

_DIGITS = re.compile(r"\d[\d.,]*\d|\d")


def check_numbers(decl: nodes.Declaration, diags: Diagnostics, recorded: str = "") -> None:
    """P250 for every number `decl` states; `recorded` is the text of the findings about it."""
    quotes = [f.value.quote for f in decl.all("bron")]
    if not quotes:
        return  # no citation at all: P204 says so
    written = _numbers_in(" ".join(quotes))
    chosen = _numbers_in(recorded)
    for number, span in _stated_numbers(decl):
        if number not in written and not (span in _first_years(decl) and number in chosen):
            diags.add(
                codes.NUMBER_NOT_IN_QUOTE,
                span,
                f"{_show(number)} in `{decl.id.name}` does not appear in any of its quotes",
                hint="quote the passage that states this number, or correct the number",
            )


def recorded_choices(decls: dict[str, nodes.Declaration]) -> dict[str, str]:
    """For each declaration, the `wat` of every `bevinding` whose `betreft` names it."""
    found: dict[str, list[str]] = {}
    for decl in decls.values():
        what = decl.value("wat")
        if decl.kind != "bevinding" or not isinstance(what, str):
            continue
        for ref in decl.value("betreft", ()) or ():
            found.setdefault(ref.name, []).append(what)
    return {name: " ".join(texts) for name, texts in found.items()}


def _first_years(decl: nodes.Declaration) -> list:
    return [f.value.span for f in decl.all("eerste") if isinstance(f.value, nodes.When)]


def _numbers_in(text: str) -> set[Decimal]:
    """Every number written in `text`, read with Dutch and English separators."""
    found: set[Decimal] = set()
    for token in _DIGITS.findall(text):
        found.update(_readings(token))
    return found


def _readings(token: str) -> set[Decimal]:
    token = token.strip(".,")
    candidates = {
        token.replace(".", "").replace(",", "."),  # 280.000 -> 280000, 12,5 -> 12.5
        token.replace(",", ""),  # 1,125 (English thousands) or 12.5
        token,
    }
    readings = set()
    for candidate in candidates:
        try:
            readings.add(Decimal(candidate).normalize())
        except InvalidOperation:
            continue
    return readings


def _stated_numbers(decl: nodes.Declaration):
    for f in decl.fields:
        yield from _numbers_of_field(f)


def _numbers_of_field(f: nodes.Field):
    value = f.value
    if f.keyword in ("waarde",):
        yield from _quantities(value)
    elif f.keyword == "reductie":
        yield from _quantities(value.amount)
        if value.baseline is not None:
            yield _year(value.baseline)
    elif f.keyword == "tussendoel":
        yield _year(value.year)
        yield from _quantities(value.amount)
    elif f.keyword == "effect":
        yield _number(value.change, absolute=True)
        if value.year is not None:
            yield _year(value.year)
    elif f.keyword in ("post", "totaal"):
        for cell in value.cells:
            yield _number(cell.amount)
    elif f.keyword == "deelpost":
        yield _number(value.amount)
    elif f.keyword in ("uiterlijk", "vast_tot", "eerste") and isinstance(value, nodes.When):
        yield _year(value)
    elif f.keyword == "termijn" and isinstance(value, nodes.FixedTerm):
        yield _year(value.when)


def _quantities(amount):
    for quantity in nodes.quantities_in(amount):
        if quantity.unit.text != "ja_nee":
            yield _number(quantity)


def _number(quantity: nodes.Quantity, *, absolute: bool = False):
    value = Decimal(quantity.number)
    return (abs(value) if absolute else value).normalize(), quantity.span


def _year(when: nodes.When):
    return Decimal(when.text[:4]).normalize(), when.span


def _show(number: Decimal) -> str:
    return format(number, "f")
