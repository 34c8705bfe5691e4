"""The search as a LangChain retriever, for chains and tools that expect one."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class RoadmapRetriever(BaseRetriever):
    """``BaseRetriever`` over a ``rag.retrieval.search.Searcher``; all logic stays in the searcher.

    Example::

        retriever = RoadmapRetriever(searcher=assistant.searcher, k=4)
        docs = retriever.invoke("RAG 是什么")
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any  #: a rag.retrieval.search.Searcher
    k: int = 5  #: number of documents returned

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.searcher.search(query, k=self.k).documents
