"""The naive LangChain RAG retriever the project is measured against.

What a LangChain tutorial builds: the raw files split by
``RecursiveCharacterTextSplitter`` (500 characters, 50 overlap), embedded into a
``FAISS`` vectorstore with the same embedder, and fused with BM25 (same jieba
tokenizer, so Chinese is not split on spaces only) by ``EnsembleRetriever``'s
reciprocal rank fusion. No section structure, no graph, no snippets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from rag.embedders import Embedder
from rag.lexical import tokenize

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
SUFFIXES = (".md", ".markdown", ".txt")


def naive_documents(doc_paths: Sequence[Path]) -> list[Document]:
    """The raw documents cut into 500-character pieces with 50 characters of overlap."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    files = sorted(p for path in doc_paths for p in (Path(path).rglob("*") if Path(path).is_dir() else [Path(path)])
                   if p.is_file() and p.suffix.lower() in SUFFIXES)
    raw = [Document(page_content=p.read_text(encoding="utf-8-sig", errors="replace"), metadata={"source": p.name})
           for p in files]
    pieces = splitter.split_documents(raw)
    for number, piece in enumerate(pieces):
        piece.metadata["chunk_id"] = f"{piece.metadata['source']}~{number}"
    return pieces


class NaiveRetriever:
    """Dense (FAISS) + BM25 over naive chunks, fused by LangChain's ``EnsembleRetriever``."""

    def __init__(self, doc_paths: Sequence[Path], embedder: Embedder, k: int = 5) -> None:
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy

        self.documents = naive_documents(doc_paths)
        self.store = FAISS.from_documents(
            self.documents, embedder, distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT
        )
        bm25 = BM25Retriever.from_documents(self.documents, preprocess_func=tokenize, k=k)
        dense = self.store.as_retriever(search_kwargs={"k": k})
        self.retriever: Any = EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5], id_key="chunk_id")
        self.k = k

    def search(self, question: str, k: int | None = None) -> list[Document]:
        """The fused top ``k`` pieces for ``question``."""
        return self.retriever.invoke(question)[: k or self.k]
