"""The fuzz campaign: each target of fuzz/targets.py under atheris (libFuzzer), in its own process,
for a bounded time, with seeds from the repository's real files; a summary per target, and a
non-zero exit when anything escaped.

    python3 -m fuzz.campaign [--target NAME ...] [--seconds N | --runs N] [--json]
    python3 -m fuzz.campaign --replay NAME FILE ...  # run saved inputs through a target, no atheris

How a finding is caught. The worker wraps the target: an exception escaping it is recorded (its
signature is the exception type and the innermost frame in this repository), the smallest input
per signature is saved with its traceback, and fuzzing goes on, so one run reports every distinct
crash it meets instead of stopping at the first. What the wrapper cannot catch, libFuzzer does: a
hang past `--input-timeout` (timeout-*), memory past `--rss-limit-mb` (oom-*), a crash of the
interpreter or of the harness itself (crash-*); the worker then exits non-zero and the campaign
reads the artefact libFuzzer wrote. libFuzzer ends a run with `exit()`, so no Python code runs
after `atheris.Fuzz()`: the worker writes its counters every half second, and the campaign takes
the final execution count from libFuzzer's own statistics.

Files. Everything is written under one temporary folder (on /dev/shm when there is one), removed
at the end; only the inputs of findings and their tracebacks are kept, in `--keep` (default
`.beleid/fuzz/`, ignored by git).

Exit codes: 0 nothing escaped; 1 findings; 2 a worker failed to run (no executions).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEEP = ROOT / ".beleid" / "fuzz"
STARTUP_GRACE = 90  # seconds a worker may take to import, set up and seed before fuzzing
# Packages imported before instrumenting, so only the project (and what a target asks for) is
# instrumented: coverage feedback from numpy or jsonschema internals would only slow the search.
DEPENDENCIES = ("numpy", "jsonschema", "networkx", "jinja2", "lark", "yaml", "sqlite3", "csv")
ARTEFACT_KINDS = ("crash", "timeout", "oom", "leak")


# ---------------------------------------------------------------------------------------- worker


def _signature(error: BaseException) -> tuple[str, str]:
    """(short signature, where): the exception type and its innermost frame inside this
    repository.
    """
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(ROOT)]
    frame = (ours or frames or [None])[-1]
    where = (
        f"{Path(frame.filename).resolve().relative_to(ROOT) if ours else frame.filename}:"
        f"{frame.lineno}"
        if frame is not None
        else "?"
    )
    return f"{type(error).__name__} at {where}", where


class _Recorder:
    """Runs the target on each input; records what escapes; writes counters for the campaign."""

    def __init__(self, run, workdir: Path) -> None:
        self.run = run
        self.findings = workdir / "findings"
        self.findings.mkdir(exist_ok=True)
        self.stats_path = workdir / "stats.json"
        self.execs = 0
        self.started: float | None = None
        self.last_flush = 0.0
        self.slowest = 0.0
        self.counts: dict[str, int] = {}
        self.sizes: dict[str, int] = {}

    def __call__(self, data: bytes) -> None:
        begin = time.monotonic()
        if self.started is None:
            self.started = time.time()
        self.execs += 1
        try:
            self.run(data)
        except Exception as error:  # noqa: BLE001 - every escaped exception is a finding
            self._record(data, error)
        except (SystemExit, GeneratorExit) as error:
            self._record(data, error)
        took = time.monotonic() - begin
        self.slowest = max(self.slowest, took)
        if begin - self.last_flush > 0.5:
            self.flush()

    def _record(self, data: bytes, error: BaseException) -> None:
        signature, where = _signature(error)
        key = hashlib.sha1(signature.encode()).hexdigest()[:12]  # noqa: S324 - a name, not security
        self.counts[key] = self.counts.get(key, 0) + 1
        if key in self.sizes and self.sizes[key] <= len(data):
            return
        self.sizes[key] = len(data)
        folder = self.findings / key
        folder.mkdir(exist_ok=True)
        (folder / "input").write_bytes(data)
        message = str(error)
        info = {
            "signature": signature,
            "where": where,
            "exception": type(error).__name__,
            "message": message[:2000],
            "size": len(data),
            "traceback": "".join(traceback.format_exception(error))[-8000:],
        }
        _write_json(folder / "finding.json", info)
        self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        _write_json(
            self.stats_path,
            {
                "execs": self.execs,
                "started": self.started,
                "flushed": time.time(),
                "slowest": round(self.slowest, 4),
                "counts": self.counts,
            },
        )


def _write_json(path: Path, data) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def _dictionary_file(tokens: list[bytes], path: Path) -> Path | None:
    r"""A libFuzzer dictionary: one `"token"` per line, with \xNN for anything not plain ASCII."""
    lines = []
    for token in tokens:
        escaped = "".join(
            chr(b) if 32 <= b < 127 and b not in (0x22, 0x5C) else f"\\x{b:02x}" for b in token
        )
        lines.append(f'"{escaped}"')
    if not lines:
        return None
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _worker(
    name: str, workdir: Path, include: list[str], plain: list[str], fuzzer_args: list[str]
) -> None:
    import atheris

    for module in [*(m for m in DEPENDENCIES if m not in include), *plain]:
        importlib.import_module(module)
    with atheris.instrument_imports(include=include or ["fuzz"]):
        from fuzz import targets
    target = targets.TARGETS[name]
    target.setup()
    corpus = workdir / "corpus"
    corpus.mkdir(exist_ok=True)
    if not any(corpus.iterdir()):
        for seed_name, data in target.seeds():
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", seed_name)[:80]
            (corpus / f"seed-{safe}-{targets.digest(data)[:8]}").write_bytes(data)
    recorder = _Recorder(target.run, workdir)
    recorder.flush()
    args = [sys.argv[0], *fuzzer_args, f"-max_len={target.max_len}"]
    dictionary = _dictionary_file(target.dictionary(), workdir / "dictionary")
    if dictionary is not None:
        args.append(f"-dict={dictionary}")
    args.append(str(corpus))
    atheris.Setup(args, recorder)
    atheris.Fuzz()


# ---------------------------------------------------------------------------------------- campaign


@dataclass
class Finding:
    """A distinct problem a target met: kind, signature, times seen, the smallest input kept."""

    # "exception" (caught by the wrapper) or a libFuzzer artefact kind (crash, timeout, oom)
    kind: str
    signature: str
    count: int
    size: int
    kept: str
    traceback: str


@dataclass
class Result:
    """One target's run: executions, speed, corpus and seeds, slowest input, exit code, findings."""

    target: str
    executions: int = 0
    seconds: float = 0.0
    exec_per_second: float = 0.0
    corpus: int = 0
    corpus_files: int = 0
    seeds: int = 0
    slowest_input_seconds: float = 0.0
    exit_code: int | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.findings and self.error is None and self.executions > 0


def _temporary_root() -> Path:
    base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="beleid-fuzz-", dir=base))


def _fuzzer_args(options: argparse.Namespace, workdir: Path) -> list[str]:
    args = [
        f"-artifact_prefix={workdir / 'artifacts'}/",
        f"-timeout={options.input_timeout}",
        f"-rss_limit_mb={options.rss_limit_mb}",
        "-print_final_stats=1",
        "-reload=0",
    ]
    if options.runs is not None:
        args.append(f"-runs={options.runs}")
    else:
        args.append(f"-max_total_time={options.seconds}")
    if options.seed is not None:
        args.append(f"-seed={options.seed}")
    return args


def _run_target(name: str, options: argparse.Namespace, root: Path, keep: Path) -> Result:
    from fuzz.targets import TARGETS

    workdir = root / name
    (workdir / "artifacts").mkdir(parents=True)
    (workdir / "tmp").mkdir()
    target = TARGETS[name]
    command = [
        sys.executable,
        "-m",
        "fuzz.campaign",
        "--worker",
        name,
        "--workdir",
        str(workdir),
        "--include",
        ",".join(target.instrument),
        "--plain",
        ",".join(target.uninstrumented),
        "--",
        *_fuzzer_args(options, workdir),
    ]
    env = {
        **os.environ,
        "TMPDIR": str(workdir / "tmp"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    budget = (
        (options.seconds if options.runs is None else options.runs_budget)
        + options.input_timeout
        + STARTUP_GRACE
    )
    result = Result(name)
    began = time.time()
    with open(workdir / "stdout", "wb") as out, open(workdir / "stderr", "wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
        )
        try:
            result.exit_code = process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            result.error = f"the worker did not finish within {budget} s and was killed"
    ended = time.time()
    _collect(result, workdir, began, ended, keep)
    return result


def _collect(result: Result, workdir: Path, began: float, ended: float, keep: Path) -> None:
    stdout = (workdir / "stdout").read_text(encoding="utf-8", errors="replace")
    stderr = (workdir / "stderr").read_text(encoding="utf-8", errors="replace")
    stats = {}
    with contextlib.suppress(OSError, ValueError):
        stats = json.loads((workdir / "stats.json").read_text(encoding="utf-8"))
    executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", stderr)
    result.executions = max(int(executed[-1]) if executed else 0, int(stats.get("execs", 0)))
    started = stats.get("started") or began
    result.seconds = round(max(ended - started, 1e-9), 2)
    result.exec_per_second = round(result.executions / max(ended - started, 1e-9), 1)
    result.slowest_input_seconds = stats.get("slowest", 0.0)
    corpus_lines = re.findall(r"corp: (\d+)/", stderr)
    result.corpus = int(corpus_lines[-1]) if corpus_lines else 0
    corpus_dir = workdir / "corpus"
    files = list(corpus_dir.iterdir()) if corpus_dir.is_dir() else []
    result.corpus_files = len(files)
    result.seeds = sum(1 for f in files if f.name.startswith("seed-"))
    counts = stats.get("counts", {})
    for folder in (
        sorted((workdir / "findings").glob("*")) if (workdir / "findings").is_dir() else []
    ):
        with contextlib.suppress(OSError, ValueError):
            info = json.loads((folder / "finding.json").read_text(encoding="utf-8"))
            kept = _keep(
                keep, result.target, folder.name, (folder / "input").read_bytes(), info["traceback"]
            )
            result.findings.append(
                Finding(
                    "exception",
                    info["signature"],
                    counts.get(folder.name, 1),
                    info["size"],
                    str(kept),
                    info["traceback"],
                )
            )
    for artefact in sorted((workdir / "artifacts").iterdir()):
        kind = artefact.name.split("-", 1)[0]
        if kind not in ARTEFACT_KINDS:
            continue
        data = artefact.read_bytes()
        text = _libfuzzer_report(stdout, stderr)
        kept = _keep(keep, result.target, artefact.name, data, text)
        result.findings.append(Finding(kind, f"libFuzzer {kind}", 1, len(data), str(kept), text))
    if result.executions == 0 and result.error is None:
        result.error = "no executions; worker output:\n" + (stdout + stderr)[-4000:]
    elif (
        result.exit_code not in (0, None)
        and not any(f.kind != "exception" for f in result.findings)
        and result.error is None
    ):
        result.error = f"the worker exited with {result.exit_code}:\n" + (stdout + stderr)[-4000:]


def _libfuzzer_report(stdout: str, stderr: str) -> str:
    """The Python traceback or libFuzzer's report of why it stopped."""
    marker = stdout.rfind("=== Uncaught Python exception: ===")
    if marker >= 0:
        return stdout[marker:][:8000]
    lines = [
        line
        for line in stderr.splitlines()
        if "ERROR: libFuzzer" in line
        or "ALARM" in line
        or line.startswith(("SUMMARY", "==", "Traceback", "  File"))
    ]
    return "\n".join(lines)[-8000:] or stderr[-4000:]


def _keep(keep: Path, target: str, name: str, data: bytes, report: str) -> Path:
    folder = keep / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.input"
    path.write_bytes(data)
    (folder / f"{name}.txt").write_text(report, encoding="utf-8")
    return path


def _render(results: list[Result], wall: float) -> str:
    header = (
        f"{'target':<11} {'executions':>11} {'exec/s':>9} {'seconds':>8} {'corpus':>7} "
        f"{'seeds':>6} {'slowest':>8} {'escaped':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        distinct = len(r.findings)
        lines.append(
            f"{r.target:<11} {r.executions:>11,} {r.exec_per_second:>9,.1f} {r.seconds:>8.1f} "
            f"{r.corpus:>7,} {r.seeds:>6} {r.slowest_input_seconds:>7.2f}s {distinct:>8}"
        )
    lines.append(f"wall time {wall:.1f} s")
    for r in results:
        if r.error:
            lines += ["", f"[{r.target}] WORKER FAILED: {r.error}"]
        for f in r.findings:
            lines += [
                "",
                f"[{r.target}] FINDING ({f.kind}, seen {f.count}x, input {f.size} bytes): "
                f"{f.signature}",
                f"  input kept at {f.kept}",
                f"  replay: python3 -m fuzz.campaign --replay {r.target} {f.kept}",
                _indent(f.traceback),
            ]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-30:])


def _to_json(results: list[Result], wall: float, root: Path) -> dict:
    return {
        "ok": all(r.ok for r in results),
        "wall_seconds": round(wall, 1),
        "temporary_folder": str(root),
        "targets": [{**asdict(r), "escaped": len(r.findings), "ok": r.ok} for r in results],
    }


# ---------------------------------------------------------------------------------------- replay


def _replay(name: str, files: list[str], hang_seconds: float | None) -> int:
    """Run saved inputs through a target (no atheris); print what escapes. Exit 1 if anything
    did.
    """
    import faulthandler

    from fuzz.targets import TARGETS

    target = TARGETS[name]
    target.setup()
    failed = 0
    for file in files:
        data = Path(file).read_bytes()
        if hang_seconds:
            faulthandler.dump_traceback_later(hang_seconds, exit=True)
        try:
            target.run(data)
            print(f"{file}: ok")
        except Exception:  # noqa: BLE001 - shown, not hidden
            failed += 1
            print(f"{file}: ESCAPED\n{traceback.format_exc()}")
        finally:
            if hang_seconds:
                faulthandler.cancel_dump_traceback_later()
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m fuzz.campaign",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--target",
        action="append",
        metavar="NAME",
        help="a target to run (repeatable; default: every target but selftest and selfhang)",
    )
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument(
        "--seconds", type=int, default=10, help="fuzzing time per target (default 10)"
    )
    budget.add_argument("--runs", type=int, help="executions per target instead of a time")
    parser.add_argument(
        "--runs-budget",
        type=int,
        default=600,
        help="with --runs: seconds after which a worker is killed (default 600)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="targets run at once (default: CPUs)"
    )
    parser.add_argument("--seed", type=int, help="libFuzzer's random seed (default: random)")
    parser.add_argument(
        "--input-timeout", type=int, default=30, help="seconds one input may take (default 30)"
    )
    parser.add_argument(
        "--rss-limit-mb", type=int, default=2048, help="memory limit per worker (default 2048)"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=DEFAULT_KEEP,
        help="where the inputs of findings are kept (default .beleid/fuzz/)",
    )
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    parser.add_argument(
        "--replay", metavar="NAME", help="run the given input files through target NAME and exit"
    )
    parser.add_argument(
        "--hang-seconds",
        type=float,
        help="with --replay: print the stack of an input that runs this long, and exit",
    )
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--include", default="", help=argparse.SUPPRESS)
    parser.add_argument("--plain", default="", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    fuzzer_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, fuzzer_args = argv[:at], argv[at + 1 :]
    options = _parser().parse_args(argv)
    if options.worker:
        _worker(
            options.worker,
            options.workdir,
            [p for p in options.include.split(",") if p],
            [p for p in options.plain.split(",") if p],
            fuzzer_args,
        )
        return 0
    from fuzz.targets import DEFAULT_TARGETS, TARGETS

    if options.list:
        for name, target in TARGETS.items():
            print(f"{name:<11} {target.description}")
        return 0
    if options.replay:
        if options.replay not in TARGETS:
            print(
                f"unknown target `{options.replay}`; targets: {', '.join(TARGETS)}", file=sys.stderr
            )
            return 2
        return _replay(options.replay, options.files, options.hang_seconds)
    names = options.target or list(DEFAULT_TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        print(
            f"unknown target {', '.join(unknown)}; targets: {', '.join(TARGETS)}", file=sys.stderr
        )
        return 2
    root = _temporary_root()
    began = time.time()
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, min(options.jobs, len(names)))) as pool:
            results = list(pool.map(lambda n: _run_target(n, options, root, options.keep), names))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    wall = time.time() - began
    print(
        json.dumps(_to_json(results, wall, root), indent=2)
        if options.json
        else _render(results, wall)
    )
    if any(r.error for r in results):
        return 2
    return 1 if any(r.findings for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
