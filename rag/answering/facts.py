"""Graph facts for an answer: what the linked topics need, what follows them, what the learner
should learn next and which prerequisites they have not covered yet.

Everything comes from the roadmap (``kb.Roadmap`` or anything with the same methods), so
these facts are available at once, before any model runs.

Example::

    facts = graph_facts(rm, [rm.topic("多头注意力")], known=["线性代数"])
    facts.missing_prerequisites   # ('你还没有学过「自注意力机制」——它在「多头注意力」之前',)
    [t.name for t in facts.next_topics]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kb import paths
from kb.model import Topic

#: At most this many topics are listed per relation in the prompt.
LIST_LIMIT = 5


class RoadmapGraph(Protocol):
    """The part of ``kb.Roadmap`` the facts need."""

    def prerequisites(self, name: str, transitive: bool = False) -> list[Topic]: ...

    def dependents(self, name: str, transitive: bool = False) -> list[Topic]: ...

    def next_topics(self, known: Sequence[str] = (), limit: int = 5) -> list[Topic]: ...

    def known_ids(self, known: Iterable[str]) -> set[str]: ...

    def part_of(self, name: str) -> list[Topic]: ...


@dataclass(frozen=True)
class TopicFacts:
    """The relations of one linked topic."""

    topic: Topic  #: the linked topic
    prerequisites: tuple[Topic, ...]  #: what comes directly before it
    dependents: tuple[Topic, ...]  #: what it is directly a prerequisite of
    inherited: tuple[Topic, ...] = ()  #: prerequisites of the topics it is part of
    follows: tuple[Topic, ...] = ()  #: what the topics it is part of lead to
    within: tuple[Topic, ...] = ()  #: the topics it is (transitively) part of, nearest first

    @property
    def before(self) -> tuple[Topic, ...]:
        """Its own prerequisites, or the inherited ones when it has none of its own."""
        return self.prerequisites or self.inherited

    @property
    def after(self) -> tuple[Topic, ...]:
        """What it leads to, or what the topics it is part of lead to when it leads nowhere itself."""
        return self.dependents or self.follows


@dataclass(frozen=True)
class GraphFacts:
    """What the graph says about the topics of a question, personalised by what the learner knows."""

    linked: tuple[TopicFacts, ...]  #: one entry per linked topic
    next_topics: tuple[Topic, ...]  #: what to learn next, most relevant first
    missing_prerequisites: tuple[str, ...]  #: sentences naming prerequisites not covered yet
    known: tuple[str, ...] = ()  #: names of the topics the learner said they know

    def lines(self, lang: str, suggestions: bool = True) -> list[str]:
        """The facts as short lines for the prompt, in ``lang`` ("zh" or "en").

        ``suggestions=False`` leaves out the suggested next topics (the app shows them anyway).
        """
        out = []
        for fact in self.linked:
            out.extend(_relation_lines(fact, lang))
        if self.known:
            out.append(("学习者已掌握：" if lang == "zh" else "The learner knows: ") + _names(self.known, lang))
        out.extend(self.missing_prerequisites)
        if suggestions and self.next_topics:
            label = "建议接下来学：" if lang == "zh" else "Suggested next topics: "
            out.append(label + _names([t.name for t in self.next_topics], lang))
        return out


def graph_facts(roadmap: RoadmapGraph, linked: Sequence[Topic], known: Sequence[str] = (),
                lang: str = "zh", limit: int = LIST_LIMIT) -> GraphFacts:
    """Relations of the ``linked`` topics, next topics and missing prerequisites for a learner.

    ``known`` are topic names; an unknown name raises ``UnknownTopicError`` naming the closest.
    ``lang`` ("zh" or "en") is the language of the missing-prerequisite sentences.
    """
    have = covered(roadmap, roadmap.known_ids(known))
    facts = tuple(topic_facts(roadmap, t) for t in linked)
    return GraphFacts(
        linked=facts,
        next_topics=tuple(next_topics(roadmap, facts, have, known, limit)),
        missing_prerequisites=tuple(missing_prerequisites(facts, have, lang)),
        known=tuple(known),
    )


def topic_facts(roadmap: RoadmapGraph, topic: Topic) -> TopicFacts:
    """The relations of one topic, its own separated from those of the topics it is part of."""
    ancestors = _ancestors(roadmap, topic.id)
    inherited = {p.id: p for a in ancestors for p in roadmap.prerequisites(a.id)}
    own = [p for p in roadmap.prerequisites(topic.id) if p.id not in inherited]
    follows = {d.id: d for a in ancestors for d in roadmap.dependents(a.id)}
    return TopicFacts(topic, tuple(own), tuple(roadmap.dependents(topic.id)),
                      tuple(inherited.values()), tuple(follows.values()), tuple(ancestors))


def _ancestors(roadmap: RoadmapGraph, topic_id: str) -> list[Topic]:
    """Topics ``topic_id`` is (transitively) part of, nearest first."""
    found: dict[str, Topic] = {}
    frontier = [topic_id]
    while frontier:
        parents = [p for t in frontier for p in roadmap.part_of(t) if p.id not in found]
        found.update((p.id, p) for p in parents)
        frontier = [p.id for p in parents]
    return list(found.values())


def covered(roadmap: Any, known_ids: Iterable[str]) -> set[str]:
    """The known topic ids plus everything they imply (their prerequisites and parts)."""
    graph = getattr(roadmap, "graph", None)
    ids = set(known_ids)
    return paths.implied_known(graph, ids) if graph is not None else ids


def next_topics(roadmap: RoadmapGraph, facts: Sequence[TopicFacts], have: set[str],
                known: Sequence[str], limit: int) -> list[Topic]:
    """Dependents of the linked topics (or of what they are part of) the learner can start next.

    A dependent can be started when it is not covered yet and each of its
    prerequisites is covered, counting the linked topics, the topics they are part of
    and what those imply as learned. When no dependent qualifies, the roadmap's general ``next_topics``
    for the learner (plus the linked topics) is the fallback.
    """
    after = have | covered(roadmap, [t.id for f in facts for t in (f.topic, *f.within)])
    ready: dict[str, Topic] = {}
    for fact in facts:
        for topic in fact.after:
            needs = {p.id for p in roadmap.prerequisites(topic.id)}
            if topic.id not in after and needs <= after:
                ready.setdefault(topic.id, topic)
    if ready:
        return list(ready.values())[:limit]
    return roadmap.next_topics(known=[*known, *(f.topic.id for f in facts)], limit=limit)


def missing_prerequisites(facts: Sequence[TopicFacts], have: set[str], lang: str = "zh") -> list[str]:
    """One sentence per direct prerequisite of a linked topic the learner has not covered.

    A topic without prerequisites of its own is checked against those it inherits from
    the topics it is part of. Nothing is reported for a linked topic the learner covers.

    >>> a, b = Topic("sa", "自注意力机制"), Topic("mha", "多头注意力")
    >>> missing_prerequisites([TopicFacts(b, (a,), ())], have=set())
    ['你还没有学过「自注意力机制」——它在「多头注意力」之前']
    >>> missing_prerequisites([TopicFacts(b, (a,), ())], have={"sa"}, lang="en")
    []
    """
    sentences: dict[str, None] = {}
    for fact in facts:
        if fact.topic.id in have:
            continue
        for need in fact.before:
            if need.id not in have:
                sentences.setdefault(_missing_sentence(need, fact.topic, lang))
    return list(sentences)[:LIST_LIMIT]


def _missing_sentence(need: Topic, topic: Topic, lang: str) -> str:
    if lang == "zh":
        return f"你还没有学过「{need.name}」——它在「{topic.name}」之前"
    return f"You have not covered {need.name} yet — it comes before {topic.name}"


def _relation_lines(fact: TopicFacts, lang: str) -> list[str]:
    name = fact.topic.name
    before = _names([t.name for t in fact.before], lang)
    after = _names([t.name for t in fact.after], lang)
    if lang == "zh":
        lines = [f"「{name}」的前置知识：{before}", f"学完「{name}」之后可以学：{after}"]
        return ([f"「{name}」：{fact.topic.summary}"] if fact.topic.summary else []) + lines
    lines = [f"Prerequisites of {name} (learn them first): {before}", f"After {name} you can learn: {after}"]
    return ([f"{name}: {fact.topic.summary}"] if fact.topic.summary else []) + lines


def _names(names: Sequence[str], lang: str) -> str:
    shown = list(names)[:LIST_LIMIT]
    if not shown:
        return "无" if lang == "zh" else "none"
    more = len(names) - len(shown)
    joined = "、".join(shown) if lang == "zh" else ", ".join(shown)
    return joined + (f" 等{len(names)}项" if lang == "zh" and more else f" and {more} more" if more else "")
