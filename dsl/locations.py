"""The syntax nodes that point into a source text: `Citation` (`bron`, lines and a verbatim
quote), `Passage` (`passage`, lines without a quote), a document's `Chapter`s (`hoofdstuk`) and its
`Scope` (`bereik`: what of it the policy must address). Named from dsl/nodes.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.source import Span

if TYPE_CHECKING:
    from dsl.nodes import Ref


def _span() -> Span:
    return field(default=Span("<nowhere>", 0, 0, 0, 0), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Citation:
    """`bron DOC regel(s) A[-B] "quote"`."""

    document: Ref
    first_line: int
    last_line: int
    quote: str
    span: Span = _span()
    quote_span: Span = _span()


@dataclass(frozen=True, slots=True)
class Passage:
    """`passage DOC regel(s) A[-B]`: lines of a source document, named without a quote."""

    document: Ref
    first_line: int
    last_line: int
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Chapter:
    """`hoofdstuk ID regels A-B "titel"`: a chapter of a document, by the lines it spans."""

    id: Ref
    first_line: int
    last_line: int
    title: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Scope:
    """`bereik volledig` (`chapters` is None) or `bereik hoofdstuk A, B`: the part of a document
    in which every quantified passage must be cited or marked out of scope.
    """

    chapters: tuple[Ref, ...] | None
    span: Span = _span()
