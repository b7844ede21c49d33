"""What `beleid check` and `beleid graph` ask of the checker: the compilation of the given paths,
with the in-force listing of a date, or the dependency graph exported as text; nothing is
printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compiler.check import timeline
from compiler.check.pipeline import Compilation, compile_paths
from compiler.check.resolve import did_you_mean

DEFAULT_POLICY = ("policy",)  # the rule files a command reads when given none


class NotFound(Exception):
    """A name the user gave (a declaration, a document) that the policy does not have."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class CheckRun:
    """The compilation, and which declarations are in force on `as_of` when a date was asked."""

    compilation: Compilation
    as_of: dt.date | None = None
    statuses: tuple[timeline.Status, ...] = ()


@dataclass(frozen=True)
class GraphExport:
    """The compilation and its graph (or the focused part of it) as dot, mermaid or json text."""

    compilation: Compilation
    text: str


def check(paths: list[str], as_of: dt.date | None = None) -> CheckRun:
    """Check the rule files under `paths`; with `as_of`, also list what is in force on that date."""
    compilation = compile_paths(paths)
    if as_of is None:
        return CheckRun(compilation)
    return CheckRun(compilation, as_of, tuple(timeline.as_of(compilation.policy, as_of)))


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
