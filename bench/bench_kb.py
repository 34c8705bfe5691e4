"""Benchmark of the knowledge-base layer; writes docs/benchmarks-kb.md.

- ingest (parse + topics + edges + chunks, no embeddings) of the five corpus documents;
- ``study_path`` and ``next_topics`` on a generated 10,000-topic graph.

Run: ``.venv/bin/python bench/bench_kb.py [CORPUS_DIR]``
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import analyse  # noqa: E402
from ingest.reader import read_document  # noqa: E402
from kb.paths import next_topics, reach_counts, study_path  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls after one warm-up call."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def generated_graph(n: int = 10_000, seed: int = 7) -> nx.DiGraph:
    """A roadmap-shaped DAG: 20 stages of 50 tracks; each topic needs 1–2 earlier topics of its
    track, sometimes one of another track, and every seventh topic is a part of the one before."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    tracks = 50
    for i in range(n):
        graph.add_node(f"t{i}", name=f"topic {i}", order=[i // 500, i])
    for i in range(tracks, n):
        if i % 7 == 0:
            graph.add_edge(f"t{i}", f"t{i - tracks}", kind="part_of", evidence=[])
            continue
        earlier = [i - tracks * k for k in (1, 2, 3) if i - tracks * k >= 0]
        picks = rng.sample(earlier, k=min(len(earlier), rng.randint(1, 2)))
        if rng.random() < 0.1:
            picks.append(rng.randrange(max(0, i - 2000), i - tracks))
        for j in picks:
            if not graph.has_edge(f"t{i}", f"t{j}") and not graph.has_edge(f"t{j}", f"t{i}"):
                graph.add_edge(f"t{j}", f"t{i}", kind="prerequisite",
                               evidence=[{"kind": "stage", "document": "g", "line": 1, "sentence": ""}])
    return graph


def summary(runs: list[float]) -> str:
    ordered = sorted(runs)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(runs):.1f} ms, p95 {p95:.1f} ms (n={len(runs)})"


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    docs = [read_document(p) for p in sorted(corpus.iterdir())]
    ingest_runs = timed(lambda: analyse(docs), repeat=10)
    analysis = analyse(docs)
    graph = generated_graph()
    reach = reach_counts(graph)
    rng = random.Random(1)
    goals = [f"t{rng.randrange(5_000, 10_000)}" for _ in range(30)]
    known = [f"t{rng.randrange(0, 3_000)}" for _ in range(40)]
    path_runs = [timed(partial(study_path, graph, g, known), repeat=1)[0] for g in goals]
    path_len = statistics.median(len(study_path(graph, g, known)) for g in goals[:5])
    next_runs = timed(lambda: next_topics(graph, known, 5, reach), repeat=20)
    lines = [
        "# Knowledge-base benchmarks",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}; "
        f"generated {time.strftime('%Y-%m-%d')} by `bench/bench_kb.py`.",
        "",
        "| What | Result | Target |",
        "| --- | --- | --- |",
        f"| Ingest of the 5 corpus documents (parse + topics + edges + chunks, no embeddings) "
        f"| {summary(ingest_runs)}; {len(analysis.topics)} topics, {len(analysis.edges)} edges, "
        f"{len(analysis.chunks)} chunks | well under 1 s |",
        f"| `study_path` on a generated {graph.number_of_nodes():,}-topic graph "
        f"({graph.number_of_edges():,} edges, median path {path_len:.0f} steps) | {summary(path_runs)} | < 50 ms |",
        f"| `next_topics` on the same graph (40 known topics) | {summary(next_runs)} | < 50 ms |",
        "",
        "`next_topics` uses reach counts computed once per loaded roadmap "
        f"({timed(lambda: reach_counts(graph), repeat=1)[0]:.0f} ms for this graph, cached by `Roadmap`).",
    ]
    out = ROOT / "docs" / "benchmarks-kb.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
