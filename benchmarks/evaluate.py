"""Entity evaluation at scale: beleid's engine against hand-written NumPy, a per-farm Python loop
and OpenFisca-core, on the same farm rule, side by side in one run.

    python benchmarks/evaluate.py                       # 50k, 1M and 10M farms
    python benchmarks/evaluate.py --sizes 50000 --reps 5

The rule is the bundled policy's own: the trigger `landbouw_achter_op_streefwaarde` (here off track,
with the pending 2030 value assumed) obliges every farm over its norm to file a `bedrijfsplan`; the
target `bedrijfsnorm_2035` gives each farm's gap; a benchmark-only obligation selects farms within
1,000 m of an overloaded Natura 2000 area that exceed their norm. Aggregates: plans per sector and
province, gap per sector. benchmarks/farm_rule_baselines.py writes the same rule three other ways.

Every approach runs in its own process on the same population (generated once per size and saved as
.npy files), and reports its median time over repetitions after one warm-up, its peak resident
memory (VmHWM), and hashes of its outputs, which must equal NumPy's. NumPy runs first and last;
ratios are against the mean of those two runs. OpenFisca runs in its own environment:

    python3 -m venv benchmarks/.venv-openfisca
    benchmarks/.venv-openfisca/bin/pip install openfisca-core
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
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


def engine_setup(folder: Path):
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
    data = baselines.load(folder)
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


def engine_worker(folder: Path, reps: int) -> dict:
    policy, monitoring = engine_setup(folder)
    # the compiled policy is long-lived: keep the collector from walking it before each run
    gc.freeze()
    inputs_rss = baselines.rss_mib()
    times, result = [], None
    for rep in range(reps + 1):
        gc.collect()
        start = time.perf_counter()
        result = engine_rule(policy, monitoring)
        elapsed = time.perf_counter() - start
        if rep:
            times.append(elapsed)
    return {
        "approach": "beleid",
        "median_s": statistics.median(times),
        "reps": reps,
        "setup_median_s": None,
        "peak_rss_mib": baselines.peak_rss_mib(),
        "inputs_rss_mib": inputs_rss,
        "hashes": baselines.digest(*engine_outputs(*result)),
    }


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


def run_worker(approach: str, folder: Path, reps: int) -> dict:
    if approach == "beleid":
        command = [sys.executable, __file__, "--worker", str(folder), "--reps", str(reps)]
    elif approach == "openfisca":
        command = [
            str(OPENFISCA_PYTHON),
            str(HERE / "farm_rule_baselines.py"),
            approach,
            str(folder),
            str(reps),
        ]
    else:
        command = [
            sys.executable,
            str(HERE / "farm_rule_baselines.py"),
            approach,
            str(folder),
            str(reps),
        ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"approach": approach, "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, args) -> list[dict]:
    folder = prepare(size, args.seed)
    reps = args.reps or REPS.get(size, 5)
    plan = ["numpy", "beleid"]
    if OPENFISCA_PYTHON.exists() and not args.no_openfisca:
        plan.append("openfisca")
    if size <= args.python_max_size:
        plan.append("python")
    plan.append("numpy")
    results = []
    for approach in plan:
        result = run_worker(approach, folder, max(3, reps // 3) if approach == "python" else reps)
        result["size"] = size
        results.append(result)
        print(f"  {size:>10,} {approach:<10} done", file=sys.stderr, flush=True)
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| farms | approach | median s (reps) | ratio to NumPy | peak RSS MiB | above inputs MiB "
        "| same outputs |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for size in sorted({r["size"] for r in results}):
        rows = [r for r in results if r["size"] == size]
        numpy_runs = [r for r in rows if r["approach"] == "numpy" and "error" not in r]
        reference = statistics.mean(r["median_s"] for r in numpy_runs)
        hashes = numpy_runs[0]["hashes"]
        for r in rows:
            if "error" in r:
                lines.append(f"| {size:,} | {r['approach']} | failed: {r['error'][0]} | | | | |")
                continue
            same = (
                "reference"
                if r["approach"] == "numpy"
                else ("yes" if r["hashes"] == hashes else "NO")
            )
            lines.append(
                f"| {size:,} | {r['approach']} | {r['median_s']:.5f} ({r['reps']}) | "
                f"{r['median_s'] / reference:.2f}x | {r['peak_rss_mib']:,.0f} | "
                f"{r['peak_rss_mib'] - r['inputs_rss_mib']:,.0f} | {same} |"
            )
            if r["setup_median_s"] is not None:  # OpenFisca: also with building its simulation
                with_setup = r["median_s"] + r["setup_median_s"]
                lines.append(
                    f"| {size:,} | {r['approach']} with building the simulation | "
                    f"{with_setup:.5f} ({r['reps']}) | {with_setup / reference:.2f}x | | | {same} |"
                )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50000,1000000,10000000")
    parser.add_argument(
        "--reps", type=int, default=0, help="repetitions per approach (default: by size)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--python-max-size",
        type=int,
        default=1_000_000,
        help="skip the per-farm Python loop above this size (at 10M it needs ~6 GB)",
    )
    parser.add_argument("--no-openfisca", action="store_true")
    parser.add_argument("--json", help="also write the raw results to this file")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(engine_worker(args.worker, args.reps)))
        return 0
    if not OPENFISCA_PYTHON.exists() and not args.no_openfisca:
        print(
            "OpenFisca is not set up; see the docstring of this file. Running without it.",
            file=sys.stderr,
        )
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.extend(measure(size, args))
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
