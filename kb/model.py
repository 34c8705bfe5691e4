"""Domain data of the knowledge base: topics, their sources, edges and study-path steps.

Everything here is a frozen dataclass with plain fields, so values can be
hashed, compared and turned into JSON without surprises.

>>> src = Source(document="roadmap.md", heading="基础 › 数学基础", line=12)
>>> t = Topic(id="linear-algebra", name="线性代数", aliases=("Linear Algebra",), sources=(src,))
>>> t.names
('线性代数', 'Linear Algebra')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EdgeKind = Literal["prerequisite", "part_of"]
EvidenceKind = Literal["explicit", "mermaid", "arrow", "stage", "sibling", "structure"]

#: How much each kind of evidence is trusted when documents contradict each other.
EVIDENCE_STRENGTH: dict[str, float] = {
    "explicit": 4.0,  # "A是B的基础", "在学习B之前…A"
    "mermaid": 3.0,  # an arrow drawn by the author
    "arrow": 3.0,  # an arrow chain written in the text or a code block: "A → B → C"
    "stage": 2.0,  # A sits in an earlier stage than B
    "sibling": 1.0,  # A is listed before B under the same parent
    "structure": 5.0,  # A is nested under B (part_of)
}

HEADING_SEPARATOR = " › "


@dataclass(frozen=True, slots=True)
class Source:
    """Where a topic, an edge or a chunk was seen."""

    document: str  #: file name of the document, e.g. "004_1d66942a4bc45f88.txt"
    heading: str  #: heading path joined with " › ", e.g. "大模型进阶之路 › 入门基础 › 数学基础"
    line: int  #: 1-based line in the original file


@dataclass(frozen=True, slots=True)
class Topic:
    """One learning subject of the roadmap, merged across documents."""

    id: str  #: stable slug, e.g. "self-attention" or "zi-zhu-yi-li-ji-zhi"
    name: str  #: display name, e.g. "自注意力机制"
    aliases: tuple[str, ...] = ()  #: other names seen in the documents, e.g. ("Self-Attention",)
    sources: tuple[Source, ...] = ()  #: every place the topic was seen
    summary: str = ""  #: one sentence from the documents describing it, may be empty
    stage: str = ""  #: the stage (or top-level section) it belongs to, e.g. "第一阶段：数学与编程基础"

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by every alias."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an edge exists: one observation in one document."""

    kind: EvidenceKind  #: "explicit", "mermaid", "arrow", "stage", "sibling" or "structure" (part_of)
    document: str  #: file name of the document
    line: int  #: 1-based line of the observation
    sentence: str  #: the text that shows it (a sentence, a mermaid arrow, two headings)

    @property
    def strength(self) -> float:
        """How much this evidence weighs, see ``EVIDENCE_STRENGTH``."""
        return EVIDENCE_STRENGTH[self.kind]


@dataclass(frozen=True, slots=True)
class Edge:
    """A relation between two topics, identified by topic id.

    ``prerequisite``: ``source`` should be learned before ``target``.
    ``part_of``: ``source`` is a subtopic of ``target``.
    """

    source: str  #: topic id
    target: str  #: topic id
    kind: EdgeKind  #: "prerequisite" or "part_of"
    evidence: tuple[Evidence, ...] = field(default=())  #: observations supporting it

    @property
    def strength(self) -> float:
        """Total weight of the evidence (used to break cycles)."""
        return sum(e.strength for e in self.evidence)


@dataclass(frozen=True, slots=True)
class DroppedEdge:
    """A prerequisite edge removed at ingest to keep the graph acyclic."""

    edge: Edge  #: the edge that was removed
    reason: str  #: human-readable reason, naming the cycle it closed


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a study path."""

    topic: Topic  #: what to learn
    reason: str  #: why it is on the path, in one sentence
    evidence: tuple[Evidence, ...] = ()  #: the observations behind the reason
    subtopics: tuple[Topic, ...] = ()  #: its parts, when it has any


@dataclass(frozen=True, slots=True)
class Chunk:
    """A section-aware passage of a document, the unit of retrieval."""

    id: str  #: stable id: "<document>#<start line>-<end line>[-<n>]"
    document: str  #: file name of the document
    title: str  #: document title
    heading: str  #: heading path joined with " › "
    start_line: int  #: first line (1-based, inclusive) in the original file
    end_line: int  #: last line (1-based, inclusive)
    text: str  #: the passage, without the heading prefix
    topics: tuple[str, ...] = ()  #: ids of the topics the passage is about

    @property
    def prefixed_text(self) -> str:
        """The text preceded by its heading path, as it is embedded and shown.

        >>> Chunk("d#1-2", "d", "T", "T › A", 1, 2, "正文").prefixed_text
        'T › A\\n正文'
        """
        return f"{self.heading}\n{self.text}" if self.heading else self.text
