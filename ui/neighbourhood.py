"""Which topics the graph tab shows around one topic, and in which stage lane.

The whole roadmap (100+ topics) is unreadable as one picture, so the tab draws a
*neighbourhood*: the focus topic, what leads to it (prerequisites, a few steps back),
what it leads to (a step or two forward), its parts and what it is part of. Each
group has a quota and the whole a cap; every related topic that is not drawn (too
far, or past the quota) is counted, never dropped silently. Topics go into lanes, one per stage of the roadmap in learning order, and
topics without a stage into a last lane of their own.

>>> import networkx as nx
>>> from kb import Roadmap
>>> g = nx.DiGraph()
>>> for n, stage in [("a", "S1"), ("b", "S2"), ("c", "S2"), ("d", "")]:
...     g.add_node(n, name=n.upper(), stage=stage)
>>> g.add_edges_from([("a", "b"), ("b", "c"), ("c", "d")], kind="prerequisite", evidence=[])
>>> hood = neighbourhood(Roadmap(g), "b", path=["a", "b"])
>>> [(lane.stage, [n.id for n in lane.nodes]) for lane in hood.lanes]
[('S1', ['a']), ('S2', ['b', 'c']), ('', ['d'])]
>>> [(n.id, n.role, n.step) for n in hood.nodes]
[('a', 'prerequisite', 1), ('b', 'focus', 2), ('c', 'dependent', 0), ('d', 'dependent', 0)]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from kb import Roadmap, Topic

Role = str  #: "focus", "prerequisite", "dependent", "part" or "whole"


@dataclass(frozen=True)
class Limits:
    """How far the neighbourhood reaches and how many topics of each group it shows."""

    prerequisite_depth: int = 3  #: steps back from the focus drawn (prerequisites of prerequisites …)
    dependent_depth: int = 2  #: steps forward drawn
    prerequisites: int = 12  #: at most this many prerequisites, nearest first
    dependents: int = 6  #: at most this many dependents, nearest first
    parts: int = 6  #: at most this many subtopics
    wholes: int = 2  #: at most this many topics the focus is part of

    @property
    def cap(self) -> int:
        """Most topics a neighbourhood can hold (the focus included)."""
        return 1 + self.prerequisites + self.dependents + self.parts + self.wholes


@dataclass(frozen=True)
class Node:
    """One topic on the picture."""

    id: str  #: topic id
    name: str  #: display name (untrusted document text: escape it)
    role: Role  #: how it relates to the focus
    distance: int  #: steps from the focus (0 for the focus, its parts and wholes)
    step: int = 0  #: 1-based position on the study path, 0 when it is not on it
    stage: str = ""  #: its stage, "" when it has none


@dataclass(frozen=True)
class Lane:
    """One stage of the roadmap and the shown topics in it, in learning order."""

    stage: str  #: the stage's name, "" for topics without a stage
    nodes: tuple[Node, ...]  #: shown topics of the lane
    more: int = 0  #: topics of this stage in the neighbourhood that did not fit


@dataclass(frozen=True)
class Neighbourhood:
    """What the graph tab draws around ``focus``."""

    focus: str  #: topic id of the focus
    lanes: tuple[Lane, ...]  #: stage lanes in learning order, the no-stage lane last
    links: tuple[tuple[str, str, str], ...]  #: (from, to, kind) between shown topics, arrows in learning order
    hidden: tuple[tuple[Role, int], ...]  #: per group, how many related topics were left out (all of them)

    @property
    def nodes(self) -> list[Node]:
        """Every shown topic, lane by lane."""
        return [n for lane in self.lanes for n in lane.nodes]

    @property
    def more(self) -> int:
        """How many related topics were left out: beyond the reach or past a group's quota."""
        return sum(count for _, count in self.hidden)


def reach(step: Callable[[str], Iterable[Topic]], start: str, depth: int) -> dict[str, tuple[int, str]]:
    """Topics reachable from ``start`` in at most ``depth`` calls of ``step``: id → (distance, found from).

    Breadth first, so every topic gets its shortest distance and a neighbour one step nearer.

    >>> links = {"c": ["b"], "b": ["a"], "a": []}
    >>> reach(lambda n: [Topic(m, m) for m in links[n]], "c", 1)
    {'b': (1, 'c')}
    """
    found: dict[str, tuple[int, str]] = {}
    queue = deque([(start, 0)])
    while queue:
        node, distance = queue.popleft()
        if distance == depth:
            continue
        for topic in step(node):
            if topic.id != start and topic.id not in found:
                found[topic.id] = (distance + 1, node)
                queue.append((topic.id, distance + 1))
    return found


def stage_order(graph: nx.DiGraph) -> list[str]:
    """Every stage name in learning order: a stage before the stages its topics lead to, ties in document order.

    Stages whose topics lead to each other (two documents disagreeing) keep document order between them.

    >>> g = nx.DiGraph()
    >>> g.add_node("x", stage="Later", order=(0, 1)); g.add_node("y", stage="Basics", order=(1, 1))
    >>> g.add_edge("y", "x", kind="prerequisite")
    >>> stage_order(g)
    ['Basics', 'Later']
    """
    first: dict[str, tuple[int, int]] = {}
    for node, data in graph.nodes(data=True):
        stage, order = data.get("stage", ""), tuple(data.get("order", (0, 0)))
        if stage and (stage not in first or order < first[stage]):
            first[stage] = (int(order[0]), int(order[1]))
    flow = nx.DiGraph()
    flow.add_nodes_from(first)
    for u, v, kind in graph.edges(data="kind"):
        a, b = graph.nodes[u].get("stage", ""), graph.nodes[v].get("stage", "")
        if kind == "prerequisite" and a and b and a != b:
            flow.add_edge(a, b)
    groups = nx.condensation(flow)
    key = {c: min(first[s] for s in groups.nodes[c]["members"]) for c in groups}
    ordered = nx.lexicographical_topological_sort(groups, key=lambda c: key[c])
    return [s for c in ordered for s in sorted(groups.nodes[c]["members"], key=lambda s: first[s])]


def neighbourhood(roadmap: Roadmap, focus: str, path: Sequence[str] = (), limits: Limits = Limits()) -> Neighbourhood:
    """The neighbourhood of topic ``focus`` (a name or id), with the study ``path`` (topic ids) numbered."""
    focus_id = roadmap.topic_id(focus)
    everything = len(roadmap.graph)  # all of them are counted; only the near ones may be drawn
    back = reach(lambda n: roadmap.prerequisites(n), focus_id, everything)
    ahead = reach(lambda n: roadmap.dependents(n), focus_id, everything)
    ahead = {n: v for n, v in ahead.items() if n not in back}  # a DAG keeps them apart; be safe anyway
    near = {t.id: (0, focus_id) for t in roadmap.parts(focus_id) if t.id not in back and t.id not in ahead}
    up = {t.id: (0, focus_id) for t in roadmap.part_of(focus_id) if t.id not in back | ahead.keys() | near.keys()}
    step = {node: i for i, node in enumerate(path, 1)}
    groups: list[tuple[Role, dict[str, tuple[int, str]], int, int]] = [
        ("prerequisite", back, limits.prerequisites, limits.prerequisite_depth),
        ("dependent", ahead, limits.dependents, limits.dependent_depth),
        ("part", near, limits.parts, 0), ("whole", up, limits.wholes, 0)]
    shown: dict[str, tuple[Role, int, str]] = {focus_id: ("focus", 0, focus_id)}
    hidden: list[tuple[Role, int]] = []
    left_out: list[str] = []
    for role, found, quota, depth in groups:
        # nearest first; among equals the study path first, then document order
        ranked = sorted(found, key=lambda n: (found[n][0], n not in step, _order(roadmap.graph, n)))
        drawn = [n for n in ranked if found[n][0] <= depth][:quota]
        shown.update({n: (role, found[n][0], found[n][1]) for n in drawn})
        left_out += ranked[len(drawn):]  # ranked by distance: what is drawn is its head
        if len(ranked) > len(drawn):
            hidden.append((role, len(ranked) - len(drawn)))
    nodes = [_node(roadmap.graph, n, role, distance, step.get(n, 0)) for n, (role, distance, _) in shown.items()]
    links = tuple(_link(n, role, via) for n, (role, _, via) in shown.items() if n != focus_id and via in shown)
    return Neighbourhood(focus_id, lanes(roadmap.graph, nodes, left_out), links, tuple(hidden))


def lanes(graph: nx.DiGraph, nodes: Sequence[Node], left_out: Iterable[str] = ()) -> tuple[Lane, ...]:
    """``nodes`` grouped by stage in ``stage_order``, the no-stage lane last, each in learning order
    (farthest prerequisite first, farthest dependent last); ``left_out`` ids are counted per lane."""
    rank = {stage: i for i, stage in enumerate(stage_order(graph))}
    rank[""] = len(rank)
    by_stage: dict[str, list[Node]] = {}
    for node in nodes:
        by_stage.setdefault(node.stage if node.stage in rank else "", []).append(node)
    more: dict[str, int] = {}
    for n in left_out:
        stage = graph.nodes[n].get("stage", "")
        if stage in by_stage:  # a stage with nothing shown gets no lane; the total says it
            more[stage] = more.get(stage, 0) + 1
    result = []
    for stage in sorted(by_stage, key=rank.__getitem__):
        ordered = sorted(by_stage[stage], key=lambda n: (_flow(n), _order(graph, n.id)))
        result.append(Lane(stage, tuple(ordered), more.get(stage, 0)))
    return tuple(result)


def _flow(node: Node) -> int:
    """Position in learning order relative to the focus: prerequisites negative, dependents positive."""
    return {"prerequisite": -node.distance, "dependent": node.distance}.get(node.role, 0)


def _order(graph: nx.DiGraph, node: str) -> tuple[int, int, str]:
    order = graph.nodes[node].get("order", (0, 0))
    return (int(order[0]), int(order[1]), node)


def _node(graph: nx.DiGraph, node: str, role: Role, distance: int, step: int) -> Node:
    data = graph.nodes[node]
    return Node(node, str(data.get("name", node)), role, distance, step, str(data.get("stage", "")))


def _link(node: str, role: Role, via: str) -> tuple[str, str, str]:
    """The drawn relation between a shown topic and the neighbour it was found from."""
    if role == "prerequisite":
        return (node, via, "prerequisite")
    if role == "dependent":
        return (via, node, "prerequisite")
    return (node, via, "part_of") if role == "part" else (via, node, "part_of")


def path_through(roadmap: Roadmap, focus: str, goal: str = "", known: Sequence[str] = ()) -> tuple[list[str], str]:
    """The study path to number around ``focus`` (topic ids, in order) and the id of the topic it leads to:
    the learner's path to ``goal`` when the focus is on it, else the path to the focus itself.

    >>> g = nx.DiGraph()
    >>> g.add_nodes_from([("a", {"name": "A"}), ("b", {"name": "B"}), ("c", {"name": "C"}), ("x", {"name": "X"})])
    >>> g.add_edges_from([("a", "b"), ("b", "c")], kind="prerequisite", evidence=[])
    >>> path_through(Roadmap(g), "b", goal="c", known=["a"])
    (['b', 'c'], 'c')
    >>> path_through(Roadmap(g), "x", goal="c")
    (['x'], 'x')
    """
    focus_id = roadmap.topic_id(focus)
    if goal:
        to_goal = [s.topic.id for s in roadmap.study_path(goal, known=known)]
        if focus_id in to_goal or focus_id == roadmap.topic_id(goal):
            return to_goal, roadmap.topic_id(goal)
    return [s.topic.id for s in roadmap.study_path(focus_id, known=known)], focus_id
