"""The farm rule of benchmarks/evaluate.py written four other ways: hand-written NumPy (the
practical limit), polars, a per-farm Python loop, and OpenFisca-core.

Standalone on purpose: it imports only NumPy (and polars or OpenFisca when asked), so it runs in
the benchmark's own OpenFisca environment, where beleid is not installed. There it runs as a
long-lived worker that evaluate.py drives one repetition at a time over a pipe:

    python benchmarks/farm_rule_baselines.py serve DATA_DIR

It loads the population, builds the tax-benefit system, answers `ready`, and then for every `run`
line on stdin builds a fresh simulation and calculates the rule, answering one JSON line with the
two times; `finish` answers with the hashes of the last outputs and the peak memory, and exits.

The rule, per farm: exceeds = emission > norm; must_file_plan = sector_off_track and exceeds;
gap = max(0, emission - norm); buyout_priority = distance <= 1000 m and exceeds. Aggregates: farms
that must file a plan per sector and per province, and the gap per sector.
"""

from __future__ import annotations

import gc
import hashlib
import json
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


# ---------------------------------------------------------------------------------------- polars


def polars_setup(data: dict[str, np.ndarray]):
    import polars as pl

    return pl.DataFrame(data)


def polars_rule(frame, off_track: bool = True):
    """The rule as a polars user would write it: expressions for the columns, group_by for the
    aggregates; categories with no farm are filled in as zero afterwards.
    """
    import polars as pl

    exceeds = pl.col("emission") > pl.col("norm")
    out = frame.select(
        "sector",
        "province",
        exceeds=exceeds,
        must_file_plan=exceeds & pl.lit(off_track),
        gap=(pl.col("emission") - pl.col("norm")).clip(lower_bound=0.0),
        buyout_priority=(pl.col("distance") <= 1000.0) & exceeds,
    )
    by_sector = out.group_by("sector").agg(pl.col("must_file_plan").sum(), pl.col("gap").sum())
    by_province = out.group_by("province").agg(pl.col("must_file_plan").sum())
    must_sector, gap_sector, must_province = [0] * SECTORS, [0.0] * SECTORS, [0] * PROVINCES
    for sector, must, gap in by_sector.iter_rows():
        must_sector[sector], gap_sector[sector] = int(must), float(gap)
    for province, must in by_province.iter_rows():
        must_province[province] = int(must)
    return out, {
        "must_by_sector": must_sector,
        "must_by_province": must_province,
        "gap_by_sector": gap_sector,
    }


def polars_outputs(out, figures: dict):
    """The per-farm columns as NumPy arrays, for the hashes (not timed)."""
    names = ("exceeds", "must_file_plan", "gap", "buyout_priority")
    return {name: out[name].to_numpy() for name in names}, figures


# ---------------------------------------------------------------------------------------- worker


def serve(folder: Path, lines=sys.stdin, answer=print) -> None:
    """The OpenFisca worker: one repetition per `run` line, timed with and without building."""
    data = load(folder)
    inputs_rss = rss_mib()
    system = openfisca_system()
    # as the engine's set-up: long-lived objects are not walked by the timed runs' collections
    gc.freeze()
    from importlib.metadata import version

    ready = {"ready": True, "inputs_rss_mib": inputs_rss, "version": version("openfisca-core")}
    answer(json.dumps(ready), flush=True)
    result = None
    for line in lines:
        if line.strip() == "finish":
            break
        gc.collect()
        start = time.perf_counter()
        simulation = openfisca_setup(system, data)
        built = time.perf_counter()
        result = openfisca_rule(simulation, data)
        done = time.perf_counter()
        answer(json.dumps({"setup_s": built - start, "calc_s": done - built}), flush=True)
        del simulation
    hashes = digest(*result) if result else None
    answer(json.dumps({"hashes": hashes, "peak_rss_mib": peak_rss_mib()}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] != ["serve"] or len(sys.argv) != 3:
        sys.exit("usage: farm_rule_baselines.py serve DATA_DIR")
    serve(Path(sys.argv[2]))
