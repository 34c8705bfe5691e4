"""The naive LangChain RAG retriever the project is measured against.

What a LangChain tutorial builds: the raw files split by
``RecursiveCharacterTextSplitter`` (500 characters, 50 overlap), embedded into a
``FAISS`` vectorstore with the same embedder, and fused with BM25 (same jieba
tokenizer, so Chinese is not split on spaces only) by ``EnsembleRetriever``'s
reciprocal rank fusion. No section structure, no graph, no snippets.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from kb.errors import RoadmapError
from rag.retrieval.embedders import Embedder
from rag.retrieval.lexical import tokenize

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
SUFFIXES = (".md", ".markdown", ".txt")
#: The packages of the ``baseline`` extra (the product itself does not need them).
BASELINE_MODULES = ("langchain_classic", "langchain_community", "langchain_text_splitters")


def require_baseline() -> None:
    """``RoadmapError`` naming the extra to install when the baseline's packages are missing."""
    missing = [m for m in BASELINE_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise RoadmapError(f"The naive LangChain baseline needs {', '.join(missing)}: "
                           "pip install 'roadmap-qa[baseline]' (or pip install -e '.[baseline]' in a checkout).")


def naive_documents(doc_paths: Sequence[Path]) -> list[Document]:
    """The raw documents cut into 500-character pieces with 50 characters of overlap."""
    require_baseline()
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
        require_baseline()
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


#: The prompt of the naive chain, as LangChain's RAG tutorials write it.
NAIVE_SYSTEM = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context "
    "to answer the question. If you don't know the answer, say that you don't know. "
    "Use three sentences maximum and keep the answer concise.\n\n{context}"
)
NAIVE_TOP_K = 4


class NaiveRAG:
    """The naive LangChain RAG chain: 500-character pieces, FAISS top-4, a stuffed prompt, the chat model.

    ``stream(question)`` yields the same events as ``Assistant.stream`` (``Context``,
    ``Token``…, ``Done``) so both chains are timed and scored alike; the answer cites
    nothing (the prompt does not number the pieces).
    """

    def __init__(self, doc_paths: Sequence[Path], embedder: Embedder, llm: Any, k: int = NAIVE_TOP_K) -> None:
        require_baseline()
        from langchain_community.vectorstores import FAISS
        from langchain_community.vectorstores.utils import DistanceStrategy
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate

        self.store = FAISS.from_documents(naive_documents(doc_paths), embedder,
                                          distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)
        self.retriever = self.store.as_retriever(search_kwargs={"k": k})
        prompt = ChatPromptTemplate.from_messages([("system", NAIVE_SYSTEM), ("human", "{question}")])
        self.chain = prompt | llm | StrOutputParser()

    def stream(self, question: str) -> Any:
        """Retrieve, then stream the answer, as ``rag.answering.events``."""
        from rag.answering.events import Answer, Context, Done, Token
        from rag.answering.citations import Citation

        pieces = self.retriever.invoke(question)
        sources = tuple(Citation(n, str(d.metadata.get("source", "")), "", "", d.page_content)
                        for n, d in enumerate(pieces, 1))
        yield Context(sources, (), (), ())
        parts = []
        context = "\n\n".join(d.page_content for d in pieces)
        for part in self.chain.stream({"context": context, "question": question}):
            if part:
                parts.append(part)
                yield Token(part)
        yield Done(Answer("".join(parts).strip(), sources, (), (), ()))
