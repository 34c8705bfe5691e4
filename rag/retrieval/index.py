"""The dense index of a knowledge base: window vectors in FAISS, persisted without pickle.

Each chunk is embedded as a few *windows*, runs of whole sentences of at most
``WINDOW_CHARS`` characters, each prefixed with the chunk's section name; a chunk
that short is embedded whole, with its heading path. A chunk's dense score is the
best of its windows: a 400-character section mixing six subtopics matches a
question about one of them, where one vector for the whole section would blur
them (on the project's question set, dense hit@1 rose from 0.50 to 0.76).

Files written into a version directory (next to ``chunks.jsonl``)::

    index.faiss    faiss.write_index of an inner-product index over L2-normalised vectors
    index.json     format, embedder name and dim, index kind, chunk ids, one row per
                   window: [chunk position, start, end] in the chunk text, and its text hash
    vectors.npy    the same vectors, float32 (rows, dim), read with allow_pickle=False

``vectors.npy`` makes ingest incremental (a window whose text is unchanged reuses
its vector from the previous version) and lets snippets be chosen by similarity.
Up to ``EXACT_LIMIT`` rows the index is exact (``IndexFlatIP``); above, an
approximate HNSW graph keeps queries fast.

At run time the FAISS index is searched directly: the search needs a chunk's best window
and its similarity, which LangChain's ``FAISS`` vectorstore would only wrap (and its
``load_local`` unpickles, which would let a tampered knowledge base run code).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import KnowledgeBaseError
from kb.model import HEADING_SEPARATOR, Chunk
from kb.store import read_chunks, read_manifest, write_json
from rag.retrieval.embedders import Embedder
from rag.retrieval.index_files import INDEX_FORMAT, REBUILD, Row, read_faiss, read_records, read_vectors
from rag.retrieval.snippets import windows

log = logging.getLogger(__name__)

INDEX_FILE = "index.faiss"
RECORDS_FILE = "index.json"
VECTORS_FILE = "vectors.npy"
#: Longest window embedded on its own, in characters (about one or two sentences).
WINDOW_CHARS = 100
#: Up to this many rows the index is exact; above it, approximate (HNSW).
EXACT_LIMIT = 100_000
#: Neighbours per HNSW node; and how wide a query explores the graph.
HNSW_M = 32
EMBED_BATCH = 32


@dataclass(frozen=True)
class ChunkIndex:
    """A loaded dense index: FAISS over the windows of the chunks."""

    faiss: Any  #: the faiss index, one row per window
    chunks: tuple[Chunk, ...]  #: the chunks, in position order
    rows: tuple[Row, ...]  #: the window of every FAISS row: (chunk position, start, end)
    vectors: np.ndarray  #: the row vectors (memory-mapped), for scoring windows of a chunk
    embedder: Embedder  #: the model that embeds queries (same as at build time)
    kind: str  #: "flat-ip" (exact) or "hnsw" (approximate)
    rows_of: dict[int, list[int]] = field(default_factory=dict)  #: chunk position -> its rows

    def __post_init__(self) -> None:
        if not self.rows_of:
            for row, (position, _, _) in enumerate(self.rows):
                self.rows_of.setdefault(position, []).append(row)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """``(chunk position, similarity)`` of the ``k`` chunks whose best window is nearest."""
        if k <= 0 or not self.rows:
            return []
        wanted = min(len(self.rows), max(4 * k, 32))
        scores, found = self.faiss.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), wanted)
        best: dict[int, float] = {}
        for row, score in zip(found[0], scores[0]):
            if row >= 0:
                best.setdefault(self.rows[row][0], float(score))  # rows come best first
        return list(best.items())[:k]

    def window_scores(self, position: int, vector: np.ndarray) -> list[tuple[int, int, float]]:
        """``(start, end, similarity)`` of every window of the chunk at ``position``."""
        rows = self.rows_of.get(position, [])
        if not rows:
            return []
        sims = self.vectors[rows] @ np.asarray(vector, dtype=np.float32)
        return [(self.rows[r][1], self.rows[r][2], float(s)) for r, s in zip(rows, sims)]


def chunk_windows(chunk: Chunk, size: int = WINDOW_CHARS) -> list[tuple[int, int, str]]:
    """``(start, end, text to embed)`` of each window of a chunk.

    >>> c = Chunk("d#1-2", "d", "T", "T › 量化", 1, 2, "短句。")
    >>> chunk_windows(c)
    [(0, 3, 'T › 量化\\n短句。')]
    """
    if len(chunk.text) <= size:
        return [(0, len(chunk.text), chunk.prefixed_text)]
    section = chunk.heading.rsplit(HEADING_SEPARATOR, 1)[-1]
    return [(a, b, f"{section}\n{chunk.text[a:b]}") for a, b in windows(chunk.text, size)]


def write_index(
    version_dir: Path,
    chunks: list[Chunk],
    embedder: Embedder,
    previous_dir: Path | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> dict[str, Any]:
    """Embed the windows of ``chunks`` and write the index files; return the manifest's ``embedder`` entry.

    Vectors of windows whose text is unchanged are taken from ``previous_dir``
    when it was built by the same embedder. ``progress`` is called with the
    number of windows done after each batch.
    """
    rows, texts = [], []
    for position, chunk in enumerate(chunks):
        for start, end, text in chunk_windows(chunk):
            rows.append((position, start, end))
            texts.append(text)
    hashes = [text_hash(t) for t in texts]
    vectors, embedded = _embed(texts, hashes, embedder, _previous_vectors(previous_dir, embedder), progress)
    kind = _save(version_dir, vectors, exact_limit)
    write_json(version_dir / RECORDS_FILE, {
        "format": INDEX_FORMAT,
        "embedder": {"name": embedder.name, "dim": embedder.dim},
        "kind": kind,
        "window_chars": WINDOW_CHARS,
        "chunk_ids": [c.id for c in chunks],
        "rows": [list(r) for r in rows],
        "hashes": hashes,
    })
    log.info("index: %d chunks, %d windows, %d embedded", len(chunks), len(rows), embedded)
    return {"name": embedder.name, "dim": embedder.dim, "count": len(chunks), "windows": len(rows),
            "kind": kind, "embedded": embedded, "reused": len(rows) - embedded}


def load_index(version_dir: Path, embedder: Embedder, manifest: dict[str, Any] | None = None) -> ChunkIndex:
    """Load the index of a version directory for searching with ``embedder``.

    Raises ``KnowledgeBaseError`` naming the fix when the knowledge base was built
    with another embedder, has no index, or has missing or corrupt index files.
    """
    manifest = read_manifest(version_dir) if manifest is None else manifest
    check_embedder(manifest.get("embedder"), embedder, version_dir)
    ids, rows, kind = read_records(version_dir / RECORDS_FILE)
    by_id = {c.id: c for c in read_chunks(version_dir)}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise KnowledgeBaseError(
            f"The index at {version_dir} names {len(unknown)} chunks missing from chunks.jsonl "
            f"(first: {unknown[0]!r}). {REBUILD}"
        )
    chunks = tuple(by_id[i] for i in ids)
    index = read_faiss(version_dir / INDEX_FILE, embedder.dim, len(rows))
    vectors = read_vectors(version_dir / VECTORS_FILE, (len(rows), embedder.dim))
    return ChunkIndex(index, chunks, rows, vectors, embedder, kind)


def check_embedder(built: Any, embedder: Embedder, version_dir: Path) -> None:
    """Refuse, with the fix, to search an index built by another embedder (or none)."""
    if not isinstance(built, dict) or not built.get("name"):
        raise KnowledgeBaseError(f"The knowledge base at {version_dir} has no search index. {REBUILD}")
    if built["name"] != embedder.name or int(built.get("dim", -1)) != embedder.dim:
        raise KnowledgeBaseError(
            f"The knowledge base at {version_dir} was built with embedder {built['name']!r} "
            f"(dim {built.get('dim')}), but {embedder.name!r} (dim {embedder.dim}) is configured. "
            f"Run `roadmap ingest --rebuild` to re-embed it with the configured one, or set "
            f"--embedder / ROADMAP_EMBEDDER back to the one it was built with."
        )


def text_hash(text: str) -> str:
    """Short content hash identifying an embedded text.

    >>> text_hash("线性代数")
    'f830684c231eea3e'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _embed(
    texts: list[str], hashes: list[str], embedder: Embedder, known: dict[str, np.ndarray],
    progress: Callable[[int], None] | None,
) -> tuple[np.ndarray, int]:
    """Vectors of ``texts``, reusing ``known`` ones by hash; also how many were embedded."""
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    missing = [i for i, h in enumerate(hashes) if h not in known]
    for i, h in enumerate(hashes):
        if h in known:
            vectors[i] = known[h]
    if progress and len(missing) < len(texts):
        progress(len(texts) - len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        if progress:
            progress(len(batch))
    return vectors, len(missing)


def _previous_vectors(previous_dir: Path | None, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the previous version by text hash, if it was built by the same embedder."""
    if previous_dir is None:
        return {}
    try:
        records = json.loads((previous_dir / RECORDS_FILE).read_text(encoding="utf-8"))
        if records.get("embedder") != {"name": embedder.name, "dim": embedder.dim}:
            return {}
        vectors = np.load(previous_dir / VECTORS_FILE, allow_pickle=False)
        hashes = records["hashes"]
        if vectors.shape != (len(hashes), embedder.dim):
            return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("not reusing vectors from %s (%s); embedding everything", previous_dir, exc)
        return {}
    return dict(zip(hashes, vectors))


def _save(version_dir: Path, vectors: np.ndarray, exact_limit: int) -> str:
    """Write ``index.faiss`` and ``vectors.npy`` atomically; return the index kind."""
    import faiss

    dim = vectors.shape[1]
    index: Any
    if len(vectors) <= exact_limit:
        index, kind = faiss.IndexFlatIP(dim), "flat-ip"
    else:
        index, kind = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT), "hnsw"
    index.add(np.ascontiguousarray(vectors))
    version_dir.mkdir(parents=True, exist_ok=True)
    _atomic(version_dir / INDEX_FILE, lambda tmp: faiss.write_index(index, str(tmp)))
    _atomic(version_dir / VECTORS_FILE, lambda tmp: np.save(tmp, vectors, allow_pickle=False))
    return kind


def _atomic(path: Path, write: Callable[[Path], Any]) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
