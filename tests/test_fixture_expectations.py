"""The expectation syntax of tests/expectations.py: the comparison fails on every kind of
difference, and the scenario (S) and ledger (L) fixtures give exactly the diagnostics they mark.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.data.scenario import load_scenario
from compiler.evaluate.ledger import Ledger, LedgerError
from dsl import codes
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.source import Span
from tests.conftest import FIXTURES
from tests.conftest import run_cli as run
from tests.expectations import assert_as_expected, expectations, fixture_files, mismatches

SCENARIOS = fixture_files(FIXTURES / "scenarios")
LEDGERS = fixture_files(FIXTURES / "ledger")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bad_scenario_gives_exactly_the_marked_diagnostics(capsys, bundled_policy, path):
    marked = expectations(path)
    assert marked and path.name.split("_")[0] in {e.code for e in marked}
    diags = Diagnostics()
    assert load_scenario(path, bundled_policy, diags) is None
    assert_as_expected([path], diags)
    code, _, err = run(capsys, "simulate", path)
    assert code == 1
    for expectation in marked:
        assert f"{path.name}:{expectation.line}:" in err and f"error[{expectation.code}]" in err


@pytest.mark.parametrize("path", LEDGERS, ids=lambda p: p.name)
def test_foreign_ledger_file_gives_the_marked_diagnostic_and_is_left_alone(path):
    before = path.read_bytes()
    with pytest.raises(LedgerError) as caught:
        Ledger(path)
    error = caught.value
    # The diagnostic the CLI prints for a refused ledger (compiler/cli/main.py, `_ledger_error`).
    assert_as_expected([path], [Diagnostic(error.code, Span.point(str(path)), error.message)])
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------- the syntax


def _diagnostic(path: Path, line: int, column: int = 1, code=codes.DATA_UNREADABLE, text="bad"):
    return Diagnostic(code, Span.point(str(path), line, column), text, "a hint")


@pytest.fixture
def marked(tmp_path) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text('a: 1\nb: 2 # expect: D001@3 "bad" D001\n', encoding="utf-8")
    return path


def test_matching_diagnostics_pass(marked):
    assert mismatches([marked], [_diagnostic(marked, 2, 3), _diagnostic(marked, 2, 9)]) == []


@pytest.mark.parametrize(
    "diagnostics, problem",
    [
        (lambda p: [_diagnostic(p, 2, 3)], "expected, not reported: f.yaml:2 D001"),
        (lambda p: [_diagnostic(p, 2, 4), _diagnostic(p, 2, 9)], "f.yaml:2:3 D001"),
        (lambda p: [_diagnostic(p, 2, 3, text="good"), _diagnostic(p, 2)], 'containing "bad"'),
        (lambda p: [_diagnostic(p, 2, 3), _diagnostic(p, 1)], "expected, not reported"),
        (
            lambda p: [_diagnostic(p, 2, 3), _diagnostic(p, 2, code=codes.DATA_SYNTAX)],
            "reported, not expected: f.yaml:2:1 D002",
        ),
        (
            lambda p: [_diagnostic(p, 2, 3), _diagnostic(p, 2), _diagnostic(p.with_name("g"), 2)],
            "reported, not expected: g:2:1 D001",
        ),
        (
            lambda p: [
                _diagnostic(p, 2, 3),
                _diagnostic(p, 2),
                Diagnostic(codes.DATA_UNREADABLE, None, "x"),
            ],
            "reported, not expected: (no place) D001",
        ),
    ],
)
def test_every_difference_is_a_mismatch(marked, diagnostics, problem):
    found = mismatches([marked], diagnostics(marked))
    assert any(problem in line for line in found), found
    with pytest.raises(AssertionError):
        assert_as_expected([marked], diagnostics(marked))


def test_a_sidecar_marks_a_file_without_comments_and_ignore_leaves_a_code_out(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "d.csv.expect").write_text("# a comment\n2: expect: D008@3\n", encoding="utf-8")
    rules = tmp_path / "r.policy"
    rules.write_text("# ignore: P250\n", encoding="utf-8")
    found = [
        _diagnostic(data, 2, 3, codes.NOT_A_NUMBER),
        _diagnostic(rules, 1, 1, codes.NUMBER_NOT_IN_QUOTE),
    ]
    assert mismatches([data, rules], found) == []
    assert mismatches([data], found) == ["reported, not expected: r.policy:1:1 P250: bad"]


@pytest.mark.parametrize("text", ["x # expect: D01\n", "x # expect: D001 junk\n"])
def test_an_unreadable_expectation_is_an_error_not_ignored(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read the expectation"):
        expectations(path)
