"""Read nodes and arrows out of a mermaid ``graph``/``flowchart`` block.

>>> from ingest.clean import Line
>>> nodes, arrows = parse_mermaid([Line(1, "graph LR"), Line(2, "A[神经网络]"), Line(3, "B[深度学习]"),
...                                Line(4, "A --> B"), Line(5, "B -->|用于| C[特征提取]")])
>>> [(a.source, a.target, a.line) for a in arrows]
[('神经网络', '深度学习', 4), ('深度学习', '特征提取', 5)]
>>> sorted(nodes)
['深度学习', '特征提取', '神经网络']
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.clean import Line

NODE = re.compile(r"([A-Za-z_][\w-]*)\s*(?:\[\[|\[\(?|\(\(?|\{\{?|>)\s*\"?([^\]\)\}\"]+?)\"?\s*(?:\]\]|\)?\]|\)\)?|\}\}?)")
# No blanks around the arrow in the pattern (parts are stripped): "\s*" first would rescan long blank runs.
ARROW = re.compile(r"(?:-->|==>|-\.->|--[^-]+-->|---)(?:\s*+\|[^|]*\|)?")
HEADER = re.compile(r"^\s*(?:graph|flowchart)\b", re.IGNORECASE)


class MermaidArrow(NamedTuple):
    """One arrow between two node labels."""

    source: str  #: label of the node the arrow leaves
    target: str  #: label of the node it points to
    line: int  #: line of the arrow in the original file
    text: str  #: the arrow as written, with labels resolved, e.g. "神经网络 --> 深度学习"


def parse_mermaid(lines: list[Line]) -> tuple[dict[str, int], list[MermaidArrow]]:
    """Node labels (with the line each is first defined on) and arrows of a mermaid graph."""
    if not lines or not HEADER.match(lines[0].text):
        return {}, []
    labels: dict[str, str] = {}
    first_line: dict[str, int] = {}
    steps: list[tuple[list[str], int]] = []
    for line in lines[1:]:
        for node_id, label in NODE.findall(line.text):
            labels.setdefault(node_id, label.strip())
            first_line.setdefault(labels[node_id], line.number)
        parts = [p.strip() for p in ARROW.split(line.text.strip()) if p.strip()]
        if len(parts) >= 2:
            steps.append(([_node_id(p) for p in parts], line.number))
    arrows = []
    for ids, number in steps:
        for a, b in zip(ids, ids[1:]):
            source, target = labels.get(a, a), labels.get(b, b)
            first_line.setdefault(source, number)
            first_line.setdefault(target, number)
            arrows.append(MermaidArrow(source, target, number, f"{source} --> {target}"))
    return first_line, arrows


def _node_id(part: str) -> str:
    match = re.match(r"\s*([A-Za-z_][\w-]*)", part)
    return match.group(1) if match else part.strip()
