"""Benchmark: reading and validating a farm table (`load_entities`), as `beleid evaluate --farms`
does, in CSV and Parquet at one million farms, and the columnar reader against the row reader it
replaced (compiler/data/entityrows.py) on the same CSV at 100,000 farms.

Every measurement is a fresh child process, so its peak memory is its own: the child compiles the
policy first (not timed), notes its resident memory, reads the table once (timed), and reports the
wall time, the CPU time of all its threads (less disturbed than wall time by other work on a
shared machine), its peak resident memory (`ru_maxrss`, which sees Arrow's buffers as well as
Python's) and the growth over what it held before reading, with a digest of the population. The
variants run interleaved (every repetition runs each once, in rotating order); the digests of the
same table in both formats and by both readers must agree. The tables are synthetic farms
(compiler/data/synthetic.py), written into a temporary folder.

    python benchmarks/read_tables.py [--size 1000000] [--small 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"csv": (3.0, 500), "parquet": (1.0, None)}  # seconds, MiB (issue 17)


def write_tables(size: int, folder: Path, *, parquet: bool = True) -> dict[str, Path]:
    """`size` synthetic farms as farms.csv (and farms.parquet) in `folder`."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from compiler.data.dataschema import FARM_SECTORS, PROVINCES
    from compiler.data.synthetic import generate_farms

    farms = generate_farms(size)
    columns = {
        "id": pa.array([f"B{i:07d}" for i in range(size)]),
        "sector": pa.array(FARM_SECTORS).take(pa.array(farms.sector.astype("int64"))),
        "province": pa.array(PROVINCES).take(pa.array(farms.province.astype("int64"))),
        **{name: pa.array(values) for name, values in farms.columns.items()},
    }
    table = pa.table(columns)
    paths = {"csv": folder / f"farms-{size}.csv"}
    pacsv.write_csv(table, paths["csv"], pacsv.WriteOptions(quoting_style="none"))
    if parquet:
        paths["parquet"] = folder / f"farms-{size}.parquet"
        pq.write_table(table, paths["parquet"])
    return paths


def read_once(reader: str, path: Path) -> dict:
    """One timed read in this process: seconds, peak and growth of resident memory, a digest."""
    from compiler.check.pipeline import compile_paths
    from compiler.data import dataschema
    from compiler.data.entities import load_entities
    from compiler.data.entityrows import load_entities_by_rows
    from dsl.diagnostics import Diagnostics

    policy = compile_paths([str(ROOT / "policy")]).policy
    schema = dataschema.data_schema(policy)
    load = load_entities if reader == "columns" else load_entities_by_rows
    before = _rss_mib()
    diags = Diagnostics()
    start, cpu = time.perf_counter(), _cpu_seconds()
    population = load(path, policy, diags, schema)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if population is None or len(diags):
        raise SystemExit(f"{path} did not read cleanly: {[d.message for d in diags][:3]}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak,
        "growth": peak - before,
        "digest": digest(population),
    }


def _cpu_seconds() -> float:
    """User and system time of this process, all its threads (pyarrow's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def digest(population) -> str:
    """A hash of everything a population holds."""
    hashed = hashlib.sha256()
    for part in (population.labels, population.sector, population.province):
        hashed.update(part.tobytes())
    for name, column in population.columns.items():
        hashed.update(name.encode() + column.tobytes())
    return hashed.hexdigest()[:16]


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(reader: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", reader, str(path)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{reader} {path.name} failed: {done.stderr.decode()[-800:]}")
    return json.loads(done.stdout)


def measure(size: int, small: int, repeat: int) -> dict[str, list[dict]]:
    with tempfile.TemporaryDirectory() as folder:
        large = write_tables(size, Path(folder))
        little = write_tables(small, Path(folder), parquet=False)["csv"]
        plan = {
            f"columns, csv, {size:,}": ("columns", large["csv"]),
            f"columns, parquet, {size:,}": ("columns", large["parquet"]),
            f"columns, csv, {small:,}": ("columns", little),
            f"rows, csv, {small:,}": ("rows", little),
        }
        results: dict[str, list[dict]] = {name: [] for name in plan}
        names = list(plan)
        for rep in range(repeat):
            shift = rep % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].append(run_child(*plan[name]))
    return results


def report(results: dict[str, list[dict]]) -> None:
    for name, runs in results.items():
        digests = {r["digest"] for r in runs}
        if len(digests) != 1:
            raise SystemExit(f"{name}: the runs read different populations")
    names = list(results)
    if results[names[0]][0]["digest"] != results[names[1]][0]["digest"]:
        raise SystemExit("the CSV and the Parquet table read as different populations")
    if results[names[2]][0]["digest"] != results[names[3]][0]["digest"]:
        raise SystemExit("the columnar and the row reader read different populations")
    print(f"{'variant':<28} {'median s':>9} {'min s':>7} {'max s':>7} {'cpu s':>6} {'peak MiB':>9}"
          f" {'growth MiB':>11}  target")  # fmt: skip
    for name, runs in results.items():
        seconds = [r["seconds"] for r in runs]
        peak = max(r["peak"] for r in runs)
        growth = max(r["growth"] for r in runs)
        target = ""
        if name in names[:2]:  # the large size, with the targets of issue 17
            limit, memory = TARGETS[name.split(", ")[1]]
            target = f"<= {limit} s" + (f", <= {memory} MiB" if memory else "")
        print(
            f"{name:<28} {statistics.median(seconds):>9.3f} {min(seconds):>7.3f}"
            f" {max(seconds):>7.3f} {statistics.median(r['cpu'] for r in runs):>6.3f}"
            f" {peak:>9.0f} {growth:>11.0f}  {target}"
        )
    rows = statistics.median(r["seconds"] for r in results[names[3]])
    columns = statistics.median(r["seconds"] for r in results[names[2]])
    print(f"row reader / columnar reader at the small size: {rows / columns:.1f}x (medians)")
    print("all digests agree (CSV = Parquet, rows = columns)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(read_once(args.child[0], Path(args.child[1]))))
        return
    report(measure(args.size, args.small, args.repeat))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
