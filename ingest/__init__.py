"""Ingest: documents → sections → topics → edges → chunks → a knowledge-base directory.

>>> from ingest import build, IngestReport
"""

from ingest.build import IngestReport, build
from ingest.pipeline import Analysis, analyse
from ingest.reader import RawDocument, read_document

__all__ = ["Analysis", "IngestReport", "RawDocument", "analyse", "build", "read_document"]
