"""The topic graph as a ``networkx.DiGraph``, and its JSON form (node-link, no pickle).

Nodes are topic ids with attributes ``name``, ``aliases``, ``sources``, ``summary``,
``stage``, ``order`` and ``stage_ranks``; edges carry ``kind`` (``"prerequisite"`` or ``"part_of"``),
``evidence`` (list of dicts) and ``strength``.

>>> g = build_graph([Topic("a", "A")], [Edge("a", "a2", "part_of")], order={"a": (0, 1)})
Traceback (most recent call last):
...
ValueError: edge a → a2 names an unknown topic
>>> g = build_graph([Topic("a", "A"), Topic("b", "B")], [Edge("a", "b", "prerequisite")])
>>> topic_from_node(graph_from_json(graph_to_json(g)), "b").name
'B'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import networkx as nx

from kb.model import Edge, Evidence, Source, Topic


def build_graph(topics: Iterable[Topic], edges: Iterable[Edge],
                order: dict[str, tuple[int, int]] | None = None,
                stage_ranks: dict[str, list[tuple[int, int]]] | None = None) -> nx.DiGraph:
    """A DiGraph with one node per topic and one edge per relation.

    ``stage_ranks``: topic id → ``(document position, stage index)`` for every stage it sits in, stored
    as the node attribute ``stage_ranks`` (study paths never step past the goal's stage).
    """
    graph = nx.DiGraph()
    for position, topic in enumerate(topics):
        graph.add_node(
            topic.id, name=topic.name, aliases=list(topic.aliases),
            sources=[asdict(s) for s in topic.sources], summary=topic.summary, stage=topic.stage,
            order=list((order or {}).get(topic.id, (0, position))),
            stage_ranks=[list(r) for r in (stage_ranks or {}).get(topic.id, ())],
        )
    for edge in edges:
        if edge.source not in graph or edge.target not in graph:
            raise ValueError(f"edge {edge.source} → {edge.target} names an unknown topic")
        graph.add_edge(edge.source, edge.target, kind=edge.kind, strength=edge.strength,
                       evidence=[asdict(e) for e in edge.evidence])
    return graph


def topic_from_node(graph: nx.DiGraph, node: str) -> Topic:
    """The ``Topic`` stored at ``node``."""
    data = graph.nodes[node]
    return Topic(
        id=node, name=data["name"], aliases=tuple(data.get("aliases", ())),
        sources=tuple(Source(**s) for s in data.get("sources", ())),
        summary=data.get("summary", ""), stage=data.get("stage", ""),
    )


def edge_from_graph(graph: nx.DiGraph, source: str, target: str) -> Edge:
    """The ``Edge`` stored between ``source`` and ``target``."""
    data = graph.edges[source, target]
    return Edge(source, target, data["kind"], tuple(Evidence(**e) for e in data.get("evidence", ())))


def graph_to_json(graph: nx.DiGraph) -> dict[str, Any]:
    """Node-link data, the JSON form stored in ``graph.json`` and exported with ``--format json``."""
    return nx.node_link_data(graph, edges="links")


def graph_from_json(data: dict[str, Any]) -> nx.DiGraph:
    """Inverse of ``graph_to_json``."""
    graph = nx.node_link_graph(data, directed=True, multigraph=False, edges="links")
    return graph


def prerequisite_view(graph: nx.DiGraph) -> nx.DiGraph:
    """Only the prerequisite edges (a read-only view)."""
    return nx.subgraph_view(graph, filter_edge=lambda u, v: graph.edges[u, v]["kind"] == "prerequisite")


def part_of_view(graph: nx.DiGraph) -> nx.DiGraph:
    """Only the part_of edges, subtopic → topic (a read-only view)."""
    return nx.subgraph_view(graph, filter_edge=lambda u, v: graph.edges[u, v]["kind"] == "part_of")
