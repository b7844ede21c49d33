"""The dependency graph: a networkx DiGraph of declarations; cycle check (P301); DOT, Mermaid, JSON.

Edge `a -> b` means `a` is used in the definition of `b` (indicator -> target -> trigger ->
obligation -> enforcement; measure -> target; document -> citing declaration). Only this module
imports networkx.
"""

from __future__ import annotations

import json

import networkx as nx

from compiler.check.model import Policy
from dsl import codes
from dsl.diagnostics import Diagnostics, Related

# Relations that record provenance, history or expected contributions rather than what an
# evaluation reads: they are drawn, but they never form a cycle. A measure's contribution to a
# target shows in later monitoring data, not in the target's status at the same moment.
NON_LOGICAL = frozenset(
    {
        "cites",
        "passage",
        "vervangt",
        "stopt",
        "behoudt",
        "onderdeel_van",
        "uitgever",
        "draagt_bij_aan",
        "effect",
    }
)


class PolicyGraph:
    """A thin wrapper so the rest of the code never learns the networkx API."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self.graph = graph

    @classmethod
    def build(cls, policy: Policy) -> PolicyGraph:
        graph = nx.DiGraph()
        for decl in policy.declarations.values():
            graph.add_node(decl.id, kind=decl.kind, title=decl.title, span=decl.span)
        for ref in policy.references:
            if ref.source in graph and ref.target in graph:
                graph.add_edge(ref.source, ref.target, relation=ref.relation, span=ref.span)
        return cls(graph)

    def logical(self) -> nx.DiGraph:
        edges = [
            (a, b) for a, b, rel in self.graph.edges(data="relation") if rel not in NON_LOGICAL
        ]
        return self.graph.edge_subgraph(edges)

    def check_cycles(self, diags: Diagnostics) -> None:
        """One P301 per strongly connected group of declarations, showing one cycle through it."""
        logical = self.logical()
        for component in sorted(nx.strongly_connected_components(logical), key=min):
            if len(component) == 1 and not logical.has_edge(*(2 * [next(iter(component))])):
                continue
            cycle = nx.find_cycle(logical.subgraph(component), source=min(component))
            self._report_cycle(cycle, diags)

    def _report_cycle(self, cycle: list[tuple[str, str]], diags: Diagnostics) -> None:
        path = " → ".join([a for a, _ in cycle] + [cycle[0][0]])
        related = tuple(
            Related(
                f"`{a}` is used here in the definition of `{b}`", self.graph.edges[a, b]["span"]
            )
            for a, b in cycle
        )
        first = cycle[0][0]
        diags.add(
            codes.DEPENDENCY_CYCLE,
            self.graph.nodes[first]["span"],
            f"dependency cycle: {path}",
            hint="a declaration cannot depend on itself; break one of the links",
            related=related,
        )

    def evaluation_order(self) -> list[str]:
        return list(nx.lexicographical_topological_sort(self.logical()))

    def focus(self, node: str) -> PolicyGraph:
        """The subgraph of everything upstream and downstream of `node`, and `node` itself."""
        keep = {node} | nx.ancestors(self.graph, node) | nx.descendants(self.graph, node)
        return PolicyGraph(self.graph.subgraph(keep).copy())

    def without_documents(self) -> PolicyGraph:
        keep = [n for n, kind in self.graph.nodes(data="kind") if kind != "document"]
        return PolicyGraph(self.graph.subgraph(keep).copy())

    # exports ------------------------------------------------------------------
    def to_json(self) -> str:
        nodes = [
            {
                "id": n,
                "kind": d["kind"],
                "title": d["title"],
                "file": d["span"].path,
                "line": d["span"].line,
            }
            for n, d in sorted(self.graph.nodes(data=True))
        ]
        edges = [
            {
                "from": a,
                "to": b,
                "relation": d["relation"],
                "file": d["span"].path,
                "line": d["span"].line,
            }
            for a, b, d in sorted(self.graph.edges(data=True), key=lambda e: (e[0], e[1]))
        ]
        return json.dumps(
            {"nodes": nodes, "edges": edges}, indent=2, sort_keys=True, ensure_ascii=False
        )

    def to_dot(self) -> str:
        lines = ["digraph policy {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]
        for n, d in sorted(self.graph.nodes(data=True)):
            lines.append(
                f'  "{n}" [label="{_escape(d["kind"])}\\n{_escape(n)}", style=filled, '
                f'fillcolor="{_COLOURS.get(d["kind"], "white")}"];'
            )
        for a, b, rel in sorted(self.graph.edges(data="relation")):
            lines.append(f'  "{a}" -> "{b}" [label="{_escape(rel)}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_mermaid(self) -> str:
        lines = ["flowchart LR"]
        for n, d in sorted(self.graph.nodes(data=True)):
            lines.append(f'  {n}["{d["kind"]}: {_mermaid_text(n)}"]')
        for a, b, rel in sorted(self.graph.edges(data="relation")):
            lines.append(f"  {a} -->|{rel}| {b}")
        return "\n".join(lines) + "\n"


_COLOURS = {
    "document": "#eeeeee",
    "actor": "#fde9c9",
    "indicator": "#d6eaf8",
    "doel": "#d5f5e3",
    "maatregel": "#fcf3cf",
    "begroting": "#fdebd0",
    "trigger": "#fadbd8",
    "verplichting": "#ebdef0",
    "handhaving": "#f5b7b1",
    "borging": "#d1f2eb",
    "besluit": "#e8daef",
    "verbod": "#f9e79f",
    "bevinding": "#ffffff",
    "buiten_scope": "#eeeeee",
}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")
