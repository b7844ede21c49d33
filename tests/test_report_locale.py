"""Numbers, amounts and dates on report pages are written by Babel in each language's locale
(nl_NL, en_GB), and no bare figure leaks through unformatted.
"""

from __future__ import annotations

import datetime as dt

import pytest

from compiler.report.phrases import Phrases


@pytest.mark.parametrize(
    ("language", "text", "shown"),
    [
        ("nl", "1125.5", "1.125,5"),
        ("en", "1125.5", "1,125.5"),
        ("nl", "12.50", "12,50"),  # every digit as written in the rule
        ("en", "-50000", "-50,000"),
        ("nl", "0.00045", "0,00045"),
        ("nl", "not a number", "not a number"),
    ],
)
def test_a_number_as_written_in_the_rule_keeps_its_digits(language, text, shown):
    assert Phrases(language, str).number(text) == shown


@pytest.mark.parametrize(
    ("language", "value", "decimals", "shown"),
    [
        ("nl", 12345.678, 2, "12.345,68"),
        ("en", 12345.678, 2, "12,345.68"),
        ("nl", 50000.0, 0, "50.000"),
        ("en", 3.0, 2, "3"),
        ("en", -0.004, 2, "0"),
    ],
)
def test_a_computed_figure_is_rounded_in_the_locale(language, value, decimals, shown):
    assert Phrases(language, str).figure(value, decimals) == shown


def test_dates_are_written_out_in_the_language():
    day = dt.date(2026, 7, 1)
    assert Phrases("nl", str).date(day) == "1 juli 2026"
    assert Phrases("en", str).date(day) == "1 July 2026"
