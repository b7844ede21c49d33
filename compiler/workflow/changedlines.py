"""Which lines a change touched: `git diff --unified=0 REV` of the working tree read into line
ranges per file, with files git does not track yet counted as changed entirely (as is a file the
change adds, whose hunk covers all its lines). Paths are resolved, so a diagnostic's span matches
whatever folder the check was run from.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT_SECONDS = 120
WHOLE_FILE = (1, sys.maxsize)
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class RevisionError(Exception):
    """The changed lines cannot be known: no git, not a repository, or an unknown revision."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class ChangedLines:
    """Changed line ranges (first, last; 1-based, inclusive) per resolved file path."""

    revision: str
    ranges: Mapping[Path, tuple[tuple[int, int], ...]]

    def touches(self, path: str, first: int, last: int) -> bool:
        """Whether lines first..last of `path` overlap a changed range."""
        spans = self.ranges.get(Path(path).resolve(), ())
        return any(start <= last and first <= end for start, end in spans)


def changed_since(revision: str, cwd: Path | None = None) -> ChangedLines:
    """The lines of the working tree that differ from `revision`, in the repository around cwd."""
    if not revision or revision.startswith("-"):
        raise RevisionError(
            f"`{revision}` is not a revision", "name a branch, tag or commit, e.g. origin/main"
        )
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd or Path.cwd()).strip())
    diff = _git(
        [
            "-c",
            "core.quotePath=false",
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            revision,
            "--",
        ],
        top,
    )
    ranges = parse_unified_diff(diff, top)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    for name in filter(None, untracked.split("\0")):
        ranges[(top / name).resolve()] = [WHOLE_FILE]
    return ChangedLines(revision, {path: tuple(spans) for path, spans in ranges.items()})


def parse_unified_diff(text: str, top: Path) -> dict[Path, list[tuple[int, int]]]:
    """The added or changed line ranges of a `--unified=0` diff, per resolved path under top."""
    ranges: dict[Path, list[tuple[int, int]]] = {}
    current: Path | None = None
    in_header = False  # between `diff --git` and the first hunk: a `+++` line names the file
    for line in text.splitlines():
        if line.startswith("diff --git "):
            current, in_header = None, True
        elif in_header and line.startswith("+++ "):
            current = _new_path(line[4:], top)
        elif line.startswith("@@ ") and current is not None:
            in_header = False
            match = _HUNK.match(line)
            if match is None:
                continue
            start, count = int(match[1]), int(match[2] if match[2] is not None else 1)
            if count > 0:  # a hunk of only deleted lines adds none
                ranges.setdefault(current, []).append((start, start + count - 1))
    return ranges


def _new_path(name: str, top: Path) -> Path | None:
    """The file a `+++` line names, or None for a deleted file."""
    name = name.rstrip("\t")
    if name.startswith('"'):
        name = _unquote(name)
    if name == "/dev/null" or not name.startswith("b/"):
        return None
    return (top / name[2:]).resolve()


def _unquote(quoted: str) -> str:
    """A path git wrote in C quotes: a backslash and a letter, or three octal digits a byte."""
    inner = quoted[1:-1] if quoted.endswith('"') else quoted[1:]
    out, i = bytearray(), 0
    while i < len(inner):
        char = inner[i]
        if char != "\\" or i + 1 == len(inner):
            out += char.encode("utf-8")
            i += 1
        elif inner[i + 1 : i + 4].isdigit():
            out.append(int(inner[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += _ESCAPES.get(inner[i + 1], inner[i + 1]).encode("utf-8")
            i += 2
    return out.decode("utf-8", "replace")


def _git(arguments: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise RevisionError(
            "git is not installed", "install git, or leave out --changed-since"
        ) from None
    except subprocess.TimeoutExpired:
        raise RevisionError(
            f"git took longer than {GIT_TIMEOUT_SECONDS} s", "leave out --changed-since"
        ) from None
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[0] if result.stderr.strip() else "git failed"
        raise RevisionError(
            f"cannot tell the changed lines: {reason}",
            "run inside a git checkout and name a revision it has (fetch the base branch first)",
        )
    return result.stdout
