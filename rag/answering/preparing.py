"""Everything gathered for a question before any model runs: follow-ups resolved, passages
retrieved and numbered, topics linked, graph facts, and whether the documents cover it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.messages import BaseMessage

from kb.model import Topic
from kb.text import FRAME_WORDS, QUESTION_WORDS, fold
from rag.answering import graph_answer
from rag.answering.config import AnswerConfig
from rag.answering.facts import GraphFacts, graph_facts
from rag.answering.prompting import question_language
from rag.retrieval import off_topic
from rag.retrieval.calibration import Bounds, calibration_for
from rag.retrieval.lexical import occurs, tokenize
from rag.retrieval.passages import Passage
from rag.retrieval.search import Searcher

Relevance = dict[str, Bounds]
#: Below the gate's lower bound, a question is still related when this share of its content words is in the
#: passages (an English question over an English README can sit at the level everyday questions reach).
NEARLY_ALL = 0.8
History = Iterable[Any]


@dataclass(frozen=True)
class Prepared:
    """A question with everything gathered for answering it."""

    question: str  #: the question as asked
    query: str  #: the question as searched (plus the topics of an earlier turn, for a follow-up)
    lang: str  #: "zh" or "en", the language to answer in
    topics: tuple[Topic, ...]  #: linked topics
    facts: GraphFacts  #: graph facts for the linked topics
    passages: tuple[Passage, ...]  #: retrieved passages, numbered from 1
    covered: bool  #: whether the documents seem to be about the question (if not: no passages)
    history: tuple[tuple[str, str], ...]  #: earlier (user, assistant) turns
    graph: graph_answer.GraphAnswer | None = None  #: the graph's answer, for a question about the learning order


def prepare(
    question: str, *, roadmap: Any, searcher: Searcher, known: Sequence[str] = (), history: History = (),
    config: AnswerConfig = AnswerConfig(), relevance: Relevance | None = None, named: dict[str, float] | None = None,
) -> Prepared:
    """Resolve follow-ups, retrieve, link topics and gather graph facts (no model involved).

    One search links the question's topics (by the searcher's linker, built once per roadmap)
    and retrieves; a follow-up naming no topic takes those of the latest of the last
    ``config.follow_up_turns`` user turns naming any. A question about the learning order of
    its linked topics (``graph_answer.classify``) gets the graph's answer as well.
    """
    turns = tuple(history_pairs(history))
    result = searcher.search(question, config.k, earlier=[user for user, _ in turns[-config.follow_up_turns:]])
    query, topics = result.query, tuple(result.topics)
    lang = question_language(question, [n for t in topics for n in t.names])
    facts = graph_facts(roadmap, topics, known, lang=lang)
    bounds = (relevance or {}).get(lang, (None, None))
    asked = graph_answer.classify(question, topics)
    if asked is not None and not graph_answer.has_answer(roadmap, asked):
        asked = None
    # A question about the learning order of topics the graph holds is answered by the graph, however
    # its wording compares with the passages'; any other question must seem to be about the passages.
    if asked is None and not seems_covered(question, lang, topics, result.passages, result.similarity, bounds,
                                           config.min_overlap, (named or {}).get(lang)):
        # Passages and suggestions unrelated to the question would only mislead.
        return Prepared(question, query, lang, topics, replace(facts, next_topics=()), (), False, turns)
    graph = graph_answer.answer(roadmap, asked, lang, known) if asked is not None else None
    return Prepared(question, query, lang, topics, facts, result.passages, True, turns, graph)


def gate_bounds(searcher: Searcher, embedder: Any) -> tuple[Relevance | None, dict[str, float] | None]:
    """The coverage gate's (relevance, named) similarity bounds on ``searcher``'s knowledge base.

    An embedder calibrated relative to the off-topic level (``Calibration.above_off_topic``)
    gets bounds measured on this knowledge base: unrelated below the level everyday
    questions reach (a question in another language than the documents' a little below it),
    related at the margin above it, and a question naming a topic related from the level on.
    Otherwise the embedder's fixed bounds; no embedder, none.
    """
    if embedder is None:
        return None, None
    calibration = calibration_for(embedder.name)
    if not calibration.above_off_topic:
        return embedder.relevance, embedder.named
    levels = searcher.off_topic_levels()
    return (off_topic.bounds(levels, calibration.above_off_topic, calibration.across_below_off_topic,
                             searcher.documents_language()), dict(levels))


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


def seems_covered(question: str, lang: str, topics: Sequence[Topic], passages: Sequence[Passage],
                  similarity: float | None = None, bounds: Bounds = (None, None), min_overlap: float = 0.5,
                  named: float | None = None) -> bool:
    """Whether the documents seem to be about the question.

    The embedder's bounds decide first: a question at least ``bounds[1]`` similar to a
    passage is related; one less similar than ``bounds[0]`` to every passage is
    unrelated, unless it names a topic and the passages hold all its other words too, or
    they hold nearly all its words (``NEARLY_ALL``).
    Between them, it must name a topic or share its words with the passages: a Chinese
    question most of its content words, an English one (over mostly Chinese documents)
    one, since its other words are translated there. An English question naming a
    topic must also share one of its *other* words with the passages, when it has
    some, or be at least ``named`` similar: "What do pet pythons eat?" names Python, but
    nothing else of it is there.

    >>> seems_covered("怎样提高睡眠质量？", "zh", [], [], similarity=0.85, bounds=(0.865, None))
    False
    >>> python = Topic("python", "Python")
    >>> seems_covered("What do pet pythons eat?", "en", [python], [Passage(1, "a.md", "", "", "Python是编程语言")])
    False
    >>> seems_covered("Do I need Python for numpy?", "en", [python], [Passage(1, "a.md", "", "", "先学 Python 和 numpy")])
    True
    >>> readme = [Passage(1, "a.md", "", "", "Choose a GPU with enough memory for training.")]
    >>> seems_covered("How do I choose a GPU for training?", "en", [], readme, similarity=0.84, bounds=(0.85, 0.88))
    True
    """
    low, high = bounds
    if similarity is not None and high is not None and similarity >= high:
        return True
    words = content_words(question)
    rest = {w for w in words if not _named_by(w, topics)}
    text = " ".join(p.text for p in passages).lower()
    found = {w for w in rest if occurs(w, text)}
    if similarity is not None and low is not None and similarity < low:
        share = sum(occurs(w, text) for w in words) / len(words) if words else 0.0
        return (bool(topics) and found == rest) or share >= NEARLY_ALL
    if topics:
        close = similarity is not None and named is not None and similarity >= named
        return lang == "zh" or not rest or bool(found) or close
    share = len(found) / len(words) if words else 0.0
    return share > min_overlap if lang == "zh" else share > 0


def content_words(question: str) -> set[str]:
    """The question's content words: question words and words for the document itself left out.

    One-character words count only when there are no others.

    >>> sorted(content_words("路线里提到的主流大模型有哪些？"))
    ['主流', '模型']
    """
    words = set(tokenize(question)) - QUESTION_WORDS - FRAME_WORDS
    return {w for w in words if len(w) > 1} or words


def overlap(question: str, passages: Sequence[Passage]) -> float:
    """Share of the question's content words that occur in the retrieved passages.

    Dense scores sit in a narrow band whatever the question, so between the embedder's
    bounds whether the documents are about it is judged on words.
    """
    words = content_words(question)
    if not words:
        return 0.0
    text = " ".join(p.text for p in passages).lower()
    return sum(occurs(w, text) for w in words) / len(words)


def _named_by(word: str, topics: Sequence[Topic]) -> bool:
    """Whether ``word`` is part of a linked topic's name or alias (or a misspelling of one)."""
    folded = fold(word)
    return any(folded in fold(n) or fold(n) in folded for t in topics for n in t.names)


def _role_and_content(item: Any) -> tuple[str, str]:
    if isinstance(item, BaseMessage):
        return item.type, str(item.content)
    if isinstance(item, dict):
        return str(item.get("role", "")), str(item.get("content", ""))
    raise TypeError(f"history items must be (user, assistant) pairs, messages or role dicts, got {item!r}")
