"""The report folder, written whole or not at all: the pages go into a staging folder beside the
target, which is moved into place at the end, so an interrupted run leaves the previous report
intact; a folder that is not a beleid report is never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

MARKER = ".beleid-report"  # marks a folder this module wrote, so it may be replaced


class ReportError(Exception):
    """The report cannot be written where it was asked (the message says why and what to do)."""


@dataclass(frozen=True)
class Page:
    """One file of the generated site: its path under the output folder and its text."""

    path: str  # relative to the output folder
    text: str | bytes  # bytes for a binary download (the workbook)


def replace(out: Path, pages: Callable[[], Iterable[Page]]) -> int:
    """Write the pages into a new folder and put it in the place of `out`; the number written."""
    out = _resolved(out)
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        count = 0
        for page in pages():
            target = staging / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(page.text, bytes):
                target.write_bytes(page.text)
            else:
                target.write_text(page.text, encoding="utf-8")
            count += 1
        (staging / MARKER).write_text(
            "written by `beleid report`; the whole folder is replaced on the next run\n",
            encoding="utf-8",
        )
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _resolved(out: Path) -> Path:
    """The output folder as one physical path, resolved before anything is moved: `R/../R` names
    `R` itself, so moving the old `R` aside cannot make the path point nowhere.
    """
    if out.name in ("", ".", ".."):
        return out.resolve()
    return out.parent.resolve() / out.name


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise ReportError(
            f"{out} exists and is not a report written by beleid; it is left untouched. "
            "Choose an empty or new folder with -o"
        )


def _swap(staging: Path, out: Path) -> None:
    """Move the new report into place; the old one is removed only after the new one is there."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except BaseException:
        if old is not None:
            os.replace(old, out)  # the old report back in place, never lost
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
