"""What an answer stream yields: one ``Context``, many ``Token``, one ``Done`` carrying the ``Answer``.

``collect`` turns the events into the ``Answer``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from kb.model import Topic
from rag.answering.citations import Citation
from rag.answering.quote import Quote


@dataclass(frozen=True)
class Answer:
    """The result of a question."""

    text: str  #: the answer, with [n] markers
    sources: tuple[Citation, ...]  #: the passages the text cites (the top one when it cites none)
    linked_topics: tuple[Topic, ...]  #: topics the question (or its follow-up context) is about
    next_topics: tuple[Topic, ...]  #: what to learn next, personalised by what the learner knows
    missing_prerequisites: tuple[str, ...]  #: sentences naming prerequisites not covered yet
    unsupported: tuple[str, ...] = ()  #: generated sentences no passage or graph fact supports (marked in text)
    quote: Quote | None = None  #: the verbatim sentence or list of the top passage that answers the question
    graph_answer: str = ""  #: the graph's own answer to a graph question (the text's first sentence)
    judged: int = 0  #: generated sentences checked against the passages and graph facts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (sources as citations, topics without their source lists)."""
        return {
            "text": self.text,
            "sources": [s.citation() for s in self.sources],
            "linked_topics": [_topic_json(t) for t in self.linked_topics],
            "next_topics": [_topic_json(t) for t in self.next_topics],
            "missing_prerequisites": list(self.missing_prerequisites),
            "unsupported": list(self.unsupported),
            "quote": asdict(self.quote) if self.quote is not None else None,
            "graph_answer": self.graph_answer,
            "judged": self.judged,
        }


@dataclass(frozen=True)
class Context:
    """First event: everything known before the model runs."""

    sources: tuple[Citation, ...]  #: the numbered passages the answer may cite
    linked_topics: tuple[Topic, ...]  #: topics the question is about
    next_topics: tuple[Topic, ...]  #: what to learn next
    missing_prerequisites: tuple[str, ...]  #: prerequisites the learner has not covered


@dataclass(frozen=True)
class Token:
    """A piece of the answer text, as the model produces it."""

    text: str  #: the new text


@dataclass(frozen=True)
class Done:
    """Last event: the finished answer."""

    answer: Answer  #: the structured result


Event = Context | Token | Done


def collect(events: Iterable[Event]) -> Answer:
    """The ``Answer`` of a stream of events."""
    for event in events:
        if isinstance(event, Done):
            return event.answer
    raise RuntimeError("the answer stream ended without a Done event")


def _topic_json(topic: Topic) -> dict[str, str]:
    return {"id": topic.id, "name": topic.name, "stage": topic.stage}
