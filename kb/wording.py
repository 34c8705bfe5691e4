"""Sentences shown to learners: why a step is on a path, what an edge means."""

from __future__ import annotations

from typing import Any

import networkx as nx

KIND_WORDS = {
    "explicit": "文中明确指出",
    "mermaid": "文中的流程图箭头",
    "arrow": "文中的箭头图",
    "stage": "学习阶段的先后顺序",
    "sibling": "文中的排列顺序",
    "structure": "文中的层级结构",
}


def cite(evidence: dict[str, Any]) -> str:
    """One piece of evidence as ``kind（document 第N行：“sentence”）``.

    >>> cite({"kind": "explicit", "document": "a.md", "line": 3, "sentence": "线性代数是神经网络的基础。"})
    '文中明确指出（a.md 第3行：“线性代数是神经网络的基础。”）'
    """
    sentence = evidence["sentence"]
    sentence = sentence if len(sentence) <= 80 else sentence[:79] + "…"
    return f"{KIND_WORDS.get(evidence['kind'], evidence['kind'])}（{evidence['document']} 第{evidence['line']}行：“{sentence}”）"


def strongest(evidence: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most trustworthy piece of evidence."""
    order = list(KIND_WORDS)
    return min(evidence, key=lambda e: order.index(e["kind"]) if e["kind"] in order else 99, default=None)


def describe_reason(why: str, name: str, related: str, evidence: list[dict[str, Any]]) -> str:
    """Why ``name`` is on a study path.

    >>> describe_reason("part", "线性代数", "数学基础", [])
    '「线性代数」是「数学基础」的组成部分。'
    """
    best = strongest(evidence)
    source = f"依据：{cite(best)}" if best else ""
    if why == "goal":
        return "这是你的学习目标。"
    if why == "part":
        return f"「{name}」是「{related}」的组成部分。" + source
    if why == "inherited":
        return f"学习「{related}」的内容之前需要先掌握「{name}」。" + source
    return f"「{name}」要在「{related}」之前学。" + source


def describe_link(graph: nx.DiGraph, u: str, v: str, relation: str) -> str:
    """One link of an explanation chain, with its source."""
    a, b = graph.nodes[u]["name"], graph.nodes[v]["name"]
    if relation == "includes":
        data = graph.edges[v, u]
        return f"「{b}」是「{a}」的组成部分 — {cite(data['evidence'][0])}" if data["evidence"] else f"「{b}」是「{a}」的组成部分"
    best = strongest(graph.edges[u, v]["evidence"])
    if relation == "part_of":
        return f"「{a}」是「{b}」的组成部分" + (f" — {cite(best)}" if best else "")
    return f"「{a}」在「{b}」之前" + (f" — {cite(best)}" if best else "")
