"""Answers with citations: follow-up resolution → retrieval → graph facts → prompt → streamed
LLM text (or an extractive answer) → the structured ``Answer``.

``stream_answer`` yields events in this order: one ``Context`` (sources, linked topics,
next topics, missing prerequisites — ready before any model runs), many ``Token``, one
``Done`` carrying the ``Answer``. ``collect`` turns the events into the ``Answer``.

Example (not executed: it needs a knowledge base)::

    for event in stream_answer("学习多头注意力之前要掌握什么？", roadmap=rm, searcher=searcher,
                               embedder=embedder, llm=None):
        if isinstance(event, Token):
            print(event.text, end="")
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.citations import not_covered_text
from rag.answering.config import AnswerConfig
from rag.answering.events import Context, Done, Event, Token
from rag.answering.extractive import asks_about_order, extractive_lines
from rag.answering.finishing import finish, lead_text
from rag.answering.lists import is_list_question
from rag.answering.preparing import History, Prepared, gate_bounds, prepare
from rag.answering.prompting import PROMPT_BUDGET, build_messages
from rag.retrieval.embedders import Embedder
from rag.retrieval.search import Searcher


# --- the pipeline -------------------------------------------------------------------------


def stream_answer(
    question: str,
    *,
    roadmap: Any,
    searcher: Searcher,
    embedder: Embedder | None,
    llm: BaseChatModel | None,
    known: Sequence[str] = (),
    history: History = (),
    config: AnswerConfig = AnswerConfig(),
) -> Iterator[Event]:
    """Answer ``question``: yields ``Context``, then ``Token`` pieces, then ``Done``.

    ``llm=None`` answers extractively, without a model. A question the documents do
    not seem to cover is answered "not covered" without calling the model.
    ``config.prompt_budget`` caps the prompt in tokens: the time to the first token grows
    with it. The ``embedder`` (the one the index was built with) lends its calibrated
    similarity bounds to the coverage gate (``gate_bounds``) and attributes by
    meaning the sentences words leave unattributed (``Embedder.restatement``).
    """
    relevance, named = gate_bounds(searcher, embedder)
    prepared = prepare(question, roadmap=roadmap, searcher=searcher, known=known, history=history, config=config,
                       relevance=relevance, named=named)
    yield Context(prepared.passages, prepared.topics, prepared.facts.next_topics,
                  prepared.facts.missing_prerequisites)
    lead = lead_text(prepared)
    if lead:
        yield Token(lead)  # the graph's answer: deterministic, shown before any model runs
    if not prepared.covered:
        pieces: Iterable[str] = [not_covered_text(prepared.lang)]
    elif llm is None or (settled(prepared) and not config.model_after_graph):
        # No model: the extractive answer; after the graph's own answer, nothing (the key quote follows).
        pieces = extractive_lines(prepared, config.extractive_passages, config.quote_chars) if llm is None else []
    else:
        pieces = answer_chain(llm, config.prompt_budget).stream(prepared)
    parts = []
    for piece in pieces:
        if piece:
            parts.append(piece)
            yield Token(piece)
            if llm is not None and config.max_sentences and sentence_count("".join(parts)) >= config.max_sentences:
                break  # the model runs on past the answer: what follows is not what the passages say
    answer, added = finish("".join(parts).strip(), prepared, embedder if llm is not None else None,
                           checked=llm is not None, config=config)
    if added:  # the graph's facts after a refusal, a completed list
        yield Token(added)
    yield Done(answer)


_SENTENCE_END = re.compile(r"(?:[。！？!?]+|\.(?=\s))(?:[ \t]*\n+(?=\s*\S))?|\n+(?=\s*\S)")


def sentence_count(text: str) -> int:
    """Sentences and lines ``text`` has finished so far.

    >>> sentence_count("LoRA冻结原权重[1]。它只训练低秩矩阵。\\n- QLoRA"), sentence_count("Split it. Then index")
    (2, 1)
    >>> sentence_count("- 切分文档\\n- 建索引\\n- 检索")
    2
    """
    return len(_SENTENCE_END.findall(text))


def answer_chain(llm: BaseChatModel, budget: int = PROMPT_BUDGET) -> Runnable[Prepared, str]:
    """prepared question → prompt messages → chat model → text pieces."""
    chain: Runnable[Any, str] = RunnableLambda(lambda p: prompt_messages(p, budget)) | llm | StrOutputParser()
    return cast("Runnable[Prepared, str]", chain)  # LangChain's `|` loses the input type


def prompt_messages(prepared: Prepared, budget: int = PROMPT_BUDGET) -> list[BaseMessage]:
    """The prompt for a prepared question, within ``budget`` tokens (see ``rag.answering.prompting``)."""
    # Graph facts answer questions about the learning order; beside any other question they are noise the
    # model repeats ("you have not learned X yet" under a question about journals).
    facts = prepared.facts.lines(prepared.lang, suggestions=False) if asks_about_order(prepared) else []
    question, kind = prepared.question, "list" if is_list_question(prepared.question) else ""
    if settled(prepared):
        # The graph answered the order; the model only says what the passages say about the topics.
        question, facts, kind = topics_question(prepared), [], "graph"
    return build_messages(question, facts, prepared.passages, prepared.lang,
                          history=prepared.history, budget=budget, kind=kind)


def settled(prepared: Prepared) -> bool:
    """Whether the graph's answer settles the question (see ``GraphAnswer.settles``)."""
    return prepared.graph is not None and prepared.graph.settles


def topics_question(prepared: Prepared) -> str:
    """What the model is asked after the graph answered a graph question: what the passages say of its topics.

    >>> from kb.model import Topic
    >>> from rag.answering.facts import GraphFacts
    >>> p = Prepared("A之后学什么？", "", "zh", (Topic("a", "A"), Topic("b", "B")), GraphFacts((), (), ()), (), True, ())
    >>> topics_question(p)
    '资料中关于「A」「B」说了什么？'
    """
    names = [t.name for t in prepared.topics[:2]]
    if prepared.lang == "zh":
        return "资料中关于" + "".join(f"「{n}」" for n in names) + "说了什么？"
    return f"What do the passages say about {' and '.join(names)}?"
