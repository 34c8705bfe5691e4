"""Sentences shown to learners: why a step is on a path, what an edge means."""

from __future__ import annotations

import re
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


KIND_WORDS_EN = {
    "explicit": "stated in the text",
    "mermaid": "an arrow of the document's flowchart",
    "arrow": "an arrow diagram in the text",
    "stage": "the order of the learning stages",
    "sibling": "the order of the document's items",
    "structure": "the document's outline",
}
#: The sentences ingest writes for order and structure it observed (not quotes), and their English.
_OBSERVED_EN = (
    (re.compile(r"^「(.+)」列在「(.+)」之下$"), '"{0}" is listed under "{1}"'),
    (re.compile(r"^「(.+)」排在「(.+)」之前（同属「(.*)」）$"), '"{0}" is listed before "{1}" (both under "{2}")'),
    (re.compile(r"^「(.+)」在「(.+)」之前$"), '"{0}" comes before "{1}"'),
)


def cite(evidence: dict[str, Any], zh: bool = True) -> str:
    """One piece of evidence as ``kind（document 第N行：“sentence”）``, or in English ``kind (document, line N: "sentence")``.

    >>> cite({"kind": "explicit", "document": "a.md", "line": 3, "sentence": "线性代数是神经网络的基础。"})
    '文中明确指出（a.md 第3行：“线性代数是神经网络的基础。”）'
    >>> print(cite({"kind": "structure", "document": "a.md", "line": 9, "sentence": "「Embeddings」列在「RAG」之下"}, zh=False))
    the document's outline (a.md, line 9: "Embeddings" is listed under "RAG")
    """
    sentence = evidence["sentence"]
    sentence = sentence if len(sentence) <= 80 else sentence[:79] + "…"
    if zh:
        return f"{KIND_WORDS.get(evidence['kind'], evidence['kind'])}（{evidence['document']} 第{evidence['line']}行：“{sentence}”）"
    observed = next((english.format(*m.groups()) for pattern, english in _OBSERVED_EN
                     if (m := pattern.match(sentence))), None)
    said = observed or f'"{sentence}"'
    return f"{KIND_WORDS_EN.get(evidence['kind'], evidence['kind'])} ({evidence['document']}, line {evidence['line']}: {said})"


def strongest(evidence: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The most trustworthy piece of evidence."""
    order = list(KIND_WORDS)
    return min(evidence, key=lambda e: order.index(e["kind"]) if e["kind"] in order else 99, default=None)


def describe_reason(why: str, name: str, related: str, evidence: list[dict[str, Any]], zh: bool = True) -> str:
    """Why ``name`` is on a study path, in Chinese or (``zh=False``) English.

    >>> describe_reason("part", "线性代数", "数学基础", [])
    '「线性代数」是「数学基础」的组成部分。'
    >>> describe_reason("inherited", "Geometry", "Rendering", [], zh=False)
    'Geometry comes before what Rendering covers.'
    """
    best = strongest(evidence)
    if not zh:
        source = f" Evidence: {cite(best, zh=False)}." if best else ""
        sentence = {"goal": "This is your goal.", "part": f"{name} is part of {related}.",
                    "inherited": f"{name} comes before what {related} covers."}.get(why, f"{name} comes before {related}.")
        return sentence + ("" if why == "goal" else source)
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
