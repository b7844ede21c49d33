"""Building blocks for evaluation tests: series from a dict, small farm tables, assumed values."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.scenario import Assumption, apply_assumptions, parse_value
from compiler.data.types import Event, Population, Series
from dsl.source import Span

HERE = Span.point("<test>")


def series(values: dict[str, dict[str, float]], status: str = "measured") -> Series:
    return Series.from_values(values, status, "test")


def farms(rows: list[tuple], **extra_columns) -> Population:
    """rows: (id, sector, province, emission, norm); other columns default to 0."""
    size = len(rows)
    columns = {
        "nh3_emissie_bedrijf": np.array([r[3] for r in rows], dtype=float),
        "bedrijfsnorm_nh3": np.array([r[4] for r in rows], dtype=float),
        "afstand_overbelast_natura2000": np.full(size, 5000.0),
        "overtredingen_doelsturing": np.zeros(size),
        "structureel_verwijtbaar": np.zeros(size),
    }
    columns.update({k: np.asarray(v, dtype=float) for k, v in extra_columns.items()})
    return Population(
        size,
        np.array([FARM_SECTORS.index(r[1]) for r in rows], dtype=np.int8),
        np.array([PROVINCES.index(r[2]) for r in rows], dtype=np.int8),
        columns,
        "test",
        np.array([r[0] for r in rows]),
    )


def event(subject: str, obligation: str, kind: str, date) -> Event:
    return Event(subject, obligation, kind, date, HERE)


def assume(policy, **values: str):
    """`assume(policy, nh3_landbouw_2030__waarde="90 kton")`: the policy with pending values filled
    in.
    """
    assumptions = []
    for key, text in values.items():
        decl, field = key.split("__")
        assumptions.append(
            Assumption(decl, field, parse_value(field, text, Path("<test>")), "test")
        )
    return apply_assumptions(policy, tuple(assumptions))
