"""Export the topic graph: JSON (node-link), GraphML, Mermaid.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("la", name="线性代数", aliases=[], sources=[], summary="", stage="", order=[0, 1])
>>> g.add_node("nn", name="神经网络", aliases=[], sources=[], summary="", stage="", order=[0, 2])
>>> g.add_edge("la", "nn", kind="prerequisite", strength=4.0, evidence=[])
>>> print(to_mermaid(g))
graph LR
  n0["线性代数"]
  n1["神经网络"]
  n0 --> n1
"""

from __future__ import annotations

import io
import json

import networkx as nx

from kb.graph import graph_to_json


def to_json(graph: nx.DiGraph) -> str:
    """Node-link JSON, the same data as ``graph.json`` in the knowledge base."""
    return json.dumps(graph_to_json(graph), ensure_ascii=False, indent=1)


def to_graphml(graph: nx.DiGraph) -> str:
    """GraphML; list- and dict-valued attributes are stored as JSON strings."""
    flat = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items()})
    for u, v, data in graph.edges(data=True):
        flat.add_edge(u, v, **{k: _scalar(val) for k, val in data.items()})
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def _scalar(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool)) else json.dumps(value, ensure_ascii=False)


def to_mermaid(graph: nx.DiGraph) -> str:
    """A mermaid flowchart: solid arrows for prerequisites, dotted arrows for part_of."""
    ids = {node: f"n{i}" for i, node in enumerate(graph)}
    lines = ["graph LR"]
    lines += [f'  {ids[n]}["{_label(d["name"])}"]' for n, d in graph.nodes(data=True)]
    for u, v, data in graph.edges(data=True):
        arrow = "-->" if data["kind"] == "prerequisite" else "-.->|part of|"
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
    return "\n".join(lines)


def _label(name: str) -> str:
    return name.replace('"', "'")
