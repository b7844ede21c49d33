"""The open findings an outcome rests on. A declaration's `berust_op` names a `bevinding` that says
a passage of the source cannot be encoded faithfully (an undefined term, a missing measure);
everything defined from that declaration, directly or through the dependency graph, rests on the
finding too, so `evaluate`, `explain` and the report can say that its outcome does.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from compiler.check.graph import NON_LOGICAL
from compiler.check.model import Policy

RELATION = "berust_op"
# Kinds that are not outcomes: they are never said to rest on a finding.
_NOT_OUTCOMES = frozenset({"document", "bevinding", "actor"})


@dataclass(frozen=True, slots=True, order=True)
class OpenFinding:
    """`finding` (a `bevinding` id, with its title) that an outcome rests on, named by the
    `berust_op` of `via`.
    """

    finding: str
    via: str
    title: str = ""


def open_findings(policy: Policy) -> dict[str, tuple[OpenFinding, ...]]:
    """Declaration id -> the open findings it rests on (sorted); ids resting on none are absent."""
    named: dict[str, set[str]] = defaultdict(set)  # declaration -> findings its berust_op names
    uses: dict[str, set[str]] = defaultdict(set)  # declaration -> declarations defined from it
    for ref in policy.references:
        if ref.relation == RELATION:
            named[ref.target].add(ref.source)
        elif ref.relation not in NON_LOGICAL:
            uses[ref.source].add(ref.target)
    rests: dict[str, set[OpenFinding]] = defaultdict(set)
    for start, findings in named.items():
        marks = {OpenFinding(f, start, policy.declarations[f].title) for f in findings}
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            rests[current] |= marks
            for nxt in uses.get(current, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    kinds = {d.id: d.kind for d in policy.declarations.values()}
    return {
        ident: tuple(sorted(marks))
        for ident, marks in rests.items()
        if kinds.get(ident) not in _NOT_OUTCOMES and ident in kinds
    }
