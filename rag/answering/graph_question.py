"""Which graph question a question asks: what comes before X, what after X, the path to X,
"do I need Y for X", "X or Y first", what X is made of.

The question is matched against a few shapes with its linked topics replaced by
placeholders, so the shapes hold for any topic of any roadmap.

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

from kb.model import Topic

#: Placeholders standing for the first and second topic named in a question.
A, B = "\u24b6", "\u24b7"
#: "Done with" words between a topic and "after" ("QLoRA 做完以后"), and words pointing at a part of the
#: roadmap between a topic and "before" ("张量操作这一块，前面…").
_DONE = "学完|做完|读完|看完|完成|搞定|弄懂|搞懂"
_POINTER = "[这那]一?个?(?:块|部分|步|节|章|阶段|条|项|方向|环节)|这里"
#: A topic's alias in parentheses right after its name ("隐马尔可夫模型（HMM）").
_ALIAS = r"(?:\s*[（(][^（）()]{1,20}[）)])?"
# Shapes per relation, tried in this order (two-topic shapes first); case is ignored. A stands
# for the topic named first, B for the second; the flag says whether A is the topic asked
# about (for "need": the goal) or B is.
_SHAPES: tuple[tuple[str, str, bool], ...] = (
    ("order", rf"{A}\W*(?:和|与|跟|还是|或者?|、|or|and)\W*(?:先学)?\W*{B}.*(?:先|顺序|first|order|(?:哪个|谁).{{0,4}}(?:在前|前面))", True),
    ("order", rf"先学\W*{A}\W*还是\W*(?:先学)?\W*{B}", True),
    ("order", rf"(?:first|before)\W*{A}\W*or\W*{B}", True),
    ("need", rf"{A}.*(?:需要|要|得|必须|应该)\W*先?\W*(?:学|掌握|懂|会|了解)\w?\W*{B}.*[吗么嘛]", True),
    ("need", rf"{A}.*(?:需要|要|得|必须|应该)\W*先?\W*把\W*{B}\W*(?:学|掌握|搞|弄|看|做|读|完成)\w?\W*[吗么嘛]", True),
    ("need", rf"{A}\W*(?:之前|以前|前)\W*(?:必须|需要|要|得|一定要)\W*先?\W*把\W*{B}(?:\W|{_POINTER})*(?:学完|学好|学|掌握|搞定|做完)\w?\W*[吗么嘛]", True),
    ("need", rf"{A}.{{0,6}}(?:要等|得等|等)\W*{B}.{{0,12}}?(?:学完|学好|做完|完成).{{0,6}}(?:才能|才可以|再)", True),
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
    ("path", rf"how (?:do|should|can|would) i (?:learn|get to|study|reach|work (?:my way )?up to)\W*{A}|from (?:scratch|zero) to\W*{A}", True),
    ("path", rf"(?:what|which) order\b.{{0,40}}?{A}|work (?:my way )?up to\W*(?:\w+\W+){{0,2}}?{A}", True),
    ("path", rf"怎么(?:一步步)?\W*学到\W*{A}|{A}\W*怎么\W*一步步|{A}.{{0,12}}(?:按|以)?(?:什么|怎样的|哪种)顺序", True),
    ("path", rf"(?:path|route|roadmap|steps)\W*(?:to|towards|for)\W*(?:learn(?:ing)?\W*)?{A}", True),
    ("after", rf"{A}(?:\W|{_POINTER})*(?:{_DONE})?\W*(?:之后|以后|后面|后)\W*(?:学|该|可以|再|接着|还|接下来|下一)", True),
    ("after", rf"(?:{_DONE})\W*{A}{_ALIAS}(?:\W|{_POINTER})*(?:之后|以后|后)?\W*(?:下一个|下一步|接下来|接着)", True),
    ("after", rf"学完\W*{A}|{A}\W*学完|掌握\W*{A}\W*(?:之后|以后|后)", True),
    ("after", rf"{A}\W*(?:{_DONE})?\W*(?:之后|以后|后)?\W*的?\W*下一步|{A}\W*(?:之后|以后|后面)\W*(?:是|接)", True),
    ("after", rf"(?:what(?:'s| is)? next|what next|then what|next step)\W*(?:after|once|when)?\W*(?:i (?:know|finish|learn)\W*)?{A}|{A}\W*(?:done|finished)\W*(?:what|now)", True),
    ("after", rf"after\W*(?:learning\W*|studying\W*|i know\W*)?{A}|once i (?:know|have learned|learn)\W*{A}", True),
    ("after", rf"once\W*{A}\W*(?:is|are|has been|have been)?\W*(?:done|finished|covered|learned|complete)", True),
    ("after", rf"{A}\W*(?:leads to|is followed by)|(?:comes|follows)\W*(?:next\W*)?after\W*{A}", True),
    ("after", rf"{A}.{{0,30}}\bwhat (?:should|do|can|shall) i (?:study|learn|do|tackle|pick up) next", True),
    ("before", rf"{A}(?:\W|{_POINTER})*(?:之前|以前|前面|前)[^？?。]{{0,8}}?(?:掌握|学|了解|准备|具备|懂|会|弄清|搞清)", True),
    ("before", rf"{A}\W*的?\W*(?:前一步|上一步|(?:前面|之前)\W*(?:那|的)?\W*一步)|{A}\W*(?:前面|之前)\W*(?:是|有)\W*(?:什么|哪些)|"
               rf"{A}\W*(?:需要|要)\W*(?:什么|哪些)\W*基础|(?:学|入门)\W*{A}\W*(?:前|之前)", True),
    ("before", rf"what (?:comes|goes|is) (?:right )?before\W*{A}|what (?:do|should) i (?:know|learn|study) (?:first )?(?:for|before)\W*{A}", True),
    ("before", rf"{A}\W*的\W*(?:前置|前提|先修)", True),
    ("before", rf"学习?\W*{A}\W*(?:需要|要|得|应该)\W*先?\W*(?:掌握|学|具备|懂|了解)?\W*(?:哪些|什么)\W*(?:基础|知识|前置)?", True),
    ("before", rf"before\W*(?:\w+\W+){{0,4}}?{A}|prerequisites?\W*(?:of|for)\W*{A}", True),
    ("before", rf"(?:要做|要学|想做|想学|学|做)\W*{A}\W*(?:前面|之前|以前)\W*(?:得|要|需要|必须)?\W*先?\W*(?:学完|学好|掌握|学|会)\W*(?:哪些|什么)", True),
    ("before", rf"(?:need|have) to (?:know|learn)\W*(?:first\W*)?(?:for|before)\W*{A}|what do i need (?:to know )?(?:for|before)\W*{A}", True),
    ("parts", rf"{A}\W*(?:包括|包含|涵盖|分为|分成|下分)了?\W*(?:哪些|哪几|什么)|"
              rf"{A}\W*(?:里|中|下面|下|里面|这一?部分|这一?阶段)?\W*(?:有|要学|讲了?|学)\W*(?:哪些|什么)\W*(?:内容|部分|主题|知识点|子主题)", True),
    ("parts", rf"what (?:does|do|will)\W*{A}\W*(?:cover|include|contain|consist of)|"
              rf"what (?:topics|subtopics|parts|items|contents)\b.*\b(?:under|in|inside|of)\W*{A}|"
              rf"(?:topics|subtopics|parts|contents) (?:of|under)\W*{A}", True),
)


@dataclass(frozen=True)
class GraphQuestion:
    """A question about the learning order, on topic ids."""

    relation: str  #: "before", "after", "path", "need", "order" or "parts" (what the topic is made of)
    topic: str  #: the topic asked about (for "need": the goal)
    other: str = ""  #: the second topic ("need": the candidate prerequisite; "order": the other one)


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
    """Where the longest of the topic's names first occurs in the (lower-cased) question, together with
    another of its names glossing it in parentheses ("光线追踪 (ray tracing)", "HMM（隐马尔可夫模型）").

    >>> q = "what comes after 光线追踪 (ray tracing)?"
    >>> q[slice(*_first_mention(q, Topic("rt", "光线追踪", ("ray tracing",))))]
    '光线追踪 (ray tracing)'
    """
    for name in sorted(topic.names, key=len, reverse=True):
        at = lowered.find(name.lower())
        if name and at >= 0:
            return _with_gloss(lowered, topic, at, at + len(name))
    return None


def _with_gloss(lowered: str, topic: Topic, start: int, end: int) -> tuple[int, int]:
    """The span ``start:end`` widened by another name of the topic written around it as a gloss."""
    for other in (n.lower() for n in topic.names if n):
        before = re.search(rf"{re.escape(other)}\s*[（(]\s*$", lowered[:start])
        if before and lowered[end:].lstrip().startswith((")", "）")):
            return before.start(), end + len(lowered[end:]) - len(lowered[end:].lstrip()) + 1
        after = re.match(rf"\s*[（(]\s*{re.escape(other)}\s*[)）]", lowered[end:])
        if after:
            return start, end + after.end()
    return start, end
