"""The GitHub workflow and the pre-commit hooks shipped with the repository: the workflow validates
against the published GitHub workflow schema (bundled offline by the check-jsonschema package), and
every `beleid` command in them is one the command line accepts.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest
import yaml

from compiler.cli.arguments import build_parser as _parser
from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "policy.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _validate(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_workflow_follows_the_github_workflow_schema():
    result = _validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu"),
        encoding="utf-8",
    )
    assert _validate(broken).returncode != 0


def _beleid_commands(text: str) -> list[list[str]]:
    commands = []
    for line in text.splitlines():
        line = line.strip().removeprefix("run:").strip()
        if line.startswith("beleid "):
            words = shlex.split(line.split("||")[0].split(">>")[0])
            commands.append(words[1:])
    return commands


def test_the_workflow_runs_check_test_fmt_and_diff_with_valid_arguments():
    commands = _beleid_commands(WORKFLOW.read_text(encoding="utf-8"))
    assert {c[0] for c in commands} >= {"check", "test", "fmt", "diff"}
    assert commands[0][2:4] == ["--format", "github"] and "--min-coverage" in sum(commands, [])
    for command in commands:
        _parser().parse_args(command)  # raises SystemExit on an unknown option


def test_the_workflow_uploads_sarif_and_posts_the_diff_as_job_summary():
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["policy"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)
    assert any(
        "GITHUB_STEP_SUMMARY" in s.get("run", "") and "beleid diff" in s.get("run", "")
        for s in steps
    )


def test_the_pre_commit_hooks_run_check_and_fmt():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"beleid-check", "beleid-fmt"}
    for hook in hooks:
        assert {"id", "name", "entry", "language", "files"} <= set(hook)
        command = shlex.split(hook["entry"])[1:] + hook.get("args", [])
        if hook["id"] == "beleid-fmt":
            command.append("policy/stikstof/doelen.policy")  # pre-commit passes the changed files
        _parser().parse_args(command)


@pytest.mark.parametrize("path", [WORKFLOW, HOOKS])
def test_yaml_files_parse(path):
    assert yaml.safe_load(path.read_text(encoding="utf-8"))


# The workflow always reports (issue 19) --------------------------------------------------------


def _steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["policy"]["steps"]


def _step(name: str) -> dict:
    return next(s for s in _steps() if s.get("name") == name)


def test_a_failing_check_skips_nothing():
    """Every step after the install runs even when an earlier one failed (unless cancelled), and
    none hides its own failure, so a failed step still fails the job.
    """
    names = [s.get("name") for s in _steps()]
    after_install = _steps()[names.index("Install") + 1 :]
    for step in after_install:
        if step["name"] == "Base revision":
            continue  # needs only the checkout; runs when the install did
        condition = step.get("if", "")
        assert "!cancelled()" in condition or "always()" in condition, step["name"]
        assert "continue-on-error" not in step, step["name"]
    assert (
        "always()" in after_install[-1]["if"] and "GITHUB_STEP_SUMMARY" in after_install[-1]["run"]
    )


def test_sarif_is_uploaded_only_where_permitted():
    upload = next(s for s in _steps() if s.get("uses", "").startswith("github/codeql-action/"))
    condition = " ".join(upload["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "github.event_name != 'pull_request'" in condition
    job = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["policy"]
    assert job["permissions"]["security-events"] == "write"


def _readme_test_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "-m pytest" in line)
    words = shlex.split(line.split("&&")[-1])
    return words[words.index("-m") :]


def test_the_workflow_runs_the_test_suite_as_the_readme_says():
    suite = _step("Test suite")
    words = shlex.split(suite["run"])
    assert words[words.index("-m") :] == _readme_test_command()
    assert "[test]" in _step("Install")["run"]


def test_the_check_annotates_changed_lines_and_writes_the_full_list_to_the_summary():
    words = shlex.split(_step("Check the rules")["run"])
    assert "--changed-since" in words
    assert words[words.index("--summary") + 1] == "$GITHUB_STEP_SUMMARY"


def _run_step(script: str, tmp_path, beleid_exit: int, writes_diff: bool):
    """Run a step's shell script as the runner does (bash -e), with a stand-in `beleid`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "beleid"
    write = 'echo "## Policy diff" > diff.md' if writes_diff else ":"
    fake.write_text(f"#!/bin/sh\n{write}\nexit {beleid_exit}\n", encoding="utf-8")
    fake.chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary), "BASE": "x"}
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    return result.returncode, summary.read_text(encoding="utf-8") if summary.exists() else ""


@pytest.mark.parametrize("beleid_exit", [0, 1])
def test_the_summary_carries_the_diff_even_when_a_guard_fails(tmp_path, beleid_exit):
    code, summary = _run_step(_step("Meaning of the change")["run"], tmp_path, beleid_exit, True)
    assert code == beleid_exit and "## Policy diff" in summary


def test_the_summary_says_so_when_the_diff_could_not_be_computed(tmp_path):
    code, summary = _run_step(_step("Meaning of the change")["run"], tmp_path, 3, False)
    assert code == 3 and "could not be computed (exit 3)" in summary


@pytest.mark.parametrize(("beleid_exit", "expected"), [(0, 0), (1, 0), (2, 2), (3, 3)])
def test_writing_sarif_accepts_findings_but_not_a_failure(tmp_path, beleid_exit, expected):
    code, _ = _run_step(_step("Write SARIF")["run"], tmp_path, beleid_exit, False)
    assert code == expected
