"""The checked model: declarations by id with their resolved references, validity and units.

`Policy` is what every later stage consumes (graph, evaluation, reports). It keeps the syntax node
of each declaration rather than copying its shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

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
class Declaration:
    id: str
    kind: str
    node: nodes.Declaration
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    @property
    def title(self) -> str:
        return self.node.title or self.id

    @property
    def span(self) -> Span:
        return self.node.span


@dataclass(frozen=True)
class Policy:
    declarations: Mapping[str, Declaration]
    references: tuple[Reference, ...]
    sources: Mapping[str, SourceText] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Declaration]:
        return [d for d in self.declarations.values() if d.kind == kind]
