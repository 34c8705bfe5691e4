"""What the chat tab needs from the assistant: a stream of events, context first.

``ChatBackend.stream(question, known, history)`` yields one ``context`` event (sources,
linked and next topics, missing prerequisites), then ``token`` events, then one ``done``
event carrying the whole text. ``backend_for(assistant, roadmap)`` adapts a
``rag.Assistant``: its own ``stream`` when it has one, otherwise an extractive answer
built from ``retrieve`` (the top snippets), which works with ``--llm none``.

Example::

    backend = backend_for(Assistant.load(kb_dir, llm="none"), roadmap)
    for event in backend.stream("多头注意力之前要学什么？", known=["Python"], history=[]):
        print(event.kind, event.text or event.context)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from kb.errors import RoadmapError

History = Sequence[tuple[str, str]]  #: earlier turns as (question, answer)

_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"\s*\S+|\s+")


@dataclass(frozen=True)
class SourceView:
    """One cited passage, as shown under an answer."""

    n: int  #: citation number, 1-based, as in "[1]"
    document: str  #: file name of the document
    heading: str  #: heading path, e.g. "大模型进阶之路 › 入门基础"
    lines: str  #: line range in the document, e.g. "12-18"
    snippet: str  #: the cited text


@dataclass(frozen=True)
class ChatContext:
    """What is known before the answer text: sources and topic suggestions."""

    sources: tuple[SourceView, ...] = ()  #: cited passages, best first
    linked_topics: tuple[str, ...] = ()  #: topic names the question is about
    next_topics: tuple[str, ...] = ()  #: topic names worth learning next
    missing_prerequisites: tuple[str, ...] = ()  #: prerequisites the learner lacks (names or sentences)


@dataclass(frozen=True)
class ChatEvent:
    """One event of an answer stream."""

    kind: Literal["context", "token", "done"]  #: what the event carries
    text: str = ""  #: the new text ("token") or the whole answer ("done")
    context: ChatContext = field(default_factory=ChatContext)  #: set on the "context" event


class ChatBackend(Protocol):
    """Anything that streams answers; the app talks only to this."""

    def stream(self, question: str, known: Sequence[str] = (), history: History = ()) -> Iterator[ChatEvent]:
        """Events for one answer: ``context``, ``token``…, ``done``."""
        ...


def backend_for(assistant: Any, roadmap: Any) -> ChatBackend:
    """A ``ChatBackend`` over ``assistant``: its ``stream`` if it has one, else extractive answers."""
    if callable(getattr(assistant, "stream", None)):
        return AssistantStream(assistant)
    return ExtractiveBackend(assistant, roadmap)


def is_chinese(text: str) -> bool:
    """Whether ``text`` contains Chinese characters.

    >>> is_chinese("LoRA之后学什么"), is_chinese("What after LoRA?")
    (True, False)
    """
    return bool(_CJK.search(text))


def split_tokens(text: str) -> list[str]:
    """``text`` in small pieces for streaming: words (with their spaces) or single CJK characters.

    >>> split_tokens("a bc 中文")
    ['a', ' bc', ' ', '中', '文']
    """
    pieces: list[str] = []
    for piece in _TOKEN.findall(text):
        pieces.extend(list(piece) if _CJK.search(piece) and len(piece.strip()) > 1 else [piece])
    return pieces


def _name(topic: Any) -> str:
    return str(getattr(topic, "name", topic))


def _names(topics: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_name(t) for t in topics or ()))


def _field(obj: Any, *keys: str, default: Any = None) -> Any:
    for key in keys:
        value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
        if value is not None:
            return value
    return default


def source_view(n: int, citation: Any) -> SourceView:
    """A ``SourceView`` from a ``rag`` Citation or a LangChain ``Document``."""
    meta = getattr(citation, "metadata", None)
    if isinstance(meta, dict):  # a Document
        return SourceView(n, str(meta.get("source", "")), str(meta.get("heading", "")),
                          str(meta.get("lines", "")), str(meta.get("snippet") or citation.page_content))
    return SourceView(int(_field(citation, "n", default=n)), str(_field(citation, "document", "source", default="")),
                      str(_field(citation, "heading", default="")), str(_field(citation, "lines", default="")),
                      str(_field(citation, "snippet", "text", default="")))


def context_from(obj: Any) -> ChatContext:
    """A ``ChatContext`` from any object with sources / linked_topics / next_topics / missing_prerequisites."""
    sources = _field(obj, "sources", "citations", default=()) or ()
    return ChatContext(
        sources=tuple(source_view(i, s) for i, s in enumerate(sources, 1)),
        linked_topics=_names(_field(obj, "linked_topics", default=())),
        next_topics=_names(_field(obj, "next_topics", default=())),
        missing_prerequisites=_names(_field(obj, "missing_prerequisites", default=())),
    )


class AssistantStream:
    """Adapts ``rag.Assistant.stream`` events (``Context``, ``Token``…, ``Done``) to ``ChatEvent``."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def stream(self, question: str, known: Sequence[str] = (), history: History = ()) -> Iterator[ChatEvent]:
        text = ""
        for event in self.assistant.stream(question, known=tuple(known), history=tuple(history)):
            kind = str(_field(event, "kind", "event", default=type(event).__name__)).lower()
            if kind == "context":
                yield ChatEvent("context", context=context_from(_field(event, "context", default=event)))
            elif kind == "token":
                piece = str(_field(event, "text", "token", "delta", default=""))
                text += piece
                yield ChatEvent("token", text=piece)
            elif kind == "done":
                answer = _field(event, "answer", default=None)
                yield ChatEvent("done", text=str(_field(answer, "text", default=text)) if answer is not None else text)


class ExtractiveBackend:
    """Answers without a language model: the top snippets of the search, cited, plus graph facts."""

    def __init__(self, assistant: Any, roadmap: Any, k: int = 4) -> None:
        self.assistant = assistant
        self.roadmap = roadmap
        self.k = k

    def stream(self, question: str, known: Sequence[str] = (), history: History = ()) -> Iterator[ChatEvent]:
        if not question.strip():
            raise RoadmapError("The question is empty: type a question about learning LLMs.")
        result = self.assistant.retrieve(self._query(question, history), k=self.k)
        context = self._context(result, known)
        yield ChatEvent("context", context=context)
        text = extractive_text(question, context)
        for piece in split_tokens(text):
            yield ChatEvent("token", text=piece)
        yield ChatEvent("done", text=text)

    def _query(self, question: str, history: History) -> str:
        """Follow-ups that name no topic are searched together with the previous question."""
        if history and self.roadmap is not None and not self.roadmap.find_mentions(question):
            return f"{history[-1][0]} {question}"
        return question

    def _context(self, result: Any, known: Sequence[str]) -> ChatContext:
        linked = list(getattr(result, "topics", []) or [])
        sources = tuple(source_view(i, d) for i, d in enumerate(result.documents, 1))
        missing: list[str] = []
        following: list[str] = []
        if self.roadmap is not None:
            known_set = set(known)
            for topic in linked[:2]:
                missing += [t.name for t in self.roadmap.prerequisites(topic.id) if t.name not in known_set]
                following += [t.name for t in self.roadmap.dependents(topic.id) if t.name not in known_set]
            if not following:
                following = [t.name for t in self.roadmap.next_topics(known=list(known), limit=5)]
        return ChatContext(sources, _names(linked), tuple(dict.fromkeys(following))[:5],
                           tuple(dict.fromkeys(missing)))


def extractive_text(question: str, context: ChatContext) -> str:
    """The answer text of the extractive backend: the topic facts, then the cited snippets."""
    zh = is_chinese(question)
    if not context.sources:
        return "资料中没有涉及这个问题。" if zh else "The documents do not cover this."
    lines = ["（未配置语言模型，以下是资料中最相关的段落。）" if zh
             else "(No language model is configured; here are the most relevant passages.)"]
    for topic in context.linked_topics[:1]:
        if context.missing_prerequisites:
            need = "、".join(context.missing_prerequisites) if zh else ", ".join(context.missing_prerequisites)
            lines.append(f"学习「{topic}」之前需要先掌握：{need}。" if zh else f"Before {topic}, learn: {need}.")
    lines += [f"[{s.n}] {s.snippet}" for s in context.sources[:3]]
    return "\n\n".join(lines)
