"""Graph-aware hybrid search over the chunks of a knowledge base.

One query runs these steps, each a small function:

1. clean the question (empty → error; very long → truncated with a notice);
2. link the topics it mentions through the knowledge graph (names, aliases, typos),
   once, by the linker built with the searcher; a follow-up naming none ("那它之后学什么？")
   takes the topics of the latest earlier question naming any, and their names join the query;
3. rank chunks twice: dense (FAISS, best window of each chunk) and lexical (BM25
   over jieba tokens, the linked topics' names added, so "quantization" also
   searches 量化技术);
4. fuse both rankings by weighted reciprocal rank fusion, then boost chunks about
   the linked topics, specific topics more than ones found everywhere;
5. cut each hit to its best snippet, so the facts fit a small context.

The result carries the passages (``rag.retrieval.passages.Passage``, numbered by
rank), the linked topics and any notices. LangChain's ``EnsembleRetriever`` fuses the same way but
returns no scores, and the graph boost needs them, so fusion is done here on
the ranks both retrievers produce.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from typing import Any

import numpy as np

from kb.errors import RoadmapError
from kb.model import Topic
from rag.retrieval import off_topic
from rag.retrieval.index import ChunkIndex
from kb.text import cjk_share
from rag.retrieval.lexical import LexicalIndex, query_tokens, tokenize
from rag.retrieval.linking import Linked, TopicGraph, TopicLinker
from rag.retrieval.passages import Passage
from rag.retrieval.snippets import best_snippet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchConfig:
    """How a search ranks and cuts; the defaults are what ``roadmap eval`` chose."""

    dense_weight: float = 1.0  #: weight of the dense ranking in the fusion (0 = off)
    lexical_weight: float = 1.0  #: weight of the BM25 ranking in the fusion (0 = off)
    link_topics: bool = True  #: link the question's topics through the knowledge graph
    expand_query: bool = True  #: add the linked topics' names to the BM25 query
    graph_boost: float = 0.5  #: relative boost of a chunk about all linked topics (scaled by specificity)
    misspelt_weight: float = 0.25  #: boost weight of a topic linked through a misspelling (a mention: 1)
    rrf_k: int = 20  #: rank constant of reciprocal rank fusion: weight / (rrf_k + rank)
    pool: int = 40  #: candidates taken from each ranking before fusion
    lead_snippet_chars: int = 260  #: longest snippet of the first hit (the likeliest answer)
    snippet_chars: int = 170  #: longest snippet of the other hits; 0 = whole chunk texts
    max_query_chars: int = 1000  #: longer questions are truncated, with a notice
    max_embed_chars: int = 200  #: only this much of a long question is embedded (cost grows with length²)


@dataclass(frozen=True)
class SearchResult:
    """What a search found."""

    query: str  #: the question as searched (whitespace collapsed, maybe truncated)
    passages: tuple[Passage, ...]  #: best first, numbered from 1
    topics: list[Topic] = field(default_factory=list)  #: topics linked from the question
    notices: list[str] = field(default_factory=list)  #: things the user should know (truncation)
    similarity: float | None = None  #: cosine of the question to its closest passage (None: no dense search)

    @property
    def documents(self) -> list[Any]:
        """The passages as LangChain ``Document``s; metadata: source, heading, lines, score, snippet, ..."""
        return [p.to_document() for p in self.passages]


class Searcher:
    """Hybrid, graph-aware search over one loaded knowledge base.

    Example::

        searcher = Searcher(load_index(version_dir, embedder), roadmap=rm)
        result = searcher.search("多头注意力之前要学什么", k=5)
        [p.heading for p in result.passages], [t.name for t in result.topics]
    """

    def __init__(
        self,
        index: ChunkIndex,
        lexical: LexicalIndex | None = None,
        roadmap: TopicGraph | None = None,
        config: SearchConfig | None = None,
    ) -> None:
        self.index = index
        self.lexical = lexical or LexicalIndex(index.chunks)
        self.roadmap = roadmap
        self.linker = TopicLinker(roadmap) if roadmap is not None else None
        self.config = config or SearchConfig()
        self.specificity = topic_specificity([c.topics for c in index.chunks])
        self._off_topic: dict[str, float] | None = None
        self._language: str | None = None

    def search(self, question: str, k: int = 5, config: SearchConfig | None = None,
               earlier: Sequence[str] = ()) -> SearchResult:
        """The ``k`` best chunks for ``question``, with the topics it is about.

        ``earlier`` holds the user's earlier questions, oldest first: when ``question``
        names no topic, the topics of the latest earlier one naming any are its topics
        (all weighed as mentions) and their names are added to the searched query
        (``follow_up_query``). Raises ``RoadmapError`` for an empty question or a ``k`` below 1.
        """
        config = config or self.config
        if k < 1:
            raise RoadmapError(f"k must be at least 1, got {k}.")
        query, notices = clean_query(question, config.max_query_chars)
        mentioned, misspelt = self._link(query, config)
        earlier_topics = [] if mentioned or misspelt else self._earlier_topics(earlier, config)
        if earlier_topics:
            query, notices = clean_query(follow_up_query(question, earlier_topics), config.max_query_chars)
            mentioned, misspelt = earlier_topics, []
        topics = mentioned + misspelt
        tokens = query_tokens(query, self.lexical.chinese)
        tokens = expand(tokens, topics, self.lexical.chinese) if config.expand_query else tokens
        embedder = self.index.embedder
        vector = embedder.embed_query_vector(query[: config.max_embed_chars]) if config.dense_weight > 0 else None
        (rankings, rank_weights), similarity = self._rankings(vector, tokens, config)
        scores = reciprocal_rank_fusion(rankings, rank_weights, k=config.rrf_k)
        if topics and config.graph_boost > 0:
            weights = {t.id: 1.0 for t in mentioned} | {t.id: config.misspelt_weight for t in misspelt}
            scores = self._boost(scores, weights, config.graph_boost)
        top = sorted(scores, key=lambda row: (-scores[row], row))[:k]
        passages = tuple(self._passage(row, scores[row], rank, tokens, vector, topics, config)
                         for rank, row in enumerate(top, 1))
        return SearchResult(query, passages, topics, notices, similarity)

    def off_topic_levels(self) -> dict[str, float]:
        """Per question language, the highest similarity everyday questions reach against this index
        (``rag.retrieval.off_topic``); measured once, on first use."""
        if self._off_topic is None:
            embedder = self.index.embedder
            self._off_topic = off_topic.measure(lambda q: next(iter(self.index.search(
                embedder.embed_query_vector(q[: self.config.max_embed_chars]), 1)), (0, None))[1])
        return self._off_topic

    def documents_language(self) -> str:
        """"zh" when the indexed text is mostly Chinese (by a sample of its chunks), else "en"; judged once."""
        if self._language is None:
            sample = " ".join(chunk.text for chunk in self.index.chunks[:200])
            self._language = "zh" if cjk_share(sample) > 0.3 else "en"
        return self._language

    def _link(self, query: str, config: SearchConfig) -> Linked:
        """The topics a cleaned query is about: (mentioned by name or alias, misspelt); none when linking is off."""
        if not config.link_topics or self.linker is None:
            return [], []
        return self.linker.link_split(query)

    def _earlier_topics(self, earlier: Sequence[str], config: SearchConfig) -> list[Topic]:
        """The topics of the latest of the ``earlier`` questions that names any (none: empty)."""
        for text in reversed(earlier):
            mentioned, misspelt = self._link(clean_query(text, config.max_query_chars)[0], config)
            if mentioned or misspelt:
                return mentioned + misspelt
        return []

    def with_config(self, **changes: object) -> Searcher:
        """A searcher sharing the loaded indexes, with some settings changed."""
        searcher = object.__new__(Searcher)
        searcher.__dict__.update(self.__dict__)
        searcher.config = replace(self.config, **changes)  # type: ignore[arg-type]
        return searcher

    def _rankings(
        self, vector: np.ndarray | None, tokens: list[str], config: SearchConfig
    ) -> tuple[tuple[list[list[int]], list[float]], float | None]:
        """(the rankings and their fusion weights, the best dense similarity)."""
        rankings, weights, similarity = [], [], None
        if vector is not None:
            dense = self.index.search(vector, config.pool)
            rankings.append([position for position, _ in dense])
            weights.append(config.dense_weight)
            similarity = dense[0][1] if dense else None
        if config.lexical_weight > 0:
            rankings.append([position for position, _ in self.lexical.ranked(tokens, config.pool)])
            weights.append(config.lexical_weight)
        return (rankings, weights), similarity

    def _boost(self, scores: dict[int, float], confidence: dict[str, float], boost: float) -> dict[int, float]:
        """Raise fused scores of candidates about linked topics, weighted by how specific each topic is.

        Only candidates move: a chunk neither ranking found stays out. A topic
        tagged on every chunk ("大模型") weighs nothing, a rare one ("量化技术") fully;
        ``confidence`` (topic id -> 0..1) weighs how surely the topic was linked.
        """
        weights = {tid: self.specificity.get(tid, 0.0) * c for tid, c in confidence.items()}
        total = len(weights)
        boosted = {}
        for position, score in scores.items():
            about = self.index.chunks[position].topics
            share = sum(w for topic_id, w in weights.items() if topic_id in about) / total
            boosted[position] = score * (1 + boost * share)
        return boosted

    def _passage(
        self, position: int, score: float, rank: int, tokens: list[str], vector: np.ndarray | None,
        topics: Sequence[Topic], config: SearchConfig,
    ) -> Passage:
        chunk = self.index.chunks[position]
        snippet = chunk.text
        if config.snippet_chars > 0:
            weights = {t: self.lexical.idf(t) for t in tokens}
            dense = self.index.window_scores(position, vector) if vector is not None else []
            budget = config.lead_snippet_chars if rank == 1 else config.snippet_chars
            names = [n for t in topics for n in t.names]
            snippet = best_snippet(chunk.text, weights, budget, names, dense)
        linked = tuple(t.id for t in topics if t.id in chunk.topics)
        return Passage(rank, chunk.document, chunk.heading, f"{chunk.start_line}-{chunk.end_line}", snippet,
                       score=score, linked=linked, chunk=chunk)


def clean_query(question: str, max_chars: int) -> tuple[str, list[str]]:
    """The question with whitespace collapsed and cut to ``max_chars``, with a notice when cut.

    >>> clean_query("  什么是 \\n RAG？ ", 100)
    ('什么是 RAG？', [])
    >>> clean_query("x" * 20, 10)[1]
    ['The question was 20 characters long; only its first 10 were searched.']
    """
    if not isinstance(question, str) or not question.strip():
        raise RoadmapError('The question is empty. Ask something, e.g. `roadmap search "什么是自注意力机制"`.')
    notices = []
    if len(question) > max_chars:
        length = len(question.strip())
        question = question.strip()[:max_chars]
        if length > max_chars:
            notices.append(f"The question was {length} characters long; only its first {max_chars} were searched.")
            log.warning(notices[-1])
    return " ".join(question.split()), notices


def follow_up_query(question: str, topics: Sequence[Topic]) -> str:
    """A follow-up question, followed by the names of the earlier topics it refers to.

    >>> follow_up_query("那它之后学什么？", [Topic("lora", "LoRA")])
    '那它之后学什么？ LoRA'
    """
    return " ".join([question.strip(), *(t.name for t in topics)])


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], weights: Sequence[float], k: int = 60) -> dict[int, float]:
    """Weighted RRF: each item scores ``sum(weight / (k + rank))`` over the rankings it is in.

    >>> reciprocal_rank_fusion([[7, 3], [3, 9]], [1.0, 1.0], k=1)
    {7: 0.5, 3: 0.8333333333333333, 9: 0.3333333333333333}
    """
    scores: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] += weight / (k + rank)
    return dict(scores)


def expand(tokens: list[str], topics: Sequence[Topic], chinese: bool = True) -> list[str]:
    """Query tokens followed by the new tokens of the linked topics' names in the documents' language.

    This is what lets an English question find Chinese text: "quantization" links
    量化技术, whose name is then searched too. Names in the question's own language
    are left out: they are already in it, or were typos of it.

    >>> expand(["what", "quantization"], [Topic("q", "量化技术", ("Quantization",))])
    ['what', 'quantization', '量化', '技术']
    >>> expand(["量化"], [Topic("q", "量化技术", ("Quantization",))], chinese=False)
    ['量化', 'quantization']
    """
    seen = set(tokens)
    names = [n for topic in topics for n in topic.names if (cjk_share(n) >= 0.5) == chinese]
    extra = [t for name in names for t in tokenize(name) if t not in seen]
    return tokens + list(dict.fromkeys(extra))


def topic_specificity(chunk_topics: Sequence[Sequence[str]]) -> dict[str, float]:
    """How specific each topic is: idf over chunks, scaled to 0..1 (1 = on one chunk only).

    >>> sorted(topic_specificity([("a", "b"), ("a",), ("a",)]).items())
    [('a', 0.0), ('b', 1.0)]
    """
    counts = Counter(t for topics in chunk_topics for t in set(topics))
    n = len(chunk_topics)
    if n < 2:
        return {t: 1.0 for t in counts}
    return {t: math.log(n / c) / math.log(n) for t, c in counts.items()}
