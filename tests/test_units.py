"""The unit table: conversions are exact, and only units of one dimension convert."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compiler.check import units


@pytest.mark.parametrize(
    "value, source, target, expected",
    [
        ("1.2", "kton", "kg", "1200000"),
        ("1200000", "kg", "kton", "1.2"),
        ("2.6", "€ mld", "€ mln", "2600"),
        ("12.5", "€ mln", "€", "12500000"),
        ("1", "km2", "ha", "100"),
        ("1", "Mton CO2-eq", "kton CO2-eq", "1000"),
        ("40", "cm", "m", "0.4"),
        ("104", "duizend ha", "ha", "104000"),
        ("21", "GW", "MW", "21000"),
    ],
)
def test_convert(value, source, target, expected):
    result = units.convert(Decimal(value), units.lookup(source), units.lookup(target))
    assert result == Decimal(expected)


@pytest.mark.parametrize(
    "a, b",
    [("kton", "ha"), ("€ mln", "kton"), ("%", "kton"), ("kton", "kton CO2-eq"), ("GW", "GWh")],
)
def test_incompatible_units_do_not_convert(a, b):
    left, right = units.lookup(a), units.lookup(b)
    assert not units.compatible(left, right)
    with pytest.raises(ValueError):
        units.convert(Decimal(1), left, right)


def test_unknown_unit():
    assert units.lookup("kilo") is None
