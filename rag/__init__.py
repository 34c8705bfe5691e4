"""Retrieval and answering over a roadmap knowledge base.

``from rag import Assistant`` is the entry point. Underneath, one subpackage per job:

- ``rag.retrieval``: embedders, the FAISS index, lexical (BM25) search, topic linking,
  snippets, the hybrid graph-aware ``Searcher`` and its LangChain retriever;
- ``rag.answering``: the ``Assistant``, the answer stream and its events, prompting,
  citations and graph facts;
- ``rag.backends``: the chat-model backends (llama.cpp, transformers, OpenAI-compatible)
  and the catalogue of known local models.

Names are imported on first use, so ``import rag.retrieval.index`` (done by ingest) does
not pay for LangChain's retriever machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.answering.assistant import Assistant
    from rag.answering.citations import Citation
    from rag.answering.events import Answer
    from rag.retrieval.embedders import Embedder, load_embedder
    from rag.retrieval.search import SearchConfig, Searcher, SearchResult

_EXPORTS = {
    "Answer": "rag.answering.events",
    "Citation": "rag.answering.citations",
    "Assistant": "rag.answering.assistant",
    "Embedder": "rag.retrieval.embedders",
    "load_embedder": "rag.retrieval.embedders",
    "SearchConfig": "rag.retrieval.search",
    "SearchResult": "rag.retrieval.search",
    "Searcher": "rag.retrieval.search",
}

__all__ = ["Answer", "Assistant", "Citation", "Embedder", "SearchConfig", "SearchResult", "Searcher", "load_embedder"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
