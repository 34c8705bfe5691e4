"""Hybrid, graph-aware search with a hashing embedder and a tiny topic graph (no models)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from kb.errors import RoadmapError
from rag.answering.assistant import Assistant
from rag.retrieval.index import load_index
from rag.retrieval.linking import TopicLinker
from rag.retrieval.retriever import RoadmapRetriever
from rag.retrieval.search import SearchConfig, Searcher, clean_query, reciprocal_rank_fusion
from tests.fixtures.rag_fakes import CHUNKS, TOPICS, FakeRoadmap, HashingEmbedder, write_kb

BM25_ONLY = {"dense_weight": 0.0, "link_topics": False, "expand_query": False}
NO_GRAPH = {"link_topics": False, "expand_query": False}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    embedder = HashingEmbedder()
    version = write_kb(tmp_path_factory.mktemp("kb"), CHUNKS, embedder)
    return Searcher(load_index(version, embedder), roadmap=FakeRoadmap(TOPICS))


def ids(documents: list[Document]) -> list[str]:
    return [d.metadata["chunk_id"] for d in documents]


def test_results_carry_the_metadata_the_answer_layer_needs(searcher: Searcher) -> None:
    result = searcher.search("量化 INT4", k=3)
    top = result.documents[0]
    assert top.metadata["chunk_id"] == CHUNKS[3].id
    assert top.metadata["source"] == "a.md"
    assert top.metadata["heading"] == "路线图 › 部署 › 量化"
    assert top.metadata["lines"] == "7-8"
    assert top.metadata["topics"] == ["quantization"]
    assert top.metadata["linked"] == ["quantization"]
    assert top.metadata["rank"] == 1 and top.metadata["score"] > 0
    assert top.page_content == CHUNKS[3].prefixed_text
    scores = [d.metadata["score"] for d in result.documents]
    assert scores == sorted(scores, reverse=True)


def test_linked_topics_are_returned_with_the_results(searcher: Searcher) -> None:
    result = searcher.search("学多头注意力之前要会什么？", k=2)
    assert [t.id for t in result.topics] == ["multi-head-attention"]


def test_typo_in_a_topic_name_still_links(searcher: Searcher) -> None:
    result = searcher.search("Self-Atention 是什么", k=2)
    assert "self-attention" in [t.id for t in result.topics]


def test_graph_boost_raises_only_chunks_about_the_linked_topic(searcher: Searcher) -> None:
    question = "学习时的注意力和自注意力机制"
    plain = searcher.search(question, k=7, config=SearchConfig(graph_boost=0.0, expand_query=False))
    graph = searcher.search(question, k=7, config=SearchConfig(graph_boost=0.3, expand_query=False))
    before = {d.metadata["chunk_id"]: d.metadata["score"] for d in plain.documents}
    after = {d.metadata["chunk_id"]: d.metadata["score"] for d in graph.documents}
    assert [t.id for t in graph.topics] == ["self-attention"]
    specificity = searcher.specificity["self-attention"]
    assert 0 < specificity < 1
    for c in CHUNKS:
        if c.id in before:
            factor = 1 + 0.3 * specificity if "self-attention" in c.topics else 1.0
            assert after[c.id] == pytest.approx(before[c.id] * factor, rel=1e-3)
    assert graph.documents[0].metadata["linked"] == ["self-attention"]


def test_topic_names_expand_the_bm25_query(searcher: Searcher) -> None:
    # an alias in the question brings in the Chinese name the chunk is written with
    config = SearchConfig(dense_weight=0.0, graph_boost=0.0)
    assert ids(searcher.search("Quantization", k=1, config=config).documents) == [CHUNKS[3].id]
    assert searcher.search("Quantization", k=1, config=replace(config, expand_query=False)).documents == []


def test_bm25_only_and_dense_only_both_rank(searcher: Searcher) -> None:
    assert ids(searcher.search("Python NumPy", k=1, config=SearchConfig(**BM25_ONLY)).documents) == [CHUNKS[6].id]
    dense = SearchConfig(lexical_weight=0.0, **NO_GRAPH)
    assert ids(searcher.search("Python NumPy PyTorch", k=1, config=dense).documents) == [CHUNKS[6].id]


def test_with_config_shares_the_indexes(searcher: Searcher) -> None:
    other = searcher.with_config(snippet_chars=0)
    assert other.index is searcher.index and other.config.snippet_chars == 0
    assert searcher.config.snippet_chars > 0


def test_snippet_is_the_best_window_within_budget(searcher: Searcher) -> None:
    doc = searcher.search("Softmax 归一化", k=1, config=SearchConfig(lead_snippet_chars=30)).documents[0]
    assert doc.metadata["chunk_id"] == CHUNKS[1].id
    assert "Softmax" in doc.metadata["snippet"] and len(doc.metadata["snippet"]) <= 30


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_a_clear_error(searcher: Searcher, question: str) -> None:
    with pytest.raises(RoadmapError, match="question is empty"):
        searcher.search(question)


def test_k_below_one_is_a_clear_error(searcher: Searcher) -> None:
    with pytest.raises(RoadmapError, match="k must be at least 1"):
        searcher.search("量化", k=0)


def test_huge_question_is_truncated_with_a_notice_and_fast(searcher: Searcher) -> None:
    question = "量化" + "的" * 99_998
    started = time.perf_counter()
    result = searcher.search(question, k=3)
    assert time.perf_counter() - started < 2.0
    assert result.notices and "100000 characters" in result.notices[0]
    assert len(result.query) == SearchConfig().max_query_chars
    assert ids(result.documents)[0] == CHUNKS[3].id


def test_more_results_than_chunks_returns_what_exists(searcher: Searcher) -> None:
    assert len(searcher.search("模型", k=50).documents) <= len(CHUNKS)


def test_rrf_sums_weighted_reciprocal_ranks() -> None:
    scores = reciprocal_rank_fusion([[1, 2, 3], [3, 1]], [1.0, 0.5], k=10)
    assert scores[1] == pytest.approx(1 / 11 + 0.5 / 12)
    assert scores[3] == pytest.approx(1 / 13 + 0.5 / 11)
    assert max(scores, key=scores.__getitem__) == 1


def test_clean_query_collapses_whitespace() -> None:
    assert clean_query(" 什么 是\n RAG ", 100) == ("什么 是 RAG", [])


def test_retriever_is_a_langchain_retriever(searcher: Searcher) -> None:
    retriever = RoadmapRetriever(searcher=searcher, k=2)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("RAG 检索")
    assert len(docs) == 2 and docs[0].metadata["chunk_id"] == CHUNKS[4].id


def test_assistant_search_returns_documents(searcher: Searcher) -> None:
    assistant = Assistant(FakeRoadmap(TOPICS), searcher)
    docs = assistant.search("线性代数 矩阵", k=2)
    assert docs[0].metadata["chunk_id"] == CHUNKS[0].id
    assert [t.id for t in assistant.retrieve("线性代数").topics] == ["linear-algebra"]
    assert assistant.as_retriever(k=1).invoke("量化")[0].metadata["chunk_id"] == CHUNKS[3].id


def test_empty_knowledge_base_finds_nothing(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    searcher = Searcher(load_index(write_kb(tmp_path, [], embedder), embedder))
    assert searcher.search("量化").documents == []


# --- one entry per question: the search links its topics itself, once -----------------------------


class CountingLinker:
    """A linker that counts what it is asked to link."""

    def __init__(self, linker: TopicLinker) -> None:
        self.linker, self.asked = linker, []

    def link_split(self, text: str) -> Any:
        self.asked.append(text)
        return self.linker.link_split(text)


def counting(searcher: Searcher) -> tuple[Searcher, CountingLinker]:
    counted = searcher.with_config()
    assert searcher.linker is not None
    counted.linker = linker = CountingLinker(searcher.linker)  # type: ignore[assignment]
    return counted, linker


def test_a_search_links_the_question_once(searcher: Searcher) -> None:
    counted, linker = counting(searcher)
    result = counted.search("多头注意力怎么学？", k=2, earlier=["量化是什么？"])
    assert linker.asked == ["多头注意力怎么学？"]  # a question naming a topic ignores the earlier ones
    assert [t.id for t in result.topics] == ["multi-head-attention"]


@pytest.mark.parametrize("earlier", [["量化是什么？", "好的"], ["检索增强生成呢？", "量化是什么？", "嗯"]])
def test_a_follow_up_takes_the_topics_of_the_latest_earlier_question_naming_any(
        searcher: Searcher, earlier: list[str]) -> None:
    counted, linker = counting(searcher)
    result = counted.search("那它之后学什么？", k=1, earlier=earlier)
    assert [t.id for t in result.topics] == ["quantization"]
    assert result.query == "那它之后学什么？ 量化" and result.passages[0].chunk == CHUNKS[3]
    assert linker.asked == ["那它之后学什么？", earlier[-1], "量化是什么？"]  # newest first, stops at a match


def test_without_topic_linking_a_follow_up_stays_as_asked(searcher: Searcher) -> None:
    counted, linker = counting(searcher)
    result = counted.search("那它之后学什么？", k=1, config=SearchConfig(link_topics=False), earlier=["量化是什么？"])
    assert result.topics == [] and result.query == "那它之后学什么？" and linker.asked == []


def test_the_searcher_has_no_separate_linking_entry(searcher: Searcher) -> None:
    assert not hasattr(searcher, "link")  # linking is part of the one search call
