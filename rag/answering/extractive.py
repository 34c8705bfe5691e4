"""The answer without a language model (``llm="none"``): graph facts, then the best passages, cited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.preparing import Prepared
from rag.retrieval.snippets import without_instructions

_MARKUP = re.compile(r"(^|\s)(#{1,6}|-{3,}|>)(?=\s)")
_BREAK = re.compile(r"(?:^|\s+)[-*+](?:\s+|$)|\s{2,}")


def extractive_lines(prepared: Prepared, passages: int = 2, quote_chars: int = 160) -> list[str]:
    """An answer without a model: graph facts, then the best passages with their citations."""
    zh = prepared.lang == "zh"
    lines = [_topic_sentence(f.topic.name, [t.name for t in f.before], [t.name for t in f.after], zh)
             for f in prepared.facts.linked[:2]] if prepared.graph is None else []  # the graph answered first
    quoted = prepared.passages[:passages]
    if quoted:
        lines.append("资料要点：" if zh else "From the documents:")
        lines.extend(f"- {_shorten(plain_text(without_instructions(c.snippet)), quote_chars)} [{c.n}]" for c in quoted)
    return [line + "\n" for line in lines]


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
