"""Build a knowledge base from documents: read → analyse → (embed) → write atomically.

The previous knowledge base stays in place until the new one is complete; a
document that cannot be used is reported and skipped, the rest goes on.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from ingest.pipeline import Analysis, analyse
from ingest.reader import RawDocument, find_documents, read_document
from kb.errors import DocumentError, IngestError, KnowledgeBaseError
from kb.graph import build_graph, graph_to_json
from kb.store import (CHUNKS, FORMAT_VERSION, GRAPH, MANIFEST, REPORT, new_version, resolve,
                      write_chunks, write_json)


class IndexWriter(Protocol):
    """Writes the retrieval index of a version directory (implemented in ``rag.retrieval.index``)."""

    def __call__(self, version_dir: Path, chunks: list[Any], embedder: Any,
                 previous_dir: Path | None, *, progress: Any = None) -> dict[str, Any]: ...


@dataclass
class IngestReport:
    """What an ingest did, for the CLI summary and ``--json``."""

    kb_dir: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    topics: int = 0
    edges: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0
    embedder: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def read_all(doc_paths: list[Path], report: IngestReport, progress: bool) -> list[RawDocument]:
    """Read every document, skipping (and reporting) unusable files and duplicates."""
    files, warnings = find_documents(doc_paths)
    report.warnings += warnings
    docs: list[RawDocument] = []
    seen: dict[str, str] = {}
    names: set[str] = set()
    for path in tqdm(files, desc="reading", unit="doc", disable=not progress, file=sys.stderr):
        try:
            doc = read_document(path)
        except DocumentError as exc:
            report.warnings.append(str(exc))
            continue
        except OSError as exc:
            report.warnings.append(f"{path.name}: cannot be read ({exc.strerror}); skipped.")
            continue
        if doc.sha256 in seen:
            report.warnings.append(f"{path.name}: same content as {seen[doc.sha256]}; skipped as a duplicate.")
            continue
        if doc.name in names:
            doc = RawDocument(f"{path.parent.name}/{doc.name}", doc.text, doc.sha256, doc.metadata,
                              doc.body_start_line)
        seen[doc.sha256] = doc.name
        names.add(doc.name)
        docs.append(doc)
    return docs


def build(doc_paths: list[Path], kb_dir: Path, embedder: Any = None, index_writer: IndexWriter | None = None,
          progress: bool = False, rebuild: bool = False) -> IngestReport:
    """Ingest ``doc_paths`` (files or folders) into the knowledge base at ``kb_dir``.

    With an ``embedder``, chunks are also embedded and indexed (``rag.retrieval.index.write_index``),
    reusing the vectors of unchanged text from the previous version unless ``rebuild``.
    Raises ``IngestError`` when no document is usable; nothing is written then.
    """
    started = time.perf_counter()
    report = IngestReport(kb_dir=str(kb_dir))
    docs = read_all([Path(p) for p in doc_paths], report, progress)
    if not docs:
        problems = "; ".join(report.warnings) or "no documents given"
        raise IngestError(f"No usable documents ({problems}). Nothing was written; "
                          f"the previous knowledge base at {kb_dir} is unchanged.")
    analysis = analyse(docs)
    _fill_report(report, docs, analysis)
    with new_version(kb_dir) as staging:
        write_version(staging, analysis, report)
        if embedder is not None:
            report.embedder = _write_index(staging, analysis, embedder, index_writer,
                                           None if rebuild else _previous(kb_dir), progress)
        _write_manifest(staging, docs, report)  # last: it records the index written above
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def write_version(staging: Path, analysis: Analysis, report: IngestReport) -> None:
    """Write graph, chunks and the ingest report into a staging directory."""
    graph = build_graph(analysis.topics.values(), analysis.edges, analysis.order)
    write_json(staging / GRAPH, graph_to_json(graph))
    write_chunks(staging / CHUNKS, analysis.chunks)
    write_json(staging / REPORT, {"warnings": report.warnings, "dropped": report.dropped})


def _write_index(staging: Path, analysis: Analysis, embedder: Any, index_writer: IndexWriter | None,
                 previous: Path | None, progress: bool) -> dict[str, Any]:
    writer = index_writer or _default_index_writer()
    with tqdm(desc="embedding", unit="text", file=sys.stderr, disable=not progress) as bar:
        return writer(staging, analysis.chunks, embedder, previous, progress=bar.update)


def _write_manifest(staging: Path, docs: list[RawDocument], report: IngestReport) -> None:
    write_json(staging / MANIFEST, {
        "format_version": FORMAT_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "documents": report.documents,
        "counts": {"documents": len(docs), "topics": report.topics, "chunks": report.chunks, **report.edges},
        "embedder": report.embedder,
    })


def _fill_report(report: IngestReport, docs: list[RawDocument], analysis: Analysis) -> None:
    per_doc = Counter(s.document for t in analysis.topics.values() for s in {s.document: s for s in t.sources}.values())
    chunks = Counter(c.document for c in analysis.chunks)
    report.documents = [{"name": d.name, "title": analysis.titles[d.name], "sha256": d.sha256,
                         "topics": per_doc[d.name], "chunks": chunks[d.name]} for d in docs]
    report.topics = len(analysis.topics)
    report.chunks = len(analysis.chunks)
    report.edges = dict(sorted(Counter(e.kind for e in analysis.edges).items()))
    report.dropped = [{"source": d.edge.source, "target": d.edge.target, "kind": d.edge.kind,
                       "evidence": [asdict(e) for e in d.edge.evidence], "reason": d.reason}
                      for d in analysis.dropped]


def _previous(kb_dir: Path) -> Path | None:
    try:
        return resolve(kb_dir)
    except KnowledgeBaseError:
        return None


def _default_index_writer() -> IndexWriter:
    from rag.retrieval.index import write_index

    return write_index
