"""Graph questions answered from the graph (``graph_question`` tells which one a question asks).

The answer's first sentence is written from the graph, with the evidence of the edge
behind it, deterministically; the model only adds what the passages say.

>>> from kb import Roadmap
>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("sa", name="自注意力机制", aliases=[], order=(0, 0)); g.add_node("mha", name="多头注意力", aliases=[], order=(0, 1))
>>> g.add_edge("sa", "mha", kind="prerequisite", evidence=[])
>>> answer(Roadmap(g), GraphQuestion("before", "mha")).sentence
'在知识图谱中，学习「多头注意力」之前要先掌握：自注意力机制。'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kb import paths
from kb.wording import cite, describe_reason, strongest
from rag.answering.graph_question import GraphQuestion, classify

__all__ = ["GraphAnswer", "GraphQuestion", "answer", "classify", "has_answer"]

#: At most this many topics are named in a "before"/"after" sentence (the rest are counted).
NAMES_SHOWN = 8

@dataclass(frozen=True)
class GraphAnswer:
    """The graph's answer to a graph question."""

    question: GraphQuestion  #: what was asked
    sentence: str  #: the first sentence of the answer, with its evidence
    topics: tuple[str, ...]  #: names of the topics the sentence gives as the answer

    @property
    def settles(self) -> bool:
        """Whether the graph's sentence is the answer (the learning order), so that the passages only add
        what they say about its topics; what a topic is made of leads the answer the passages then give."""
        return self.question.relation != "parts"


def answer(roadmap: Any, asked: GraphQuestion, lang: str = "zh", known: Sequence[str] = ()) -> GraphAnswer:
    """The graph's answer to ``asked``: one sentence with the evidence of the edge behind it."""
    writer = {"before": _before, "after": _after, "path": _path, "need": _need, "order": _order,
              "parts": _parts}[asked.relation]
    sentence, names = writer(roadmap, asked, lang == "zh", known)
    return GraphAnswer(asked, sentence, tuple(names))


def _before(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    name = _name(roadmap, asked.topic)
    needs = roadmap.prerequisites(asked.topic)
    within, whole = _listed_under(roadmap, asked.topic, zh)
    if not needs:
        if within:
            return (f"在知识图谱中，{within}，没有其他前置要求。" if zh
                    else f"In the roadmap graph, {within}; it has no other prerequisites."), whole
        return (f"在知识图谱中，「{name}」没有前置要求。" if zh else f"In the roadmap graph, {name} has no prerequisites."), []
    names = [t.name for t in needs]
    why = _evidence(roadmap, needs[0].id, asked.topic, zh)
    if zh:
        lead = f"{within}；" if within else ""
        return f"在知识图谱中，{lead}学习「{name}」之前要先掌握：{_join(names, zh)}{_because(why, zh)}。", whole + names
    lead = f"{within}; " if within else ""
    return f"In the roadmap graph, {lead}before {name} come: {_join(names, zh)}{_because(why, zh)}.", whole + names


def _after(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    name = _name(roadmap, asked.topic)
    then = roadmap.dependents(asked.topic)
    if not then:
        for parent in _ancestors(roadmap, asked.topic):  # a part leads where its whole leads
            then = roadmap.dependents(parent)
            if then:
                break
    inside = [t.name for t in roadmap.parts(asked.topic)]
    lead = ""
    if inside:  # reading on, the topics listed under it come first
        lead = (f"「{name}」下面还列有：{_join(inside, zh)}；" if zh
                else f"listed under {name}: {_join(inside, zh)}; ")
    if not then:
        if lead:
            return (f"在知识图谱中，{lead[:-1]}，此外没有后续主题。" if zh
                    else f"In the roadmap graph, {lead[:-2]}; nothing else follows it."), inside
        return (f"在知识图谱中，「{name}」之后没有后续主题。" if zh else f"In the roadmap graph, nothing follows {name}."), []
    names = [t.name for t in then]
    why = _evidence(roadmap, asked.topic, then[0].id, zh)
    if zh:
        return f"在知识图谱中，{lead}学完「{name}」之后可以学：{_join(names, zh)}{_because(why, zh)}。", inside + names
    return f"In the roadmap graph, {lead}after {name} you can learn: {_join(names, zh)}{_because(why, zh)}.", inside + names


def _path(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    steps = paths.study_path(roadmap.graph, asked.topic, roadmap.known_ids(known))
    names = [_name(roadmap, node) for node, _ in steps]
    goal = _name(roadmap, asked.topic)
    last = ""
    if len(steps) > 1:  # why the step before the goal is there
        node, (why, related, evidence) = steps[-2]
        last = describe_reason(why, _name(roadmap, node), _name(roadmap, related), evidence, zh)
    within, whole = _listed_under(roadmap, asked.topic, zh)
    if zh:
        where = f"{within}。" if within else ""
        return f"在知识图谱中，学到「{goal}」的路径共{len(names)}步：{' → '.join(names)}。{where}{last}", names + whole
    where = f"{within[0].upper()}{within[1:]}. " if within else ""
    count = f"{len(names)} step{'s' if len(names) > 1 else ''}"
    return f"In the roadmap graph, the path to {goal} has {count}: {' → '.join(names)}. {where}{last}", names + whole


def _need(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    goal, need = _name(roadmap, asked.topic), _name(roadmap, asked.other)
    if asked.other in _ancestors(roadmap, asked.topic):
        return (f"需要：在知识图谱中，「{goal}」列在「{need}」之下，是它的一部分。" if zh
                else f"Yes: in the roadmap graph, {goal} is listed under {need}, as a part of it."), [need]
    if _comes_before(roadmap, asked.other, asked.topic):
        chain = _chain(roadmap, asked.other, asked.topic, zh)
        return (f"需要：在知识图谱中，「{need}」在「{goal}」之前（{chain}）。" if zh
                else f"Yes: in the roadmap graph, {need} comes before {goal} ({chain})."), [need]
    if _comes_before(roadmap, asked.topic, asked.other):
        return (f"不需要：在知识图谱中顺序相反，「{goal}」在「{need}」之前。" if zh
                else f"No: in the roadmap graph it is the other way round, {goal} comes before {need}."), []
    return (f"知识图谱中没有「{need}」在「{goal}」之前的关系，不算它的前置要求。" if zh
            else f"The roadmap graph does not put {need} before {goal}; it is not a prerequisite of it."), []


def _order(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    for first, then in ((asked.topic, asked.other), (asked.other, asked.topic)):
        if _comes_before(roadmap, first, then):
            a, b = _name(roadmap, first), _name(roadmap, then)
            chain = _chain(roadmap, first, then, zh)
            return (f"先学「{a}」，再学「{b}」：在知识图谱中，「{a}」在「{b}」之前（{chain}）。" if zh
                    else f"{a} first, then {b}: in the roadmap graph, {a} comes before {b} ({chain})."), [a]
    a, b = _name(roadmap, asked.topic), _name(roadmap, asked.other)
    return (f"知识图谱没有规定「{a}」和「{b}」的先后顺序。" if zh
            else f"The roadmap graph sets no order between {a} and {b}."), []


def _parts(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    name = _name(roadmap, asked.topic)
    parts = roadmap.parts(asked.topic)
    names = [t.name for t in parts]
    if not names:
        return (f"在知识图谱中，「{name}」没有列出子主题。" if zh else f"In the roadmap graph, {name} lists no subtopics."), []
    edge = roadmap.graph.edges[parts[0].id, asked.topic]
    best = strongest(list(edge.get("evidence", [])))
    why = _because(cite(best, zh), zh) if best else ""
    shown = ("、" if zh else ", ").join(names)  # every part: a list answer names all its items
    if zh:
        return f"在知识图谱中，「{name}」包括{len(names)}项：{shown}{why}。", names
    return f"In the roadmap graph, {name} covers {len(names)} topics: {shown}{why}.", names


def has_answer(roadmap: Any, asked: GraphQuestion) -> bool:
    """Whether the graph holds an answer to ``asked``: any question about the order does (an empty one is an
    answer too), a question about a topic's parts only when it has some."""
    return asked.relation != "parts" or bool(roadmap.parts(asked.topic))


def _chain(roadmap: Any, first: str, then: str, zh: bool) -> str:
    """The topics leading from ``first`` to ``then`` and the evidence of the first prerequisite among them.

    A part is shown under its whole ("线性代数 ⊂ 数学基础 → Transformer ⊃ 自注意力机制").
    """
    links = paths.explain(roadmap.graph, first, then)
    shown = [_name(roadmap, first)]
    for u, v, relation in links:
        shown.append({"prerequisite": " → ", "part_of": " ⊂ ", "includes": " ⊃ "}[relation] + _name(roadmap, v))
    step = next(((u, v) for u, v, relation in links if relation == "prerequisite"), None)
    best = strongest(list(roadmap.graph.edges[step].get("evidence", []))) if step else None
    return "".join(shown) + (("；依据：" if zh else "; evidence: ") + cite(best, zh) if best else "")


def _comes_before(roadmap: Any, first: str, then: str) -> bool:
    """Whether ``first`` is among everything to learn before ``then`` (prerequisites, transitively)."""
    return any(t.id == first for t in roadmap.prerequisites(then, transitive=True))


def _evidence(roadmap: Any, first: str, then: str, zh: bool = True) -> str:
    """The strongest evidence that ``first`` comes before ``then`` (or before a topic ``then`` is part of)."""
    graph = roadmap.graph
    for target in (then, *_ancestors(roadmap, then)):
        if graph.has_edge(first, target):
            best = strongest(list(graph.edges[first, target].get("evidence", [])))
            return cite(best, zh) if best else ""
    return ""


def _listed_under(roadmap: Any, topic: str, zh: bool) -> tuple[str, list[str]]:
    """Where ``topic`` sits: the topics it is listed under, outermost first, as a clause and as names.

    >>> import networkx as nx
    >>> from kb import Roadmap
    >>> g = nx.DiGraph()
    >>> for n, name in (("p", "信号处理"), ("b", "傅里叶变换"), ("c", "短时傅里叶变换")):
    ...     g.add_node(n, name=name, aliases=[], order=(0, 0))
    >>> g.add_edge("b", "p", kind="part_of", evidence=[]); g.add_edge("c", "b", kind="part_of", evidence=[])
    >>> _listed_under(Roadmap(g), "c", zh=True)
    ('「短时傅里叶变换」列在「信号处理」›「傅里叶变换」之下', ['信号处理', '傅里叶变换'])
    >>> _listed_under(Roadmap(g), "p", zh=False)
    ('', [])
    """
    chain: list[str] = []
    current = topic
    while True:
        parents = [p.id for p in roadmap.part_of(current) if p.id not in chain and p.id != topic]
        if not parents:
            break
        current = parents[0]
        chain.append(current)
    if not chain:
        return "", []
    names = [_name(roadmap, t) for t in reversed(chain)]
    if zh:
        return f"「{_name(roadmap, topic)}」列在{'›'.join(f'「{n}」' for n in names)}之下", names
    return f"{_name(roadmap, topic)} is listed under {' › '.join(names)}", names


def _ancestors(roadmap: Any, topic: str) -> list[str]:
    found: list[str] = []
    frontier = [topic]
    while frontier:
        parents = [p.id for t in frontier for p in roadmap.part_of(t) if p.id not in found]
        found += parents
        frontier = parents
    return found


def _name(roadmap: Any, topic: str) -> str:
    return str(roadmap.graph.nodes[topic]["name"])


def _join(names: Sequence[str], zh: bool) -> str:
    shown = list(names[:NAMES_SHOWN])
    more = len(names) - len(shown)
    if zh:
        return "、".join(shown) + (f"等{len(names)}项" if more else "")
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _because(why: str, zh: bool) -> str:
    if not why:
        return ""
    return f"（依据：{why}）" if zh else f" (evidence: {why})"
