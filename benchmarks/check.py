"""Benchmark: `beleid check` against a bare Lark parse of the same text, side by side in one
process.

Runs on the bundled policy/ and on generated repositories 10x and 100x its size (copies of the
policy with every declaration id renamed, sharing one set of source documents). For each size it
prints the file count, the checker's time as a ratio to the bare parse, and the time per 100 files
relative to the bare parse of those files. Absolute times are printed for orientation only: the
machine is shared and noisy, so read the ratios. The cache of parsed files is off (every repetition
parses, as the bare parse does); benchmarks/startup.py measures what the cache saves.

    python benchmarks/check.py [--repeat 5] [--sizes 1,10,100]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compiler import compile_paths  # noqa: E402
from compiler.check.resolve import uses  # noqa: E402
from dsl import Diagnostics, SourceFile, cache, parse_text  # noqa: E402
from dsl.parser import bare_parser  # noqa: E402


def renamed_copy(text: str, path: str, suffix: str, documents: set[str]) -> str:
    """The rule text with every id and reference renamed, except the shared documents (dropped)."""
    module = parse_text(SourceFile(path, text), Diagnostics())
    edits: list[tuple[int, int, str]] = []
    for decl in module.declarations:
        if decl.kind == "document":
            edits.append((decl.span.start, decl.span.end, ""))
            continue
        for ref in [decl.id] + [use.ref for use in uses(decl)]:
            if ref.name not in documents:
                edits.append((ref.span.start, ref.span.end, ref.name + suffix))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def build_repository(policy: Path, copies: int, target: Path) -> None:
    shutil.copytree(policy, target)
    documents = {
        d.id.name
        for rule_file in policy.rglob("*.policy")
        for d in parse_text(
            SourceFile(str(rule_file), rule_file.read_text(encoding="utf-8")), Diagnostics()
        ).declarations
        if d.kind == "document"
    }
    for k in range(1, copies):
        for rule_file in sorted(policy.rglob("*.policy")):
            text = rule_file.read_text(encoding="utf-8")
            copy = renamed_copy(text, str(rule_file), f"_k{k}", documents)
            out = target / f"kopie_{k}" / rule_file.relative_to(policy)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(copy, encoding="utf-8")


def time_bare_parse(files: list[Path]) -> float:
    texts = [f.read_text(encoding="utf-8") for f in files]
    parser = bare_parser()
    start = time.perf_counter()
    for text in texts:
        parser.parse(text)
    return time.perf_counter() - start


def time_check(root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    compilation = compile_paths([str(root)])
    elapsed = time.perf_counter() - start
    return elapsed, sum(1 for d in compilation.diagnostics if d.severity.value == "error")


def measure(root: Path, repeat: int) -> tuple[int, float, float, int]:
    files = sorted(root.rglob("*.policy"))
    bare, check = [], []
    errors = 0
    for _ in range(repeat):  # interleaved, so both see the same machine load
        bare.append(time_bare_parse(files))
        elapsed, errors = time_check(root)
        check.append(elapsed)
    return len(files), min(bare), min(check), errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--policy", default=str(ROOT / "policy"))
    args = parser.parse_args()
    bare_parser()  # build the parser once, outside the timings
    with cache.switched_off():
        report(args)
    return 0


def report(args: argparse.Namespace) -> None:
    print(
        f"{'size':>5} {'files':>6} {'bare parse s':>13} {'check s':>9} {'check/parse':>12} "
        f"{'errors':>7}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            root = Path(scratch) / f"x{size}"
            build_repository(Path(args.policy), size, root)
            files, bare, check, errors = measure(root, args.repeat)
            print(
                f"{size:>4}x {files:>6} {bare:>13.3f} {check:>9.3f} {check / bare:>11.2f}x "
                f"{errors:>7}"
            )
    print("aim: check/parse <= 2.00x; generated copies must report 0 errors")


if __name__ == "__main__":
    sys.exit(main())
