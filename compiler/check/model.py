"""The checked model: declarations by id with their resolved references, validity and views.

`Policy` is what every later stage consumes (graph, evaluation, reports). Each checked declaration
keeps its syntax node (reports render every field from it) and, for the kinds evaluation reads,
a typed view (compiler/check/views.py) that states its meaning; evaluation reads only the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from compiler.check.views import V, View
from dsl import nodes
from dsl.source import Span


@dataclass(frozen=True, slots=True)
class Reference:
    """A resolved reference, as a graph edge: `source` is used in the definition of `target`.

    `relation` names the field that made it (e.g. 'indicator', 'als', 'cites').
    """

    source: str
    target: str
    relation: str
    span: Span


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source document's text, loaded once for quote verification."""

    document: str
    path: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckedDeclaration:
    """A declaration after checking: its syntax node, validity period and typed view.

    `view` is None for kinds evaluation does not read (documents, actors, budget tables, ...).
    """

    id: str
    kind: str
    node: nodes.Declaration
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    view: View | None = None

    @property
    def title(self) -> str:
        return self.node.title or self.id

    @property
    def span(self) -> Span:
        return self.node.span


@dataclass(frozen=True)
class Policy:
    """The checked policy: declarations by id, the references between them, and the source texts."""

    declarations: Mapping[str, CheckedDeclaration]
    references: tuple[Reference, ...]
    sources: Mapping[str, SourceText] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[CheckedDeclaration]:
        return [d for d in self.declarations.values() if d.kind == kind]

    def view(self, ident: str, kind: type[V]) -> V | None:
        """The view of declaration `ident` when it is a `kind` (e.g. `views.Indicator`), else
        None.
        """
        decl = self.declarations.get(ident)
        view = decl.view if decl is not None else None
        return view if isinstance(view, kind) else None

    def views(self, kind: type[V]) -> list[V]:
        """The views of every declaration of a kind, by id."""
        return [d.view for d in self.declarations.values() if isinstance(d.view, kind)]
