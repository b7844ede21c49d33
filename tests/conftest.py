"""Shared helpers: fixture locations and compiling a snippet together with the base fixture."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from compiler import compile_paths
from compiler.cli.main import main
from dsl import cache

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = FIXTURES / "base"
POLICY = ROOT / "policy"


FUZZ_REPORT = pytest.StashKey[
    dict
]()  # the CI fuzz campaign's figures, set by test_fuzz_campaign.py


def pytest_terminal_summary(terminalreporter, config):
    """Print the fuzz campaign's figures, so a CI log shows executions and escaped exceptions."""
    report = config.stash.get(FUZZ_REPORT, None)
    if report is None:
        return
    terminalreporter.section("fuzz campaign")
    for target in report["targets"]:
        terminalreporter.write_line(
            f"{target['target']:<12} {target['executions']:>8,} executions  "
            f"{target['corpus']:>5} corpus  {target['escaped']} escaped"
        )


@pytest.fixture
def show_fuzz_report(pytestconfig):
    """Keep the fuzz campaign's report for the summary at the end of the run."""

    def keep(report: dict) -> None:
        pytestconfig.stash[FUZZ_REPORT] = report

    return keep


_CACHE_KEY = pytest.StashKey[str]()


def pytest_configure(config):
    """Tests never touch the user's cache: one private directory per session, inherited by every
    subprocess a test starts, removed at the end.
    """
    config.stash[_CACHE_KEY] = tempfile.mkdtemp(prefix="beleid-test-cache-")
    os.environ[cache.DIRECTORY_VARIABLE] = config.stash[_CACHE_KEY]
    os.environ.pop(cache.SWITCH_VARIABLE, None)


def pytest_unconfigure(config):
    shutil.rmtree(config.stash.get(_CACHE_KEY, ""), ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden report files under tests/golden/ instead of comparing",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def policy_dir(tmp_path: Path):
    """A scratch policy tree holding a copy of the base fixture; call it with extra rule text."""
    shutil.copytree(BASE, tmp_path / "base")

    def make(text: str = "", name: str = "extra.policy") -> Path:
        if text:
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return make


def run_cli(capsys, *argv):
    """Run `beleid ARGV` in-process: (exit code, stdout, stderr); never a traceback."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def codes_in(compilation) -> list[str]:
    return [d.code.id for d in compilation.diagnostics.sorted()]


def compile_with_base(tmp_path: Path, text: str):
    shutil.copytree(BASE, tmp_path / "base", dirs_exist_ok=True)
    (tmp_path / "extra.policy").write_text(text, encoding="utf-8")
    return compile_paths([str(tmp_path)])


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """An empty private cache directory of this test, with the counters at zero."""
    from dsl import cache

    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.DIRECTORY_VARIABLE, str(directory))
    monkeypatch.delenv(cache.SWITCH_VARIABLE, raising=False)
    cache.STATS.clear()
    return directory


@pytest.fixture(scope="session")
def bundled_policy():
    """The compiled bundled policy (compiled once per test session)."""
    return compile_paths([str(POLICY)]).policy


@pytest.fixture(scope="session")
def fixture_report(tmp_path_factory) -> Path:
    """The report of the fixture policy and data, written once for every test that only reads it."""
    from tests.report_helpers import write_fixture_report

    out = tmp_path_factory.mktemp("fixture_report") / "site"
    with pytest.MonkeyPatch.context() as patch:
        assert write_fixture_report(out, patch) == 0
    return out


@pytest.fixture(scope="session")
def bundled_report(tmp_path_factory) -> Path:
    """The report of the bundled policy and data, written once for every test that only reads it."""
    from tests.report_helpers import write_bundled_report

    out = tmp_path_factory.mktemp("bundled_report") / "site"
    with pytest.MonkeyPatch.context() as patch:
        assert write_bundled_report(out, patch) == 0
    return out
