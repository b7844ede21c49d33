"""The layout of a policy tree: rule files end in `.policy`; the tree's root is the folder that
holds the `sources/` folder with the source texts; the repository is the folder that holds `.git`,
and nothing the tool reads on a file's say-so may lie outside it.
"""

from __future__ import annotations

from pathlib import Path

from dsl import codes
from dsl.diagnostics import Diagnostics
from dsl.source import Span

RULE_SUFFIX = ".policy"


def policy_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` (a file's folder, for a file) holding `sources/`."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "sources").is_dir():
            return candidate
    return None


def repository_root(path: Path) -> Path:
    """The repository `path` belongs to: the nearest folder holding `.git`; without one, the folder
    above the policy tree (so `policy/` and `monitoring/` share it); else the file's own folder.
    """
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    tree = policy_root(folder)
    return tree.parent if tree is not None else folder


def escapes(path: Path, boundary: Path) -> bool:
    """Whether `path`, with every symbolic link followed, lies outside `boundary`."""
    try:
        return not path.resolve().is_relative_to(boundary.resolve())
    except (
        OSError,
        RuntimeError,
        ValueError,
    ):  # a link loop or an unreadable link leads nowhere inside
        return True


def within_repository(
    paths: list[Path], named_in: Path, line: int, diags: Diagnostics
) -> list[Path]:
    """The paths a file names that stay inside its repository; each one outside is reported
    (P012).
    """
    boundary = repository_root(named_in)
    for path in (p for p in paths if escapes(p, boundary)):
        diags.add(
            codes.PATH_OUTSIDE_REPOSITORY,
            Span.point(str(named_in), line),
            f"`{path}` lies outside the repository `{boundary}`",
            hint="data files a test or scenario names are read from inside the repository only",
        )
    return [p for p in paths if not escapes(p, boundary)]
