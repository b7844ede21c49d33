"""Fuzz findings stay fixed: every reproducer under tests/fixtures/fuzz/<target>/ is replayed
through its fuzz target (fuzz/targets.py) and nothing may escape; where the fix turned a traceback
into a diagnostic, the diagnostic is asserted too. docs/robustness.md lists each finding.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest

from compiler import compile_text
from compiler.data.events import load_events
from compiler.data.scenario import load_scenario
from compiler.data.series import load_series
from compiler.data.synthetic import generate_farms
from compiler.data.types import Monitoring, Series
from compiler.evaluate.duties import add_period
from compiler.evaluate.ledger import Ledger, LedgerError
from compiler.evaluate.moment import evaluate
from compiler.evaluate.simulate import simulate
from compiler.workflow import policytest
from compiler.workflow.fmt import FormatError, format_text
from dsl.diagnostics import Diagnostics
from dsl.parser import parse_text
from dsl.source import SourceFile
from fuzz import targets
from tests.conftest import FIXTURES, run_cli

FUZZ = FIXTURES / "fuzz"
REPRODUCERS = sorted(p for p in FUZZ.glob("*/*") if p.is_file())


def reproducer(target: str, name: str) -> bytes:
    return (FUZZ / target / name).read_bytes()


def codes_of(diags: Diagnostics) -> list[str]:
    return [d.code.id for d in diags.sorted()]


@pytest.mark.parametrize("path", REPRODUCERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reproducer_replays_without_escaping(path: Path):
    target = targets.TARGETS[path.parent.name]
    target.setup()
    target.run(path.read_bytes())


def test_every_reproducer_folder_is_a_target():
    folders = {p.name for p in FUZZ.iterdir() if p.is_dir()}
    assert folders and folders <= set(targets.DEFAULT_TARGETS)
    assert len(REPRODUCERS) >= 10


# ---------------------------------------------------------------------------------------- ledger


def _ledger_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(reproducer("ledger", name)[1:])  # the first byte is the target's mode
    return path


@pytest.mark.parametrize(
    "name",
    [
        "foreign-wal-database",  # was: changed from WAL to rollback-journal mode, then refused
        "schema-not-utf8",  # was: UnicodeDecodeError from SQLite's message about the damaged schema
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_and_left_as_it_was(tmp_path, name):
    path = _ledger_file(tmp_path, name)
    before = path.read_bytes()
    assert name != "foreign-wal-database" or before[18:20] == b"\x02\x02"  # the file says: WAL mode
    with pytest.raises(LedgerError) as caught:
        Ledger(path)
    assert caught.value.code.id == "L002"
    caught = None
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite"]  # no -wal or -shm left


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("damaged-events-page", lambda ledger: ledger.history(dt.date(2028, 12, 31))),
        ("moment-not-a-date", lambda ledger: ledger.moments()),
        (
            "moment-not-a-date",
            lambda ledger: ledger.check_order(dt.date(2028, 12, 31), "p", "d", replace=False),
        ),
    ],
)
def test_a_damaged_ledger_is_L002_when_opened_or_read(tmp_path, name, read):
    # The reproducers are version 2 ledgers: opening one migrates it, which reads every row, so
    # the damage may be met there (the migration is rolled back) or when the read asks for it.
    path = _ledger_file(tmp_path, name)
    before = path.read_bytes()
    with pytest.raises(LedgerError) as caught, Ledger(path) as ledger:
        read(ledger)
    assert caught.value.code.id == "L002"
    assert "damaged" in caught.value.message
    caught = None
    with sqlite3.connect(path) as db:
        migrated = db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert migrated or path.read_bytes() == before


def test_a_step_that_is_not_a_number_is_L002(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record(evaluate(bundled_policy, _monitoring(), dt.date(2027, 12, 31)), "p")
    with sqlite3.connect(path) as db:
        db.execute(  # a change block whose steps are a text, not the one byte per subject
            "INSERT INTO step_changes VALUES "
            "('2027-12-31', 1, 'handhaving_doelsturing', 0, 1, x'00000000', 'twee')"
        )
    db.close()
    with Ledger(path) as ledger, pytest.raises(LedgerError) as caught:
        ledger.history(dt.date(2028, 12, 31))
    assert caught.value.code.id == "L002"


def test_a_damaged_page_met_while_recording_is_L002_and_rolled_back(bundled_policy, tmp_path):
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA page_size=512")
        db.execute("VACUUM")
    db.close()
    with Ledger(path) as ledger:
        ledger.record(evaluate(bundled_policy, _monitoring(), dt.date(2027, 12, 31)), "p")
    with sqlite3.connect(path) as db:
        roots = [
            r for (r,) in db.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name='triggers'")
        ]
    db.close()
    data = bytearray(path.read_bytes())
    for root in roots:
        data[(root - 1) * 512] = 0x07  # not a b-tree page type: the triggers table is unreadable
    path.write_bytes(bytes(data))
    with Ledger(path) as ledger:
        moment = dt.date(2029, 12, 31)
        evaluation = evaluate(bundled_policy, _monitoring(), moment, ledger.history(moment))
        with pytest.raises(LedgerError) as caught:
            ledger.record(evaluation, "p")
        assert caught.value.code.id == "L002"
        assert not ledger.db.in_transaction
    assert path.read_bytes() == bytes(data)


def _monitoring() -> Monitoring:
    return Monitoring(
        Series.from_values({"nh3_landbouw": {"2019": 110.3, "2027": 105.0}}), generate_farms(12, 2)
    )


# ---------------------------------------------------------------------------------------- data


def _load_data(tmp_path: Path, name: str, policy) -> Diagnostics:
    data = reproducer("data", name)
    kind = targets.DATA_KINDS[(data[0] & 0x0F) % len(targets.DATA_KINDS)]
    path = tmp_path / kind
    path.write_bytes(data[1:])
    diags = Diagnostics()
    if kind.startswith("series"):
        load_series([path], policy, diags)
    else:
        load_events([path], policy, None, diags)
    return diags


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("series-year-0000", "D010", 2),  # was ValueError: year 0 is out of range, at evaluation
        ("series-yaml-alias-twice", "D009", 1),  # was KeyError: '__line__'
        ("events-yaml-list-value", "D015", 1),  # was TypeError: unhashable type: 'list'
    ],
)
def test_data_reproducers_give_a_located_diagnostic(bundled_policy, tmp_path, name, code, line):
    diags = _load_data(tmp_path, name, bundled_policy)
    assert codes_of(diags)[0] == code
    first = diags.sorted()[0]
    assert first.span.line == line and first.hint


def test_yaml_a_tag_cannot_build_is_located(bundled_policy, tmp_path):
    path = tmp_path / "series.yaml"
    path.write_text(
        "- indicator: nh3_landbouw\n  period: '2020'\n  value: !!int 110.3\n", encoding="utf-8"
    )
    diags = Diagnostics()
    load_series([path], bundled_policy, diags)
    (diagnostic,) = diags
    assert (diagnostic.code.id, diagnostic.span.line, diagnostic.span.column) == ("D002", 3, 10)
    assert "`110.3` is not a valid !!int" in diagnostic.message


# ------------------------------------------------------------------------------------- policy tests


def _run_test_file(tmp_path: Path, name: str, policy) -> tuple[policytest.Outcome, Diagnostics]:
    folder = tmp_path / "repo" / "policy" / "tests"
    folder.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    path = folder / "case.yaml"
    path.write_bytes(reproducer("policytest", name))
    diags = Diagnostics()
    return policytest.run(policy, [path], diags), diags


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "inline-series-bad-period",
            "`20r7` is not a year or a date",
        ),  # was ValueError at evaluation
        (
            "moments-out-of-order",
            "runs a moment of case `x` before one it already ran",
        ),  # was LedgerError L003
        ("tag-int-on-a-decimal", "`110.3` is not a valid !!int"),  # was ValueError from PyYAML
        ("alias-recursive", "an alias makes this collection contain itself"),  # was RecursionError
        (
            "alias-bomb",
            "its aliases repeat more than 100,000 values",
        ),  # was minutes of copying, gigabytes
    ],
)
def test_policy_test_reproducers_give_T001(bundled_policy, tmp_path, name, message):
    began = time.monotonic()
    _, diags = _run_test_file(tmp_path, name, bundled_policy)
    assert codes_of(diags) == ["T001"]
    assert message in next(iter(diags)).message
    assert time.monotonic() - began < 10


def test_a_moment_at_the_end_of_the_calendar_is_evaluated(bundled_policy, tmp_path):
    outcome, diags = _run_test_file(tmp_path, "as-of-year-9999", bundled_policy)
    assert not diags.has_errors and outcome.moments == 1


# ---------------------------------------------------------------------------------------- due dates


def test_add_period_past_the_calendar_is_never_due():
    assert add_period(dt.date(9999, 6, 30), 1, "jaar") == dt.date.max
    assert add_period(dt.date(2027, 12, 31), 99_999_999, "dagen") == dt.date.max
    assert (
        add_period(dt.date(2027, 12, 31), 10**12, "dagen") == dt.date.max
    )  # beyond timedelta itself
    assert add_period(dt.date(1, 3, 31), -1, "jaar") == dt.date.min
    assert add_period(dt.date(2027, 1, 31), 1, "maanden") == dt.date(2027, 2, 28)


@pytest.mark.parametrize("moment", [dt.date(9999, 12, 31), dt.date(9999, 12, 30), dt.date(1, 1, 1)])
def test_evaluating_at_the_ends_of_the_calendar(bundled_policy, moment):
    evaluation = evaluate(bundled_policy, _monitoring(), moment)
    assert evaluation.moment == moment


def test_cli_evaluate_at_the_end_of_the_calendar(capsys):
    code, out, _ = run_cli(
        capsys, "evaluate", "--as-of", "9999-12-31", "--no-ledger", "--farm-count", "20"
    )
    assert code == 0 and out


def test_a_scenario_assuming_a_term_past_the_calendar_simulates(bundled_policy, tmp_path):
    folder = tmp_path / "repo" / "monitoring" / "scenarios"
    folder.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "monitoring" / "series.csv").write_bytes(
        (targets.ROOT / "monitoring" / "series.csv").read_bytes()
    )
    path = folder / "far.yaml"
    path.write_bytes(reproducer("scenario", "assumed-term-past-calendar"))
    diags = Diagnostics()
    scenario = load_scenario(path, bundled_policy, diags)
    assert scenario is not None, [d.message for d in diags]
    series = load_series(list(scenario.series), bundled_policy, diags)
    with Ledger(":memory:") as ledger:
        (summary,) = simulate(
            bundled_policy, scenario, Monitoring(series, generate_farms(20, 1)), ledger, "p"
        )
    assert summary.moment == dt.date(2027, 12, 31)


# ------------------------------------------------------------------------------------ scenario YAML


def test_an_empty_int_tag_in_a_scenario_is_S001(bundled_policy, tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_bytes(reproducer("scenario", "empty-int-tag"))  # `!!int ` was IndexError in PyYAML
    diags = Diagnostics()
    assert load_scenario(path, bundled_policy, diags) is None
    (diagnostic,) = diags
    assert diagnostic.code.id == "S001" and diagnostic.span.line == 1
    assert "is not a valid !!int" in diagnostic.message


# ---------------------------------------------------------------------------------------- fmt


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("\x1d", 1),  # the diff reproducer: a version file holding one U+001D
        ("\xa0\n", 1),
        ("# kop\n\u2028\n# staart\n", 2),
    ],
)
def test_fmt_agrees_with_the_checker_on_a_file_of_unicode_whitespace(text, line):
    """The checker called such a file empty (P009, a warning: Python's idea of whitespace) while fmt
    refused it as a syntax error. Now both follow the lexer: a character it rejects (P002).
    """
    diags = Diagnostics()
    parse_text(SourceFile("blank.policy", text), diags)
    assert [(d.code.id, d.span.line) for d in diags] == [("P002", line)]
    with pytest.raises(FormatError):
        format_text(text, "blank.policy")


# ---------------------------------------------------------------------------------------- budgets


def test_a_budget_amount_past_the_decimal_precision_is_P230_not_a_traceback():
    """Found by the diff target: `amount % 100000` raised decimal.InvalidOperation
    (DivisionImpossible) while the checker wrote the P230 message for a 33-digit amount.
    """
    text = reproducer("rules", "budget-amount-past-decimal-precision").decode("utf-8")
    compilation = compile_text(text, "begroting.policy")
    (total,) = [d for d in compilation.diagnostics if d.code.id == "P230"]
    assert total.span.line == 3 and "adds up to € 1 mln, not € 1000000000" in total.message


# --------------------------------------------------------- found by review of the limits (F15, F16)


def test_brackets_and_niet_in_a_comment_or_title_are_not_nesting():
    """F15: the nesting guard counted `(` and `niet` inside comments and quotes (P007 on a sound
    file).
    """
    from compiler.check.pipeline import compile_text

    compilation = compile_text(reproducer("rules", "brackets-in-a-comment").decode())
    assert [d.code.id for d in compilation.diagnostics] == [
        "P204"
    ]  # it cites no source; nothing else
    assert "x" in compilation.policy.declarations


@pytest.mark.parametrize(
    ("target", "name", "code", "line"),
    [
        ("data", "series-yaml-nested-600", "D002", 1),
        ("scenario", "yaml-nested-600", "S001", 3),
        ("policytest", "yaml-nested-600", "T001", 2),
    ],
)
def test_deep_yaml_is_located_not_a_recursion_error(tmp_path, capsys, target, name, code, line):
    """F16: PyYAML's composer recursed once per level, so 600 brackets were a RecursionError
    (exit 3).
    """
    data = reproducer(target, name)
    path = tmp_path / ("series.yaml" if target == "data" else "file.yaml")
    path.write_bytes(data[1:] if target == "data" else data)
    argv = {
        "data": ["evaluate", "--series", path, "--as-of", "2027", "--no-ledger"],
        "scenario": ["simulate", path],
        "policytest": ["test", path],
    }[target]
    exit_code, out, err = run_cli(capsys, *argv)
    assert exit_code == 1
    assert (
        f"{path}:{line}:" in out + err
        and f"error[{code}]" in out + err
        and "nests more than 100" in out + err
    )
