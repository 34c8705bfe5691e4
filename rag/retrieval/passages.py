"""The one passage type: a retrieved chunk, numbered, from the index to the prompt to the screen.

The search makes a ``Passage`` of each hit (its best snippet, score and the chunk it
comes from); the prompt shows the model its ``label`` and ``snippet`` under ``[n]``;
an answer cites passages by that number; the CLI and the app show the same objects.
``to_document`` gives the LangChain ``Document`` form for LangChain's retriever interface.

>>> p = Passage(1, "a.md", "路线 › 基础 › Python", "3-9", "先学 Python。")
>>> p.label, p.text
('Python', '先学 Python。')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.model import Chunk


@dataclass(frozen=True)
class Passage:
    """One retrieved passage, numbered as answers cite it ("[1]")."""

    n: int  #: rank in the search (1 = best), and the number an answer cites it by
    document: str  #: file name of the document
    heading: str  #: heading path, e.g. "大模型进阶之路 › Transformer › 多头注意力"
    lines: str  #: line range in the document, e.g. "12-18"
    snippet: str  #: the part of the text that answers the question (what the model sees and the screen quotes)
    score: float = 0.0  #: fused search score (higher is better)
    linked: tuple[str, ...] = ()  #: ids of the question's linked topics this chunk is about
    chunk: Chunk | None = None  #: the chunk it comes from (None for passages made by hand)

    @property
    def label(self) -> str:
        """What the model sees above the passage: its own heading (file names and line numbers only cost time)."""
        return self.heading.rsplit(" › ", 1)[-1] or self.document

    @property
    def text(self) -> str:
        """The whole chunk text, prefixed by its heading path (the snippet when there is no chunk)."""
        return self.chunk.prefixed_text if self.chunk is not None else self.snippet

    @property
    def body(self) -> str:
        """The whole chunk text without its heading path (the snippet when there is no chunk): where a
        list the snippet cuts short is found whole."""
        return self.chunk.text if self.chunk is not None else self.snippet

    def citation(self) -> dict[str, Any]:
        """The stable JSON form of a cited passage: n, document, heading, lines, snippet."""
        return {"n": self.n, "document": self.document, "heading": self.heading, "lines": self.lines,
                "snippet": self.snippet}

    def metadata(self) -> dict[str, Any]:
        """What LangChain ``Document`` metadata carries about the passage (see ``to_document``)."""
        about = chunk_metadata(self.chunk) if self.chunk is not None else {
            "chunk_id": "", "source": self.document, "heading": self.heading, "lines": self.lines}
        return about | {"score": round(self.score, 6), "rank": self.n, "snippet": self.snippet,
                        "linked": list(self.linked)}

    def to_document(self) -> Any:
        """The passage as a LangChain ``Document`` (page content: the whole chunk text)."""
        from langchain_core.documents import Document

        return Document(page_content=self.text, metadata=self.metadata(),
                        id=self.chunk.id if self.chunk is not None else None)


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """The metadata every retrieved ``Document`` carries about its chunk."""
    return {
        "chunk_id": chunk.id,
        "source": chunk.document,
        "title": chunk.title,
        "heading": chunk.heading,
        "lines": f"{chunk.start_line}-{chunk.end_line}",
        "start_line": chunk.start_line,
        "end_line": chunk.end_line,
        "topics": list(chunk.topics),
    }
