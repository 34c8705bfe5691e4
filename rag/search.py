"""Graph-aware hybrid search over the chunks of a knowledge base.

One query runs these steps, each a small function:

1. clean the question (empty → error; very long → truncated with a notice);
2. rank chunks twice: dense (FAISS inner product) and lexical (BM25 over jieba tokens);
3. fuse both rankings by weighted reciprocal rank fusion;
4. link the topics the question mentions through the knowledge graph and boost
   the chunks about them (a chunk tagged with a linked topic, more so when the
   topic names its section);
5. cut each hit to its best snippet, so the facts fit a small context.

The result carries the documents (LangChain ``Document``), the linked topics
and any notices. LangChain's ``EnsembleRetriever`` fuses the same way but
returns no scores, and the graph boost needs them, so fusion is done here on
the ranks both retrievers produce.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from langchain_core.documents import Document

from kb.errors import RoadmapError
from kb.model import HEADING_SEPARATOR, Chunk, Topic
from rag.index import ChunkIndex, chunk_metadata
from rag.lexical import LexicalIndex, tokenize
from rag.linking import TopicGraph, link_topics
from rag.snippets import best_snippet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchConfig:
    """How a search ranks and cuts; the defaults are what the evaluation chose."""

    dense_weight: float = 1.0  #: weight of the dense ranking in the fusion (0 = off)
    lexical_weight: float = 1.0  #: weight of the BM25 ranking in the fusion (0 = off)
    graph_boost: float = 0.5  #: relative boost of a chunk about every linked topic (0 = no graph)
    heading_boost: float = 0.5  #: extra relative boost when a linked topic names the chunk's section
    rrf_k: int = 20  #: rank constant of reciprocal rank fusion: 1 / (rrf_k + rank)
    pool: int = 40  #: candidates taken from each ranking before fusion
    snippet_chars: int = 220  #: longest snippet per hit; 0 = whole chunk text
    max_query_chars: int = 1000  #: longer questions are truncated, with a notice


@dataclass(frozen=True)
class SearchResult:
    """What a search found."""

    query: str  #: the question as searched (stripped, maybe truncated)
    documents: list[Document]  #: best first; metadata: source, heading, lines, score, snippet, ...
    topics: list[Topic] = field(default_factory=list)  #: topics linked from the question
    notices: list[str] = field(default_factory=list)  #: things the user should know (truncation)


class Searcher:
    """Hybrid, graph-aware search over one loaded knowledge base.

    Example::

        searcher = Searcher(load_index(version_dir, embedder), roadmap=rm)
        result = searcher.search("多头注意力之前要学什么", k=5)
        [d.metadata["heading"] for d in result.documents]
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
        self.config = config or SearchConfig()
        self._rows_by_topic = _rows_by_topic(index.chunks)

    def search(self, question: str, k: int = 5, config: SearchConfig | None = None) -> SearchResult:
        """The ``k`` best chunks for ``question``, with the topics it mentions.

        Raises ``RoadmapError`` for an empty question or a ``k`` below 1.
        """
        config = config or self.config
        if k < 1:
            raise RoadmapError(f"k must be at least 1, got {k}.")
        query, notices = clean_query(question, config.max_query_chars)
        tokens = tokenize(query)
        rankings, weights = self._rankings(query, tokens, config)
        scores = reciprocal_rank_fusion(rankings, weights, config.rrf_k)
        topics = self._link(query, config)
        if topics:
            scores = self._boost(scores, topics, config)
        top = sorted(scores, key=lambda row: (-scores[row], row))[:k]
        documents = [self._document(row, scores[row], rank, tokens, topics, config) for rank, row in enumerate(top, 1)]
        return SearchResult(query, documents, topics, notices)

    def with_config(self, **changes: object) -> Searcher:
        """A searcher sharing the loaded indexes with some settings changed."""
        searcher = object.__new__(Searcher)
        searcher.__dict__.update(self.__dict__)
        searcher.config = replace(self.config, **changes)  # type: ignore[arg-type]
        return searcher

    def _rankings(self, query: str, tokens: list[str], config: SearchConfig) -> tuple[list[list[int]], list[float]]:
        rankings, weights = [], []
        if config.dense_weight > 0:
            vector = self.index.embedder.embed_query_vector(query)
            rankings.append([row for row, _ in self.index.search(vector, config.pool)])
            weights.append(config.dense_weight)
        if config.lexical_weight > 0:
            rankings.append([row for row, _ in self.lexical.ranked(tokens, config.pool)])
            weights.append(config.lexical_weight)
        return rankings, weights

    def _link(self, query: str, config: SearchConfig) -> list[Topic]:
        if self.roadmap is None or config.graph_boost <= 0:
            return []
        return link_topics(self.roadmap, query)

    def _boost(self, scores: dict[int, float], topics: Sequence[Topic], config: SearchConfig) -> dict[int, float]:
        """Raise the fused score of chunks about the linked topics (only among the candidates)."""
        linked = {t.id for t in topics}
        boosted = dict(scores)
        for row, score in scores.items():
            chunk = self.index.chunks[row]
            about = len(linked.intersection(chunk.topics)) / len(linked)
            named = any(_names_section(t, chunk) for t in topics)
            boosted[row] = score * (1 + config.graph_boost * about + config.heading_boost * named)
        return boosted

    def _document(
        self, row: int, score: float, rank: int, tokens: list[str], topics: Sequence[Topic], config: SearchConfig
    ) -> Document:
        chunk = self.index.chunks[row]
        names = [n for t in topics for n in t.names]
        if config.snippet_chars > 0:
            weights = {t: self.lexical.idf(t) for t in tokens}
            snippet = best_snippet(chunk.text, weights, config.snippet_chars, names)
        else:
            snippet = chunk.text
        metadata = chunk_metadata(chunk) | {
            "score": round(score, 6),
            "rank": rank,
            "snippet": snippet,
            "linked": [t.id for t in topics if t.id in chunk.topics],
        }
        return Document(page_content=chunk.prefixed_text, metadata=metadata, id=chunk.id)


def clean_query(question: str, max_chars: int) -> tuple[str, list[str]]:
    """The question stripped and cut to ``max_chars``, with a notice when it was cut.

    >>> clean_query("  什么是RAG？ ", 100)
    ('什么是RAG？', [])
    >>> clean_query("x" * 20, 10)[1]
    ['The question was 20 characters long; only its first 10 were searched.']
    """
    if not isinstance(question, str) or not question.strip():
        raise RoadmapError("The question is empty. Ask something, e.g. `roadmap search \"什么是自注意力机制\"`.")
    query = " ".join(question.split()) if len(question) <= 4 * max_chars else question.strip()
    notices = []
    if len(query) > max_chars:
        notices.append(f"The question was {len(query)} characters long; only its first {max_chars} were searched.")
        log.warning(notices[-1])
        query = query[:max_chars].strip()
    return query, notices


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


def _names_section(topic: Topic, chunk: Chunk) -> bool:
    """Whether one of the topic's names appears in the last heading of the chunk."""
    section = chunk.heading.rsplit(HEADING_SEPARATOR, 1)[-1].lower()
    return any(name.lower() in section for name in topic.names if len(name) >= 2)


def _rows_by_topic(chunks: Sequence[Chunk]) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = defaultdict(list)
    for row, chunk in enumerate(chunks):
        for topic in chunk.topics:
            rows[topic].append(row)
    return dict(rows)
