"""Reading the index files of a version directory, each checked, with an error that says to rebuild.

``index.json`` (records), ``index.faiss`` (faiss's own format) and ``vectors.npy``
(``allow_pickle=False``) are written by ``rag.retrieval.index.write_index``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import KnowledgeBaseError
from kb.store import read_json

INDEX_FORMAT = 2
#: How wide an HNSW query explores the graph.
HNSW_EF_SEARCH = 128
REBUILD = "Rebuild it with `roadmap ingest --rebuild`."

Row = tuple[int, int, int]  # chunk position, start, end (offsets in chunk.text)


def read_records(path: Path) -> tuple[list[str], tuple[Row, ...], str]:
    """(chunk ids, window rows, index kind) from ``index.json``; ``KnowledgeBaseError`` if corrupt or outdated."""
    records = read_json(path)
    try:
        if records.get("format") != INDEX_FORMAT:
            raise ValueError(f"format {records.get('format')!r}, this program reads {INDEX_FORMAT}")
        ids = [str(i) for i in records["chunk_ids"]]
        rows = tuple((int(p), int(a), int(b)) for p, a, b in records["rows"])
        if any(not 0 <= p < len(ids) for p, _, _ in rows):
            raise ValueError("a row names a chunk position out of range")
        return ids, rows, str(records.get("kind", ""))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise KnowledgeBaseError(f"{path} is corrupt or outdated ({exc}). {REBUILD}") from None


def read_faiss(path: Path, dim: int, count: int) -> Any:
    """The FAISS index at ``path``, checked to hold ``count`` vectors of ``dim``."""
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


def read_vectors(path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The window vectors at ``path`` (memory-mapped, never unpickled), checked to be float32 of ``shape``."""
    try:
        vectors = np.load(path, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        raise KnowledgeBaseError(f"Vector file {path} is missing. {REBUILD}") from None
    except (OSError, ValueError) as exc:
        raise KnowledgeBaseError(f"Vector file {path} is corrupt ({exc}). {REBUILD}") from None
    if vectors.shape != shape or vectors.dtype != np.float32:
        raise KnowledgeBaseError(f"Vector file {path} holds {vectors.shape} {vectors.dtype}, expected {shape}. "
                                 f"{REBUILD}")
    return vectors
