"""The chat tab's handler: streams an answer with its sources, prerequisite check and next topics.

``ChatHandler.respond`` is a generator Gradio calls with (question, chat messages,
profile name). Every value it yields is a ``ChatView`` tuple for the outputs
``[chatbot, question box, sources, check, next-topic buttons…]``: the first one
already carries the sources and next topics, later ones grow the answer text, and
the last one marks which sources the answer cited. The events are ``rag``'s own
(``Context``, ``Token``…, ``Done``), consumed as they are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import gradio as gr

from kb.errors import RoadmapError
from rag.answering.events import Context, Done, Event, Token
from ui.profiles import ProfileStore
from ui.render import answer_markdown, check_markdown, md_text, notice, plain_text, sources_markdown

log = logging.getLogger(__name__)

NEXT_BUTTONS = 5  #: how many next-topic buttons the tab has
STREAM_EVERY = 0.05  #: seconds between two updates of the growing answer
TOPIC_QUESTION = "介绍一下「{topic}」，学习它之前需要什么？"
SOURCES_TITLE = "来源 · Sources"

ChatView = tuple[Any, ...]


class Answerer(Protocol):
    """What the chat needs of a ``rag.Assistant``: its stream of answer events."""

    def stream(self, question: str, known: Sequence[str] = (),
               history: Sequence[tuple[str, str]] = ()) -> Iterator[Event]:
        """``Context`` first, then ``Token`` pieces, then ``Done`` with the ``Answer``."""
        ...


def message_text(content: Any) -> str:
    """The text of a chat message's content (a string, or Gradio's list of parts).

    >>> message_text([{"type": "text", "text": "hi"}]), message_text("yo")
    ('hi', 'yo')
    """
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return "".join(message_text(part) for part in content)
    return ""


def history_pairs(messages: Sequence[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """Earlier (question, answer) turns from the chat messages; the sources boxes are left out.

    >>> history_pairs([{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"},
    ...                {"role": "assistant", "content": "src", "metadata": {"title": "S"}}])
    [('q', 'a')]
    """
    pairs: list[tuple[str, str]] = []
    question = None
    for message in messages or []:
        if (message.get("metadata") or {}).get("title"):
            continue
        text = plain_text(message_text(message.get("content")))
        if message.get("role") == "user":
            question = text
        elif question is not None:
            pairs.append((question, text))
            question = None
    return pairs


def button_updates(topics: Sequence[str]) -> list[Any]:
    """Updates for the next-topic buttons: one per topic, the rest hidden."""
    shown = list(topics)[:NEXT_BUTTONS]
    return [gr.update(value=t, visible=True) for t in shown] + \
           [gr.update(value="", visible=False) for _ in range(NEXT_BUTTONS - len(shown))]


class ChatHandler:
    """Streams answers from an ``Answerer``; the learner's known topics come from the profile store."""

    def __init__(self, assistant: Answerer, profiles: ProfileStore) -> None:
        self.assistant = assistant
        self.profiles = profiles

    def respond(self, question: str, messages: list[dict[str, Any]] | None,
                profile: str) -> Iterator[ChatView]:
        """Answer ``question``; yields the growing chat, context first."""
        messages = list(messages or [])
        question = (question or "").strip()
        if not question:
            gr.Warning("问题是空的，请输入一个问题。 · The question is empty: type a question.")
            yield self._view(messages, "", notice("问题是空的，请输入一个问题。 · The question is empty: type a question."))
            return
        try:
            yield from self._stream(question, messages, profile)
        except RoadmapError as exc:
            gr.Warning(str(exc))
            yield self._view(messages + _turn(question, notice(str(exc))), "", notice(str(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug must not leave a frozen spinner; log it, show one line
            log.exception("chat failed for %r", question)
            text = f"Something went wrong while answering ({type(exc).__name__}). See the server log."
            yield self._view(messages + _turn(question, notice(text, "error")), "", notice(text, "error"))

    def ask_topic(self, topic: str, messages: list[dict[str, Any]] | None, profile: str) -> Iterator[ChatView]:
        """Ask about a suggested next topic."""
        yield from self.respond(TOPIC_QUESTION.format(topic=topic) if topic else "", messages, profile)

    def _stream(self, question: str, messages: list[dict[str, Any]], profile: str) -> Iterator[ChatView]:
        known = self.profiles.load(profile).known
        context, text, cited, last = None, "", None, 0.0
        for event in self.assistant.stream(question, known=known, history=history_pairs(messages)):
            if isinstance(event, Context):
                context = event
                yield self._answer_view(messages, question, "", context)
                last = time.monotonic()
            elif isinstance(event, Token):
                text += event.text
                if time.monotonic() - last >= STREAM_EVERY:
                    yield self._answer_view(messages, question, text, context)
                    last = time.monotonic()
            elif isinstance(event, Done):
                quote = event.answer.quote
                text = event.answer.text + removed_note(event.answer.unsupported)
                text += f"\n\n{quote.block()}" if quote is not None else ""
                cited = {c.n for c in event.answer.sources}
        yield self._answer_view(messages, question, text, context, cited)

    def _answer_view(self, messages: list[dict[str, Any]], question: str, text: str,
                     context: Context | None, cited: set[int] | None = None) -> ChatView:
        shown = answer_markdown(text) if text else "…"
        chat = messages + _turn(question, shown)
        passages = context.sources if context is not None else ()
        sources = sources_markdown(passages, cited)
        if passages:
            count = f"{len(passages)}" if cited is None else f"{len(passages)}, {len(cited)} cited"
            chat.append({"role": "assistant", "content": sources,
                         "metadata": {"title": f"{SOURCES_TITLE} ({count})", "status": "done"}})
        next_topics = [t.name for t in context.next_topics] if context is not None else []
        return (chat, "", sources, check_markdown(context), *button_updates(next_topics))

    def _view(self, chat: list[dict[str, Any]], question: str, check: str) -> ChatView:
        return (chat, question, "", check, *button_updates([]))


def _turn(question: str, answer: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": md_text(question)}, {"role": "assistant", "content": answer}]


def removed_note(unsupported: tuple[str, ...]) -> str:
    """The line saying how many generated sentences were removed for want of support ("" for none).

    >>> removed_note(("它由Hinton提出。",)).strip()
    '_已删去 1 句资料中找不到依据的话 · 1 unsupported sentence removed_'
    """
    n = len(unsupported)
    if not n:
        return ""
    return f"\n\n_已删去 {n} 句资料中找不到依据的话 · {n} unsupported sentence{'s' if n > 1 else ''} removed_"
