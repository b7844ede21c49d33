"""`beleid diff` as the workflow runs it: Markdown and JSON, impact on the data, a guard error fails
the run, a version with errors or an unknown revision is a clear message, never a traceback.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import POLICY, ROOT
from tests.conftest import run_cli as run


@pytest.fixture
def head(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    copy = tmp_path / "policy"
    shutil.copytree(POLICY, copy, ignore=shutil.ignore_patterns("tests"))
    return copy


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_trigger_change_shows_field_by_field_with_its_impact(capsys, head):
    _edit(
        head / "stikstof" / "doelsturing.policy",
        "als  nh3_landbouw_2030 is achter_op_schema",
        "als  nh3_landbouw_2035 is achter_op_schema",
    )
    code, out, _ = run(capsys, "diff", "policy", head, "--as-of", "2027", "--farm-count", "1000")
    assert code == 0
    assert (
        "trigger `landbouw_achter_op_streefwaarde`" in out
        and "nh3_landbouw_2035 is achter_op_schema" in out
    )
    assert "| `landbouw_achter_op_streefwaarde` | undecided | fired |" in out
    assert "`bedrijfsplan`" in out
    code, out, _ = run(
        capsys,
        "diff",
        "policy",
        head,
        "--as-of",
        "2027",
        "--farm-count",
        "1000",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["changed"] and data["impact"]


def test_a_guard_error_fails_with_both_locations(capsys, head):
    _edit(
        head / "stikstof" / "doelen.policy",
        "    bron vervolgpakket regels 425-427",
        "    # dropped: vervolgpakket regels 425-427",
    )
    code, out, _ = run(capsys, "diff", "policy", head, "--no-impact")
    assert code == 1 and "G003" in out
    assert "policy/stikstof/doelen.policy:" in out and f"{head}/stikstof/doelen.policy:" in out


def test_an_unchanged_policy_has_no_change_in_meaning(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "diff", "HEAD", "policy")
    assert code == 0 and "No change in meaning." in out


def test_unknown_versions_and_broken_heads_are_clear(capsys, head):
    code, _, err = run(capsys, "diff", "no-such-revision")
    assert code == 2 and "neither a folder nor a git revision" in err
    (head / "kapot.policy").write_text("doel kapot { uiterlijk }\n", encoding="utf-8")
    code, _, err = run(capsys, "diff", "policy", head)
    assert code == 1 and "head version has errors" in err and "kapot.policy:1:" in err
