"""A static SVG picture of the topic graph, drawn top to bottom by learning order.

Topics are placed in layers by their longest prerequisite chain (subtopics below what
they are part of), ordered inside a layer by the barycentre of their neighbours to cut
crossings; a layer wider than the picture wraps onto more lines, so the picture keeps
a page's width and grows downwards (readable at a few hundred topics). Known topics, the current study path and the goal are
coloured. Every name is XML-escaped: the SVG carries text only, no script.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("a", name="A<b>"); g.add_node("b", name="B")
>>> g.add_edge("a", "b", kind="prerequisite")
>>> layers(g)
{'a': 0, 'b': 1}
>>> "A&lt;b&gt;" in graph_svg(g)
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape

import networkx as nx

BOX_W, BOX_H, GAP_X, LINE_H, LAYER_GAP, MARGIN, LEGEND_H = 152, 22, 16, 34, 26, 16, 34
PER_LINE = 7  #: boxes per line: 7 x (152 + 16) fits a 1,200-pixel-wide page
MAX_CHARS = 20  #: label width in half-width units (a CJK character counts 2)
COLOURS = {"plain": "#f5f7fa", "known": "#c8efc8", "path": "#ffd9a8", "goal": "#ffb3a7"}
FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"


@dataclass(frozen=True)
class Highlight:
    """What to colour on the picture (topic ids)."""

    known: frozenset[str] = frozenset()  #: topics the learner knows
    path: tuple[str, ...] = ()  #: the current study path, in order
    goal: str = ""  #: the goal of the path
    selected: str = ""  #: the topic shown in the details panel


def _edges(graph: nx.DiGraph, kind: str) -> list[tuple[str, str]]:
    return [(u, v) for u, v, k in graph.edges(data="kind") if k == kind]


def layers(graph: nx.DiGraph) -> dict[str, int]:
    """Column of every topic: the length of its longest chain of prerequisites (parts after their whole)."""
    order = nx.DiGraph()
    order.add_nodes_from(graph)
    order.add_edges_from(_edges(graph, "prerequisite"))
    order.add_edges_from((whole, part) for part, whole in _edges(graph, "part_of"))
    if not nx.is_directed_acyclic_graph(order):
        order.remove_edges_from([(w, p) for p, w in _edges(graph, "part_of")])
    column: dict[str, int] = {}
    for node in nx.topological_sort(order):
        column[node] = max((column[p] + 1 for p in order.predecessors(node)), default=0)
    return column


def _ordered_columns(graph: nx.DiGraph, column: dict[str, int], sweeps: int = 4) -> list[list[str]]:
    """Nodes of each column, reordered by the mean row of their neighbours (barycentre heuristic)."""
    columns: list[list[str]] = [[] for _ in range(max(column.values(), default=-1) + 1)]
    for node in graph:  # graph order is document order, a sensible start
        columns[column[node]].append(node)
    undirected = graph.to_undirected(as_view=True)
    for sweep in range(sweeps):
        row = {n: i for col in columns for i, n in enumerate(col)}
        for c, col in enumerate(columns):
            side = c - 1 if sweep % 2 == 0 else c + 1

            def centre(n: str, side: int = side) -> float:
                near = [row[m] for m in undirected[n] if column[m] == side]
                return sum(near) / len(near) if near else row[n]
            col.sort(key=centre)
    return columns


def _label(name: str) -> str:
    """``name`` cut to fit a box.

    >>> _label("多头注意力"), _label("x" * 40)[-1]
    ('多头注意力', '…')
    """
    width, out = 0, list[str]()
    for ch in name:
        width += 2 if ord(ch) > 0x2E80 else 1
        if width > MAX_CHARS:
            return "".join(out) + "…"
        out.append(ch)
    return name


def _fill(node: str, mark: Highlight) -> str:
    if node == mark.goal:
        return COLOURS["goal"]
    if node in mark.path:
        return COLOURS["path"]
    return COLOURS["known"] if node in mark.known else COLOURS["plain"]


def _node_svg(graph: nx.DiGraph, node: str, x: int, y: int, mark: Highlight) -> str:
    name = str(graph.nodes[node].get("name", node))
    stroke, width = ("#1f6feb", 3) if node == mark.selected else ("#c0392b", 2) if node == mark.goal else ("#8a94a6", 1)
    return (f'<g><title>{escape(name)}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{_fill(node, mark)}" '
            f'stroke="{stroke}" stroke-width="{width}"/>'
            f'<text x="{x + 6}" y="{y + 15}">{escape(_label(name))}</text></g>')


def _edge_svg(a: tuple[int, int], b: tuple[int, int], kind: str, on_path: bool) -> str:
    (x1, y1), (x2, y2) = (a[0] + BOX_W // 2, a[1] + BOX_H), (b[0] + BOX_W // 2, b[1])
    if y2 <= y1:  # same line (a part placed beside its whole): arc over the top
        x1, y1, x2, y2 = a[0] + BOX_W // 2, a[1], b[0] + BOX_W // 2, b[1]
        d = f"M{x1},{y1} C{x1},{y1 - 18} {x2},{y2 - 18} {x2},{y2}"
    else:
        mid = (y1 + y2) / 2
        d = f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}"
    if on_path:
        style = 'stroke="#e67e22" stroke-width="2.2" marker-end="url(#arrow-path)"'
    elif kind == "part_of":
        style = 'stroke="#b9c2d0" stroke-width="1" stroke-dasharray="4 3"'
    else:
        style = 'stroke="#9aa5b5" stroke-width="1" marker-end="url(#arrow)"'
    return f'<path d="{d}" fill="none" {style}/>'


def positions(columns: list[list[str]]) -> tuple[dict[str, tuple[int, int]], int]:
    """Top-left corner of every box, layers top to bottom wrapped at ``PER_LINE``; and the bottom edge."""
    pos: dict[str, tuple[int, int]] = {}
    y = LEGEND_H + MARGIN
    for layer in columns:
        for i, node in enumerate(layer):
            line, slot = divmod(i, PER_LINE)
            indent = (PER_LINE - min(PER_LINE, len(layer) - line * PER_LINE)) * (BOX_W + GAP_X) // 2
            pos[node] = (MARGIN + indent + slot * (BOX_W + GAP_X), y + line * LINE_H)
        y += -(-len(layer) // PER_LINE) * LINE_H + LAYER_GAP
    return pos, y


def _legend() -> str:
    items = [("plain", "topic"), ("known", "known 已掌握"), ("path", "study path 学习路径"), ("goal", "goal 目标")]
    parts = []
    for i, (key, text) in enumerate(items):
        x = MARGIN + i * 200
        parts.append(f'<rect x="{x}" y="8" width="18" height="14" rx="3" fill="{COLOURS[key]}" stroke="#8a94a6"/>'
                     f'<text x="{x + 24}" y="20">{escape(text)}</text>')
    x = MARGIN + len(items) * 200
    parts.append(f'<path d="M{x},15 h30" stroke="#b9c2d0" stroke-dasharray="4 3"/><text x="{x + 36}" y="20">'
                 f'part of 包含于</text>')
    return "".join(parts)


def graph_svg(graph: nx.DiGraph, mark: Highlight | None = None) -> str:
    """The SVG document of ``graph`` with ``mark`` coloured."""
    mark = mark or Highlight()
    pos, bottom = positions(_ordered_columns(graph, layers(graph)))
    width = MARGIN * 2 + PER_LINE * (BOX_W + GAP_X) - GAP_X
    height = bottom + MARGIN
    steps = set(zip(mark.path, mark.path[1:]))
    path_set = set(mark.path)
    flagged = [(u, v, k, (u, v) in steps or (u in path_set and v in path_set and k != "part_of"))
               for u, v, k in graph.edges(data="kind")]
    flagged.sort(key=lambda e: e[3])  # path edges last, drawn on top
    edges = [_edge_svg(pos[u], pos[v], k, on_path) for u, v, k, on_path in flagged]
    nodes = [_node_svg(graph, n, *pos[n], mark) for n in graph]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b5"/></marker>'
            '<marker id="arrow-path" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#e67e22"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="white"/>{_legend()}{"".join(edges)}{"".join(nodes)}</svg>')


def graph_html(svg: str, max_height: int = 720) -> str:
    """``svg`` as an ``<img>`` (a data URL: the browser never runs anything in it) in a scrolling box."""
    return (f'<div style="overflow:auto;max-height:{max_height}px;border:1px solid #d0d7de;border-radius:6px">'
            f'<img alt="prerequisite graph" style="max-width:none;display:block" '
            f'src="data:image/svg+xml;charset=utf-8,{quote(svg)}"/></div>')


def topic_ids(roadmap: object, names: Iterable[str]) -> set[str]:
    """Ids of the ``names`` that resolve to a topic; the rest are ignored."""
    ids = set()
    for name in names:
        try:
            ids.add(roadmap.topic_id(name))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a stale name in a profile must not break the picture
            continue
    return ids


def highlight_for(roadmap: object, known: Collection[str], path: Iterable[str] = (), goal: str = "",
                  selected: str = "") -> Highlight:
    """A ``Highlight`` from topic names (unknown names are skipped)."""
    resolve = lambda name: next(iter(topic_ids(roadmap, [name])), "") if name else ""  # noqa: E731
    path_ids = tuple(i for i in (resolve(n) for n in path) if i)
    return Highlight(frozenset(topic_ids(roadmap, known)), path_ids, resolve(goal), resolve(selected))
