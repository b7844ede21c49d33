"""Receipts: what a recorded moment was computed from (a SHA-256 of every rule file, source text and
data file, the tool's version and the options that shape the data), so a result can be reproduced
and defended later. A receipt is stored with its moment in the ledger as JSON, compared when the
moment is evaluated again, and written as a short "computed from" block by `explain` and the report.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dsl import files as dsl_files

# The groups of files a receipt names, in the order they are shown.
GROUPS = (("rules", "rule files"), ("sources", "source texts"), ("data", "data files"))
SHORT_HASH = 12  # hex digits of a hash shown to a reader (the ledger keeps all 64)
LISTED_FILES = 8  # a group with more files is shown as its count and combined hash
MISSING = "missing"  # the hash of a file that could not be read when the receipt was made


@dataclass(frozen=True)
class Receipt:
    """The inputs of one evaluation: file hashes per group, the options, and the tool's version."""

    files: Mapping[str, Mapping[str, str]]  # group -> path -> sha256 hex
    options: Mapping[str, object] = field(default_factory=dict)
    version: str = ""

    def to_json(self) -> str:
        data = {"version": self.version, "files": self.files, "options": self.options}
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    def changes(self, now: Receipt) -> list[str]:
        """What differs in `now` from this receipt: changed, added or removed files (by path) and
        options (as `NAME: OLD -> NEW`); empty when the inputs are the same.
        """
        before, after = self.hashes(), now.hashes()
        changed = [p for p in sorted(before.keys() | after.keys()) if before.get(p) != after.get(p)]
        described = [_file_change(p, before.get(p), after.get(p)) for p in changed]
        for name in sorted(self.options.keys() | now.options.keys()):
            old, new = self.options.get(name), now.options.get(name)
            if old != new:
                described.append(f"option {name}: {_shown(old)} -> {_shown(new)}")
        return described

    def hashes(self) -> dict[str, str]:
        """Every file's hash by path, whatever its group."""
        return {path: h for group in self.files.values() for path, h in group.items()}


def from_json(text: str | None) -> Receipt | None:
    """The receipt stored as `text`; None for a moment recorded before receipts, or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
        files = {str(g): {str(p): str(h) for p, h in ps.items()} for g, ps in data["files"].items()}
        return Receipt(files, dict(data["options"]), str(data["version"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def make(
    rules: Iterable[str | Path],
    sources: Iterable[str | Path],
    data: Iterable[str | Path],
    options: Mapping[str, object],
) -> Receipt:
    """The receipt of an evaluation that read these files with these options, hashed now."""
    groups = {"rules": rules, "sources": sources, "data": data}
    files = {name: {_shown_path(p): file_hash(p) for p in paths} for name, paths in groups.items()}
    return Receipt(files, dict(options), tool_version())


def file_hash(path: str | Path) -> str:
    """SHA-256 of the file's bytes, read in blocks; MISSING when it cannot be read or is not a
    regular file (asked of dsl/files.py first, so a FIFO never blocks the receipt).
    """
    if dsl_files.not_regular(path) is not None:
        return MISSING
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return MISSING
    return digest.hexdigest()


def tool_version() -> str:
    try:
        return importlib.metadata.version("beleid")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def render_text(receipt: Receipt, heading: str) -> str:
    """The "computed from" block: files with shortened hashes per group (a long group as its
    count and combined hash), the version and the options.
    """
    lines = [heading]
    for group, title in GROUPS:
        paths = receipt.files.get(group, {})
        if len(paths) > LISTED_FILES:
            lines.append(f"  {len(paths)} {title}: {combined_hash(paths)[:SHORT_HASH]} (combined)")
        elif paths:
            lines.append(f"  {title}:")
            lines.extend(f"    {h[:SHORT_HASH]}  {p}" for p, h in sorted(paths.items()))
    lines.append(f"  beleid version: {receipt.version}")
    if receipt.options:
        shown = ", ".join(f"{k}={_shown(v)}" for k, v in sorted(receipt.options.items()))
        lines.append(f"  options: {shown}")
    return "\n".join(lines)


def computed_from(current: Receipt | None, recorded=None) -> str:
    """The block `explain` prints: the receipt of the ledger's run of the moment (a RecordedRun)
    and whether today's inputs still match it, or, for a moment not recorded, today's inputs.
    """
    if recorded is None:
        if current is None:
            return "Computed from: not known (no receipt)"
        return render_text(current, "Computed from (this evaluation; the moment is not recorded):")
    heading = f"Computed from (recorded run {recorded.run}, {recorded.recorded_at[:19]} UTC):"
    if recorded.receipt is None:
        return f"{heading}\n  not known: the run was recorded before beleid kept receipts"
    text = render_text(recorded.receipt, heading)
    changes = recorded.receipt.changes(current) if current else []
    if changes:
        return f"{text}\n  the inputs differ now: {'; '.join(changes)}"
    return f"{text}\n  today's inputs are the same"


def combined_hash(paths: Mapping[str, str]) -> str:
    """One SHA-256 over a group's paths and hashes, to show a long group in one line."""
    digest = hashlib.sha256()
    for path, h in sorted(paths.items()):
        digest.update(f"{path}\0{h}\n".encode())
    return digest.hexdigest()


def as_rows(receipt: Receipt) -> list[dict]:
    """The receipt's files as rows for a table (group key and title, path, short and full hash)."""
    return [
        {"group": group, "title": title, "path": p, "short": h[:SHORT_HASH], "hash": h}
        for group, title in GROUPS
        for p, h in sorted(receipt.files.get(group, {}).items())
    ]


def summary(current: Receipt | None, recorded=None) -> dict | None:
    """The receipt as data for the report: whose it is (the recorded run, or this evaluation
    when the moment is not recorded), its files, version and options, and what differs now.
    """
    shown = recorded.receipt if recorded is not None and recorded.receipt else current
    if shown is None:
        return None
    options = ", ".join(f"{k}={_shown(v)}" for k, v in sorted(shown.options.items()))
    return {
        "run": recorded.run if recorded is not None else None,
        "recorded_at": recorded.recorded_at[:19] if recorded is not None else None,
        "kept": recorded is None or recorded.receipt is not None,
        "files": as_rows(shown),
        "version": shown.version,
        "options": options,
        "changes": shown.changes(current) if current and shown is not current else [],
    }


def _file_change(path: str, old: str | None, new: str | None) -> str:
    if old is None:
        return f"{path} (not read before)"
    if new is None:
        return f"{path} (no longer read)"
    return f"{path} (sha256 {old[:SHORT_HASH]} -> {new[:SHORT_HASH]})"


def _shown(value: object) -> str:
    return (
        "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )


def _shown_path(path: str | Path) -> str:
    """The path relative to the working directory when it lies inside it, else absolute; with
    forward slashes, so runs from the repository root name the same files the same way.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
