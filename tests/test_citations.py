"""Quote matching: whitespace, line breaks and end-of-line hyphens are ignored; nothing else is."""

from __future__ import annotations

import pytest

from compiler.check.citations import CanonicalText, quote_parts

LINES = (
    "De beëindigings-",
    "regeling geeft voorrang aan locaties binnen 1.000 meter rondom Natura-",
    "2000 gebieden. Pagina 6 van 16",
    "Het kabinet   neemt alternatieve",
    "maatregelen met hetzelfde effect.",
)
TEXT = CanonicalText.build(LINES)


@pytest.mark.parametrize(
    "quote, first, last",
    [
        ("De beëindigingsregeling geeft voorrang", 1, 2),
        ("De beëindigings-regeling geeft voorrang", 1, 2),
        ("binnen 1.000 meter rondom Natura-2000 gebieden", 2, 3),
        ("Het kabinet neemt alternatieve maatregelen", 4, 5),
        ("Het kabinet\n   neemt   alternatieve", 4, 4),
        ("De beëindigingsregeling ... alternatieve maatregelen", 1, 5),
        ("voorrang … gebieden", 2, 3),
    ],
)
def test_quote_found(quote, first, last):
    assert TEXT.find(quote_parts(quote), first, last)


@pytest.mark.parametrize(
    "quote, first, last",
    [
        ("De beëindigingsregeling geeft voorrang", 2, 2),  # starts on line 1, not cited
        ("binnen 1.000 meter", 1, 1),  # on line 2 only
        ("binnen 1000 meter", 1, 5),  # a changed number
        ("Het Kabinet neemt", 1, 5),  # case matters
        ("alternatieve maatregelen ... Het kabinet", 1, 5),  # parts out of order
        ("met hetzelfde effect", 1, 4),  # last line not cited
    ],
)
def test_quote_not_found(quote, first, last):
    assert not TEXT.find(quote_parts(quote), first, last)


def test_locate_gives_the_starting_line():
    assert TEXT.locate(quote_parts("maatregelen met hetzelfde")) == (5, 5)
    assert TEXT.locate(quote_parts("regeling geeft")) == (2, 2)
    assert TEXT.locate(quote_parts("Het kabinet neemt alternatieve maatregelen")) == (4, 5)
    assert TEXT.locate(quote_parts("niet aanwezig")) is None


def test_quote_parts_drop_whitespace_and_split_on_ellipsis():
    assert quote_parts(" a b ... c\nd … e ") == ["ab", "cd", "e"]
    assert quote_parts("...") == []


def test_numbers_are_read_as_the_sources_write_them():
    from decimal import Decimal

    from compiler.check.numbers import _numbers_in

    found = _numbers_in("Totaal 3.000 en 12,5 en 1.125 en 0,4 – 0,8 Mton en 42-46% in 2035.")
    for expected in ("3000", "12.5", "1125", "0.4", "0.8", "42", "46", "2035"):
        assert Decimal(expected).normalize() in found, expected
    assert Decimal("3.5") not in found
