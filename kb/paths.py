"""Graph algorithms of the roadmap, on topic ids: what a topic needs, what knowing it implies,
the study path to a goal, what to learn next, and why one topic comes before another.

A subtopic inherits the prerequisites of the topic it is part of, and learning a
topic means learning its parts.

>>> g = nx.DiGraph()
>>> g.add_edge("python", "numpy", kind="prerequisite", evidence=[])
>>> g.add_edge("numpy", "pandas", kind="prerequisite", evidence=[])
>>> g.add_edge("indexing", "pandas", kind="part_of", evidence=[])
>>> [node for node, _ in study_path(g, "pandas", known={"python"})]  # indexing is learned with pandas
['numpy', 'pandas']
>>> sorted(implied_known(g, {"pandas"}))
['indexing', 'numpy', 'pandas', 'python']
>>> [node for node, _ in study_path(g, "pandas", known={"indexing"})]
['python', 'numpy', 'pandas']
>>> [node for node in next_topics(g, known={"python"})]
['numpy']
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Collection, Iterator
from typing import Any

import networkx as nx

Reason = tuple[str, str, list[dict[str, Any]]]  # (why, related topic id, evidence dicts)


class _Adjacency:
    """Per-kind neighbour lists of a graph, built once per graph (queries stay O(answer)).

    A knowledge-base graph is not changed after loading; a graph that gains or loses
    nodes is re-indexed, other edits need ``forget(graph)``.
    """

    def __init__(self, graph: nx.DiGraph) -> None:
        self.size = len(graph)
        self.prereqs: dict[str, list[str]] = {n: [] for n in graph}
        self.dependents: dict[str, list[str]] = {n: [] for n in graph}
        self.parents: dict[str, list[str]] = {n: [] for n in graph}
        self.parts: dict[str, list[str]] = {n: [] for n in graph}
        for u, v, kind in graph.edges(data="kind"):
            if kind == "prerequisite":
                self.prereqs[v].append(u)
                self.dependents[u].append(v)
            else:
                self.parents[u].append(v)
                self.parts[v].append(u)
        self.requirement_sets: dict[str, frozenset[str]] = {}
        self.requirement_lists: dict[str, list[tuple[str, str, str]]] = {}


_CACHE: weakref.WeakKeyDictionary[nx.DiGraph, _Adjacency] = weakref.WeakKeyDictionary()


def _adj(graph: nx.DiGraph) -> _Adjacency:
    cached = _CACHE.get(graph)
    if cached is None or cached.size != len(graph):
        cached = _CACHE[graph] = _Adjacency(graph)
    return cached


def forget(graph: nx.DiGraph) -> None:
    """Drop the cached index of ``graph`` after editing its edges in place."""
    _CACHE.pop(graph, None)


def direct_prerequisites(graph: nx.DiGraph, node: str) -> list[str]:
    """Topics with a prerequisite edge into ``node``."""
    return list(_adj(graph).prereqs[node])


def direct_dependents(graph: nx.DiGraph, node: str) -> list[str]:
    """Topics ``node`` is a prerequisite of."""
    return list(_adj(graph).dependents[node])


def parents(graph: nx.DiGraph, node: str) -> list[str]:
    """Topics ``node`` is part of."""
    return list(_adj(graph).parents[node])


def parts(graph: nx.DiGraph, node: str) -> list[str]:
    """Subtopics of ``node``."""
    return list(_adj(graph).parts[node])


def ancestors_by_part(graph: nx.DiGraph, node: str) -> list[str]:
    """Every topic ``node`` is (transitively) part of, nearest first."""
    adj = _adj(graph)
    seen: list[str] = []
    queue = deque(adj.parents[node])
    while queue:
        topic = queue.popleft()
        if topic not in seen:
            seen.append(topic)
            queue.extend(adj.parents[topic])
    return seen


def requirement_pairs(graph: nx.DiGraph, node: str) -> list[tuple[str, str, str]]:
    """``(topic, why, via)`` for everything to learn before ``node`` (cached per graph).

    ``why`` is ``"prerequisite"`` (``via`` is ``node``) or ``"inherited"`` (``via`` is the
    topic ``node`` is part of, whose prerequisite it is).
    """
    adj = _adj(graph)
    cached = adj.requirement_lists.get(node)
    if cached is None:
        cached = [(p, "prerequisite", node) for p in adj.prereqs[node]]
        for a in ancestors_by_part(graph, node) if adj.parents[node] else ():
            cached += [(p, "inherited", a) for p in adj.prereqs[a]]
        adj.requirement_lists[node] = cached
    return cached


def requirements(graph: nx.DiGraph, node: str) -> Iterator[tuple[str, Reason]]:
    """What must be learned before ``node``: its prerequisites and those of what it is part of."""
    for p, why, via in requirement_pairs(graph, node):
        yield p, (why, via, graph.edges[p, via]["evidence"])


def requirement_set(graph: nx.DiGraph, node: str) -> frozenset[str]:
    """The topics of ``requirements(graph, node)``, cached."""
    cache = _adj(graph).requirement_sets
    if node not in cache:
        cache[node] = frozenset(p for p, _, _ in requirement_pairs(graph, node))
    return cache[node]


def implied_known(graph: nx.DiGraph, known: Collection[str]) -> set[str]:
    """``known`` plus everything it implies: requirements and parts, transitively."""
    result: set[str] = set()
    stack = [k for k in known if k in graph]
    while stack:
        node = stack.pop()
        if node in result:
            continue
        result.add(node)
        stack.extend(p for p in direct_prerequisites(graph, node) if _implies(graph.edges[p, node]))
        stack.extend(parts(graph, node))
    return result


def _implies(edge: dict[str, Any]) -> bool:
    """Knowing B implies knowing A only when an author said so (a cue sentence or an arrow);
    list and stage order say what to learn first, not what someone who knows B has learned."""
    evidence = edge.get("evidence", ())
    return not evidence or any(e["kind"] in ("explicit", "mermaid", "arrow") for e in evidence)


def needed_for(graph: nx.DiGraph, goal: str, known: set[str]) -> dict[str, Reason]:
    """Every topic to learn for ``goal`` (not in ``known``) with the first reason found, nearest first."""
    reasons: dict[str, Reason] = {goal: ("goal", goal, [])}
    covered = {goal}  # the goal and its parts are learned in full; prerequisites as single steps
    queue = deque([goal])
    adj = _adj(graph)
    while queue:
        node = queue.popleft()
        found = list(requirement_pairs(graph, node))
        if node in covered:
            found += [(c, "part", node) for c in adj.parts[node]]
            covered.update(adj.parts[node])
        for other, why, via in found:
            if other not in reasons and other not in known:
                edge = (other, via) if why != "part" else (other, node)
                reasons[other] = (why, via, graph.edges[edge]["evidence"])
                queue.append(other)
    if goal in known:
        reasons.pop(goal)
    return reasons


def order_key(graph: nx.DiGraph, node: str) -> tuple[int, int, str]:
    """Sort key following the documents: document position, then line."""
    doc, line = graph.nodes[node].get("order", (0, 0))
    return (doc, line, node)


def study_path(graph: nx.DiGraph, goal: str, known: Collection[str] = ()) -> list[tuple[str, Reason]]:
    """Topics to learn for ``goal``, every prerequisite before what needs it, at one granularity.

    A step is a topic at the level of the goal or of a prerequisite; a topic that is part of another
    step (or of the goal) is learned with it, as its subtopic, not as a step of its own. Among the
    orders the constraints allow, the documents' order is kept.
    """
    needed = needed_for(graph, goal, implied_known(graph, known))
    adj = _adj(graph)
    direct: list[tuple[str, str]] = []
    inherited: list[tuple[str, str]] = []
    for node in needed:
        for p, why, _ in requirement_pairs(graph, node):
            if p in needed:
                (inherited if why == "inherited" else direct).append((p, node))
        direct += [(c, node) for c in adj.parts[node] if c in needed]
    order = _document_order_sort(graph, needed, direct + inherited)
    if order is None:  # an inherited constraint contradicts a stated one: keep only those that fit
        order = _document_order_sort(graph, needed, _consistent(needed, direct, inherited)) or []
    return [(node, needed[node]) for node in order
            if not _folded(graph, node, needed) and not _after_stage(graph, node, goal)]


def _after_stage(graph: nx.DiGraph, node: str, goal: str) -> bool:
    """True when a document puts ``node`` in a later stage than every stage it puts ``goal`` in.

    >>> g = nx.DiGraph()
    >>> g.add_node("a", stage_ranks=[[0, 3]]); g.add_node("b", stage_ranks=[[0, 1], [1, 4]])
    >>> _after_stage(g, "a", "b"), _after_stage(g, "b", "a")
    (True, False)
    """
    last: dict[int, int] = {}
    for doc, rank in graph.nodes[goal].get("stage_ranks", ()):
        last[doc] = max(rank, last.get(doc, rank))
    first: dict[int, int] = {}
    for doc, rank in graph.nodes[node].get("stage_ranks", ()):
        first[doc] = min(rank, first.get(doc, rank))
    return any(doc in last and rank > last[doc] for doc, rank in first.items())


def _folded(graph: nx.DiGraph, node: str, needed: Collection[str]) -> bool:
    """True when ``node`` is (transitively) part of another topic on the path: it is learned with that one."""
    return any(whole in needed for whole in ancestors_by_part(graph, node))


def _document_order_sort(graph: nx.DiGraph, nodes: Collection[str], edges: list[tuple[str, str]]) -> list[str] | None:
    """Topological order that follows the documents where constraints allow; None on a cycle."""
    constraints = nx.DiGraph(edges)
    constraints.add_nodes_from(nodes)
    try:
        return list(nx.lexicographical_topological_sort(constraints, key=lambda n: order_key(graph, n)))
    except nx.NetworkXUnfeasible:
        return None


def _consistent(nodes: Collection[str], direct: list[tuple[str, str]],
                inherited: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Direct constraints plus the inherited ones that close no cycle with them."""
    constraints = nx.DiGraph(direct)
    constraints.add_nodes_from(nodes)
    for p, node in inherited:
        if not nx.has_path(constraints, node, p):
            constraints.add_edge(p, node)
    return list(constraints.edges)


def reach_counts(graph: nx.DiGraph) -> dict[str, int]:
    """How many topics come after each topic (prerequisite edges and part → whole), exactly."""
    index = {node: i for i, node in enumerate(graph)}
    reach: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        bits = 0
        for succ in graph.successors(node):
            bits |= reach[succ] | (1 << index[succ])
        reach[node] = bits
    return {node: bits.bit_count() for node, bits in reach.items()}


def next_topics(graph: nx.DiGraph, known: Collection[str] = (), limit: int = 5,
                reach: dict[str, int] | None = None) -> list[str]:
    """Topics not yet known whose requirements are all known, most useful first.

    Subtopics of an unknown topic are not offered (the topic is, and covers them).
    Useful means: continuing from what is known, then unlocking the most topics.
    """
    have = implied_known(graph, known)
    reach = reach if reach is not None else reach_counts(graph)
    ready = []
    adj = _adj(graph)
    for node in graph:
        if node in have:
            continue
        needs = requirement_set(graph, node)
        if needs <= have and all(p in have for p in adj.parents[node]):
            ready.append((not (needs & have), -reach.get(node, 0), order_key(graph, node), node))
    return [node for *_, node in sorted(ready)[:limit]]


def explain(graph: nx.DiGraph, first: str, then: str) -> list[tuple[str, str, str]]:
    """The chain of relations showing ``first`` comes before ``then``.

    Each link is ``(u, v, relation)`` with relation ``"prerequisite"``, ``"part_of"``
    (u is part of v) or ``"includes"`` (v is part of u). The chain climbs from ``first``
    to what it is part of, follows prerequisites, then descends into parts of ``then``'s
    ancestors. Empty when there is no such chain.
    """
    product = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        if data["kind"] == "prerequisite":
            product.add_edge((u, 0), (v, 1), rel="prerequisite")
            product.add_edge((u, 1), (v, 1), rel="prerequisite")
        else:
            product.add_edge((u, 0), (v, 0), rel="part_of")
            product.add_edge((u, 1), (v, 1), rel="part_of")
            product.add_edge((v, 1), (u, 2), rel="includes")
            product.add_edge((v, 2), (u, 2), rel="includes")
    best: list[tuple[str, int]] = []
    for phase in (1, 2):
        try:
            path = nx.shortest_path(product, (first, 0), (then, phase))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        if not best or len(path) < len(best):
            best = path
    return [(a[0], b[0], product.edges[a, b]["rel"]) for a, b in zip(best, best[1:])]
