"""The farm rule of benchmarks/evaluate.py written three other ways: hand-written NumPy (the
practical limit), a per-farm Python loop, and OpenFisca-core.

Standalone on purpose: it imports only NumPy (and OpenFisca), so it runs in the benchmark's own
OpenFisca environment, where beleid is not installed. Run as a worker:

    python benchmarks/farm_rule_baselines.py APPROACH DATA_DIR REPS

It prints one JSON line: median time, peak memory and hashes of the per-farm outputs.

The rule, per farm: exceeds = emission > norm; must_file_plan = sector_off_track and exceeds;
gap = max(0, emission - norm); buyout_priority = distance <= 1000 m and exceeds. Aggregates: farms
that must file a plan per sector and per province, and the gap per sector.
"""

from __future__ import annotations

import gc
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SECTORS, PROVINCES = 3, 12


def load(folder: Path) -> dict[str, np.ndarray]:
    return {
        name: np.load(folder / f"{name}.npy")
        for name in ("emission", "norm", "distance", "sector", "province")
    }


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def digest(outputs: dict[str, np.ndarray], aggregates: dict) -> dict[str, str]:
    """sha256 of each per-farm output (booleans as uint8, gap as float64) and of the aggregates."""
    found = {}
    for name in ("exceeds", "must_file_plan", "buyout_priority"):
        found[name] = hashlib.sha256(
            np.ascontiguousarray(outputs[name], dtype=np.uint8).tobytes()
        ).hexdigest()[:16]
    found["gap"] = hashlib.sha256(
        np.ascontiguousarray(outputs["gap"], dtype=np.float64).tobytes()
    ).hexdigest()[:16]
    found["aggregates"] = hashlib.sha256(
        json.dumps(aggregates, sort_keys=True).encode()
    ).hexdigest()[:16]
    return found


def aggregate(must: np.ndarray, gap: np.ndarray, sector: np.ndarray, province: np.ndarray) -> dict:
    """The fastest idioms measured here: one count_nonzero per category, bincount for sums."""
    return {
        "must_by_sector": [int(np.count_nonzero(must & (sector == k))) for k in range(SECTORS)],
        "must_by_province": [
            int(np.count_nonzero(must & (province == k))) for k in range(PROVINCES)
        ],
        "gap_by_sector": [float(g) for g in np.bincount(sector, weights=gap, minlength=SECTORS)],
    }


# ---------------------------------------------------------------------------------------- numpy


def numpy_rule(data: dict[str, np.ndarray], off_track: bool = True):
    exceeds = data["emission"] > data["norm"]
    must = exceeds & off_track
    gap = np.maximum(data["emission"] - data["norm"], 0.0)
    buyout = (data["distance"] <= 1000.0) & exceeds
    outputs = {"exceeds": exceeds, "must_file_plan": must, "gap": gap, "buyout_priority": buyout}
    return outputs, aggregate(must, gap, data["sector"], data["province"])


# ---------------------------------------------------------------------------------------- python


def python_setup(data: dict[str, np.ndarray]) -> list[dict]:
    columns = {k: v.tolist() for k, v in data.items()}
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def python_rule(farms: list[dict], off_track: bool = True):
    exceeds, must, gaps, buyout = [], [], [], []
    by_sector, by_province, gap_sector = [0] * SECTORS, [0] * PROVINCES, [0.0] * SECTORS
    for farm in farms:
        over = farm["emission"] > farm["norm"]
        plan = off_track and over
        gap = max(0.0, farm["emission"] - farm["norm"])
        exceeds.append(over)
        must.append(plan)
        gaps.append(gap)
        buyout.append(farm["distance"] <= 1000.0 and over)
        if plan:
            by_sector[farm["sector"]] += 1
            by_province[farm["province"]] += 1
        gap_sector[farm["sector"]] += gap
    outputs = {
        "exceeds": np.array(exceeds),
        "must_file_plan": np.array(must),
        "gap": np.array(gaps),
        "buyout_priority": np.array(buyout),
    }
    return outputs, {
        "must_by_sector": by_sector,
        "must_by_province": by_province,
        "gap_by_sector": gap_sector,
    }


# ---------------------------------------------------------------------------------------- openfisca


def openfisca_system():
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import YEAR
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    farm_entity = build_entity(key="farm", plural="farms", label="Farm", is_person=True)

    def variable(name, value_type, formula=None, default=None):
        attributes = {
            "value_type": value_type,
            "entity": farm_entity,
            "definition_period": YEAR,
            "label": name,
        }
        if default is not None:
            attributes["default_value"] = default
        if formula is not None:
            attributes["formula"] = formula
        return type(name, (Variable,), attributes)

    system = TaxBenefitSystem([farm_entity])
    for name in ("emission", "norm", "distance"):
        system.add_variable(variable(name, float))
    for name in ("sector", "province"):
        system.add_variable(variable(name, int))
    system.add_variable(variable("sector_off_track", bool, default=True))
    system.add_variable(
        variable(
            "exceeds", bool, lambda farm, period: farm("emission", period) > farm("norm", period)
        )
    )
    system.add_variable(
        variable(
            "must_file_plan",
            bool,
            lambda farm, period: farm("sector_off_track", period) * farm("exceeds", period),
        )
    )
    system.add_variable(
        variable(
            "gap",
            float,
            lambda farm, period: np.maximum(farm("emission", period) - farm("norm", period), 0),
        )
    )
    system.add_variable(
        variable(
            "buyout_priority",
            bool,
            lambda farm, period: (farm("distance", period) <= 1000) * farm("exceeds", period),
        )
    )
    return system


def openfisca_setup(system, data: dict[str, np.ndarray]):
    from openfisca_core.simulations import SimulationBuilder

    simulation = SimulationBuilder().build_default_simulation(system, count=len(data["emission"]))
    for name in ("emission", "norm", "distance", "sector", "province"):
        simulation.set_input(name, "2027", data[name])
    return simulation


def openfisca_rule(simulation, data: dict[str, np.ndarray]):
    outputs = {
        name: simulation.calculate(name, "2027")
        for name in ("exceeds", "must_file_plan", "gap", "buyout_priority")
    }
    gap = outputs["gap"].astype(np.float64)
    outputs["gap"] = gap
    return outputs, aggregate(outputs["must_file_plan"], gap, data["sector"], data["province"])


# ---------------------------------------------------------------------------------------- worker


def run(approach: str, folder: Path, reps: int) -> dict:
    data = load(folder)
    inputs_rss = rss_mib()
    setups, times = [], []
    system = openfisca_system() if approach == "openfisca" else None
    farms = python_setup(data) if approach == "python" else None
    # as the engine worker does: set-up objects are not walked by the timed runs' collections
    gc.freeze()
    result = None
    for rep in range(reps + 1):  # the first repetition warms up and is not counted
        gc.collect()
        if approach == "openfisca":
            start = time.perf_counter()
            simulation = openfisca_setup(system, data)
            setups.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = openfisca_rule(simulation, data)
        elif approach == "python":
            start = time.perf_counter()
            result = python_rule(farms)
        else:
            start = time.perf_counter()
            result = numpy_rule(data)
        elapsed = time.perf_counter() - start
        if rep:
            times.append(elapsed)
    return {
        "approach": approach,
        "median_s": statistics.median(times),
        "reps": reps,
        "setup_median_s": statistics.median(setups) if setups else None,
        "peak_rss_mib": peak_rss_mib(),
        "inputs_rss_mib": inputs_rss,
        "hashes": digest(*result),
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))))
