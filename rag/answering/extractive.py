"""The answer without a language model (``llm="none"``): the best passages, cited (graph facts first for a
question about the learning order)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.graph_question import classify
from rag.answering.preparing import Prepared
from rag.retrieval.snippets import without_instructions

_MARKUP = re.compile(r"(^|\s)(#{1,6}|-{3,}|>)(?=\s)")
_ORDER_WORDS = re.compile(r"之前|之后|以前|以后|下一步|上一步|先学|前置|先修|顺序|\b(?:before|after|next|first|prerequisites?|order)\b",
                          re.IGNORECASE)
_BREAK = re.compile(r"(?:^|\s+)[-*+](?:\s+|$)|\s{2,}")


#: Heads the passages quoted instead of a generated answer whose every sentence lacked support: they are the
#: closest text, not an answer the documents give.
CLOSEST = {"zh": "资料没有直接回答这个问题，最相关的段落：", "en": "The documents do not answer this directly; the closest passage:"}


def extractive_lines(prepared: Prepared, passages: int = 2, quote_chars: int = 160, heading: str = "") -> list[str]:
    """An answer without a model: the best passages with their citations (under ``heading``), after the
    graph facts of the linked topics when the question asks about the learning order and the graph gave no
    answer of its own (a question about what a topic is gets the passages, not its prerequisites)."""
    zh = prepared.lang == "zh"
    about_order = prepared.graph is None and not heading and asks_about_order(prepared)
    lines = [_topic_sentence(f.topic.name, [t.name for t in f.before], [t.name for t in f.after], zh)
             for f in prepared.facts.linked[:2]] if about_order else []
    quoted = prepared.passages[:passages]
    if quoted:
        lines.append(heading or ("资料要点：" if zh else "From the documents:"))
        lines.extend(f"- {_shorten(plain_text(without_instructions(c.snippet)), quote_chars)} [{c.n}]" for c in quoted)
    return [line + "\n" for line in lines]


def asks_about_order(prepared: Prepared) -> bool:
    """Whether the question asks about the learning order: a graph question's shape, or an order word
    where the topic is not named verbatim ("算完频谱之后下一步是什么？" for 计算频谱).

    >>> from kb.model import Topic
    >>> from rag.answering.facts import GraphFacts
    >>> ask = lambda q: asks_about_order(Prepared(q, q, "zh", (Topic("spec", "计算频谱"),), GraphFacts((), (), ()), (), True, ()))
    >>> ask("算完频谱之后下一步是什么？"), ask("计算频谱用什么公式？")
    (True, False)
    """
    return classify(prepared.question, prepared.topics) is not None or bool(_ORDER_WORDS.search(prepared.question))


def graph_note(prepared: Prepared) -> str:
    """The graph facts of the linked topics as a short paragraph (no citations: they are not passages)."""
    zh = prepared.lang == "zh"
    sentences = [_topic_sentence(f.topic.name, [t.name for t in f.before], [t.name for t in f.after], zh)
                 for f in prepared.facts.linked[:2]]
    return "\n\n" + ("知识图谱中的相关事实：" if zh else "From the roadmap graph: ") + " ".join(sentences)


def plain_text(markdown: str) -> str:
    """Markdown snippet text as one plain line (no emphasis, heading marks, bullets or rules).

    >>> plain_text("- **核心架构** - **Transformer**：大模型的基石 ##### 注意力")
    '核心架构；Transformer：大模型的基石；注意力'
    """
    text = _MARKUP.sub(" ", markdown.replace("**", "").replace("`", ""))
    parts = [p.strip() for p in _BREAK.split(text) if p.strip()]
    return "；".join(parts)


def _topic_sentence(name: str, before: Sequence[str], after: Sequence[str], zh: bool) -> str:
    if zh:
        first = f"学习「{name}」之前要先掌握：{'、'.join(before)}。" if before else f"「{name}」没有前置要求。"
        return first + (f"学完之后可以学：{'、'.join(after[:5])}。" if after else "")
    first = f"Before {name}, learn: {', '.join(before)}." if before else f"{name} has no prerequisites."
    return first + (f" After it: {', '.join(after[:5])}." if after else "")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
