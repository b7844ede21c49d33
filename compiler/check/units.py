"""The unit table: every unit the language knows, its dimension and its factor to the dimension's base.

A small explicit table rather than a units library: policy units include money scales (€ mln),
greenhouse-gas equivalents (Mton CO2-eq) and per-person rates (l/persoon/dag) that general units
libraries do not model, and a drafter can read this table. See docs/units.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class UnitInfo:
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
    **_units("length", mm="0.001", cm="0.01", m="1", km="1000"),
    **_units("energy", GWh="1", TWh="1000", PJ="277.7777777777777777777777778"),
    **_units("volume", l="0.001", m3="1", mln_m3="1000000"),
    **_units("count", aantal="1", woningen="1"),
    **_units("yes/no", ja_nee="1"),
}


def lookup(name: str) -> UnitInfo | None:
    """The unit called `name`, or None when the table does not know it."""
    return UNITS.get(name)


def compatible(a: UnitInfo, b: UnitInfo) -> bool:
    """True when quantities in `a` and `b` can be compared or converted."""
    return a.dimension == b.dimension


def convert(value: Decimal, source: UnitInfo, target: UnitInfo) -> Decimal:
    """Convert `value` from unit `source` to unit `target` (same dimension)."""
    if not compatible(source, target):
        raise ValueError(f"cannot convert {source.name} to {target.name}")
    return value * source.factor / target.factor
