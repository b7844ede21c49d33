"""compiler/diff/revisions.py: a version loaded from a folder or from a git revision, and the
errors for a version that cannot be loaded.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.diff.compare import diff_policies
from compiler.diff.render import where
from compiler.diff.revisions import DiffError, load_version
from tests.conftest import BASE, FIXTURES, ROOT
from tests.fixtures.diff import cases

DIFF = FIXTURES / "diff"


# ------------------------------------------------------------------------------ loading versions


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_load_version_from_a_git_revision_of_this_repository():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    revision = _git(ROOT, "rev-parse", "HEAD").strip()
    committed = load_version(revision, ROOT)
    working = load_version("policy", ROOT)
    assert all(
        where(d.span).startswith(f"{revision}:policy/")
        for d in committed.policy.declarations.values()
    )
    diff = diff_policies(committed.policy, working.policy)
    uncommitted = {
        line[3:].strip()
        for line in _git(ROOT, "status", "--porcelain", "--", "policy").splitlines()
    }
    if not uncommitted:
        assert diff.is_empty
    touched = {where(c.head_span).split(":")[0] for c in diff.changed}
    touched |= {where(e.span).split(":")[0] for e in diff.added}
    assert touched <= uncommitted


def test_load_version_from_a_throwaway_repository(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo / "policy")
    _git(tmp_path, "init", "-q", str(repo))
    _git(repo, "add", "policy")
    _git(repo, "commit", "-q", "-m", "first")
    cases.apply_patch(DIFF / "changed_number" / "head.patch", repo / "policy")
    _git(repo, "commit", "-q", "-am", "second")
    base, head = load_version("HEAD~1", repo), load_version("HEAD", repo)
    diff = diff_policies(base.policy, head.policy)
    assert [(c.before, c.after) for c in diff.changed] == [("40 % t.o.v. 2019", "35 % t.o.v. 2019")]
    assert where(diff.changed[0].base_span) == "HEAD~1:policy/basis.policy:60"
    assert where(diff.changed[0].head_span) == "HEAD:policy/basis.policy:60"
    assert not base.diagnostics.has_errors  # the sources came out of the archive too
    assert diff_policies(head.policy, load_version("policy", repo).policy).is_empty


def test_a_spec_that_is_neither_folder_nor_revision_is_an_error(tmp_path):
    with pytest.raises(DiffError) as caught:
        load_version("no-such-thing", ROOT)
    assert "neither a folder nor a git revision" in caught.value.message
    assert "HEAD~1" in caught.value.hint
    with pytest.raises(DiffError):
        load_version("--output=/tmp/x", ROOT)
    with pytest.raises(DiffError):
        load_version("HEAD", tmp_path)  # not a repository at all


def test_a_revision_without_a_policy_folder_is_an_error(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README").write_text("nothing here\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", str(repo))
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "first")
    with pytest.raises(DiffError, match="has no `policy/` folder"):
        load_version("HEAD", repo)
