"""Retrieval and answering over a roadmap knowledge base.

``from rag import Assistant`` is the entry point; the modules underneath are
``embedders`` (embedding models), ``index`` (FAISS persistence), ``search``
(hybrid, graph-aware search), ``retriever`` (LangChain adapter), ``answer``
(answers with citations, streamed) and ``evaluation`` (retrieval quality).

Names are imported on first use, so ``import rag.index`` (done by ingest) does not
pay for LangChain's retriever machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.answer import Answer, Citation
    from rag.assistant import Assistant
    from rag.embedders import Embedder, load_embedder
    from rag.search import SearchConfig, Searcher, SearchResult

_EXPORTS = {
    "Answer": "rag.answer",
    "Citation": "rag.answer",
    "Assistant": "rag.assistant",
    "Embedder": "rag.embedders",
    "load_embedder": "rag.embedders",
    "SearchConfig": "rag.search",
    "SearchResult": "rag.search",
    "Searcher": "rag.search",
}

__all__ = ["Answer", "Assistant", "Citation", "Embedder", "SearchConfig", "SearchResult", "Searcher", "load_embedder"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
