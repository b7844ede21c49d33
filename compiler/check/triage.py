"""Which findings `beleid check` shows and fails on: the one filter every renderer (text, json,
github, sarif) is given. It applies the configured severities, drops what `[tool.beleid.ignore]`
ignores and what the baseline accepts, and keeps what reaches the minimum severity; it also orders
findings for people (errors, then warnings, then notes, each in file and line order).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from compiler.check.baseline import Baseline, Fingerprints
from compiler.check.settings import CheckSettings, rank
from dsl.codes import Severity
from dsl.diagnostics import Diagnostic


@dataclass(frozen=True)
class Triage:
    """The findings left after configuration and baseline, those shown, and what was dropped."""

    findings: tuple[Diagnostic, ...]
    shown: tuple[Diagnostic, ...]
    accepted: int = 0
    ignored: int = 0
    min_severity: Severity = Severity.INFO

    @property
    def hidden(self) -> int:
        """Findings below the minimum severity: counted, not shown."""
        return len(self.findings) - len(self.shown)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.findings if d.severity is severity)

    def fails(self, fail_on: Severity = Severity.ERROR) -> bool:
        """Whether a finding left (shown or not) is at least as severe as `fail_on`."""
        return any(rank(d.severity) >= rank(fail_on) for d in self.findings)


def triage(
    diagnostics: Iterable[Diagnostic],
    settings: CheckSettings | None = None,
    baseline: Baseline | None = None,
    fingerprints: Fingerprints | None = None,
    min_severity: Severity = Severity.INFO,
) -> Triage:
    """Filter sorted diagnostics; `fingerprints` is needed with a baseline."""
    settings = settings or CheckSettings()
    remaining = Counter(baseline.accepted) if baseline is not None else Counter()
    findings: list[Diagnostic] = []
    accepted = ignored = 0
    for diagnostic in diagnostics:
        if settings.ignores_diagnostic(diagnostic):
            ignored += 1
            continue
        if remaining and fingerprints is not None:
            fingerprint = fingerprints.of(diagnostic)
            if remaining[fingerprint] > 0:
                remaining[fingerprint] -= 1
                accepted += 1
                continue
        findings.append(_configured(diagnostic, settings))
    shown = tuple(d for d in findings if rank(d.severity) >= rank(min_severity))
    return Triage(tuple(findings), shown, accepted, ignored, min_severity)


def for_people(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, then notes; each group in file, line and column order."""
    return sorted(diagnostics, key=lambda d: (-rank(d.severity), d.sort_key()))


def _configured(diagnostic: Diagnostic, settings: CheckSettings) -> Diagnostic:
    severity = settings.severity_of(diagnostic)
    if severity is diagnostic.severity:
        return diagnostic
    return dataclasses.replace(diagnostic, severity=severity)
