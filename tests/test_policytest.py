"""`beleid test`: the bundled policy tests pass and cover every trigger, consequence and ladder
step; a wrong expectation fails with file, line, case, expected and actual; bad test files are
located (T001, T002; cases under tests/fixtures/policytest/) without a traceback; --min-coverage and
JSON output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compiler.workflow import policytest
from dsl.diagnostics import Diagnostics
from tests.conftest import FIXTURES, POLICY
from tests.conftest import run_cli as run
from tests.expectations import assert_as_expected, expectations, fixture_files

TESTS = POLICY / "tests"
BAD_CASES = sorted(p for p in (FIXTURES / "policytest").iterdir() if p.is_dir())


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A copy of the bundled tests, to break."""
    shutil.copytree(TESTS, tmp_path / "tests")
    return tmp_path / "tests"


def test_the_bundled_policy_tests_pass_and_cover_every_trigger_and_ladder_step(capsys):
    code, out, _ = run(capsys, "test", "--policy", POLICY, "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["failures"] == [] and result["checks"] >= 40
    for category in ("triggers", "obligations", "ladder steps"):
        assert result["coverage"]["categories"][category]["missed"] == [], category
    assert (
        "handhaving_doelsturing: step 4"
        in result["coverage"]["categories"]["ladder steps"]["covered"]
    )


def test_a_wrong_expectation_fails_with_its_location_and_both_values(capsys, scratch):
    path = scratch / "doelsturing.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "handhaving_doelsturing: {B1: 2, B4: 3}", "handhaving_doelsturing: {B1: 3, B4: 3}"
        ),
        encoding="utf-8",
    )
    line = next(
        i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if "{B1: 3, B4: 3}" in t
    )
    code, out, _ = run(capsys, "test", "--policy", POLICY, path)
    assert code == 1
    assert f"doelsturing.yaml:{line}: FAIL achter op schema" in out and "@ 2033-12-31" in out
    assert "ladder handhaving_doelsturing: farm B1" in out
    assert "expected: 3" in out and "actual:   2" in out
    assert "1 failed" in out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "triggers: {landbouw_achter_op_streefwaarde: not_fired}",
            "triggers: {landbouw_achter_op_streefwaarde: fired}",
            ["trigger landbouw_achter_op_streefwaarde", "expected: fired", "actual:   not_fired"],
        ),
        (
            "bedrijfsplan: {farms: [B1, B3, B4], due: 2028-06-30, overdue: 0}",
            "bedrijfsplan: {farms: [B1, B2], due: 2028-07-01, overdue: 0}",
            [
                "obligation bedrijfsplan: farms",
                "expected: B1, B2",
                "actual:   B1, B3, B4",
                "expected: 2028-07-01",
                "actual:   2028-06-30",
            ],
        ),
        (
            "targets: {nh3_landbouw_2030: on_track}",
            "targets: {nh3_landbouw_2030: met}",
            ["target nh3_landbouw_2030", "expected: met", "actual:   on_track ("],
        ),
        (
            "duties: {aanvullende_maatregelen_landbouw: due}",
            "duties: {aanvullende_maatregelen_landbouw: none}",
            ["duty aanvullende_maatregelen_landbouw", "expected: none", "actual:   due"],
        ),
    ],
)
def test_each_kind_of_expectation_can_fail(capsys, scratch, old, new, expected):
    path = scratch / "doelsturing.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, _ = run(capsys, "test", "--policy", POLICY, path)
    assert code == 1
    for piece in expected:
        assert piece in out


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda p: p.name)
def test_bad_test_files_are_located(capsys, bundled_policy, case):
    """Each folder under tests/fixtures/policytest/ holds a bad test file (and its data) marked with
    the T001, T002 (or D) diagnostics it must give: exactly those, located, and exit 1 from the CLI.
    """
    files = fixture_files(case)
    marked = [e for path in files for e in expectations(path)]
    assert marked, f"{case.name} expects no diagnostic"
    diags = Diagnostics()
    policytest.run(bundled_policy, [case / "test.yaml"], diags)
    assert_as_expected(files, diags)
    code, _, err = run(capsys, "test", "--policy", POLICY, case / "test.yaml")
    assert code == 1
    for expectation in marked:
        assert f"{expectation.path.name}:{expectation.line}:" in err
        assert f"error[{expectation.code}]" in err


def test_min_coverage(capsys):
    assert run(capsys, "test", "--policy", POLICY, "--min-coverage", "20")[0] == 0
    code, _, err = run(capsys, "test", "--policy", POLICY, "--min-coverage", "99")
    assert code == 1 and "below --min-coverage 99%" in err


def test_coverage_lists_what_was_not_exercised(capsys):
    code, out, _ = run(capsys, "test", "--policy", POLICY, TESTS / "klimaat.yaml")
    assert code == 0
    assert "not exercised: handhaving_doelsturing: step 1" in out
    assert "not exercised: klimaatdoel_niet_gehaald" not in out


def test_no_test_files_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "test", "--policy", POLICY, tmp_path)
    assert code == 2 and "no test files" in err
