"""Graph questions answered from the graph: what comes before X, what after X, the path to X,
"do I need Y for X", "X or Y first".

The question is matched against a few shapes with its linked topics replaced by
placeholders, so the shapes hold for any topic of any roadmap. The answer's first
sentence is then written from the graph, with the evidence of the edge behind it,
deterministically; the model only adds what the passages say.

>>> a, b = Topic("sa", "自注意力机制"), Topic("mha", "多头注意力")
>>> classify("学习多头注意力之前需要掌握什么？", [b])
GraphQuestion(relation='before', topic='mha', other='')
>>> classify("多头注意力和自注意力机制哪个先学？", [a, b])
GraphQuestion(relation='order', topic='mha', other='sa')
>>> classify("Do I need self-attention for multi-head attention?",
...          [Topic("sa", "自注意力机制", ("self-attention",)), Topic("mha", "多头注意力", ("multi-head attention",))])
GraphQuestion(relation='need', topic='mha', other='sa')
>>> classify("多头注意力有什么好处？", [b]) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kb import paths
from kb.model import Topic
from kb.wording import cite, strongest

#: Placeholders standing for the first and second topic named in a question.
A, B = "\u24b6", "\u24b7"
#: At most this many topics are named in a "before"/"after" sentence (the rest are counted).
NAMES_SHOWN = 8

# Shapes per relation, tried in this order (two-topic shapes first); case is ignored. A stands
# for the topic named first, B for the second; the flag says whether A is the topic asked
# about (for "need": the goal) or B is.
_SHAPES: tuple[tuple[str, str, bool], ...] = (
    ("order", rf"{A}\W*(?:和|与|跟|还是|或者?|、|or|and)\W*(?:先学)?\W*{B}.*(?:先|顺序|first|order|(?:哪个|谁).{{0,4}}(?:在前|前面))", True),
    ("order", rf"先学\W*{A}\W*还是\W*(?:先学)?\W*{B}", True),
    ("order", rf"(?:first|before)\W*{A}\W*or\W*{B}", True),
    ("need", rf"{A}.*(?:需要|要|得|必须|应该)\W*先?\W*(?:学|掌握|懂|会|了解)\w?\W*{B}.*[吗么嘛]", True),
    ("need", rf"{A}.*(?:需要|要|得|必须|应该)\W*先?\W*把\W*{B}\W*(?:学|掌握|搞|弄|看)\w?\W*[吗么嘛]", True),
    ("need", rf"{A}\W*是\W*{B}\W*的\W*(?:前提|基础|前置)", False),
    ("need", rf"(?:need|required?|have) to (?:know|learn|study|master|finish|complete)\W*{A}\W*"
             rf"(?:for|before|to learn|to study)\W*(?:starting\W*|beginning\W*|learning\W*)?{B}", False),
    ("need", rf"need\W*{A}\W*(?:for|before|to learn|to study)\W*{B}", False),
    ("need", rf"is\W*{A}\W*(?:needed|required|a prerequisite)\W*(?:for|before|of)\W*{B}", False),
    ("need", rf"(?:should|must) i (?:learn|know|study)\W*{A}\W*before\W*{B}", False),
    ("path", rf"{A}\W*的\W*(?:学习)?\W*(?:路径|路线|步骤)", True),
    ("path", rf"从(?:零|头|0)(?:开始)?\W*(?:学到|学|到|入门)\W*(?:能做|会做|能用|会用)?\W*{A}|{A}\W*(?:要|该|应该)?怎么(?:学|入门)|"
             rf"{A}\W*(?:的)?学习顺序", True),
    ("path", rf"(?:学到|到)\W*{A}\W*为止|{A}\W*(?:前面|中间|之前)\W*(?:要|需要|得)?\W*依次", True),
    ("path", rf"how (?:do|should|can|would) i (?:learn|get to|study|reach|work up to)\W*{A}|from (?:scratch|zero) to\W*{A}", True),
    ("path", rf"怎么(?:一步步)?\W*学到\W*{A}|{A}\W*怎么\W*一步步", True),
    ("path", rf"(?:path|route|roadmap|steps)\W*(?:to|towards|for)\W*(?:learn(?:ing)?\W*)?{A}", True),
    ("after", rf"{A}\W*(?:之后|以后|后面|后)\W*(?:学|该|可以|再|接着|还)", True),
    ("after", rf"学完\W*{A}|{A}\W*学完|掌握\W*{A}\W*(?:之后|以后|后)", True),
    ("after", rf"{A}\W*(?:之后|以后|后)?\W*的?\W*下一步|{A}\W*(?:之后|以后|后面)\W*(?:是|接)", True),
    ("after", rf"(?:what(?:'s| is)? next|what next|then what|next step)\W*(?:after|once|when)?\W*(?:i (?:know|finish|learn)\W*)?{A}|{A}\W*(?:done|finished)\W*(?:what|now)", True),
    ("after", rf"after\W*(?:learning\W*|studying\W*|i know\W*)?{A}|once i (?:know|have learned|learn)\W*{A}", True),
    ("after", rf"{A}\W*(?:leads to|is followed by)|(?:comes|follows)\W*(?:next\W*)?after\W*{A}", True),
    ("before", rf"{A}\W*(?:之前|以前|前)\W*(?:需要|要|应该|得|必须)?\W*先?\W*(?:掌握|学|了解|准备|具备|懂|会)", True),
    ("before", rf"{A}\W*的?\W*(?:前一步|上一步|(?:前面|之前)\W*(?:那|的)?\W*一步)|{A}\W*(?:前面|之前)\W*(?:是|有)\W*(?:什么|哪些)|"
               rf"{A}\W*(?:需要|要)\W*(?:什么|哪些)\W*基础|(?:学|入门)\W*{A}\W*(?:前|之前)", True),
    ("before", rf"what (?:comes|goes|is) (?:right )?before\W*{A}|what (?:do|should) i (?:know|learn|study) (?:first )?(?:for|before)\W*{A}", True),
    ("before", rf"{A}\W*的\W*(?:前置|前提|先修)", True),
    ("before", rf"学习?\W*{A}\W*(?:需要|要|得|应该)\W*先?\W*(?:掌握|学|具备|懂|了解)?\W*(?:哪些|什么)\W*(?:基础|知识|前置)?", True),
    ("before", rf"before\W*(?:learning\W*|studying\W*|i learn\W*|i study\W*)?{A}|prerequisites?\W*(?:of|for)\W*{A}", True),
    ("before", rf"(?:need|have) to (?:know|learn)\W*(?:first\W*)?(?:for|before)\W*{A}|what do i need (?:to know )?(?:for|before)\W*{A}", True),
)


@dataclass(frozen=True)
class GraphQuestion:
    """A question about the learning order, on topic ids."""

    relation: str  #: "before", "after", "path", "need" or "order"
    topic: str  #: the topic asked about (for "need": the goal)
    other: str = ""  #: the second topic ("need": the candidate prerequisite; "order": the other one)


@dataclass(frozen=True)
class GraphAnswer:
    """The graph's answer to a graph question."""

    question: GraphQuestion  #: what was asked
    sentence: str  #: the first sentence of the answer, with its evidence
    topics: tuple[str, ...]  #: names of the topics the sentence gives as the answer


def classify(question: str, topics: Sequence[Topic]) -> GraphQuestion | None:
    """The graph question ``question`` asks about its linked ``topics``, or None for any other question.

    A one-topic shape may hold for the second topic named ("CNN 里全连接层前面那一步是什么？" asks about
    全连接层, not CNN); an article before a topic ("after the Retriever") is not part of the shape.

    >>> classify("CNN 里全连接层前面那一步是什么？", [Topic("cnn", "CNN"), Topic("fc", "全连接层")])
    GraphQuestion(relation='before', topic='fc', other='')
    """
    template, named = templated(question, topics)
    template = re.sub(rf"\bthe\s+(?=[{A}{B}])", "", template, flags=re.IGNORECASE)
    swapped = template.translate({ord(A): B, ord(B): A})
    for relation, shape, a_is_topic in _SHAPES:
        if B in shape:
            if len(named) >= 2 and re.search(shape, template, re.IGNORECASE):
                topic, other = (named[0], named[1]) if a_is_topic else (named[1], named[0])
                return GraphQuestion(relation, topic.id, other.id)
            continue
        for text, topic in zip((template, swapped), named):
            if re.search(shape, text, re.IGNORECASE):
                return GraphQuestion(relation, topic.id)
    return None


def templated(question: str, topics: Sequence[Topic]) -> tuple[str, list[Topic]]:
    """``question`` with the first two topics it names replaced by ``A`` and ``B``, in order of mention.

    >>> templated("先学自注意力机制还是多头注意力？", [Topic("mha", "多头注意力"), Topic("sa", "自注意力机制")])[0]
    '先学Ⓐ还是Ⓑ？'
    """
    spans: list[tuple[int, int, Topic]] = []
    lowered = question.lower()
    for topic in topics:
        found = _first_mention(lowered, topic)
        if found is not None and not any(a < found[1] and found[0] < b for a, b, _ in spans):
            spans.append((*found, topic))
    spans.sort(key=lambda s: s[0])
    spans = spans[:2]
    text = question
    for (start, end, _), mark in sorted(zip(spans, (A, B)), key=lambda p: -p[0][0]):
        text = text[:start] + mark + text[end:]
    return text, [t for _, _, t in spans]


def _first_mention(lowered: str, topic: Topic) -> tuple[int, int] | None:
    """Where the longest of the topic's names first occurs in the (lower-cased) question."""
    for name in sorted(topic.names, key=len, reverse=True):
        at = lowered.find(name.lower())
        if name and at >= 0:
            return at, at + len(name)
    return None


def answer(roadmap: Any, asked: GraphQuestion, lang: str = "zh", known: Sequence[str] = ()) -> GraphAnswer:
    """The graph's answer to ``asked``: one sentence with the evidence of the edge behind it."""
    writer = {"before": _before, "after": _after, "path": _path, "need": _need, "order": _order}[asked.relation]
    sentence, names = writer(roadmap, asked, lang == "zh", known)
    return GraphAnswer(asked, sentence, tuple(names))


def _before(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    name = _name(roadmap, asked.topic)
    needs = roadmap.prerequisites(asked.topic)
    if not needs:
        return (f"在知识图谱中，「{name}」没有前置要求。" if zh else f"In the roadmap graph, {name} has no prerequisites."), []
    names = [t.name for t in needs]
    why = _evidence(roadmap, needs[0].id, asked.topic)
    if zh:
        return f"在知识图谱中，学习「{name}」之前要先掌握：{_join(names, zh)}{_because(why, zh)}。", names
    return f"In the roadmap graph, before {name} come: {_join(names, zh)}{_because(why, zh)}.", names


def _after(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    name = _name(roadmap, asked.topic)
    then = roadmap.dependents(asked.topic)
    if not then:
        for parent in _ancestors(roadmap, asked.topic):  # a part leads where its whole leads
            then = roadmap.dependents(parent)
            if then:
                break
    if not then:
        return (f"在知识图谱中，「{name}」之后没有后续主题。" if zh else f"In the roadmap graph, nothing follows {name}."), []
    names = [t.name for t in then]
    why = _evidence(roadmap, asked.topic, then[0].id)
    if zh:
        return f"在知识图谱中，学完「{name}」之后可以学：{_join(names, zh)}{_because(why, zh)}。", names
    return f"In the roadmap graph, after {name} you can learn: {_join(names, zh)}{_because(why, zh)}.", names


def _path(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    steps = roadmap.study_path(asked.topic, known=known)
    names = [s.topic.name for s in steps]
    goal = _name(roadmap, asked.topic)
    last = steps[-2].reason if len(steps) > 1 else ""
    if zh:
        return f"在知识图谱中，学到「{goal}」的路径共{len(names)}步：{' → '.join(names)}。{last}", names
    return f"In the roadmap graph, the path to {goal} has {len(names)} steps: {' → '.join(names)}. {last}", names


def _need(roadmap: Any, asked: GraphQuestion, zh: bool, known: Sequence[str]) -> tuple[str, list[str]]:
    goal, need = _name(roadmap, asked.topic), _name(roadmap, asked.other)
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
    return "".join(shown) + (("；依据：" if zh else "; evidence: ") + cite(best) if best else "")


def _comes_before(roadmap: Any, first: str, then: str) -> bool:
    """Whether ``first`` is among everything to learn before ``then`` (prerequisites, transitively)."""
    return any(t.id == first for t in roadmap.prerequisites(then, transitive=True))


def _evidence(roadmap: Any, first: str, then: str) -> str:
    """The strongest evidence that ``first`` comes before ``then`` (or before a topic ``then`` is part of)."""
    graph = roadmap.graph
    for target in (then, *_ancestors(roadmap, then)):
        if graph.has_edge(first, target):
            best = strongest(list(graph.edges[first, target].get("evidence", [])))
            return cite(best) if best else ""
    return ""


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
