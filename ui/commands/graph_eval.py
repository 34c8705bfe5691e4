"""``roadmap eval --graph``: score graph extraction on the gold fixtures and the corpus (``evals.graph``).

Writes the tables into ``docs/graph-eval.md`` (or ``--output``), keeping the hand-written parts of that
file, and exits 1 when an acceptance target of a fixture is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

from kb.errors import RoadmapError
from kb.settings import Settings

PREAMBLE = "# Graph extraction: evaluation\n"


def graph_eval_command(args: argparse.Namespace, settings: Settings) -> int:
    """Score every fixture (and the corpus when its folder exists), print and write the report."""
    from evals.graph import FIXTURES, FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6, REPORT, run
    from evals.graph_report import to_markdown, write_report

    roots = args.fixtures or [FIXTURES, FRESH, FRESH2, FRESH3, FRESH4, FRESH5, FRESH6]
    for fixtures in roots:
        if not fixtures.is_dir():
            raise RoadmapError(f"No fixture folder at {fixtures}: pass --fixtures DIR (folders with a gold.json).")
    corpus = args.corpus or Path(os.environ.get("ROADMAP_CORPUS", FIXTURES.parents[3] / "shared" / "corpus"))
    scores = run(roots, corpus if corpus.is_dir() else None)
    note = (f"Measured by `roadmap eval --graph` on {time.strftime('%Y-%m-%d %H:%M')} "
            f"(load average {os.getloadavg()[0]:.1f}); corpus: {'included' if corpus.is_dir() else 'not found'}.")
    markdown = to_markdown(scores, note)
    if args.json:
        print(json.dumps([asdict(s) | {"precision": s.precision, "recall": s.recall, "passed": s.passed()}
                          for s in scores], ensure_ascii=False, indent=1))
    else:
        print(markdown)
    write_report(args.output or REPORT, markdown, PREAMBLE)
    return 0 if all(s.passed() for s in scores) else 1
