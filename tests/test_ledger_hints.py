"""Every ledger error (L001-L008) names the options that get a user out (`--ledger`, `--no-ledger`,
`--replace`, `--new-run`), and each option it names exists in the command line's parser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sqlite3
from types import SimpleNamespace

import pytest

from compiler.cli.arguments import build_parser
from compiler.evaluate import ledgerfailure
from dsl import codes
from tests.conftest import run_cli as run

PATH = "ledger.sqlite"
ERROR = OSError("simulated")
RECORDED = SimpleNamespace(moment=dt.date(2027, 12, 31), run=1, recorded_at="2027-01-01T00:00:00")


def _every_ledger_error() -> list[ledgerfailure.LedgerError]:
    """One LedgerError from each constructor in compiler/evaluate/ledgerfailure.py."""
    return [
        ledgerfailure.damaged(PATH, ERROR),
        ledgerfailure.not_a_ledger(PATH, ERROR),
        ledgerfailure.other_version(PATH, 2),
        ledgerfailure.disk_full(PATH, ERROR),
        ledgerfailure.read_only(PATH, ERROR),
        ledgerfailure.interrupted(PATH, ERROR),
        ledgerfailure.locked(PATH, ERROR, 5.0),
        ledgerfailure.io_failure(PATH, ERROR),
        ledgerfailure.conflict(PATH, RECORDED, []),
        ledgerfailure.conflict(PATH, RECORDED, ["monitoring/series.csv changed"]),
        ledgerfailure.out_of_order(PATH, dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
        ledgerfailure.from_sqlite(PATH, sqlite3.OperationalError("database is locked"), 1.0),
    ]


def _parser_options() -> set[str]:
    """Every option string of every subcommand of `beleid`."""
    options: set[str] = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= {o for a in sub._actions for o in a.option_strings}
    return options


LEDGER_CODES = [code for code in codes.ALL_CODES if code.id.startswith("L")]


def test_every_ledger_code_has_a_constructor_here():
    made = {error.code.id for error in _every_ledger_error()}
    assert made == {code.id for code in LEDGER_CODES}


@pytest.mark.parametrize("error", _every_ledger_error(), ids=lambda e: e.code.id)
def test_every_ledger_hint_names_an_option_of_the_parser(error):
    named = set(re.findall(r"--[a-z][a-z-]*", error.hint))
    assert named, f"{error.code.id}'s hint names no option: {error.hint}"
    assert named <= _parser_options(), named - _parser_options()


def test_the_catalogue_names_the_way_out_of_L001_and_L008():
    for code in (codes.LEDGER_CONFLICT, codes.INPUTS_CHANGED):
        assert set(re.findall(r"--[a-z][a-z-]*", code.summary)) <= _parser_options()


def test_L003_after_the_readme_main_job_names_ledger_and_no_ledger(capsys, tmp_path):
    """The reproducer of issue 19: `beleid evaluate --as-of 2027`, then `--as-of 2026`."""
    ledger = tmp_path / "ledger.sqlite"
    code, _, _ = run(capsys, "evaluate", "--as-of", "2027", "--ledger", ledger)
    assert code == 0
    code, _, err = run(capsys, "evaluate", "--as-of", "2026", "--ledger", ledger)
    assert code == 1 and "error[L003]" in err
    assert "--no-ledger" in err and "--ledger" in err.replace("--no-ledger", "")
    code, _, _ = run(capsys, "evaluate", "--as-of", "2026", "--no-ledger")
    assert code == 0
