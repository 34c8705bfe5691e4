"""The neighbourhood of one topic drawn as inline SVG in stage lanes, readable at 1280 px.

One horizontal band per stage (label on the left), the focus mid-row in its lane and
every other topic under the topics it links to (wrapped onto more rows past five), each
box holding its name on up to two lines at 14 px. Arrows run from what comes first to
what comes next, dashed lines join a part to its whole; study-path topics are orange
with their step number, known ones green, the goal red, the focus outlined in blue. A
lane with topics that did not fit ends in a "+N more" box.

The SVG is inline (its names are page text a reader can select and a test can find)
and carries text only: every name is escaped, ``{`` and ``$`` too, so neither markup
nor a template placeholder in a document survives as anything but characters.

>>> from ui.neighbourhood import Lane, Neighbourhood, Node
>>> hood = Neighbourhood("b", (Lane("S1", (Node("a", "A<i>", "prerequisite", 1),)),
...                            Lane("S2", (Node("b", "B", "focus", 0),), more=2)), (("a", "b", "prerequisite"),), ())
>>> svg = neighbourhood_svg(hood)
>>> "A&lt;i&gt;" in svg, svg.count('class="node"'), "+2" in svg
(True, 2, True)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from ui.graph_view import COLOURS, FONT, Highlight
from ui.neighbourhood import Neighbourhood, Node

WIDTH = 1180  #: picture width; the Gradio page at 1280 px leaves about this much
MARGIN, LABEL_W, HEAD_H = 12, 196, 62  #: outer margin, lane label column, title + legend height
BOX_W, BOX_H, GAP_X, GAP_Y, LANE_PAD = 176, 46, 18, 22, 16  #: topic boxes and the space around them
FONT_PX, LABEL_PX, SMALL_PX = 14, 13, 12
PER_ROW = (WIDTH - 2 * MARGIN - LABEL_W + GAP_X) // (BOX_W + GAP_X)  #: boxes per lane row (5)
NO_STAGE = "无阶段 · No stage"
ROLE_TEXT = {"prerequisite": "前置 · before", "dependent": "后续 · after", "part": "子主题 · part",
             "whole": "所属 · part of", "focus": ""}


def text(value: str) -> str:
    """``value`` escaped for SVG text or an attribute: markup, quotes and template placeholders inert.

    >>> text('<b a="1">${x} {{y}}</b>')
    '&lt;b a=&quot;1&quot;&gt;&#36;&#123;x&#125; &#123;&#123;y&#125;&#125;&lt;/b&gt;'
    """
    return escape(value, {'"': "&quot;", "'": "&#39;", "{": "&#123;", "}": "&#125;", "$": "&#36;"})


def text_width(value: str, px: int = FONT_PX) -> float:
    """Rough rendered width: a CJK, full-width or arrow character is one em, others about 0.6 em.

    >>> text_width("注意力"), text_width("LoRA")
    (42, 33.6)
    """
    return sum(px if ord(ch) >= 0x2E80 or 0x2190 <= ord(ch) <= 0x21FF else 0.6 * px for ch in value)


_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+#/_-]*|\s+|.")  #: a Latin word, a space run, or one character


def _greedy(value: str, width: float, px: int) -> list[str]:
    """``value`` in lines of at most ``width`` pixels, filled one by one, breaking between words or CJK
    characters (a word wider than a line is cut)."""
    tokens = [t for word in _TOKEN.findall(value.strip()) for t in
              ([word] if text_width(word, px) <= width else list(word))]
    out, line = [], ""
    for token in tokens:
        if line and text_width(line + token, px) > width:
            out.append(line.strip())
            line = ""
        if line or not token.isspace():
            line += token
    return [*out, line.strip()] if line.strip() else out


def wrap(value: str, width: float, lines: int = 2, px: int = FONT_PX) -> list[str]:
    """``value`` in at most ``lines`` lines of ``width`` pixels, as even as possible and not splitting a word;
    the last line ends in "…" when the text does not fit.

    >>> wrap("Retrieval Augmented Generation", 160)
    ['Retrieval Augmented', 'Generation']
    >>> wrap("深度学习与Transformer架构", 180)
    ['深度学习与', 'Transformer架构']
    >>> wrap("多" * 30, 56, lines=2)
    ['多多多多', '多多多…']
    """
    best = _greedy(value, width, px)
    if len(best) > lines:
        last = " ".join(best[lines - 1:])
        while last and text_width(last + "…", px) > width:
            last = last[:-1].rstrip()
        return [*best[:lines - 1], last + "…"]
    narrower = width
    while len(best) > 1:  # the narrowest width that needs no more lines reads best
        narrower -= px / 2
        trial = _greedy(value, narrower, px)
        if len(trial) > len(best):
            break
        best = trial
    return best


def _rows(count: int) -> int:
    return max(1, -(-count // PER_ROW))


Box = tuple[int, int]  #: top-left corner of a box


def layout(hood: Neighbourhood, top: int = HEAD_H) -> tuple[dict[str, Box], list[tuple[int, int, int]], int]:
    """Top-left corner of every topic box, each lane's (top, height, slots used), and the picture height.

    The focus sits mid-lane; the other lanes, nearest to the focus lane first, put each topic under (or
    over) the mean position of the topics it links to that are already placed, so arrows run short and
    cross less (the barycentre heuristic).
    """
    bands: list[tuple[int, int, int]] = []
    y = top
    for lane in hood.lanes:
        slots = len(lane.nodes) + (1 if lane.more else 0)
        height = 2 * LANE_PAD + _rows(slots) * BOX_H + (_rows(slots) - 1) * GAP_Y
        bands.append((y, height, slots))
        y += height
    near: dict[str, list[str]] = {}
    for u, v, _ in hood.links:
        near.setdefault(u, []).append(v)
        near.setdefault(v, []).append(u)
    home = next((i for i, lane in enumerate(hood.lanes) if any(n.id == hood.focus for n in lane.nodes)), 0)
    pos: dict[str, tuple[int, int]] = {}
    for i in sorted(range(len(hood.lanes)), key=lambda i: (abs(i - home), i)):
        top, _, slots = bands[i]
        nodes = list(hood.lanes[i].nodes)
        if i == home:
            nodes = _focus_mid(nodes, hood.focus)
        else:
            def centre(k: int, node: Node) -> float:
                placed = [pos[m][0] for m in near.get(node.id, ()) if m in pos]
                return sum(placed) / len(placed) if placed else _slot(top, k, slots)[0]
            nodes = [n for _, _, n in sorted((centre(k, n), k, n) for k, n in enumerate(nodes))]
        pos.update({node.id: _slot(top, k, slots) for k, node in enumerate(nodes)})
    return pos, bands, y + MARGIN


def _focus_mid(nodes: list[Node], focus: str) -> list[Node]:
    """The focus lane with what comes before the focus on its left, the rest on its right, the focus mid-row."""
    left = [n for n in nodes if n.role in ("prerequisite", "whole")]
    right = [n for n in nodes if n.role not in ("prerequisite", "whole", "focus")]
    while len(right) > len(left) + 1:
        left.append(right.pop(0))
    return [*left, *(n for n in nodes if n.id == focus), *right]


def _slot(top: int, i: int, slots: int) -> tuple[int, int]:
    """Top-left corner of box ``i`` of a lane of ``slots`` boxes; each row centred, so arrows run short."""
    row, col = divmod(i, PER_ROW)
    in_row = min(PER_ROW, slots - row * PER_ROW)
    indent = (PER_ROW - in_row) * (BOX_W + GAP_X) // 2
    return (MARGIN + LABEL_W + indent + col * (BOX_W + GAP_X), top + LANE_PAD + row * (BOX_H + GAP_Y))


def _fill(node: Node, mark: Highlight) -> str:
    if node.id == mark.goal:
        return COLOURS["goal"]
    if node.step:
        return COLOURS["path"]
    return COLOURS["known"] if node.id in mark.known else COLOURS["plain"]


def _gap(name: str, lines: list[str], i: int) -> str:
    """The space a line break replaced, kept at the line's end so the page text still reads as the name."""
    return " " if i + 1 < len(lines) and f"{lines[i]} {lines[i + 1]}" in name else ""


def _node_svg(node: Node, x: int, y: int, mark: Highlight) -> str:
    focus = node.role == "focus"
    stroke, width = ("#1f6feb", 3) if focus else ("#c0392b", 2) if node.id == mark.goal else ("#8a94a6", 1)
    lines = wrap(node.name, BOX_W - 16)
    first = y + BOX_H / 2 - (len(lines) - 1) * 9 + 5
    words = "".join(f'<tspan x="{x + BOX_W / 2}" y="{first + i * 18:.0f}">{text(line + _gap(node.name, lines, i))}'
                    '</tspan>' for i, line in enumerate(lines))
    badge = (f'<circle cx="{x + 2}" cy="{y + 2}" r="10" fill="#d35400"/><text x="{x + 2}" y="{y + 6}" '
             f'text-anchor="middle" font-size="{SMALL_PX - 1}" fill="white" font-weight="bold">{node.step}</text>'
             if node.step else "")
    role = f"（{ROLE_TEXT[node.role]}）" if ROLE_TEXT.get(node.role) else ""
    bold = ' font-weight="bold"' if focus else ""
    return (f'<g class="node" data-role="{text(node.role)}" data-name="{text(node.name)}" style="cursor:pointer">'
            f'<title>{text(node.name + role)}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="{_fill(node, mark)}" '
            f'stroke="{stroke}" stroke-width="{width}"/>'
            f'<text text-anchor="middle" font-size="{FONT_PX}"{bold}>'
            f'{words}</text>{badge}</g>')


def _side(a: tuple[int, int], b: tuple[int, int]) -> tuple[str, str]:
    """Which sides of boxes ``a`` and ``b`` an edge between them leaves and enters."""
    if b[1] != a[1]:
        return ("bottom", "top") if b[1] > a[1] else ("top", "bottom")
    return ("top", "top") if abs(b[0] - a[0]) > BOX_W + GAP_X else ("side", "side")


def ports(links: Sequence[tuple[str, str, str]], pos: dict[str, tuple[int, int]]) -> dict[tuple[int, int], float]:
    """x of both ends of every link (index, 0 = start, 1 = end), spread along the box side in the order of
    the other ends, so five arrows into one box arrive side by side instead of at one point.

    >>> pos = {"a": (0, 0), "b": (400, 0), "c": (0, 200)}
    >>> ports([("a", "c", "prerequisite"), ("b", "c", "prerequisite")], pos)[(1, 1)] > BOX_W / 2
    True
    """
    sides: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for i, (u, v, _) in enumerate(links):
        su, sv = _side(pos[u], pos[v])
        sides.setdefault((u, su), []).append((pos[v][0], i, 0))
        sides.setdefault((v, sv), []).append((pos[u][0], i, 1))
    found: dict[tuple[int, int], float] = {}
    for (node, _), ends in sides.items():
        ends.sort()
        for j, (_, i, end) in enumerate(ends):
            found[(i, end)] = pos[node][0] + BOX_W * (j + 1) / (len(ends) + 1)
    return found


def _edge_svg(a: tuple[int, int], b: tuple[int, int], xa: float, xb: float, kind: str, on_path: bool) -> str:
    side = _side(a, b)
    if side == ("bottom", "top"):
        y1, y2 = a[1] + BOX_H, b[1]
    elif side == ("top", "bottom"):  # upwards: a stage order the documents disagree on, or the no-stage lane
        y1, y2 = a[1], b[1] + BOX_H
    else:
        y1 = y2 = a[1]
    if side == ("side", "side"):
        x1, x2 = (a[0] + BOX_W, b[0]) if a[0] < b[0] else (a[0], b[0] + BOX_W)
        d = f"M{x1},{a[1] + BOX_H // 2} L{x2},{b[1] + BOX_H // 2}"
    elif side == ("top", "top"):  # same row with boxes in between: arc over them
        d = f"M{xa:.0f},{y1} C{xa:.0f},{y1 - LANE_PAD} {xb:.0f},{y2 - LANE_PAD} {xb:.0f},{y2}"  # stays in the lane
    else:
        mid = (y1 + y2) / 2
        d = f"M{xa:.0f},{y1} C{xa:.0f},{mid:.0f} {xb:.0f},{mid:.0f} {xb:.0f},{y2}"
    arrow = kind != "part_of"
    if on_path:
        style = 'stroke="#e67e22" stroke-width="2.4"' + (' marker-end="url(#hood-arrow-path)"' if arrow else "")
    else:
        style = 'stroke="#7d8797" stroke-width="1.4"' + (' marker-end="url(#hood-arrow)"' if arrow else "")
    if not arrow:
        style += ' stroke-dasharray="5 4"'
    return f'<path d="{d}" fill="none" {style}/>'


def _lane_svg(stage: str, top: int, height: int, shade: bool) -> str:
    label = wrap(stage or NO_STAGE, LABEL_W - 20, lines=3, px=LABEL_PX)
    first = top + height / 2 - (len(label) - 1) * 8 + 4
    words = "".join(f'<tspan x="{MARGIN + 10}" y="{first + i * 16:.0f}">{text(line)}</tspan>'
                    for i, line in enumerate(label))
    return (f'<rect x="{MARGIN}" y="{top}" width="{WIDTH - 2 * MARGIN}" height="{height}" '
            f'fill="{"#f3f6fa" if shade else "#ffffff"}" stroke="#e1e6ee"/>'
            f'<text class="lane" font-size="{LABEL_PX}" fill="#3d4756" font-weight="bold">{words}</text>')


def _more_svg(count: int, top: int, slots: int) -> str:
    x, y = _slot(top, slots - 1, slots)
    return (f'<g class="more"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="white" '
            f'stroke="#8a94a6" stroke-dasharray="4 3"/><text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" '
            f'text-anchor="middle" font-size="{FONT_PX}" fill="#3d4756">+{count} 个未显示 · more</text></g>')


def _legend(path_to: str) -> tuple[str, int]:
    """The legend from y = 32 on, wrapped onto a new row where it would pass the right edge; and its bottom."""
    route = f"学习路径 · path to {path_to}, numbered" if path_to else "学习路径 · study path, numbered"
    keys = [("path", route), ("known", "已掌握 · known"), ("goal", "目标 · goal"),
            ("selected", "所选主题 · selected"), ("arrow", "先学 → 后学 · first → next"), ("part", "子主题 · part of")]
    parts, x, y = [], MARGIN, 32
    for key, label in keys:
        width = 24 + int(text_width(label, SMALL_PX))
        if x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + 22
        if key in COLOURS:
            parts.append(f'<rect x="{x}" y="{y}" width="18" height="14" rx="3" fill="{COLOURS[key]}" '
                         'stroke="#8a94a6"/>')
        elif key == "selected":
            parts.append(f'<rect x="{x}" y="{y}" width="18" height="14" rx="3" fill="white" stroke="#1f6feb" '
                         'stroke-width="3"/>')
        else:
            dash = ' stroke-dasharray="5 4"' if key == "part" else ' marker-end="url(#hood-arrow)"'
            parts.append(f'<path d="M{x},{y + 7} h18" stroke="#7d8797" stroke-width="1.4"{dash}/>')
        parts.append(f'<text x="{x + 24}" y="{y + 12}" font-size="{SMALL_PX}">{text(label)}</text>')
        x += width + 22
    return "".join(parts), y + 30


def _head(title: str, summary: str) -> str:
    return (f'<text x="{MARGIN}" y="20" font-size="15" font-weight="bold">{text(title)}</text>'
            f'<text x="{WIDTH - MARGIN}" y="20" font-size="{LABEL_PX}" text-anchor="end" fill="#3d4756">'
            f'{text(summary)}</text>')


def summary_text(hood: Neighbourhood) -> str:
    """One line on what is shown and what was left out.

    >>> from ui.neighbourhood import Lane, Node
    >>> summary_text(Neighbourhood("a", (Lane("", (Node("a", "A", "focus", 0),)),), (), (("dependent", 3),)))
    '1 个主题 · 1 topics; +3 后续 · dependents not shown'
    """
    shown = f"{len(hood.nodes)} 个主题 · {len(hood.nodes)} topics"
    names = {"prerequisite": "前置 · prerequisites", "dependent": "后续 · dependents",
             "part": "子主题 · parts", "whole": "所属 · wholes"}
    hidden = ", ".join(f"+{count} {names[role]}" for role, count in hood.hidden)
    return f"{shown}; {hidden} not shown" if hidden else shown


def neighbourhood_svg(hood: Neighbourhood, mark: Highlight | None = None, path_to: str = "") -> str:
    """The SVG element of ``hood`` with ``mark``'s known topics and goal coloured; the numbered path leads
    to ``path_to`` (a name, for the legend)."""
    mark = mark or Highlight()
    legend, head_h = _legend(path_to)
    pos, bands, height = layout(hood, head_h)
    by_id = {n.id: n for n in hood.nodes}
    lanes = [_lane_svg(lane.stage, top, h, i % 2 == 0) for i, (lane, (top, h, _)) in enumerate(zip(hood.lanes, bands))]
    more = [_more_svg(lane.more, top, slots) for lane, (top, _, slots) in zip(hood.lanes, bands) if lane.more]
    links = sorted(hood.links, key=lambda e: bool(by_id[e[0]].step and by_id[e[1]].step))  # path on top
    at = ports(links, pos)
    edges = [_edge_svg(pos[u], pos[v], at[(i, 0)], at[(i, 1)], kind, bool(by_id[u].step and by_id[v].step))
             for i, (u, v, kind) in enumerate(links)]
    nodes = [_node_svg(n, *pos[n.id], mark) for n in hood.nodes]
    focus = by_id[hood.focus].name if hood.focus in by_id else ""
    heading = f"「{focus}」的周边 · Around {focus}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" role="img" aria-label="{text(heading)}">'
            '<defs>' + _markers() + '</defs>'
            f'{_head(heading, summary_text(hood))}{legend}'
            f'{"".join(lanes)}{"".join(edges)}{"".join(nodes)}{"".join(more)}'
            '</svg>')


def _markers() -> str:
    return "".join(f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                   f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
                   for name, colour in (("hood-arrow", "#7d8797"), ("hood-arrow-path", "#e67e22")))


def neighbourhood_html(hood: Neighbourhood, mark: Highlight | None = None, path_to: str = "") -> str:
    """``hood`` as inline SVG in a box that scrolls sideways on a narrower page instead of shrinking the text."""
    return (f'<div class="graph-neighbourhood" data-nodes="{len(hood.nodes)}" '
            f'style="overflow-x:auto;border:1px solid #d0d7de;border-radius:6px">'
            f'{neighbourhood_svg(hood, mark, path_to)}</div>')
