"""Keep the prerequisite relation acyclic, strongest evidence first, and say what was dropped.

Ordering constraints are prerequisite edges plus "a part comes before its whole"
(subtopic → topic). Edges are added strongest first; one that would close a cycle
is dropped and reported with the cycle it would have closed.

>>> from kb.model import Edge, Evidence
>>> ev = lambda kind: (Evidence(kind, "d.md", 1, "…"),)
>>> kept, dropped = make_acyclic([Edge("a", "b", "prerequisite", ev("explicit")),
...                               Edge("b", "a", "prerequisite", ev("sibling"))])
>>> [(e.source, e.target) for e in kept], [(d.edge.source, d.edge.target) for d in dropped]
([('a', 'b')], [('b', 'a')])
"""

from __future__ import annotations

import networkx as nx

from kb.model import DroppedEdge, Edge


def make_acyclic(edges: list[Edge]) -> tuple[list[Edge], list[DroppedEdge]]:
    """Split ``edges`` into those kept and those dropped to avoid cycles."""
    order = nx.DiGraph()
    kept: list[Edge] = []
    dropped: list[DroppedEdge] = []
    ranked = sorted(edges, key=lambda e: (e.kind != "part_of", -e.strength, e.source, e.target))
    for edge in ranked:
        source, target = (edge.source, edge.target)
        if source == target:
            dropped.append(DroppedEdge(edge, f"{source} cannot come before itself"))
            continue
        if order.has_node(target) and order.has_node(source) and nx.has_path(order, target, source):
            cycle = nx.shortest_path(order, target, source)
            dropped.append(DroppedEdge(edge, _reason(edge, cycle)))
            continue
        order.add_edge(source, target)
        kept.append(edge)
    return kept, dropped


def _reason(edge: Edge, cycle: list[str]) -> str:
    kinds = ", ".join(sorted({e.kind for e in edge.evidence})) or "no evidence"
    path = " → ".join([edge.source, *cycle])  # the new edge, then the kept path back to its source
    return (f"{edge.source} → {edge.target} ({edge.kind}, {kinds}, strength {edge.strength:g}) would close "
            f"the cycle {path}, whose other edges have stronger evidence")
