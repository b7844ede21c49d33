"""The baseline of accepted findings: each finding's fingerprint (its code, file, enclosing
declaration and message, never its line, so it survives lines moving), the baseline file written
as JSON text, and a baseline file read back and validated (C006, located, on any fault).
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from compiler.check.model import Policy
from dsl import codes, files
from dsl.diagnostics import Diagnostic, Diagnostics
from dsl.source import Span

FORMAT_KEY = "beleid-baseline"
FORMAT_VERSION = 1
MAX_BASELINE_BYTES = 50_000_000


@dataclass(frozen=True)
class Baseline:
    """The accepted findings: how many times each fingerprint was accepted."""

    path: Path
    accepted: Counter

    def __len__(self) -> int:
        return sum(self.accepted.values())


class Fingerprints:
    """Fingerprints of a compilation's findings, with paths relative to the repository, so a
    baseline holds wherever it lies and wherever the check is run from.
    """

    def __init__(self, policy: Policy, folder: Path) -> None:
        self.folder = folder.resolve()
        self._starts: dict[str, list[tuple[int, str, int]]] = {}
        for declaration in policy.declarations.values():
            span = declaration.node.span
            entry = (span.line, declaration.id, span.end_line)
            self._starts.setdefault(span.path, []).append(entry)
        for starts in self._starts.values():
            starts.sort()

    def entry(self, diagnostic: Diagnostic) -> dict[str, str]:
        """What the baseline records of one finding."""
        path = self.path_of(diagnostic)
        declaration = self.declaration_of(diagnostic)
        key = "\0".join((diagnostic.code.id, path, declaration, diagnostic.message))
        return {
            "code": diagnostic.code.id,
            "path": path,
            "declaration": declaration,
            "message": diagnostic.message,
            "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest()[:24],
        }

    def of(self, diagnostic: Diagnostic) -> str:
        return self.entry(diagnostic)["fingerprint"]

    def path_of(self, diagnostic: Diagnostic) -> str:
        if diagnostic.span is None:
            return ""
        try:
            relative = os.path.relpath(Path(diagnostic.span.path).resolve(), self.folder)
        except ValueError:  # another drive on Windows
            return Path(diagnostic.span.path).as_posix()
        return Path(relative).as_posix()

    def declaration_of(self, diagnostic: Diagnostic) -> str:
        """The id of the declaration the finding lies in ('' outside any declaration)."""
        if diagnostic.span is None:
            return ""
        starts = self._starts.get(diagnostic.span.path, [])
        line = diagnostic.span.line
        index = bisect_right(starts, (line, "\uffff", 0)) - 1
        if index < 0 or starts[index][2] < line:
            return ""
        return starts[index][1]


def baseline_text(findings: list[Diagnostic], fingerprints: Fingerprints) -> str:
    """The baseline file accepting exactly `findings`, sorted, one entry per finding."""
    entries = sorted(
        (fingerprints.entry(d) for d in findings),
        key=lambda e: (e["path"], e["code"], e["declaration"], e["message"]),
    )
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": entries}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> tuple[Baseline | None, Diagnostics]:
    """The baseline at `path`, or None and a C006 diagnostic saying what is wrong with it."""
    diags = Diagnostics()
    text, problem = _read(path)
    if text is None:
        _invalid(diags, Span.point(str(path)), problem, _WRITE_HINT)
        return None, diags
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        span = Span.point(str(path), error.lineno, error.colno)
        _invalid(diags, span, f"is not valid JSON: {error.msg}", _WRITE_HINT)
        return None, diags
    accepted, problem = _fingerprints(document)
    if accepted is None:
        _invalid(diags, Span.point(str(path)), problem, _WRITE_HINT)
        return None, diags
    return Baseline(path, accepted), diags


_WRITE_HINT = (
    "write the baseline with `beleid check --write-baseline FILE` (it records the current findings)"
)


def _fingerprints(document) -> tuple[Counter | None, str]:
    if not isinstance(document, dict) or FORMAT_KEY not in document:
        return None, f"is not a beleid baseline (it has no `{FORMAT_KEY}` key)"
    if document[FORMAT_KEY] != FORMAT_VERSION:
        return None, f"is a baseline of format {document[FORMAT_KEY]!r}, not {FORMAT_VERSION}"
    findings = document.get("findings")
    if not isinstance(findings, list):
        return None, "has no list of `findings`"
    accepted: Counter = Counter()
    for number, entry in enumerate(findings, start=1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            return None, f"has a finding (number {number}) without a `fingerprint` string"
        accepted[fingerprint] += 1
    return accepted, ""


def _refusal_text(refused: files.FileRefused) -> str:
    if refused.reason is files.Refusal.MISSING:
        return "does not exist"
    if refused.reason is files.Refusal.TOO_LARGE:
        return f"is larger than {MAX_BASELINE_BYTES:,} bytes"
    if refused.reason is files.Refusal.NOT_REGULAR:
        return f"is not a regular file ({refused.message})"
    return f"cannot be read ({refused.message})"


def _read(path: Path) -> tuple[str | None, str]:
    try:  # the bounded reader: regular files only, never more than the limit (dsl/files.py)
        data = files.read_bytes(path, MAX_BASELINE_BYTES)
    except files.FileRefused as refused:
        return None, _refusal_text(refused)
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"


def _invalid(diags: Diagnostics, span: Span, problem: str, hint: str) -> None:
    diags.add(codes.BASELINE_INVALID, span, f"the baseline `{span.path}` {problem}", hint=hint)
