"""The unit table: every unit the language knows, its dimension and its factor to the
dimension's base.

A small explicit table rather than a units library: policy units include money scales (€ mln),
greenhouse-gas equivalents (Mton CO2-eq) and per-person rates (l/persoon/dag) that general units
libraries do not model, and a drafter can read this table. See docs/units.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A known unit: its name, its dimension and its factor to the dimension's base unit."""

    name: str
    dimension: str
    factor: Decimal  # multiply a value in this unit by factor to get the dimension's base unit


def _units(dimension: str, **factors: str) -> dict[str, UnitInfo]:
    return {name: UnitInfo(name, dimension, Decimal(f)) for name, f in factors.items()}


UNITS: dict[str, UnitInfo] = {
    **_units("mass", g="0.001", kg="1", ton="1000", kton="1000000", Mton="1000000000"),
    **{
        "kton CO2-eq": UnitInfo("kton CO2-eq", "greenhouse gas", Decimal("1000000")),
        "Mton CO2-eq": UnitInfo("Mton CO2-eq", "greenhouse gas", Decimal("1000000000")),
        "€": UnitInfo("€", "money", Decimal("1")),
        "€ mln": UnitInfo("€ mln", "money", Decimal("1000000")),
        "€ mld": UnitInfo("€ mld", "money", Decimal("1000000000")),
        "%": UnitInfo("%", "share", Decimal("1")),
        "l/persoon/dag": UnitInfo("l/persoon/dag", "water use", Decimal("1")),
        "mol/ha/jaar": UnitInfo("mol/ha/jaar", "deposition", Decimal("1")),
    },
    **_units("area", m2="1", ha="10000", km2="1000000"),
    # As CLO and CBS publish areas ("104 duizend hectare"): data files only (DATA_ONLY).
    "duizend ha": UnitInfo("duizend ha", "area", Decimal("10000000")),
    **_units("length", mm="0.001", cm="0.01", m="1", km="1000"),
    **_units("energy", GWh="1", TWh="1000", PJ="277.7777777777777777777777778"),
    **_units("power", MW="1", GW="1000"),
    **_units("volume", l="0.001", m3="1", mln_m3="1000000"),
    **_units("count", aantal="1", woningen="1"),
    **_units("yes/no", ja_nee="1"),
}


# Units only data files use, as publishers write them: a unit in a rule is one word (docs/units.md).
DATA_ONLY = frozenset({"duizend ha"})
# The units a rule can write: what the checker suggests and the editor grammar highlights.
RULE_UNITS = tuple(name for name in UNITS if name not in DATA_ONLY)


# What a calculation gives when it divides a quantity by one of the same dimension (`a / b`), and
# what a number without a unit is inside a calculation: a plain number, which scales a quantity.
PLAIN = UnitInfo("", "plain number", Decimal("1"))


def lookup(name: str) -> UnitInfo | None:
    """The unit called `name`, or None when the table does not know it."""
    return UNITS.get(name)


def compatible(a: UnitInfo, b: UnitInfo) -> bool:
    """True when quantities in `a` and `b` can be compared or converted; a plain number also fits
    a count, since a number without a unit in a comparison is a count.
    """
    return a.dimension == b.dimension or {a.dimension, b.dimension} == {"plain number", "count"}


def product(a: UnitInfo, b: UnitInfo) -> UnitInfo | None:
    """The unit of `a * b`: a plain number keeps the other side's unit; the table has no unit for
    any other product (kton times ha), so None.
    """
    if a.dimension == PLAIN.dimension:
        return b
    return a if b.dimension == PLAIN.dimension else None


def quotient(a: UnitInfo, b: UnitInfo) -> UnitInfo | None:
    """The unit of `a / b`: `a`'s unit when `b` is a plain number, a plain number when both have
    the same dimension (converted exactly: kton / kg is a ratio), else None (no unit in the table).
    """
    if b.dimension == PLAIN.dimension:
        return a
    return PLAIN if a.dimension == b.dimension else None


def describe(unit: UnitInfo) -> str:
    """A unit as messages name it: `kton (mass)`, or `a plain number`."""
    return "a plain number" if unit is PLAIN else f"{unit.name} ({unit.dimension})"


def convert(value: Decimal, source: UnitInfo, target: UnitInfo) -> Decimal:
    """Convert `value` from unit `source` to unit `target` (same dimension)."""
    if not compatible(source, target):
        raise ValueError(f"cannot convert {source.name} to {target.name}")
    return value * source.factor / target.factor


def factor_between(written: str, expected: str) -> float | None:
    """The factor that turns a value in unit `written` into unit `expected`, or None when either
    is unknown or they measure different things (a column header's unit against its indicator's).
    """
    source, target = lookup(written), lookup(expected)
    if source is None or target is None or not compatible(source, target):
        return None
    return float(source.factor / target.factor)
