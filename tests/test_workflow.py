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
