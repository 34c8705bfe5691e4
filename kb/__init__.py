"""The knowledge base: topics, their prerequisite graph, and learning-path queries.

>>> from kb import Roadmap, Topic
>>> Topic("la", "线性代数").name
'线性代数'
"""

from kb.errors import (DocumentError, IngestError, KnowledgeBaseError, RoadmapError,
                       UnknownTopicError)
from kb.model import Chunk, DroppedEdge, Edge, Evidence, Source, Step, Topic
from kb.roadmap import Roadmap
from kb.settings import Settings

__all__ = [
    "Chunk", "DocumentError", "DroppedEdge", "Edge", "Evidence", "IngestError", "KnowledgeBaseError",
    "Roadmap", "RoadmapError", "Settings", "Source", "Step", "Topic", "UnknownTopicError",
]
