"""The ledger at scale: evaluating and recording a first and a next monitoring moment at 50,000,
500,000 and 5,000,000 synthetic farms, against the same two moments evaluated without a ledger;
and `beleid simulate` over 2027-2035 (nine moments) at 50,000 farms.

    python benchmarks/ledger.py                    # 50k, 500k, 5M; 3 interleaved repetitions
    python benchmarks/ledger.py --sizes 50000 --reps 5
    python benchmarks/ledger.py --quick            # a smoke run (tests/test_benchmarks.py)

Every run is its own child process (so its peak resident memory, VmHWM, is its own): it compiles
the bundled policy and generates the farms (not timed), then evaluates 2027-12-31 and 2029-12-31.
With a ledger (a new file per run) each moment reads its history, is evaluated and is recorded;
without one (the baseline) each is evaluated from an empty history. Repetitions interleave the
two kinds of run, in rotating order. Printed: median seconds per moment, the ledger's own share
(reading the history plus recording), the ratio to the baseline, and peak memory after each moment
and its ratio, beside the targets of issue 17. The simulation runs in one child as a library call
and as the whole `beleid simulate` command (a fresh process, start-up included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SIZES = (50_000, 500_000, 5_000_000)
MOMENTS = ("2027-12-31", "2029-12-31")
TARGET_SECONDS = 8.0  # a moment with 5M farms recorded, the first and the next (issue 17)
TARGET_MEMORY = 1.5  # peak memory against the same run without a ledger
TARGET_SIMULATE = 3.0  # simulate 2027-2035 at 50,000 farms
SIMULATED = list(range(2027, 2036))
DATA = HERE / ".data"


# ---------------------------------------------------------------------------------- children


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_moments(size: int, with_ledger: bool, folder: str) -> dict:
    """Evaluate (and record) the two moments; seconds and peak memory after each."""
    import datetime as dt

    from compiler.check.pipeline import compile_paths
    from compiler.data.synthetic import generate_farms
    from compiler.data.types import Monitoring, Series
    from compiler.evaluate.ledger import Ledger
    from compiler.evaluate.moment import History, evaluate

    policy = compile_paths([str(ROOT / "policy")]).policy
    monitoring = Monitoring(
        Series.from_values({"nh3_landbouw": {"2019": 110.3}}), generate_farms(size, 1)
    )
    ledger = Ledger(Path(folder) / "ledger.sqlite") if with_ledger else None
    found = {"moments": []}
    for text in MOMENTS:
        moment = dt.date.fromisoformat(text)
        start = time.perf_counter()
        history = ledger.history(moment) if ledger else History()
        read = time.perf_counter()
        evaluation = evaluate(policy, monitoring, moment, history)
        evaluated = time.perf_counter()
        recorded = ledger.record(evaluation, "benchmark") if ledger else None
        end = time.perf_counter()
        found["moments"].append(
            {
                "seconds": end - start,
                "ledger": (read - start) + (end - evaluated),
                "open": recorded.obligations  # farms' and actors' obligations open
                if recorded
                else sum(o.count for o in evaluation.entity_obligations.values()),
                "changes": recorded.changes if recorded else 0,
                "peak_mib": _peak_mib(),
            }
        )
    if ledger:
        ledger.close()
        found["file_mib"] = (Path(folder) / "ledger.sqlite").stat().st_size / 2**20
    return found


def child_simulate(size: int, folder: str) -> dict:
    """The simulation as a library call (compile, load, nine moments), with the ledger's share."""
    from compiler.evaluate import ledger as ledger_module
    from compiler.evaluate.scenariorun import run_scenario

    spent = [0.0]
    for name in ("history", "record"):
        original = getattr(ledger_module.Ledger, name)

        def timed(self, *args, _original=original, **kwargs):
            start = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        setattr(ledger_module.Ledger, name, timed)
    scenario = write_scenario(size)
    start = time.perf_counter()
    run = run_scenario([str(ROOT / "policy")], scenario, str(Path(folder) / "ledger.sqlite"))
    seconds = time.perf_counter() - start
    assert not run.stopped, run.diagnostics
    return {"seconds": seconds, "ledger": spent[0], "peak_mib": _peak_mib()}


def write_scenario(size: int) -> Path:
    """The bundled trend scenario with a moment every year from 2027 to 2035 and `size` farms,
    written inside the repository (benchmarks/.data/), where a scenario may name its data.
    """
    source = ROOT / "monitoring" / "scenarios" / "trend.yaml"
    DATA.mkdir(exist_ok=True)
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("moments:"):
            line = f"moments: {SIMULATED}"
        elif line.startswith("farms:"):
            line = f"farms: {{size: {size}, seed: 2026}}"
        elif line.startswith("series:"):
            line = 'series: ["../../monitoring/series.csv", "../../monitoring/scenarios/trend.csv"]'
        lines.append(line)
    path = DATA / f"scenario-{size}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ parent


def _child(*args: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [sys.executable, __file__, "--child", *args, folder],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, reps: int) -> dict:
    """Interleaved repetitions of both kinds of run (rotating which goes first)."""
    runs: dict[str, list[dict]] = {"ledger": [], "baseline": []}
    kinds = ["ledger", "baseline"]
    for rep in range(reps):
        for kind in kinds[rep % 2 :] + kinds[: rep % 2]:
            runs[kind].append(_child("moments", str(size), kind))
    return runs


def _median(runs: list[dict], moment: int, field: str) -> float:
    return statistics.median(r["moments"][moment][field] for r in runs)


def report_moments(size: int, runs: dict) -> list[str]:
    lines = []
    for moment, name in enumerate(("first", "next")):
        with_ledger = _median(runs["ledger"], moment, "seconds")
        ledger_part = _median(runs["ledger"], moment, "ledger")
        baseline = _median(runs["baseline"], moment, "seconds")
        peak = _median(runs["ledger"], moment, "peak_mib")
        base_peak = _median(runs["baseline"], moment, "peak_mib")
        open_now = runs["ledger"][0]["moments"][moment]["open"]
        changes = runs["ledger"][0]["moments"][moment]["changes"]
        target = f" (target ≤ {TARGET_SECONDS:g} s)" if size >= 5_000_000 else ""
        lines.append(
            f"{size:>10,} {name:<5} {open_now:>10,} open {changes:>10,} changes | "
            f"moment {with_ledger:6.2f} s, ledger {ledger_part:6.2f} s{target}, "
            f"baseline {baseline:6.2f} s, {with_ledger / baseline:5.2f}× | "
            f"peak {peak:7.0f} MiB vs {base_peak:7.0f} MiB, {peak / base_peak:4.2f}× "
            f"(target ≤ {TARGET_MEMORY:g}×)"
        )
    file_mib = statistics.median(r["file_mib"] for r in runs["ledger"])
    lines.append(f"{'':>10} ledger file after both moments: {file_mib:,.1f} MiB")
    return lines


def measure_simulate(size: int, reps: int) -> list[str]:
    library = [_child("simulate", str(size)) for _ in range(reps)]
    command = []
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as folder:
            scenario = write_scenario(size)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "compiler.cli.main", "simulate", str(scenario),
                 "--ledger", str(Path(folder) / "ledger.sqlite")],
                cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
            command.append(time.perf_counter() - start)
    seconds = statistics.median(r["seconds"] for r in library)
    ledger_part = statistics.median(r["ledger"] for r in library)
    peak = statistics.median(r["peak_mib"] for r in library)
    return [
        f"simulate {SIMULATED[0]}-{SIMULATED[-1]} ({len(SIMULATED)} moments) at {size:,} farms: "
        f"library call {seconds:.2f} s (ledger {ledger_part:.2f} s, {ledger_part / seconds:.0%}), "
        f"peak {peak:.0f} MiB; `beleid simulate` command {statistics.median(command):.2f} s "
        f"(target ≤ {TARGET_SIMULATE:g} s)"
    ]


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--simulate-size", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, size, *rest = args.child
        if kind == "moments":
            found = child_moments(int(size), rest[0] == "ledger", rest[1])
        else:
            found = child_simulate(int(size), rest[0])
        print(json.dumps(found))
        return []
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    reps = 1 if args.quick else args.reps
    lines = ["size       moment      obligations      ledger changes | time | peak memory"]
    for size in sizes:
        lines += report_moments(size, measure(size, reps))
        print("\n".join(lines[-3:]), flush=True)
    lines += measure_simulate(2000 if args.quick else args.simulate_size, reps)
    print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    main()
