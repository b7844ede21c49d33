"""Loading a version of the policy to compare: a folder, or a git revision extracted from git.

`load_version` compiles a version and shows its locations as the user named it (`policy/a.policy`,
`HEAD~1:policy/a.policy`); `relocate` rewrites the locations of a compilation; `DiffError` says
why a version cannot be loaded.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from compiler.check.graph import PolicyGraph
from compiler.check.model import SourceText
from compiler.check.pipeline import Compilation, compile_paths
from dsl.codes import PATH_OUTSIDE_REPOSITORY
from dsl.diagnostics import Diagnostics
from dsl.source import Span


class DiffError(Exception):
    """A version cannot be loaded; `hint` says what to give instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        """`message` says what is wrong, `hint` what to give instead."""
        super().__init__(message)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        """The message, with the hint in brackets."""
        return self.message + (f" (hint: {self.hint})" if self.hint else "")


def load_version(spec: str, repo: Path, folder: str = "policy") -> Compilation:
    """Compile one version: `spec` is a folder (relative to `repo`, else as given) or a git
    revision of `repo`, whose `folder` is extracted into a temporary directory. A folder wins over
    a revision of the same name. Locations read `path/in/repo.policy` for a folder inside `repo`,
    the folder as given otherwise, and `REV:policy/file.policy` for a revision.
    """
    repo = Path(repo)
    found = _folder(spec, repo)
    if found is not None:
        return _compile_folder(found, _display(found, spec, repo))
    commit = _revision(spec, repo)
    if commit is None:
        raise DiffError(
            f"`{spec}` is neither a folder nor a git revision of `{repo}`",
            hint="give a policy folder, e.g. `policy/`, or a revision such as `main`, `HEAD~1` "
            "or a commit hash",
        )
    return _compile_revision(spec, commit, repo, folder)


def _folder(spec: str, repo: Path) -> Path | None:
    for candidate in (repo / spec, Path(spec)):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def _display(found: Path, spec: str, repo: Path) -> str:
    try:
        return found.relative_to(repo.resolve()).as_posix()
    except ValueError:
        return spec.rstrip("/")


def _compile_folder(found: Path, display: str) -> Compilation:
    return relocate(compile_paths([str(found)]), str(found), display)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as error:
        raise DiffError(
            f"cannot run git: {error}", hint="install git, or give two folders"
        ) from error


def _revision(spec: str, repo: Path) -> str | None:
    """The commit `spec` names in `repo`, or None."""
    if not spec or spec.startswith("-"):
        return None
    done = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if done.returncode != 0:
        return None
    return done.stdout.decode().strip() or None


def _compile_revision(spec: str, commit: str, repo: Path, folder: str) -> Compilation:
    archive = _git(repo, "archive", "--format=tar", commit, "--", folder)
    if archive.returncode != 0:
        raise DiffError(
            f"revision `{spec}` has no `{folder}/` folder",
            hint=f"{archive.stderr.decode(errors='replace').strip() or 'check the revision'}",
        )
    refused: list[tuple[tarfile.TarInfo, Exception]] = []

    def inside_only(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, destination)
        except tarfile.FilterError as error:  # a link out of the checkout, an absolute path, ...
            refused.append((member, error))
            return None

    with tempfile.TemporaryDirectory(prefix="beleid-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter=inside_only)
        compilation = relocate(
            compile_paths([str(Path(tmp) / folder)]), str(Path(tmp)), f"{spec}:", separator=""
        )
    for member, error in refused:
        compilation.diagnostics.add(
            PATH_OUTSIDE_REPOSITORY,
            Span.point(f"{spec}:{member.name}"),
            f"not read: {error}",
            hint="rule files are read from inside the repository only",
        )
    return compilation


def relocate(compilation: Compilation, old: str, new: str, *, separator: str = "/") -> Compilation:
    """The compilation with every location under folder `old` shown under `new` instead
    (`/tmp/x/policy/a.policy` -> `HEAD:policy/a.policy`); the files themselves are not read
    again.
    """

    def move(path: str) -> str:
        if path == old:
            return new
        if path.startswith(old + "/"):
            return new + separator + path[len(old) + 1 :]
        return path

    policy = _relocated(compilation.policy, move)
    diagnostics = Diagnostics()
    for d in _relocated(list(compilation.diagnostics), move):
        diagnostics.add(d.code, d.span, d.message, hint=d.hint, related=d.related)
    return Compilation(
        policy, PolicyGraph.build(policy), diagnostics, [move(f) for f in compilation.files]
    )


def _relocated(value, move: Callable[[str], str]):
    """A copy of `value` with `move` applied to the path of every Span (and SourceText) inside."""
    if isinstance(value, Span):
        return dataclasses.replace(value, path=move(value.path))
    if isinstance(value, SourceText):
        return dataclasses.replace(value, path=move(value.path))
    if isinstance(value, (tuple, list)):
        return type(value)(_relocated(v, move) for v in value)
    if isinstance(value, Mapping):
        return {k: _relocated(v, move) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _relocated(getattr(value, f.name), move)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
