"""A deterministic synthetic farm population calibrated to published figures: the entity table
`beleid evaluate` uses when none is given.

No real farm data is public at this level of detail, so the farms are drawn from a seeded random
generator. How many farms each province and sector has follows the published CBS counts (and
livestock numbers as weights), and the farms' NH3 emissions sum to the published national total
(monitoring/calibration.csv, read by compiler/data/calibration.py); everything else is modelled
(monitoring/calibration-model.csv). monitoring/README.md documents every distribution. The same
seed and size always give the same farms (for a given NumPy version); every column is drawn at once
for all farms, so ten million farms fit in a few hundred megabytes.
"""

from __future__ import annotations

import numpy as np

from compiler.data.apportion import cell_counts
from compiler.data.calibration import LABEL, Calibration, load_calibration
from compiler.data.dataschema import FARM_SECTORS, PROVINCES
from compiler.data.types import Population

DEFAULT_SIZE = load_calibration().farm_total
DEFAULT_SEED = 2026


def generate_farms(size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> Population:
    """`size` farms drawn from `seed`; counts and the emission total scale with `size`."""
    if size < 0:
        raise ValueError("size must be zero or more")
    calibration = load_calibration()
    rng = np.random.default_rng(seed)
    sector, province = _placement(calibration, size, rng)
    emission = _emissions(calibration, sector, size, rng)
    low, high = calibration.parameter("norm_factor_min"), calibration.parameter("norm_factor_max")
    norm = _round(calibration, emission * rng.uniform(low, high, size=size))
    distance = np.round(rng.exponential(calibration.parameter("mean_distance_m"), size=size))
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
        origin=f"{LABEL}: {size} farms, seed {seed}",
    )


def calibrated_counts(size: int, calibration: Calibration | None = None) -> np.ndarray:
    """Farms per sector (rows) and province (columns) in a population of `size`."""
    calibration = calibration or load_calibration()
    return cell_counts(
        size,
        calibration.sector_shares(),
        calibration.province_shares(),
        calibration.sector_weights(),
    )


def nh3_total_kg(size: int, calibration: Calibration | None = None) -> float:
    """The NH3 emission the farms of a population of `size` sum to: the published national total
    for the published number of farms, in proportion for any other size.
    """
    calibration = calibration or load_calibration()
    return calibration.nh3_total_kg * size / calibration.farm_total


def _placement(
    calibration: Calibration, size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Sector and province codes: the calibrated count of each cell, in a random farm order."""
    counts = calibrated_counts(size, calibration).ravel()
    cells = np.repeat(np.arange(counts.size), counts)[rng.permutation(size)]
    sector, province = np.divmod(cells, len(PROVINCES))
    return sector.astype(np.int8), province.astype(np.int8)


def _emissions(
    calibration: Calibration, sector: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Sector median × lognormal spread, scaled as a whole so the farms sum to the NH3 total (no
    total per sector is published), rounded to the half kilogram.
    """
    medians = np.array([calibration.parameter("relative_median_emission", s) for s in FARM_SECTORS])
    raw = medians[sector] * rng.lognormal(0.0, calibration.parameter("emission_sigma"), size=size)
    total = raw.sum()
    scale = nh3_total_kg(size, calibration) / total if total > 0 else 0.0
    return _round(calibration, raw * scale)


def _round(calibration: Calibration, values: np.ndarray) -> np.ndarray:
    step = calibration.parameter("round_kg")
    return np.round(values / step) * step
