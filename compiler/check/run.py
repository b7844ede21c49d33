"""What `beleid check` and `beleid graph` ask of the checker: the compilation of the given paths,
its findings filtered by the configuration and a baseline (or the baseline that accepts them), with
the in-force listing of a date, or the dependency graph exported as text; nothing is printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from compiler.check import timeline
from compiler.check.baseline import Baseline, Fingerprints, baseline_text, read_baseline
from compiler.check.layout import repository_root
from compiler.check.pipeline import Compilation, compile_paths
from compiler.check.resolve import did_you_mean
from compiler.check.settings import CheckSettings, find_settings
from compiler.check.triage import Triage, triage
from dsl.codes import Severity
from dsl.diagnostics import Diagnostics

DEFAULT_POLICY = ("policy",)  # the rule files a command reads when given none


class NotFound(Exception):
    """A name the user gave (a declaration, a document) that the policy does not have."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class CheckOptions:
    """How `beleid check` filters its findings: a baseline to read or to write, and the least
    severity shown.
    """

    baseline: Path | None = None
    write_baseline: Path | None = None
    min_severity: Severity = Severity.INFO


@dataclass(frozen=True)
class CheckRun:
    """The compilation and its triaged findings, which declarations are in force on `as_of` when
    a date was asked, and the baseline text when one was to be written. With `setup` errors (a bad
    configuration or baseline) nothing was checked: `compilation` and `triage` are None.
    """

    compilation: Compilation | None
    as_of: dt.date | None = None
    statuses: tuple[timeline.Status, ...] = ()
    triage: Triage | None = None
    setup: Diagnostics = field(default_factory=Diagnostics)
    baseline_text: str | None = None
    settings: CheckSettings = field(default_factory=CheckSettings)


@dataclass(frozen=True)
class GraphExport:
    """The compilation and its graph (or the focused part of it) as dot, mermaid or json text."""

    compilation: Compilation
    text: str


def check(
    paths: list[str], as_of: dt.date | None = None, options: CheckOptions | None = None
) -> CheckRun:
    """Check the rule files under `paths` and triage the findings (configuration from the nearest
    pyproject.toml, the baseline of `options`); with `as_of`, also list what is in force then.
    """
    options = options or CheckOptions()
    settings, setup = find_settings(Path(paths[0] if paths else DEFAULT_POLICY[0]))
    baseline = _baseline(options.baseline, setup)
    if setup.has_errors:
        return CheckRun(None, setup=setup)
    compilation = compile_paths(paths)
    start = Path(paths[0] if paths else DEFAULT_POLICY[0])
    fingerprints = Fingerprints(compilation.policy, repository_root(start))
    triaged = triage(
        compilation.diagnostics.sorted(), settings, baseline, fingerprints, options.min_severity
    )
    written = None
    if options.write_baseline is not None:
        written = baseline_text(list(triaged.findings), fingerprints)
    statuses = tuple(timeline.as_of(compilation.policy, as_of)) if as_of else ()
    return CheckRun(compilation, as_of, statuses, triaged, setup, written, settings)


def _baseline(path: Path | None, setup: Diagnostics) -> Baseline | None:
    if path is None:
        return None
    baseline, faults = read_baseline(path)
    setup.extend(faults)
    return baseline


def export_graph(
    paths: list[str], export_format: str, focus: str | None = None, documents: bool = True
) -> GraphExport:
    """The dependency graph as dot, mermaid or json; NotFound when `focus` is not a node of it."""
    compilation = compile_paths(paths)
    graph = compilation.graph
    if focus:
        if focus not in graph.graph:
            hint = did_you_mean(focus, list(graph.graph)) or "give the id of a declaration"
            raise NotFound(f"unknown id `{focus}`", hint)
        graph = graph.focus(focus)
    if not documents:
        graph = graph.without_documents()
    export = {"dot": graph.to_dot, "mermaid": graph.to_mermaid, "json": graph.to_json}
    return GraphExport(compilation, export[export_format]())
