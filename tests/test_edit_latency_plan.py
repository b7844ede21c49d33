"""The edit-latency benchmark's correctness half (the timing half is benchmarks/edit_latency.py):
it finds its three edits in the bundled tree whatever the policy files say now, each edit changes
the text and its undo restores it, and incremental and full checks agree after every step.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tests.conftest import POLICY, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import edit_latency as bench  # noqa: E402

KINDS = [
    "change a number in a target",
    "rename an id used elsewhere",
    "break the syntax (a line typed halfway)",
]


def test_the_benchmark_finds_its_edits_and_both_checks_agree_after_each(tmp_path):
    tree = tmp_path.resolve() / "policy"
    shutil.copytree(POLICY, tree)
    plan = bench.plan(tree)
    assert [what for what, _, _ in plan.steps[::2]] == KINDS
    for (_, name, edited), (_, same_name, undone) in zip(
        plan.steps[::2], plan.steps[1::2], strict=True
    ):
        assert name == same_name and edited != undone == Path(name).read_text(encoding="utf-8")
    assert len(plan.opened) == len(set(plan.opened)) >= 2
    times = bench.in_process(tree, plan, repeat=1)  # stops when the two checks differ
    assert set(times) == {(what, v) for what in KINDS for v in ("full", "incremental")}
