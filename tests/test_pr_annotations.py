"""Pull-request annotations on changed lines only (issue 19): `beleid check --format github
--changed-since REV` annotates only the diagnostics on lines changed against REV, and `--summary`
gets the full list as Markdown. The fixture is a git repository with two revisions, made here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.workflow.changedlines import WHOLE_FILE, changed_since, parse_unified_diff
from tests.conftest import BASE, run_cli

OLD_ERROR = (
    'actor oud "Oud" {\n    soort kabinet\n    bron brief regel 5 "Staat niet in de brief."\n}\n'
)
NEW_ERROR = 'actor nieuw "Nieuw" {\n    soort kabinet\n    bron brief regel 5 "Ook dit niet."\n}\n'


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *arguments],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """Revision 1: the base fixture and one old error; revision 2 adds a new error below it and a
    new file with another. The tests run from the repository's root.
    """
    shutil.copytree(BASE, tmp_path / "policy")
    (tmp_path / "policy" / "extra.policy").write_text(OLD_ERROR, encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "one")
    (tmp_path / "policy" / "extra.policy").write_text(
        OLD_ERROR + "\n" + NEW_ERROR, encoding="utf-8"
    )
    (tmp_path / "policy" / "added.policy").write_text(NEW_ERROR.replace("nieuw", "erbij"), "utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "two")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _annotated_lines(out: str) -> list[tuple[str, int]]:
    found = []
    for line in out.splitlines():
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        found.append((Path(props["file"]).name, int(props["line"])))
    return found


def test_new_warnings_do_not_drown_among_old_ones(repo, capsys):
    """Only the findings on changed lines are annotations; the old one stays out."""
    code, out, _ = run_cli(
        capsys, "check", "policy", "--format", "github", "--changed-since", "HEAD~1"
    )
    assert code == 1
    assert sorted(_annotated_lines(out)) == [("added.policy", 3), ("extra.policy", 8)]


def test_without_changed_since_every_finding_is_annotated(repo, capsys):
    _, out, _ = run_cli(capsys, "check", "policy", "--format", "github")
    assert ("extra.policy", 3) in _annotated_lines(out) and len(_annotated_lines(out)) == 3


def test_the_summary_lists_every_finding_and_says_which_are_annotated(repo, capsys):
    summary = repo / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")  # a job summary is appended to
    run_cli(
        capsys, "check", "policy", "--format", "github", "--changed-since", "HEAD~1",
        "--summary", summary,
    )  # fmt: skip
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## Rule check")
    assert "**3 errors**" in text and "the 2 on lines changed since `HEAD~1`" in text
    changed, elsewhere = text.split("### On changed lines")[1].split("### Elsewhere")
    assert "policy/extra.policy:8`" in changed and "policy/added.policy:3`" in changed
    assert "policy/extra.policy:3`" in elsewhere and "P205" in elsewhere


def test_uncommitted_and_untracked_changes_count_as_changed(repo, capsys):
    (repo / "policy" / "los.policy").write_text(NEW_ERROR.replace("nieuw", "los"), "utf-8")
    _, out, _ = run_cli(capsys, "check", "policy", "--format", "github", "--changed-since", "HEAD")
    assert _annotated_lines(out) == [("los.policy", 3)]


def test_changed_lines_are_found_from_a_subfolder(repo, monkeypatch):
    monkeypatch.chdir(repo / "policy")
    changed = changed_since("HEAD~1")
    assert changed.touches("extra.policy", 8, 8) and not changed.touches("extra.policy", 1, 4)
    assert changed.ranges[(repo / "policy" / "added.policy").resolve()] == ((1, 4),)


@pytest.mark.parametrize("revision", ["no-such-branch", "--output=x", ""])
def test_an_unknown_revision_is_a_usage_error(repo, capsys, revision):
    code, out, err = run_cli(
        capsys, "check", "policy", "--format", "github", f"--changed-since={revision}"
    )
    assert code == 2 and out == "" and "beleid check:" in err and "hint" not in out


def test_outside_a_repository_is_a_usage_error(tmp_path, monkeypatch, capsys):
    shutil.copytree(BASE, tmp_path / "policy")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = run_cli(capsys, "check", "policy", "--changed-since", "main")
    assert code == 2 and "run inside a git checkout" in err


def test_a_diff_of_deleted_lines_adds_none_and_content_lines_are_not_headers(tmp_path):
    diff = (
        "diff --git a/x.policy b/x.policy\n--- a/x.policy\n+++ b/x.policy\n"
        "@@ -3,2 +2,0 @@\n-a\n-b\n@@ -9 +8,2 @@\n-c\n+++ b/other.policy\n+d\n"
        "diff --git a/gone.policy b/gone.policy\n--- a/gone.policy\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-e\n"
        'diff --git "a/t\\tab.policy" "b/t\\tab.policy"\n--- "a/t\\tab.policy"\n'
        '+++ "b/t\\tab.policy"\n@@ -0,0 +1 @@\n+f\n'
    )
    ranges = parse_unified_diff(diff, tmp_path)
    assert ranges == {
        (tmp_path / "x.policy").resolve(): [(8, 9)],
        (tmp_path / "t\tab.policy").resolve(): [(1, 1)],
    }
    assert WHOLE_FILE[0] == 1
