"""``roadmap search``: hybrid, graph-aware retrieval.

For each hit it prints its score, document, lines, heading path and the snippet that
answers the question (``--full`` for the whole passage), then the topics linked from
the question.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kb.errors import RoadmapError
from kb.settings import Settings

if TYPE_CHECKING:
    from rag.retrieval.search import SearchResult


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``search`` command."""
    p = sub.add_parser("search", parents=[common], help="find the passages that answer a question")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--full", action="store_true", help="print whole passages, not just their best snippet")
    p.add_argument("--embedder", default=None, help="must match the one the knowledge base was built with")
    p.set_defaults(handler=search_command)



def search_command(args: argparse.Namespace, settings: Settings) -> int:
    """Search the knowledge base and print the hits (or JSON with ``--json``)."""
    from ui.commands.ask import load_assistant

    if args.k < 1:
        raise RoadmapError(f"--k must be at least 1, got {args.k}.")
    assistant = load_assistant(settings, llm="none")
    result = assistant.retrieve(args.question, k=args.k)
    if args.json:
        print(json.dumps(result_to_dict(result), ensure_ascii=False, indent=1))
    else:
        print("\n".join(result_lines(result, full=args.full)))
    return 0


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """The stable JSON form of a search result."""
    return {
        "query": result.query,
        "notices": result.notices,
        "topics": [{"id": t.id, "name": t.name, "aliases": list(t.aliases)} for t in result.topics],
        "results": [
            {key: d.metadata.get(key) for key in ("rank", "score", "source", "heading", "lines", "chunk_id",
                                                  "topics", "linked", "snippet")}
            | {"text": d.page_content}
            for d in result.documents
        ],
    }


def result_lines(result: SearchResult, full: bool = False) -> list[str]:
    """Human-readable lines: one block per hit, then the linked topics."""
    lines = [f"note: {notice}" for notice in result.notices]
    if not result.documents:
        lines.append("No passage matches. Check the spelling, or run `roadmap ingest` with more documents.")
    for doc in result.documents:
        meta = doc.metadata
        text = doc.page_content.split("\n", 1)[-1] if full else meta.get("snippet", doc.page_content)
        lines += [f"[{meta['rank']}] {meta['score']:.4f}  {meta['source']}  lines {meta['lines']}",
                  f"    {meta['heading']}",
                  *(f"    {line}" for line in text.splitlines() if line.strip()), ""]
    names = [f"{t.name} ({', '.join(t.aliases)})" if t.aliases else t.name for t in result.topics]
    lines.append(f"Linked topics: {'; '.join(names)}" if names else "Linked topics: none")
    return lines
