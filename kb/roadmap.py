"""``Roadmap``: the knowledge base as a Python object — topics, prerequisites, study paths.

Example (needs a knowledge base built by ``roadmap ingest``)::

    from kb import Roadmap
    rm = Roadmap.load()
    rm.topic("自注意力")                                   # Topic(id='自注意力机制', …)
    rm.study_path("多头注意力", known=["Python", "线性代数"])  # [Step(topic=…, reason=…), …]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx

from kb import paths
from kb.errors import RoadmapError, UnknownTopicError
from kb.graph import edge_from_graph, graph_from_json, topic_from_node
from kb.lookup import MentionIndex, closest
from kb.model import Edge, Evidence, Step, Topic
from kb.settings import default_kb_dir
from kb.text import is_typo, name_key
from kb.store import GRAPH, read_json, read_manifest, resolve
from kb.wording import describe_reason, describe_link


class Roadmap:
    """A loaded knowledge base: the topic graph plus lookups and learning-path queries."""

    def __init__(self, graph: nx.DiGraph, manifest: dict[str, Any] | None = None,
                 version_dir: Path | None = None) -> None:
        self.graph = graph  #: the networkx.DiGraph (node = topic id)
        self.manifest = manifest or {}  #: what ingest recorded: documents, counts, embedder
        self.version_dir = version_dir  #: directory of the loaded version (None when built in memory)

    @classmethod
    def load(cls, kb_dir: str | Path | None = None) -> Roadmap:
        """Load the knowledge base at ``kb_dir`` (default: the per-user one, ``kb.settings.default_kb_dir()``)."""
        version_dir = resolve(Path(kb_dir) if kb_dir is not None else default_kb_dir())
        manifest = read_manifest(version_dir)
        return cls(graph_from_json(read_json(version_dir / GRAPH)), manifest, version_dir)

    # -- lookup -------------------------------------------------------------------------------

    @cached_property
    def _surfaces(self) -> dict[str, str]:
        """Folded name/alias/id → topic id."""
        table: dict[str, str] = {}
        for node, data in self.graph.nodes(data=True):
            for surface in (data["name"], *data.get("aliases", ()), node):
                table.setdefault(name_key(surface), node)
        return table

    @cached_property
    def mentions(self) -> MentionIndex:
        """Finds topic names and aliases in free text."""
        pairs = [(s, node) for node, d in self.graph.nodes(data=True) for s in (d["name"], *d.get("aliases", ()))]
        return MentionIndex(pairs)

    def topic_id(self, name: str) -> str:
        """The id of the topic called ``name`` (alias-, case- and typo-tolerant)."""
        if name in self.graph:
            return name
        key = name_key(name)
        if not key:
            raise UnknownTopicError(name)
        if key in self._surfaces:
            return self._surfaces[key]
        for part in re.split(r"[（()）]", name) if re.search(r"[（(]", name) else ():
            if name_key(part) in self._surfaces:  # "变换器（Transformer）": either name will do
                return self._surfaces[name_key(part)]
        prefixed = sorted((s for s in self._surfaces if s.startswith(key) and len(key) >= 2), key=len)
        if prefixed:
            return self._surfaces[prefixed[0]]
        suggestions = closest(key, self._surfaces)
        if len(suggestions) == 1 and _similar(key, suggestions[0], self):
            return suggestions[0]
        raise UnknownTopicError(name, [self.graph.nodes[s]["name"] for s in suggestions])

    def topic(self, name: str) -> Topic:
        """The topic called ``name``; ``UnknownTopicError`` suggests the closest otherwise."""
        return topic_from_node(self.graph, self.topic_id(name))

    def topics(self) -> list[Topic]:
        """Every topic, in document order."""
        ordered = sorted(self.graph, key=lambda n: paths.order_key(self.graph, n))
        return [topic_from_node(self.graph, n) for n in ordered]

    def find_mentions(self, text: str) -> list[Topic]:
        """Topics named in ``text`` (names and aliases, longest match first), in order of mention."""
        return [topic_from_node(self.graph, n) for n in self.mentions.topic_ids(text)]

    # -- relations ----------------------------------------------------------------------------

    def prerequisites(self, name: str, transitive: bool = False) -> list[Topic]:
        """What comes before ``name`` (including what the topics it is part of need)."""
        node = self.topic_id(name)
        if transitive:
            found = paths.needed_for(self.graph, node, set())
            found.pop(node, None)
            ids = [n for n, (why, _, _) in found.items() if why != "part"]
        else:
            ids = list(dict.fromkeys(p for p, _ in paths.requirements(self.graph, node)))
        return self._topics(ids)

    def dependents(self, name: str, transitive: bool = False) -> list[Topic]:
        """What ``name`` is a prerequisite of (and, transitively, what those lead to)."""
        node = self.topic_id(name)
        if not transitive:
            return self._topics(paths.direct_dependents(self.graph, node))
        view = nx.subgraph_view(self.graph, filter_edge=lambda u, v: self.graph.edges[u, v]["kind"] == "prerequisite")
        return self._topics(nx.descendants(view, node))

    def parts(self, name: str) -> list[Topic]:
        """Direct subtopics of ``name``."""
        return self._topics(paths.parts(self.graph, self.topic_id(name)))

    def part_of(self, name: str) -> list[Topic]:
        """Topics ``name`` is directly part of."""
        return self._topics(paths.parents(self.graph, self.topic_id(name)))

    def edges(self) -> list[Edge]:
        """Every edge with its evidence."""
        return [edge_from_graph(self.graph, u, v) for u, v in self.graph.edges]

    # -- learning paths -----------------------------------------------------------------------

    def known_ids(self, known: Iterable[str]) -> set[str]:
        """Resolve known topic names; unknown names raise ``UnknownTopicError``."""
        return {self.topic_id(k) for k in known}

    def study_path(self, goal: str, known: Sequence[str] = ()) -> list[Step]:
        """Ordered steps to ``goal`` from what is ``known``, each with why it is there."""
        goal_id = self.topic_id(goal)
        steps = []
        for node, (why, related, evidence) in paths.study_path(self.graph, goal_id, self.known_ids(known)):
            steps.append(Step(
                topic=topic_from_node(self.graph, node),
                reason=describe_reason(why, self.graph.nodes[node]["name"], self.graph.nodes[related]["name"], evidence),
                evidence=tuple(Evidence(**e) for e in evidence),
                subtopics=tuple(self._topics(paths.parts(self.graph, node))),
            ))
        return steps

    @cached_property
    def _reach(self) -> dict[str, int]:
        return paths.reach_counts(self.graph)

    def next_topics(self, known: Sequence[str] = (), limit: int = 5) -> list[Topic]:
        """Topics whose prerequisites are all known, most useful first."""
        return self._topics(paths.next_topics(self.graph, self.known_ids(known), limit, self._reach))

    def explain(self, first: str, then: str) -> list[str]:
        """Why ``first`` comes before ``then``: one sentence per link, each citing its source."""
        a, b = self.topic_id(first), self.topic_id(then)
        chain = paths.explain(self.graph, a, b)
        if not chain:
            hint = " (it is the other way round)" if paths.explain(self.graph, b, a) else ""
            raise RoadmapError(f"The knowledge base has no chain showing {self.graph.nodes[a]['name']!r} "
                               f"comes before {self.graph.nodes[b]['name']!r}{hint}.")
        return [describe_link(self.graph, u, v, rel) for u, v, rel in chain]

    def _topics(self, ids: Iterable[str]) -> list[Topic]:
        ordered = sorted(set(ids), key=lambda n: paths.order_key(self.graph, n))
        return [topic_from_node(self.graph, n) for n in ordered]


def _similar(key: str, node: str, roadmap: Roadmap) -> bool:
    """A single close suggestion is taken as a typo of one of the topic's names (``kb.text.is_typo``)."""
    names = [roadmap.graph.nodes[node]["name"], *roadmap.graph.nodes[node].get("aliases", ())]
    return any(is_typo(key, name_key(n)) for n in names)
