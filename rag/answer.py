"""Answers with citations: follow-up resolution → retrieval → graph facts → prompt → streamed
LLM text (or an extractive answer) → the structured ``Answer``.

``stream_answer`` yields events in this order: one ``Context`` (sources, linked topics,
next topics, missing prerequisites — ready before any model runs), many ``Token``, one
``Done`` carrying the ``Answer``. ``collect`` turns the events into the ``Answer``.

Example (not executed: it needs a knowledge base)::

    for event in stream_answer("学习多头注意力之前要掌握什么？", roadmap=rm, retrieve=a.retrieve, llm=None):
        if isinstance(event, Token):
            print(event.text, end="")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, cast

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from kb.model import Topic
from rag.answering import graph_answer
from rag.answering.grounding import ground
from rag.answering.lists import best_list, is_list_question, listing_sentence, missing_items
from rag.answering.quote import Quote, key_quote
from rag.facts import GraphFacts, graph_facts
from rag.lexical import occurs, tokenize
from rag.linking import link_topics
from rag.citations import (Citation, Encoder, attribute, cite, not_covered_text, only_not_covered,
                           without_stray_refusal)
from rag.embedders import Embedder
from rag.prompting import PROMPT_BUDGET, Passage, build_messages, question_language
from rag.search import SearchResult

#: Passages retrieved per question (and numbered for citation).
TOP_K = 4
#: Passages quoted by the extractive (``llm="none"``) answer.
EXTRACTIVE_PASSAGES = 2
#: Longest quote from one passage in an extractive answer.
QUOTE_CHARS = 160
#: Earlier user turns searched for the topic of a follow-up question.
FOLLOW_UP_TURNS = 3
#: Without a linked topic, more than this share of the question's words must occur in the passages.
MIN_OVERLAP = 0.5

_MARKUP = re.compile(r"(^|\s)(#{1,6}|-{3,}|>)(?=\s)")
_BREAK = re.compile(r"(?:^|\s+)[-*+](?:\s+|$)|\s{2,}")
#: Words every question has; they say nothing about whether the documents cover it.
QUESTION_WORDS = frozenset(
    "怎么 怎样 如何 什么 哪些 哪个 为什么 是否 可以 需要 应该 学习 掌握 之前 之后 之间 区别 一下 介绍 请问 "
    "what how why which when where should learn does work between difference explain tell "
    "like today good best make use used way ways get started need important main help".split()
)

Retrieve = Callable[[str, int], SearchResult]
#: (unrelated below, related at or above) similarity of a question to its closest passage.
Bounds = tuple[float | None, float | None]
Relevance = dict[str, Bounds]
History = Iterable[Any]


@dataclass(frozen=True)
class Answer:
    """The result of a question."""

    text: str  #: the answer, with [n] markers
    sources: tuple[Citation, ...]  #: the passages the text cites (the top one when it cites none)
    linked_topics: tuple[Topic, ...]  #: topics the question (or its follow-up context) is about
    next_topics: tuple[Topic, ...]  #: what to learn next, personalised by what the learner knows
    missing_prerequisites: tuple[str, ...]  #: sentences naming prerequisites not covered yet
    unsupported: tuple[str, ...] = ()  #: generated sentences no passage or graph fact supports (marked in text)
    quote: Quote | None = None  #: the verbatim sentence or list of the top passage that answers the question
    graph_answer: str = ""  #: the graph's own answer to a graph question (the text's first sentence)
    judged: int = 0  #: generated sentences checked against the passages and graph facts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (topics without their source lists)."""
        data = asdict(self)
        for key in ("linked_topics", "next_topics"):
            data[key] = [{"id": t["id"], "name": t["name"], "stage": t["stage"]} for t in data[key]]
        return data


@dataclass(frozen=True)
class Context:
    """First event: everything known before the model runs."""

    sources: tuple[Citation, ...]  #: the numbered passages the answer may cite
    linked_topics: tuple[Topic, ...]  #: topics the question is about
    next_topics: tuple[Topic, ...]  #: what to learn next
    missing_prerequisites: tuple[str, ...]  #: prerequisites the learner has not covered


@dataclass(frozen=True)
class Token:
    """A piece of the answer text, as the model produces it."""

    text: str  #: the new text


@dataclass(frozen=True)
class Done:
    """Last event: the finished answer."""

    answer: Answer  #: the structured result


Event = Context | Token | Done


@dataclass(frozen=True)
class Prepared:
    """A question with everything gathered for answering it."""

    question: str  #: the question as asked
    query: str  #: the retrieval query (the question plus follow-up topics)
    lang: str  #: "zh" or "en", the language to answer in
    topics: tuple[Topic, ...]  #: linked topics
    facts: GraphFacts  #: graph facts for the linked topics
    passages: tuple[Citation, ...]  #: retrieved passages, numbered from 1
    covered: bool  #: whether the documents seem to be about the question (if not: no passages)
    history: tuple[tuple[str, str], ...]  #: earlier (user, assistant) turns
    graph: graph_answer.GraphAnswer | None = None  #: the graph's answer, for a question about the learning order


# --- the pipeline -------------------------------------------------------------------------


def stream_answer(
    question: str,
    *,
    roadmap: Any,
    retrieve: Retrieve,
    llm: BaseChatModel | None,
    known: Sequence[str] = (),
    history: History = (),
    k: int = TOP_K,
    budget: int = PROMPT_BUDGET,
    embedder: Embedder | None = None,
) -> Iterator[Event]:
    """Answer ``question``: yields ``Context``, then ``Token`` pieces, then ``Done``.

    ``llm=None`` answers extractively, without a model. A question the documents do
    not seem to cover is answered "not covered" without calling the model. ``budget``
    caps the prompt in tokens: the time to the first token grows with it. The search's
    ``embedder`` lends its similarity bounds to the coverage gate (``Embedder.relevance``)
    and attributes by meaning the sentences words leave unattributed (``Embedder.restatement``).
    """
    prepared = prepare(question, roadmap=roadmap, retrieve=retrieve, known=known, history=history, k=k,
                       relevance=embedder.relevance if embedder is not None else None)
    yield Context(prepared.passages, prepared.topics, prepared.facts.next_topics,
                  prepared.facts.missing_prerequisites)
    lead = prepared.graph.sentence + "\n\n" if prepared.graph is not None else ""
    if lead:
        yield Token(lead)  # deterministic, from the graph: shown before any model runs
    if not prepared.covered:
        pieces: Iterable[str] = [not_covered_text(prepared.lang)]
    elif llm is None:
        pieces = extractive_lines(prepared)
    else:
        pieces = answer_chain(llm, budget).stream(prepared)
    parts = []
    for piece in pieces:
        if piece:
            parts.append(piece)
            yield Token(piece)
    text = "".join(parts).strip()
    answer, added = _finish(text, prepared, embedder if llm is not None else None, checked=llm is not None)
    if added:  # the graph note, a completed list: not streamed yet
        yield Token(added)
    yield Done(answer)


def collect(events: Iterable[Event]) -> Answer:
    """The ``Answer`` of a stream of events."""
    for event in events:
        if isinstance(event, Done):
            return event.answer
    raise RuntimeError("the answer stream ended without a Done event")


def prepare(
    question: str, *, roadmap: Any, retrieve: Retrieve, known: Sequence[str] = (), history: History = (), k: int = TOP_K,
    relevance: Relevance | None = None,
) -> Prepared:
    """Resolve follow-ups, retrieve, link topics and gather graph facts (no model involved)."""
    turns = tuple(history_pairs(history))
    earlier = follow_up_topics(roadmap, question, turns)
    query = retrieval_query(question, earlier)
    result = retrieve(query, k)
    topics = tuple({t.id: t for t in [*result.topics, *earlier]}.values())
    lang = question_language(question, [n for t in topics for n in t.names])
    facts = graph_facts(roadmap, topics, known, lang=lang)
    bounds = (relevance or {}).get(lang, (None, None))
    if not seems_covered(question, lang, topics, result.documents, result.similarity, bounds):
        # Passages and suggestions unrelated to the question would only mislead.
        return Prepared(question, query, lang, topics, replace(facts, next_topics=()), (), False, turns)
    asked = graph_answer.classify(question, topics)
    graph = graph_answer.answer(roadmap, asked, lang, known) if asked is not None else None
    return Prepared(question, query, lang, topics, facts, numbered(result.documents), True, turns, graph)


def answer_chain(llm: BaseChatModel, budget: int = PROMPT_BUDGET) -> Runnable[Prepared, str]:
    """prepared question → prompt messages → chat model → text pieces."""
    chain: Runnable[Any, str] = RunnableLambda(lambda p: prompt_messages(p, budget)) | llm | StrOutputParser()
    return cast("Runnable[Prepared, str]", chain)  # LangChain's `|` loses the input type


def prompt_messages(prepared: Prepared, budget: int = PROMPT_BUDGET) -> list[BaseMessage]:
    """The prompt for a prepared question, within ``budget`` tokens (see ``rag.prompting``)."""
    passages = [Passage(c.n, _label(c), c.snippet) for c in prepared.passages]
    facts = prepared.facts.lines(prepared.lang, suggestions=False)
    kind = "graph" if prepared.graph is not None else "list" if is_list_question(prepared.question) else ""
    if prepared.graph is not None:
        facts = [prepared.graph.sentence, *facts]
    return build_messages(prepared.question, facts, passages, prepared.lang,
                          history=prepared.history, budget=budget, kind=kind)


def finish(text: str, prepared: Prepared, encoder: Encoder | None = None, checked: bool = True) -> Answer:
    """The ``Answer`` for generated ``text`` (see ``_finish``)."""
    return _finish(text, prepared, encoder, checked)[0]


def _finish(text: str, prepared: Prepared, encoder: Encoder | None, checked: bool) -> tuple[Answer, str]:
    """The ``Answer`` for generated ``text``: citations mapped, every sentence grounded, the list completed.

    Sentences the model left uncited get the marker of the passage they repeat (``attribute``);
    a refusal tacked onto a cited answer is dropped (``without_stray_refusal``). With
    ``checked``, each sentence is checked against the passages and graph facts the model
    saw (``ground``) and the unsupported ones are marked. A model that refused although
    the graph knows the topics gets the graph's facts added; a list question whose top
    passage lists more items than the text names gets them all, cited. Also returns what
    was added after the generated text (to stream it).
    """
    lead = prepared.graph.sentence + "\n\n" if prepared.graph is not None else ""
    unsupported: tuple[str, ...] = ()
    judged = 0
    if prepared.covered:
        text = attribute(without_stray_refusal(text), prepared.passages, encoder)
        if checked:
            grounded = ground(text, support_texts(prepared), prepared.lang, encoder)
            text, unsupported, judged = grounded.text, grounded.unsupported, grounded.sentences
    note = ""
    if checked and prepared.topics and prepared.graph is None and only_not_covered(text):
        note = graph_note(prepared)  # small models sometimes refuse although the graph answers
    listed = completed_list(lead + text, prepared)
    top = prepared.passages[0] if prepared.covered and prepared.passages else None
    return Answer(
        text=lead + text + note + listed,
        sources=cite(text + listed, prepared.passages, prepared.covered),
        linked_topics=prepared.topics,
        next_topics=prepared.facts.next_topics,
        missing_prerequisites=prepared.facts.missing_prerequisites,
        unsupported=unsupported,
        quote=key_quote(prepared.question, top) if top is not None else None,
        graph_answer=prepared.graph.sentence if prepared.graph is not None else "",
        judged=judged,
    ), note + listed


def support_texts(prepared: Prepared) -> list[str]:
    """What the model was given to answer from: the passages, the graph facts and the graph's answer."""
    facts = prepared.facts.lines(prepared.lang, suggestions=False)
    return [c.snippet for c in prepared.passages] + facts + ([prepared.graph.sentence] if prepared.graph else [])


def completed_list(text: str, prepared: Prepared) -> str:
    """A sentence naming every item the top passage lists, when a list question's ``text`` misses some."""
    if not prepared.covered or not prepared.passages or not is_list_question(prepared.question):
        return ""
    found = best_list(prepared.passages[0].snippet, prepared.question)
    if found is None or not missing_items(text, found.items):
        return ""
    return ("\n\n" if text else "") + listing_sentence(found, prepared.passages[0].n, prepared.lang)


# --- follow-ups and retrieval ---------------------------------------------------------------


def history_pairs(history: History) -> Iterator[tuple[str, str]]:
    """(user, assistant) pairs from pairs, LangChain messages or ``{"role", "content"}`` dicts."""
    user: str | None = None
    for item in history:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            yield str(item[0] or ""), str(item[1] or "")
            continue
        role, content = _role_and_content(item)
        if role in ("user", "human"):
            if user is not None:
                yield user, ""
            user = content
        elif role in ("assistant", "ai") and user is not None:
            yield user, content
            user = None
    if user is not None:
        yield user, ""


def follow_up_topics(roadmap: Any, question: str, turns: Sequence[tuple[str, str]]) -> list[Topic]:
    """Topics of the latest earlier user turn naming any, when the question itself names none.

    "那它之后学什么？" after a question about LoRA resolves to LoRA.
    """
    if not turns or link_topics(roadmap, question):
        return []
    for user, _ in reversed(turns[-FOLLOW_UP_TURNS:]):
        topics = link_topics(roadmap, user)
        if topics:
            return topics
    return []


def retrieval_query(question: str, topics: Sequence[Topic]) -> str:
    """The question, followed by the names of the follow-up topics it refers to.

    >>> retrieval_query("那它之后学什么？", [Topic("lora", "LoRA")])
    '那它之后学什么？ LoRA'
    """
    return " ".join([question.strip(), *(t.name for t in topics)])


def numbered(documents: Sequence[Document]) -> tuple[Citation, ...]:
    """Retrieved documents as citations numbered from 1 (snippet if present, else the text)."""
    return tuple(
        Citation(
            n=n,
            document=str(d.metadata.get("source", "")),
            heading=str(d.metadata.get("heading", "")),
            lines=str(d.metadata.get("lines", "")),
            snippet=str(d.metadata.get("snippet") or d.page_content),
        )
        for n, d in enumerate(documents, 1)
    )


def seems_covered(question: str, lang: str, topics: Sequence[Topic], documents: Sequence[Document],
                  similarity: float | None = None, bounds: Bounds = (None, None)) -> bool:
    """Whether the documents seem to be about the question.

    The embedder's bounds decide first: a question less similar than ``bounds[0]`` to
    every passage is unrelated, one at least ``bounds[1]`` similar is related. Between
    them, it must name a topic or share its words with the passages: a Chinese question
    most of its content words, an English one (over mostly Chinese documents) one,
    since its other words are translated there.

    >>> seems_covered("怎样提高睡眠质量？", "zh", [], [], similarity=0.85, bounds=(0.865, None))
    False
    """
    low, high = bounds
    if similarity is not None and low is not None and similarity < low:
        return False
    if similarity is not None and high is not None and similarity >= high:
        return True
    if topics:
        return True
    share = overlap(question, documents)
    return share > MIN_OVERLAP if lang == "zh" else share > 0


def overlap(question: str, documents: Sequence[Document]) -> float:
    """Share of the question's content words that occur in the retrieved passages.

    Dense scores sit in a narrow band whatever the question, so between the embedder's
    bounds whether the documents are about it is judged on words. One-character words
    count only when there are no others.
    """
    words = set(tokenize(question)) - QUESTION_WORDS
    words = {w for w in words if len(w) > 1} or words
    if not words:
        return 0.0
    text = " ".join(d.page_content for d in documents).lower()
    return sum(occurs(w, text) for w in words) / len(words)


# --- the extractive answer ----------------------------------------------------------------------


def extractive_lines(prepared: Prepared) -> list[str]:
    """An answer without a model: graph facts, then the best passages with their citations."""
    zh = prepared.lang == "zh"
    lines = [_topic_sentence(f.topic.name, [t.name for t in f.before], [t.name for t in f.after], zh)
             for f in prepared.facts.linked[:2]] if prepared.graph is None else []  # the graph answered already
    quoted = prepared.passages[:EXTRACTIVE_PASSAGES]
    if quoted:
        lines.append("资料要点：" if zh else "From the documents:")
        lines.extend(f"- {_shorten(plain_text(c.snippet), QUOTE_CHARS)} [{c.n}]" for c in quoted)
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


def _label(citation: Citation) -> str:
    """What the model sees above a passage: its own heading (file names and line numbers only cost time).

    >>> _label(Citation(1, "a.md", "路线 › 基础 › Python", "3-9", "..."))
    'Python'
    """
    return citation.heading.rsplit(" › ", 1)[-1] or citation.document


def _role_and_content(item: Any) -> tuple[str, str]:
    if isinstance(item, BaseMessage):
        return item.type, str(item.content)
    if isinstance(item, dict):
        return str(item.get("role", "")), str(item.get("content", ""))
    raise TypeError(f"history items must be (user, assistant) pairs, messages or role dicts, got {item!r}")
