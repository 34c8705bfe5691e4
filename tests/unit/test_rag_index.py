"""Persistence of the dense index: round trip, incremental reuse, refusals with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb.errors import KnowledgeBaseError
from kb.store import read_manifest, write_json
from rag.retrieval.index import INDEX_FILE, RECORDS_FILE, VECTORS_FILE, WINDOW_CHARS, chunk_windows, load_index, write_index
from tests.fixtures.rag_fakes import CHUNKS, HashingEmbedder, chunk, write_kb


def test_round_trip_finds_each_chunk_by_its_own_text(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    version = write_kb(tmp_path / "v1", CHUNKS, embedder)
    index = load_index(version, embedder)
    assert index.kind == "flat-ip"
    assert [c.id for c in index.chunks] == [c.id for c in CHUNKS]
    for row, c in enumerate(CHUNKS):
        best_row, score = index.search(embedder.embed_query_vector(c.prefixed_text), 1)[0]
        assert best_row == row and score == pytest.approx(1.0, abs=1e-5)


def test_index_is_an_inner_product_faiss_index(tmp_path: Path) -> None:
    import faiss

    embedder = HashingEmbedder()
    index = load_index(write_kb(tmp_path / "v", CHUNKS, embedder), embedder)
    assert index.faiss.metric_type == faiss.METRIC_INNER_PRODUCT
    position, score = index.search(embedder.embed_query_vector(CHUNKS[3].prefixed_text), 1)[0]
    assert index.chunks[position].id == CHUNKS[3].id and score > 0.99


def test_files_are_pickle_free(tmp_path: Path) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    assert np.load(version / VECTORS_FILE, allow_pickle=False).shape == (len(CHUNKS), 64)
    records = json.loads((version / RECORDS_FILE).read_text(encoding="utf-8"))
    assert records["embedder"] == {"name": "fake:hashing", "dim": 64}
    assert read_manifest(version)["embedder"]["count"] == len(CHUNKS)


def test_unchanged_chunks_reuse_previous_vectors(tmp_path: Path) -> None:
    first = write_kb(tmp_path / "v1", CHUNKS, HashingEmbedder())
    embedder = HashingEmbedder()
    changed = [*CHUNKS[:-1], chunk(13, "编程 › Python", "Python 之外还要会 Git。")]
    fragment = write_index(tmp_path / "v2", changed, embedder, previous_dir=first)
    assert (fragment["reused"], fragment["embedded"]) == (len(CHUNKS) - 1, 1)
    assert embedder.passages_embedded == 1
    np.testing.assert_allclose(
        np.load(tmp_path / "v2" / VECTORS_FILE), HashingEmbedder().embed_passages([c.prefixed_text for c in changed])
    )


def test_previous_vectors_of_another_embedder_are_not_reused(tmp_path: Path) -> None:
    first = write_kb(tmp_path / "v1", CHUNKS, HashingEmbedder(name="fake:other"))
    fragment = write_index(tmp_path / "v2", CHUNKS, HashingEmbedder(), previous_dir=first)
    assert fragment["reused"] == 0


def test_removed_chunks_disappear(tmp_path: Path) -> None:
    first = write_kb(tmp_path / "v1", CHUNKS, HashingEmbedder())
    embedder = HashingEmbedder()
    version = write_kb(tmp_path / "v2", CHUNKS[:2], embedder, previous=first)
    assert len(load_index(version, embedder).chunks) == 2


def test_approximate_index_above_the_exact_limit(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    fragment = write_index(tmp_path, CHUNKS, embedder, exact_limit=3)
    assert fragment["kind"] == "hnsw"
    from kb.store import write_chunks

    write_chunks(tmp_path / "chunks.jsonl", CHUNKS)
    index = load_index(tmp_path, embedder, {"embedder": fragment})
    assert index.search(embedder.embed_query_vector(CHUNKS[4].prefixed_text), 1)[0][0] == 4


@pytest.mark.parametrize(
    ("searching_with", "fragment"),
    [
        (HashingEmbedder(name="fake:other"), "built with embedder 'fake:hashing'"),
        (HashingEmbedder(dim=32), "(dim 32) is configured"),
    ],
)
def test_another_embedder_is_refused_with_the_fix(tmp_path: Path, searching_with: HashingEmbedder, fragment: str) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    with pytest.raises(KnowledgeBaseError) as error:
        load_index(version, searching_with)
    assert fragment in str(error.value) and "roadmap ingest --rebuild" in str(error.value)


def test_knowledge_base_without_index_is_refused(tmp_path: Path) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    manifest = read_manifest(version) | {"embedder": None}
    write_json(version / "manifest.json", manifest)
    with pytest.raises(KnowledgeBaseError, match="has no search index.*roadmap ingest --rebuild"):
        load_index(version, HashingEmbedder())


@pytest.mark.parametrize("damage", ["delete-index", "garbage-index", "truncate-index", "delete-records",
                                    "garbage-records", "unknown-chunk", "fewer-vectors"])
def test_missing_or_corrupt_files_give_a_clear_error(tmp_path: Path, damage: str) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    index_file, records_file = version / INDEX_FILE, version / RECORDS_FILE
    records = json.loads(records_file.read_text(encoding="utf-8"))
    if damage == "delete-index":
        index_file.unlink()
    elif damage == "garbage-index":
        index_file.write_bytes(b"\x00not a faiss index" * 10)
    elif damage == "truncate-index":
        index_file.write_bytes(index_file.read_bytes()[:100])
    elif damage == "delete-records":
        records_file.unlink()
    elif damage == "garbage-records":
        records_file.write_text("{not json", encoding="utf-8")
    elif damage == "unknown-chunk":
        write_json(records_file, records | {"chunk_ids": [*records["chunk_ids"][:-1], "ghost#1-2"]})
    elif damage == "fewer-vectors":
        write_json(records_file, records | {"chunk_ids": records["chunk_ids"][:-1]})
    with pytest.raises(KnowledgeBaseError, match="roadmap ingest --rebuild"):
        load_index(version, HashingEmbedder())


LONG = chunk(21, "部署 › 推理优化", "推理优化能显著提升响应速度。" * 4 + "KV缓存保存已经算过的键和值，每步只算新token。" + "连续批处理让GPU保持忙碌。" * 4)


def test_long_chunks_are_embedded_as_sentence_windows(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    windows = chunk_windows(LONG)
    assert len(windows) > 1 and all(b - a <= WINDOW_CHARS for a, b, _ in windows)
    assert all(text.startswith("推理优化\n") for *_, text in windows)  # the section name travels along
    index = load_index(write_kb(tmp_path, [*CHUNKS, LONG], embedder), embedder)
    assert len(index.rows) == len(CHUNKS) + len(windows)
    query = embedder.embed_query_vector("KV缓存 键 值 新token")
    assert index.search(query, 1)[0][0] == len(CHUNKS)  # the long chunk, found by one window
    scores = index.window_scores(len(CHUNKS), query)
    best = max(scores, key=lambda s: s[2])
    assert "KV缓存" in LONG.text[best[0] : best[1]]


def test_index_of_an_older_format_asks_for_a_rebuild(tmp_path: Path) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    records = json.loads((version / RECORDS_FILE).read_text(encoding="utf-8"))
    write_json(version / RECORDS_FILE, records | {"format": 1})
    with pytest.raises(KnowledgeBaseError, match="outdated.*roadmap ingest --rebuild"):
        load_index(version, HashingEmbedder())


def test_missing_vectors_give_a_clear_error(tmp_path: Path) -> None:
    version = write_kb(tmp_path / "v", CHUNKS, HashingEmbedder())
    (version / VECTORS_FILE).unlink()
    with pytest.raises(KnowledgeBaseError, match="vectors.npy is missing"):
        load_index(version, HashingEmbedder())
