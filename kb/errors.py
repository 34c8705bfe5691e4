"""The one error hierarchy of the project: every message names the bad value and the fix."""

from __future__ import annotations


class RoadmapError(Exception):
    """Base of every error a user can cause; its message is meant to be shown as is."""


class UnknownTopicError(RoadmapError, KeyError):
    """A topic name matched nothing in the knowledge base."""

    def __init__(self, name: str, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown topic {name!r}.{hint} Run `roadmap topics` to list every topic.")

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0])


class KnowledgeBaseError(RoadmapError):
    """The knowledge-base directory is missing, incomplete, corrupt or of another version."""


class DocumentError(RoadmapError):
    """A document could not be read or holds nothing usable."""


class IngestError(RoadmapError):
    """Ingest could not produce a knowledge base (nothing was written)."""
