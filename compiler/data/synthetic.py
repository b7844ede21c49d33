"""A deterministic synthetic farm population: the entity table `beleid evaluate` uses when none
is given.

No real farm data is public at this level of detail, so the population is drawn from a seeded
random generator with the distributions documented in monitoring/README.md. The same seed and size
always give the same farms (for a given NumPy version). Columns are generated in blocks so ten
million farms fit in a few hundred megabytes.
"""

from __future__ import annotations

import numpy as np

from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.types import Population

DEFAULT_SIZE = 50_000
DEFAULT_SEED = 2026

# Synthetic choices, not measurements; documented in monitoring/README.md.
SECTOR_SHARES = (0.60, 0.25, 0.15)  # melkvee, varkens, pluimvee
MEDIAN_EMISSION_KG = (2000.0, 1500.0, 800.0)
EMISSION_SIGMA = 0.5
NORM_FACTOR = (0.7, 1.3)  # norm = emission x uniform(0.7, 1.3)
MEAN_DISTANCE_M = 3000.0
ROUND_KG = 0.5  # emissions and norms are whole or half kilograms


def generate_farms(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Population:
    """`size` farms drawn from `seed`; see monitoring/README.md for the distributions."""
    if size < 0:
        raise ValueError("size must be zero or more")
    rng = np.random.default_rng(seed)
    sector = rng.choice(len(FARM_SECTORS), size=size, p=SECTOR_SHARES).astype(np.int8)
    province = rng.integers(0, len(PROVINCES), size=size, dtype=np.int8)
    median = np.asarray(MEDIAN_EMISSION_KG)[sector]
    emission = _round(median * rng.lognormal(0.0, EMISSION_SIGMA, size=size))
    norm = _round(emission * rng.uniform(*NORM_FACTOR, size=size))
    distance = np.round(rng.exponential(MEAN_DISTANCE_M, size=size))
    return Population(
        size=size,
        sector=sector,
        province=province,
        columns={
            "nh3_emissie_bedrijf": emission,
            "bedrijfsnorm_nh3": norm,
            "afstand_overbelast_natura2000": distance,
            "overtredingen_doelsturing": np.zeros(size),
            "structureel_verwijtbaar": np.zeros(size),
        },
        origin=f"synthetic population: {size} farms, seed {seed}",
    )


def _round(values: np.ndarray) -> np.ndarray:
    return np.round(values / ROUND_KG) * ROUND_KG
