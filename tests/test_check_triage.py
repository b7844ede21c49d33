"""`beleid check` for people: errors first, `--quiet`, `--min-severity`, `--fail-on`, severities
and ignores from `[tool.beleid]` in pyproject.toml (C001-C005), and a baseline of accepted findings
(`--write-baseline`, `--baseline`, C006). Each test checks a copy of the bundled policy in its own
repository (a folder holding `.git`), so the configuration it writes is the one found.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from tests.conftest import POLICY
from tests.conftest import run_cli as run

DOELEN = "stikstof/doelen.policy"
HEAD = re.compile(r"^\S+:(\d+):\d+: (error|warning|info)\[(\w+)\]", re.M)


@pytest.fixture
def repo(tmp_path):
    """A repository holding a copy of the bundled policy."""
    shutil.copytree(POLICY, tmp_path / "policy", ignore=shutil.ignore_patterns("tests"))
    (tmp_path / ".git").mkdir()
    return tmp_path


def _policy(repo):
    return repo / "policy"


def _make_p250_error(repo) -> None:
    """The drafter's mistake of docs/getting-started.md: a number no quote states (P250)."""
    path = _policy(repo) / DOELEN
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reductie   42 tot 46", "reductie   40 tot 46", 1), "utf-8")


def _configure(repo, text: str) -> None:
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")


def _heads(out: str) -> list[tuple[int, str, str]]:
    return [(int(line), severity, code) for line, severity, code in HEAD.findall(out)]


def _summary(out: str) -> str:
    return out.rstrip().splitlines()[-1]


def test_errors_come_first_then_warnings_each_in_file_order(capsys, repo):
    _make_p250_error(repo)
    code, out, _ = run(capsys, "check", _policy(repo))
    assert code == 1
    severities = [severity for _, severity, _ in _heads(out)]
    assert severities[0] == "error" and "error" not in severities[1:]
    assert severities.count("warning") > 10
    places = re.findall(r"^(\S+):(\d+):(\d+): warning", out, re.M)
    keys = [(path, int(line), int(column)) for path, line, column in places]
    assert keys == sorted(keys)
    assert _summary(out).startswith("checked ") and "1 error" in _summary(out)


def test_quiet_prints_no_warnings(capsys, repo):
    _make_p250_error(repo)
    code, out, _ = run(capsys, "check", _policy(repo), "--quiet")
    assert code == 1
    assert [severity for _, severity, _ in _heads(out)] == ["error"]
    assert "warning[" not in out
    warnings = int(re.search(r"(\d+) warnings", _summary(out)).group(1))
    assert warnings > 10 and f"{warnings} below error not shown" in _summary(out)


def test_min_severity_and_fail_on_warning(capsys, repo):
    code, out, _ = run(capsys, "check", _policy(repo), "--min-severity", "error")
    assert code == 0 and not _heads(out)
    code, out, _ = run(capsys, "check", _policy(repo), "--fail-on", "warning", "-q")
    assert code == 1 and not _heads(out)


def test_severities_from_pyproject_toml_apply(capsys, repo):
    _configure(repo, '[tool.beleid]\nseverity = {P401 = "info"}\n')
    code, out, _ = run(capsys, "check", _policy(repo), "--fail-on", "warning")
    assert code == 0
    assert {severity for _, severity, code_id in _heads(out) if code_id == "P401"} == {"info"}
    assert "notes" in _summary(out)
    _, out, _ = run(capsys, "check", _policy(repo), "--format", "json")
    assert {d["severity"] for d in json.loads(out) if d["code"] == "P401"} == {"info"}
    _, out, _ = run(capsys, "check", _policy(repo), "--format", "sarif")
    levels = {r["level"] for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "P401"}
    assert levels == {"note"}
    _, out, _ = run(capsys, "check", _policy(repo), "--min-severity", "warning")
    assert "P401" not in out


def test_codes_are_ignored_per_path_pattern(capsys, repo):
    _, before, _ = run(capsys, "check", _policy(repo), "--format", "json")
    in_water = [d for d in json.loads(before) if "/water/" in d["span"]["path"]]
    assert in_water
    _configure(repo, '[tool.beleid.ignore]\n"policy/water/*" = ["P401"]\n')
    _, out, _ = run(capsys, "check", _policy(repo), "--format", "json")
    after = json.loads(out)
    assert not [d for d in after if "/water/" in d["span"]["path"]]
    assert len(after) == len(json.loads(before)) - len(in_water)
    _, out, _ = run(capsys, "check", _policy(repo))
    assert f"{len(in_water)} ignored by pyproject.toml" in _summary(out)
    _, out, _ = run(capsys, "check", _policy(repo), "--format", "github")
    assert "water/" not in out and "::warning" in out


def _assert_located_config_error(capsys, repo, text: str, code_id: str, line: int) -> None:
    """A bad configuration: the pyproject.toml line, a hint, exit 2, and nothing checked."""
    _configure(repo, text)
    code, out, err = run(capsys, "check", _policy(repo))
    assert code == 2 and not out
    assert re.search(rf"pyproject\.toml:{line}:\d+: error\[{code_id}\]", err), err
    assert "hint:" in err and "Traceback" not in err


def test_bad_toml_and_unknown_keys_are_C001(capsys, repo):
    _assert_located_config_error(capsys, repo, "[tool.beleid]\nseverity = {P401 = \n", "C001", 2)
    _assert_located_config_error(capsys, repo, '[tool.beleid]\ncolour = "x"\n', "C001", 2)
    _assert_located_config_error(capsys, repo, '[tool.beleid]\nseverity = "x"\n', "C001", 2)
    text = '[tool.beleid.ignore]\n"policy/*" = "P401"\n'
    _assert_located_config_error(capsys, repo, text, "C001", 2)


def test_codes_beleid_check_never_reports_are_C002(capsys, repo):
    text = '[tool.beleid]\nseverity = {P999 = "info"}\n'
    _assert_located_config_error(capsys, repo, text, "C002", 2)
    text = '[tool.beleid]\n\n[tool.beleid.ignore]\n"policy/*" = ["D001"]\n'
    _assert_located_config_error(capsys, repo, text, "C002", 4)


def test_an_unknown_severity_is_C003(capsys, repo):
    text = '[tool.beleid]\nseverity = {P401 = "loud"}\n'
    _assert_located_config_error(capsys, repo, text, "C003", 2)


@pytest.mark.parametrize("pattern", ["../elsewhere/*", "/policy/*", "policy/[ab", " "])
def test_a_bad_path_pattern_is_C004(capsys, repo, pattern):
    text = f'[tool.beleid.ignore]\n"{pattern}" = ["P401"]\n'
    _assert_located_config_error(capsys, repo, text, "C004", 2)


def test_lowering_or_ignoring_an_error_is_C005(capsys, repo):
    text = '[tool.beleid]\nseverity = {P250 = "warning"}\n'
    _assert_located_config_error(capsys, repo, text, "C005", 2)
    text = '[tool]\n\n[tool.beleid.ignore]\n"policy/*" = ["P101"]\n'
    _assert_located_config_error(capsys, repo, text, "C005", 4)


def test_the_configuration_is_found_above_the_checked_path(capsys, repo):
    _configure(repo, '[tool.beleid]\nseverity = {P401 = "loud"}\n')
    code, _, err = run(capsys, "check", _policy(repo) / DOELEN)
    assert code == 2 and "C003" in err


def test_a_pyproject_toml_without_tool_beleid_is_no_configuration(capsys, repo):
    _configure(repo, '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n')
    code, out, _ = run(capsys, "check", _policy(repo))
    assert code == 0 and "warning[P401]" in out


def test_a_baseline_hides_exactly_the_accepted_findings_and_a_new_one_fails(capsys, repo):
    baseline = repo / "baseline.json"
    code, _, err = run(capsys, "check", _policy(repo), "--write-baseline", baseline)
    assert code == 0 and "wrote" in err
    accepted = len(json.loads(baseline.read_text("utf-8"))["findings"])
    assert accepted > 10
    code, out, _ = run(capsys, "check", _policy(repo), "--baseline", baseline)
    assert code == 0 and not _heads(out)
    assert f"{accepted} accepted by the baseline" in _summary(out)

    # Lines shift above every finding of a file: the fingerprints hold.
    path = _policy(repo) / "water" / "water_en_bodem_sturend.policy"
    path.write_text("# moved down\n\n\n" + path.read_text("utf-8"), "utf-8")
    code, out, _ = run(capsys, "check", _policy(repo), "--baseline", baseline)
    assert code == 0 and not _heads(out)

    # A new error is shown, alone, and fails; the accepted ones stay hidden.
    _make_p250_error(repo)
    code, out, _ = run(capsys, "check", _policy(repo), "--baseline", baseline)
    assert code == 1
    assert [(severity, code_id) for _, severity, code_id in _heads(out)] == [("error", "P250")]
    assert f"{accepted} accepted by the baseline" in _summary(out)
    _, out, _ = run(capsys, "check", _policy(repo), "--baseline", baseline, "--format", "json")
    assert [d["code"] for d in json.loads(out)] == ["P250"]


def test_a_new_warning_fails_only_with_fail_on_warning(capsys, repo):
    baseline = repo / "baseline.json"
    run(capsys, "check", _policy(repo), "--write-baseline", baseline)
    data = json.loads(baseline.read_text("utf-8"))
    dropped = data["findings"].pop()
    baseline.write_text(json.dumps(data), "utf-8")
    code, out, _ = run(capsys, "check", _policy(repo), "--baseline", baseline)
    assert code == 0
    assert [code_id for _, _, code_id in _heads(out)] == [dropped["code"]]
    code, _, _ = run(capsys, "check", _policy(repo), "--baseline", baseline, "--fail-on", "warning")
    assert code == 1


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "does not exist"),
        (b'{\n  "beleid-baseline": 1,\n  oops\n}', "is not valid JSON"),
        (b"[1, 2]", "is not a beleid baseline"),
        (b'{"beleid-baseline": 7, "findings": []}', "format 7"),
        (b'{"beleid-baseline": 1, "findings": [{"code": "P401"}]}', "without a `fingerprint`"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_bad_baseline_is_a_located_error(capsys, repo, content, fragment):
    baseline = repo / "baseline.json"
    if content is not None:
        baseline.write_bytes(content)
    code, out, err = run(capsys, "check", _policy(repo), "--baseline", baseline)
    assert code == 2 and not out
    assert "error[C006]" in err and fragment in err and "--write-baseline" in err
    if fragment == "is not valid JSON":
        assert "baseline.json:3:3:" in err
