"""The dense index of a knowledge base: chunk vectors in FAISS, persisted without pickle.

Files written into a version directory (next to ``chunks.jsonl``)::

    index.faiss    faiss.write_index of an inner-product index over L2-normalised vectors
    index.json     format, embedder name and dim, index kind, chunk ids and text hashes (row order)
    vectors.npy    the same vectors, float32 (n, dim), read with allow_pickle=False

``vectors.npy`` makes ingest incremental: a chunk whose embedded text is unchanged
reuses its vector from the previous version instead of being embedded again.
Below ``EXACT_LIMIT`` chunks the index is exact (``IndexFlatIP``); above, an
approximate HNSW graph keeps queries fast.

At run time the index is held in LangChain's ``FAISS`` vectorstore, rebuilt by
hand from these files: ``FAISS.load_local`` unpickles, which would let a
tampered knowledge base run code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import KnowledgeBaseError
from kb.model import Chunk
from kb.store import read_chunks, read_json, read_manifest, write_json
from rag.embedders import Embedder

log = logging.getLogger(__name__)

INDEX_FORMAT = 1
INDEX_FILE = "index.faiss"
RECORDS_FILE = "index.json"
VECTORS_FILE = "vectors.npy"
#: Up to this many chunks the index is exact; above it, approximate (HNSW).
EXACT_LIMIT = 100_000
#: Neighbours per HNSW node; and how wide a query explores the graph.
HNSW_M, HNSW_EF_SEARCH = 32, 128
EMBED_BATCH = 32
REBUILD = "Rebuild it with `roadmap ingest --rebuild`."


@dataclass(frozen=True)
class ChunkIndex:
    """A loaded dense index: LangChain's FAISS vectorstore and the chunks in row order."""

    store: Any  #: langchain_community.vectorstores.FAISS over the chunks' prefixed text
    chunks: tuple[Chunk, ...]  #: chunk of every FAISS row (row i = chunks[i])
    embedder: Embedder  #: the model that embeds queries (same as at build time)
    kind: str  #: "flat-ip" (exact) or "hnsw" (approximate)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """``(row, inner product)`` of the ``k`` chunks nearest to a normalised query vector."""
        k = min(k, len(self.chunks))
        if k <= 0:
            return []
        scores, rows = self.store.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


def write_index(
    version_dir: Path,
    chunks: list[Chunk],
    embedder: Embedder,
    previous_dir: Path | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> dict[str, Any]:
    """Embed ``chunks`` and write the index files; return the manifest's ``embedder`` entry.

    Vectors of chunks whose text is unchanged are taken from ``previous_dir``
    when it was built by the same embedder. ``progress`` is called with the
    number of chunks done after each batch.
    """
    hashes = [text_hash(c.prefixed_text) for c in chunks]
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    known = _previous_vectors(previous_dir, embedder)
    missing = [i for i, h in enumerate(hashes) if h not in known]
    for i, h in enumerate(hashes):
        if h in known:
            vectors[i] = known[h]
    if progress and len(missing) < len(chunks):
        progress(len(chunks) - len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([chunks[i].prefixed_text for i in batch])
        if progress:
            progress(len(batch))
    kind = _save(version_dir, vectors, exact_limit)
    records = {
        "format": INDEX_FORMAT,
        "embedder": {"name": embedder.name, "dim": embedder.dim},
        "kind": kind,
        "chunk_ids": [c.id for c in chunks],
        "hashes": hashes,
    }
    write_json(version_dir / RECORDS_FILE, records)
    log.info("index: %d chunks, %d embedded, %d reused", len(chunks), len(missing), len(chunks) - len(missing))
    return {"name": embedder.name, "dim": embedder.dim, "count": len(chunks), "kind": kind,
            "embedded": len(missing), "reused": len(chunks) - len(missing)}


def load_index(version_dir: Path, embedder: Embedder, manifest: dict[str, Any] | None = None) -> ChunkIndex:
    """Load the index of a version directory for searching with ``embedder``.

    Raises ``KnowledgeBaseError`` naming the fix when the knowledge base was built
    with another embedder, has no index, or has missing or corrupt index files.
    """
    manifest = read_manifest(version_dir) if manifest is None else manifest
    check_embedder(manifest.get("embedder"), embedder, version_dir)
    records = read_json(version_dir / RECORDS_FILE)
    ids = records.get("chunk_ids") if isinstance(records, dict) else None
    if not isinstance(ids, list):
        raise KnowledgeBaseError(f"{version_dir / RECORDS_FILE} is corrupt (no chunk ids). {REBUILD}")
    by_id = {c.id: c for c in read_chunks(version_dir)}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise KnowledgeBaseError(
            f"The index at {version_dir} names {len(unknown)} chunks missing from chunks.jsonl "
            f"(first: {unknown[0]!r}). {REBUILD}"
        )
    index = _read_faiss(version_dir / INDEX_FILE, embedder.dim, len(ids))
    chunks = tuple(by_id[i] for i in ids)
    return ChunkIndex(_vectorstore(index, chunks, embedder), chunks, embedder, str(records.get("kind", "")))


def check_embedder(built: Any, embedder: Embedder, version_dir: Path) -> None:
    """Refuse, with the fix, to search an index built by another embedder (or none)."""
    if not isinstance(built, dict) or not built.get("name"):
        raise KnowledgeBaseError(
            f"The knowledge base at {version_dir} has no search index. {REBUILD}"
        )
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


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """The metadata every retrieved ``Document`` carries about its chunk."""
    return {
        "chunk_id": chunk.id,
        "source": chunk.document,
        "title": chunk.title,
        "heading": chunk.heading,
        "lines": f"{chunk.start_line}-{chunk.end_line}",
        "start_line": chunk.start_line,
        "end_line": chunk.end_line,
        "topics": list(chunk.topics),
    }


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


def _read_faiss(path: Path, dim: int, count: int) -> Any:
    import faiss

    if not path.is_file():
        raise KnowledgeBaseError(f"Index file {path} is missing. {REBUILD}")
    try:
        index = faiss.read_index(str(path))
    except (RuntimeError, OSError) as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise KnowledgeBaseError(f"Index file {path} is corrupt ({reason}). {REBUILD}") from None
    if index.d != dim or index.ntotal != count:
        raise KnowledgeBaseError(
            f"Index file {path} holds {index.ntotal} vectors of dim {index.d}, expected {count} of "
            f"dim {dim}. {REBUILD}"
        )
    if "HNSW" in type(index).__name__:
        faiss.ParameterSpace().set_index_parameter(index, "efSearch", HNSW_EF_SEARCH)
    return index


def _vectorstore(index: Any, chunks: tuple[Chunk, ...], embedder: Embedder) -> Any:
    """LangChain's FAISS over an already-built index (what ``load_local`` would do, minus pickle)."""
    from langchain_community.docstore.in_memory import InMemoryDocstore
    from langchain_community.vectorstores import FAISS
    from langchain_community.vectorstores.utils import DistanceStrategy
    from langchain_core.documents import Document

    docs = {c.id: Document(page_content=c.prefixed_text, metadata=chunk_metadata(c), id=c.id) for c in chunks}
    return FAISS(
        embedding_function=embedder,
        index=index,
        docstore=InMemoryDocstore(docs),
        index_to_docstore_id=dict(enumerate(c.id for c in chunks)),
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )
