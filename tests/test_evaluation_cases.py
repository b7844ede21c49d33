"""Evaluation semantics as data: every policy-test file under tests/cases/evaluation/ passes.

Each folder there is a group of cases in the format of `beleid test` (docs/pull-requests.md,
'Policy tests'): a folder with `.policy` files runs against those rules compiled with
tests/fixtures/base, a folder without runs against the bundled policy. The cases go through the
same runner as `beleid test`, so each moment has its own ledger history, as in real monitoring.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compiler import compile_paths
from compiler.workflow import policytest, policytestreport
from dsl.diagnostics import Diagnostics
from tests.conftest import BASE, ROOT

CASES = ROOT / "tests" / "cases" / "evaluation"
FILES = sorted(CASES.rglob("*.yaml"))


def _policy_for(folder: Path, bundled_policy):
    rules = sorted(folder.glob("*.policy"))
    if not rules:
        return bundled_policy
    compilation = compile_paths([str(BASE), *map(str, rules)])
    assert not list(compilation.diagnostics), [d.message for d in compilation.diagnostics]
    return compilation.policy


def _moments(path: Path) -> list[dict]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    return [moment for case in cases for moment in case["moments"]]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CASES).as_posix())
def test_evaluation_cases_pass(path, bundled_policy):
    moments = _moments(path)
    assert all(moment["expect"] for moment in moments), "every moment expects something"
    diags = Diagnostics()
    outcome = policytest.run(_policy_for(path.parent, bundled_policy), [path], diags)
    assert not list(diags), [f"{d.span}: {d.code.id} {d.message}" for d in diags]
    assert outcome.moments == len(moments) and outcome.checks >= len(moments)
    assert not outcome.failures, policytestreport.render_text(outcome)
