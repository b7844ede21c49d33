"""The layout of a policy tree: rule files end in `.policy`; the tree's root is the folder that holds
the `sources/` folder with the source texts."""

from __future__ import annotations

from pathlib import Path

RULE_SUFFIX = ".policy"


def policy_root(path: Path) -> Path | None:
    """The nearest folder at or above `path` (a file's folder, for a file) holding `sources/`."""
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "sources").is_dir():
            return candidate
    return None
