"""Benchmark: what a user waits for when typing `beleid check policy/` or `beleid --help`, each a
fresh process, run interleaved (every repetition runs every variant once, in rotating order).

Variants of `check`: with a warm cache (Lark's tables and every parsed file from the cache
directory); cold (an empty cache directory, so the run builds and writes everything); without a
cache (BELEID_CACHE=0); and the eager import path it replaced (every command module imported up
front, as the CLI did before its dispatch table; no cache). Ratios are to the eager path; the
medians stand beside the targets of issue 17. `python -c pass` is the floor no command beats.

    python benchmarks/startup.py [--repeat 15] [--policy policy]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EAGER = (
    "import sys\n"
    "import compiler.cli.evaluation_commands, compiler.cli.policy_commands\n"
    "import compiler.cli.workflow_commands\n"
    "from compiler.cli.main import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
LAZY = "import sys\nfrom compiler.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
TARGETS = {"check, warm cache": 0.5, "check, cold cache": 1.0, "--help": 0.2}


def variants(policy: str, warm: Path) -> dict[str, tuple[list[str], dict]]:
    """Each variant: its command line and how its environment differs (None: a fresh cold dir)."""
    check = ["check", policy]
    return {
        "python -c pass": (["-c", "pass"], {}),
        "--help": (["-c", LAZY, "--help"], {}),
        "check, warm cache": (["-c", LAZY, *check], {"BELEID_CACHE_DIR": str(warm)}),
        "check, cold cache": (["-c", LAZY, *check], {"BELEID_CACHE_DIR": None}),
        "check, no cache": (["-c", LAZY, *check], {"BELEID_CACHE": "0"}),
        "check, eager imports, no cache": (["-c", EAGER, *check], {"BELEID_CACHE": "0"}),
    }


def run_once(argv: list[str], changes: dict, scratch: Path) -> tuple[float, bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name, value in changes.items():
        env[name] = value if value is not None else tempfile.mkdtemp(dir=scratch)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv], env=env, cwd=ROOT, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[-2:]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed, done.stdout


def measure(policy: str, repeat: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        warm = scratch / "warm"
        plan = variants(policy, warm)
        run_once(*plan["check, warm cache"], scratch)  # fill the warm cache
        times: dict[str, list[float]] = {name: [] for name in plan}
        outputs: dict[str, set[bytes]] = {name: set() for name in plan}
        names = list(plan)
        for rep in range(repeat + 1):  # the first round warms the file system and is dropped
            shift = rep % len(names)
            for name in names[shift:] + names[:shift]:
                elapsed, stdout = run_once(*plan[name], scratch)
                outputs[name].add(stdout)
                if rep:
                    times[name].append(elapsed)
    checks = {out for name, seen in outputs.items() if name.startswith("check") for out in seen}
    if len(checks) != 1:
        raise SystemExit("the check variants printed different diagnostics")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--policy", default="policy")
    args = parser.parse_args()
    times = measure(args.policy, args.repeat)
    baseline = statistics.median(times["check, eager imports, no cache"])
    print(f"{'variant':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'ratio':>7} {'target':>8}")
    for name, values in times.items():
        target = f"<= {TARGETS[name]:.1f}" if name in TARGETS else ""
        print(
            f"{name:<32} {statistics.median(values):>9.3f} {min(values):>7.3f} "
            f"{max(values):>7.3f} {statistics.median(values) / baseline:>6.2f}x {target:>8}"
        )
    print(f"{args.repeat} interleaved repetitions; ratios to the eager path; all checks agreed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
