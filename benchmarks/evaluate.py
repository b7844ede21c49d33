"""Entity evaluation at scale: beleid's engine against hand-written NumPy, polars, OpenFisca-core
and a per-farm Python loop, on the same farm rule, with interleaved repetitions, printed as ratios.

    python benchmarks/evaluate.py                       # 50k, 1M and 10M farms
    python benchmarks/evaluate.py --sizes 50000 --reps 5
    python benchmarks/evaluate.py --quick               # 20,000 farms, 3 repetitions

The rule is the bundled policy's own: the trigger `landbouw_achter_op_streefwaarde` (here off track,
with the pending 2030 value assumed) obliges every farm over its norm to file a `bedrijfsplan`; the
target `bedrijfsnorm_2035` gives each farm's gap; a benchmark-only obligation selects farms within
1,000 m of an overloaded Natura 2000 area that exceed their norm. Aggregates: plans per sector and
province, gap per sector. benchmarks/farm_rule_baselines.py writes the same rule four other ways.

beleid, NumPy, polars and the Python loop run in this process on one population (generated once
per size and saved as .npy files). OpenFisca needs its own environment, so it runs in one
long-lived worker process that loads the same files and is driven in the same rotation, one
repetition per turn over a pipe, timed with and without building its simulation. Every repetition
runs every approach once, in rotating order, after one warm-up round; the table gives medians and
ratios to NumPy's median, and every approach's output hashes must equal NumPy's. polars and
OpenFisca are skipped when absent:

    pip install polars
    python3 -m venv benchmarks/.venv-openfisca
    benchmarks/.venv-openfisca/bin/pip install openfisca-core
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import farm_rule_baselines as baselines  # noqa: E402

OPENFISCA_PYTHON = HERE / ".venv-openfisca" / "bin" / "python"
DATA = HERE / ".data"
ORDER = (
    "numpy",
    "beleid",
    "polars",
    "python",
    "openfisca",
    "openfisca with building the simulation",
)
REPS = {50_000: 21, 1_000_000: 9, 10_000_000: 5}
BENCHMARK_OBLIGATION = """
verplichting voorrang_binnen_1000m
        "Benchmark: binnen 1.000 meter van een overbelast Natura 2000-gebied en boven de norm" {
    wie     elk bedrijf waar afstand_overbelast_natura2000 <= 1000 m
            en nh3_emissie_bedrijf > bedrijfsnorm_nh3
    termijn open "benchmark"
}
"""
RULE = (
    "nh3_landbouw",
    "nh3_emissie_bedrijf",
    "bedrijfsnorm_nh3",
    "afstand_overbelast_natura2000",
    "nh3_landbouw_2030",
    "landbouw_achter_op_streefwaarde",
    "bedrijfsplan",
    "bedrijfsnorm_2035",
)


# ---------------------------------------------------------------------------------------- engine


def engine_setup(folder: Path, data: dict | None = None):
    from compiler.check.model import Policy
    from compiler.check.pipeline import compile_paths, compile_text
    from compiler.data.scenario import Assumption, apply_assumptions, parse_value
    from compiler.data.types import Monitoring, Population, Series

    streefwaarde = Assumption(
        "nh3_landbouw_2030",
        "waarde",
        parse_value("waarde", "90 kton", Path("<benchmark>")),
        "benchmark: the pending 2030 value, so that the trigger can fire",
    )
    bundled = apply_assumptions(compile_paths([str(ROOT / "policy")]).policy, (streefwaarde,))
    extra = compile_text(BENCHMARK_OBLIGATION, "<benchmark>").policy.declarations
    policy = Policy({**{k: bundled.declarations[k] for k in RULE}, **extra}, ())
    data = baselines.load(folder) if data is None else data
    population = Population(
        len(data["emission"]),
        data["sector"],
        data["province"],
        {
            "nh3_emissie_bedrijf": data["emission"],
            "bedrijfsnorm_nh3": data["norm"],
            "afstand_overbelast_natura2000": data["distance"],
        },
        "benchmark",
    )
    monitoring = Monitoring(
        Series.from_values({"nh3_landbouw": {"2019": 110.3, "2027": 105.0}}), population
    )
    return policy, monitoring


def engine_rule(policy, monitoring):
    from compiler.evaluate.moment import evaluate
    from compiler.evaluate.outcomes import aggregates

    evaluation = evaluate(policy, monitoring, dt.date(2027, 12, 31))
    return evaluation, aggregates(
        evaluation, obligations=("bedrijfsplan",), targets=("bedrijfsnorm_2035",)
    )


def engine_outputs(evaluation, figures) -> tuple[dict, dict]:
    assert evaluation.triggers["landbouw_achter_op_streefwaarde"].state == "fired"
    tally = evaluation.targets["bedrijfsnorm_2035"].tally
    outputs = {
        "exceeds": tally.failing_mask,
        "must_file_plan": evaluation.entity_obligations["bedrijfsplan"].selected,
        "gap": tally.gap,
        "buyout_priority": evaluation.entity_obligations["voorrang_binnen_1000m"].selected,
    }
    plans = figures["obligations"]["bedrijfsplan"]
    return outputs, {
        "must_by_sector": list(plans["by_sector"].values()),
        "must_by_province": list(plans["by_province"].values()),
        "gap_by_sector": list(figures["targets"]["bedrijfsnorm_2035"].values()),
    }


# ---------------------------------------------------------------------------------------- runners


class InProcess:
    """One approach run in this process: one timed call per turn, hashed once at the end."""

    def __init__(self, name: str, rule, arguments: tuple, outputs=lambda *result: result):
        self.name, self.rule, self.arguments, self.outputs = name, rule, arguments, outputs
        self.result = None

    def turn(self) -> dict[str, float]:
        gc.collect()
        start = time.perf_counter()
        self.result = self.rule(*self.arguments)
        return {self.name: time.perf_counter() - start}

    def finish(self) -> dict[str, dict]:
        return {self.name: baselines.digest(*self.outputs(*self.result))}


class OpenFiscaWorker:
    """OpenFisca in its own long-lived process (its own venv), one repetition per turn."""

    BUILT = "openfisca with building the simulation"

    def __init__(self, folder: Path):
        command = [
            str(OPENFISCA_PYTHON),
            str(HERE / "farm_rule_baselines.py"),
            "serve",
            str(folder),
        ]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.ready = self._ask(None)
        self.peak_rss_mib = None

    def _ask(self, line: str | None) -> dict:
        if line is not None:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError("the OpenFisca worker stopped; its error is printed above")
        return json.loads(reply)

    def turn(self) -> dict[str, float]:
        reply = self._ask("run")
        return {"openfisca": reply["calc_s"], self.BUILT: reply["setup_s"] + reply["calc_s"]}

    def finish(self) -> dict[str, dict]:
        reply = self._ask("finish")
        self.process.wait()
        self.peak_rss_mib = reply["peak_rss_mib"]
        return {"openfisca": reply["hashes"], self.BUILT: reply["hashes"]}


def polars_version() -> str | None:
    try:
        import polars
    except ImportError:
        return None
    return polars.__version__


# ---------------------------------------------------------------------------------------- driver


def prepare(size: int, seed: int, root: Path = DATA) -> Path:
    from compiler.data.synthetic import generate_farms

    folder = root / f"farms-{size}-{seed}"
    if (folder / "province.npy").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    population = generate_farms(size, seed)
    columns = population.columns
    arrays = {
        "emission": columns["nh3_emissie_bedrijf"],
        "norm": columns["bedrijfsnorm_nh3"],
        "distance": columns["afstand_overbelast_natura2000"],
        "sector": population.sector,
        "province": population.province,
    }
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
    return folder


def reset_peak_rss() -> None:
    """Start VmHWM afresh (Linux: 5 to clear_refs), so each size's peak is its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure(
    size: int,
    reps: int,
    *,
    seed: int = 2026,
    root: Path = DATA,
    python_max_size: int = 1_000_000,
    polars: bool = True,
    openfisca: bool = True,
) -> dict:
    """Every approach once per repetition, in rotating order, after one warm-up round."""
    folder = prepare(size, seed, root)
    reset_peak_rss()
    data = baselines.load(folder)
    policy, monitoring = engine_setup(folder, data)
    runners = [
        InProcess("numpy", baselines.numpy_rule, (data,)),
        InProcess("beleid", engine_rule, (policy, monitoring), engine_outputs),
    ]
    if polars and polars_version():
        frame = baselines.polars_setup(data)
        runners.append(
            InProcess("polars", baselines.polars_rule, (frame,), baselines.polars_outputs)
        )
    if size <= python_max_size:
        runners.append(InProcess("python", baselines.python_rule, (baselines.python_setup(data),)))
    worker = OpenFiscaWorker(folder) if openfisca and OPENFISCA_PYTHON.exists() else None
    if worker:
        runners.append(worker)
    # the compiled policy and the inputs are long-lived: keep the collector from walking them
    gc.freeze()
    times: dict[str, list[float]] = {}
    for rep in range(reps + 1):  # round 0 warms up and is not counted
        shift = rep % len(runners)
        for runner in runners[shift:] + runners[:shift]:
            for name, seconds in runner.turn().items():
                if rep:
                    times.setdefault(name, []).append(seconds)
    hashes: dict[str, dict] = {}
    for runner in runners:
        hashes.update(runner.finish())
    gc.unfreeze()
    return {
        "size": size,
        "reps": reps,
        "medians": {name: statistics.median(times[name]) for name in ORDER if name in times},
        "same": {name: hashes[name] == hashes["numpy"] for name in hashes},
        "peak_rss_mib": baselines.peak_rss_mib(),
        "openfisca_peak_rss_mib": worker.peak_rss_mib if worker else None,
        "openfisca_version": worker.ready.get("version") if worker else None,
    }


def verdict(result: dict) -> str:
    """The target of issue 17 beside the figures: within 1.2× of NumPy at 1M and 10M farms, and
    ahead of polars and OpenFisca.
    """
    medians = result["medians"]
    ratio = medians["beleid"] / medians["numpy"]
    parts = [f"beleid / NumPy {ratio:.2f}×"]
    if result["size"] >= 1_000_000:
        parts[0] += f" (target ≤ 1.2×: {'met' if ratio <= 1.2 else 'missed'})"
    for other in ("polars", "openfisca", OpenFiscaWorker.BUILT):
        if other in medians:
            ahead = medians["beleid"] < medians[other]
            share = medians["beleid"] / medians[other]
            parts.append(f"ahead of {other}: {'yes' if ahead else 'NO'} ({share:.2f}× its time)")
    return "; ".join(parts)


def table(results: list[dict]) -> str:
    lines = [
        "| farms | approach | median s (reps) | ratio to NumPy | same outputs as NumPy |",
        "|---:|---|---:|---:|---|",
    ]
    for result in results:
        size, medians, reference = result["size"], result["medians"], result["medians"]["numpy"]
        for name, median in medians.items():
            same = "reference" if name == "numpy" else ("yes" if result["same"][name] else "NO")
            lines.append(
                f"| {size:,} | {name} | {median:.5f} ({result['reps']}) | "
                f"{median / reference:.2f}× | {same} |"
            )
    lines.append("")
    for result in results:
        worker = result["openfisca_peak_rss_mib"]
        lines.append(
            f"{result['size']:,} farms: {verdict(result)}. Peak RSS of this process at this "
            f"size (inputs and every approach but OpenFisca) {result['peak_rss_mib']:,.0f} MiB"
            + (f", of the OpenFisca worker {worker:,.0f} MiB." if worker else ".")
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50000,1000000,10000000")
    parser.add_argument("--reps", type=int, default=0, help="repetitions (default: by size)")
    parser.add_argument("--quick", action="store_true", help="20,000 farms, 3 repetitions")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--python-max-size",
        type=int,
        default=1_000_000,
        help="skip the per-farm Python loop above this size (at 10M it needs ~6 GB)",
    )
    parser.add_argument("--no-polars", action="store_true")
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args()
    sizes = [20_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    reps = 3 if args.quick and not args.reps else args.reps
    if not polars_version() and not args.no_polars:
        print("polars is not installed (pip install polars); running without it.", file=sys.stderr)
    if not OPENFISCA_PYTHON.exists() and not args.no_openfisca:
        print(
            "OpenFisca is not set up (see this file's docstring); running without it.",
            file=sys.stderr,
        )
    results = []
    for size in sizes:
        results.append(
            measure(
                size,
                reps or REPS.get(size, 5),
                seed=args.seed,
                python_max_size=args.python_max_size,
                polars=not args.no_polars,
                openfisca=not args.no_openfisca,
            )
        )
        print(f"  {size:>10,} farms done", file=sys.stderr, flush=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = f"NumPy {np.__version__}, polars {polars_version() or 'absent'}, OpenFisca-Core "
    versions += next((r["openfisca_version"] for r in results if r["openfisca_version"]), "absent")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {versions}; load average {load}")
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
