"""Runs of the answer evaluation: every model in its own process, over the same knowledge bases.

The parent builds one knowledge base per documents folder of the question sets, then
starts one child process per model (so each peak memory is that model's own, and no
two models share the cores), which answers every set and writes its scores as JSON.

Models: ``bundled`` (Qwen2.5-Coder-1.5B through llama.cpp), ``0.5b`` (the smaller GGUF,
when installed), ``none`` (extractive, no model) and ``naive`` (the naive LangChain RAG
chain of ``evals.baseline`` on the bundled model, graded by the same grounding check).

Run a child by hand: ``python -m evals.answer_runs JOB.json MODEL OUT.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from evals.answers import AnswerReport, Scored, Timing, evaluate, peak_rss_mb
from evals.retrieval import EVAL_DATA, QuestionSet, load_question_set
from kb.errors import RoadmapError
from kb.store import write_text

MODELS = ("bundled", "0.5b", "none", "naive")
SMALL_GGUF = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
#: The question sets of each kind of run. "tuning": developed on — the first sets, the first untuned set (seen
#: 2026-12-01, now under seen/), and the untuned sets written 2026-12-02 (untuned/), 2026-12-03 (untuned2/),
#: 2026-12-04 (untuned3/, untuned4/), 2026-12-05 (untuned5/), each measured once and seen the day it was measured.
#: "untuned": the last set measured once — untuned6/, written 2026-12-06 before any run on it and measured that day
#: (docs/answer-eval.md); tuning data from then on, so the next measurement needs a new set.
#: The out-of-scope questions of the earlier untuned sets stay in their folders; tuning uses the first set's.
_TUNING_FOLDERS = ("untuned", "untuned2", "untuned3", "untuned4", "untuned5")
UNTUNED = "untuned6"
SETS = {
    "tuning": ([EVAL_DATA / "corpus.json", EVAL_DATA / "tuning" / "graph_lists.json", EVAL_DATA / "seen" / "corpus.json",
                *sorted((EVAL_DATA / "seen" / "fixtures").glob("*.json")),
                *(path for folder in _TUNING_FOLDERS for path in (EVAL_DATA / folder / "corpus.json",
                                                                  *sorted((EVAL_DATA / folder / "fixtures").glob("*.json"))))],
               EVAL_DATA / "out_of_scope.json"),
    "untuned": ([EVAL_DATA / UNTUNED / "corpus.json", *sorted((EVAL_DATA / UNTUNED / "fixtures").glob("*.json"))],
                EVAL_DATA / UNTUNED / "out_of_scope.json"),
}


@dataclass(frozen=True)
class Job:
    """What every child answers: (question set file, its documents, its knowledge base) and the out-of-scope set."""

    sets: tuple[tuple[str, str, str], ...]  #: (set path, docs folder, kb folder)
    out_of_scope: str  #: out-of-scope set path (answered over the first set's knowledge base); "" for none
    limit: int | None  #: only the first N questions of each set
    embedder: str  #: embedder name (``load_embedder``)
    models_dir: str  #: where the GGUF files are


def question_sets(paths: Sequence[Path], docs: Path | None = None) -> list[QuestionSet]:
    """The sets at ``paths`` that exist; ``docs`` replaces the folder of sets over the shared corpus."""
    found = []
    for path in paths:
        if not path.is_file():
            print(f"skipped {path}: no such question set", file=sys.stderr)
            continue
        qs = load_question_set(path)
        if docs is not None and qs.docs.name == "corpus":
            qs = replace(qs, docs=docs)
        if not qs.docs.is_dir():
            raise RoadmapError(f"The documents of {path.name} are not at {qs.docs}: pass --docs with the corpus folder.")
        found.append(qs)
    return found


def run_models(models: Sequence[str], paths: Sequence[Path], out_of_scope: Path | None, *, docs: Path | None,
               limit: int | None, embedder: str, models_dir: Path, parallel: bool = False,
               work_dir: Path | None = None) -> list[AnswerReport]:
    """Build the knowledge bases, then answer everything with each model in its own process.

    ``parallel`` runs the processes at the same time: scores are the same (decoding is
    greedy), timings are not comparable with a run alone. ``work_dir`` keeps the knowledge
    bases and every child's JSON (written after each answer) when given.
    """
    from ingest import build
    from rag.retrieval.embedders import load_embedder

    sets = question_sets(paths, docs)
    if not sets:
        raise RoadmapError("No question set to answer: none of the given files exists.")
    with tempfile.TemporaryDirectory(prefix="roadmap-answers-") as scratch:
        tmp = str(work_dir or scratch)
        Path(tmp).mkdir(parents=True, exist_ok=True)
        kbs: dict[Path, Path] = {}
        encoder = load_embedder(embedder)
        for qs in sets:
            if qs.docs not in kbs:
                kbs[qs.docs] = Path(tmp) / f"kb{len(kbs)}"
                print(f"building a knowledge base of {qs.docs} ...", file=sys.stderr)
                build([qs.docs], kbs[qs.docs], embedder=encoder)
        job = Job(tuple((str(p), str(qs.docs), str(kbs[qs.docs])) for p, qs in zip(_existing(paths), sets)),
                  str(out_of_scope or ""), limit, embedder, str(models_dir))
        shared_job = Path(tmp) / "job.json"
        shared_job.write_text(json.dumps(asdict(job)), encoding="utf-8")
        runs = []
        for spec in models:
            model, _, cap = spec.partition(":")  # "naive:15": only the first 15 questions of each set
            if cap:
                capped = replace(job, limit=min(int(cap), job.limit or int(cap)))
                job_file = Path(tmp) / f"job-{model}.json"
                job_file.write_text(json.dumps(asdict(capped)), encoding="utf-8")
            if model == "0.5b" and not (models_dir / SMALL_GGUF).is_file():
                print(f"skipped 0.5b: {SMALL_GGUF} is not installed (roadmap models install "
                      "qwen2.5-coder-0.5b-instruct-q4_k_m)", file=sys.stderr)
                continue
            out = Path(tmp) / f"{model}.json"
            child = subprocess.Popen([sys.executable, "-m", "evals.answer_runs", str(job_file if cap else shared_job),
                                      model, str(out)],
                                     env=os.environ | {"OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")})
            if not parallel and child.wait():
                raise RoadmapError(f"The {model} run failed (exit {child.returncode}); its output is above.")
            runs.append((model, child, out))
        for model, child, _ in runs:
            if child.wait():
                raise RoadmapError(f"The {model} run failed (exit {child.returncode}); its output is above.")
        return [report_from(json.loads(out.read_text(encoding="utf-8"))) for _, _, out in runs]


def answer_with(job: Job, model: str, progress: Callable[[AnswerReport, Scored], Any] = lambda r, s: None) -> AnswerReport:
    """Child process: every set answered by ``model``, scored; the out-of-scope set over the first knowledge base.

    ``progress`` sees the report so far after every answer (a run cut short keeps what it answered).
    """
    from rag.retrieval.embedders import load_embedder

    embedder = load_embedder(job.embedder)
    report: AnswerReport | None = None
    for number, (path, docs, kb) in enumerate(job.sets):
        qs = load_question_set(Path(path))
        ask, label = asker(model, Path(kb), Path(docs), embedder, Path(job.models_dir))
        report = report or AnswerReport(label)
        first = number == 0 and job.out_of_scope
        outside = load_question_set(Path(job.out_of_scope)).questions[: job.limit] if first else ()
        done = report

        def each(row: Scored) -> None:
            (done.out_of_scope if not row.kind else done.in_scope).append(row)
            done.peak_rss_mb = peak_rss_mb()
            progress(done, row)

        evaluate(ask, interleaved(qs.questions[: job.limit]), outside, label, each)
    assert report is not None
    return report


def interleaved(questions: Sequence[Any]) -> list[Any]:
    """Questions taken kind by kind in turn (fact, list, graph, fact, …), so a run cut short samples every kind."""
    by_kind: dict[str, list[Any]] = {}
    for q in questions:
        by_kind.setdefault(q.kind, []).append(q)
    queues = list(by_kind.values())
    return [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]


def asker(model: str, kb: Path, docs: Path, embedder: Any, models_dir: Path) -> tuple[Callable[[str], Any], str]:
    """The ``stream(question)`` of ``model`` and its label."""
    from kb.settings import default_threads
    from rag.answering.assistant import Assistant
    from rag.backends.chat import chat_model

    threads = default_threads()
    if model == "naive":
        from evals.baseline import NaiveRAG

        llm = chat_model("llama", model="", base_url="", models_dir=models_dir, threads=threads)
        return graded(NaiveRAG([docs], embedder, llm).stream, embedder), "naive LangChain RAG chain, bundled 1.5B"
    gguf = str(models_dir / SMALL_GGUF) if model == "0.5b" else ""
    llm_kind = "none" if model == "none" else "llama"
    assistant = Assistant.load(kb, llm=llm_kind, embedder=embedder, model=gguf, models_dir=models_dir, threads=threads)
    label = "none (extractive, no LLM)" if model == "none" else f"Roadmap QA, {Path(gguf).name if gguf else 'bundled 1.5B'}"
    return assistant.stream, label


def graded(stream: Callable[[str], Any], encoder: Any) -> Callable[[str], Any]:
    """``stream`` with each finished answer graded by the grounding check against its own passages."""
    from rag.answering.events import Done
    from rag.answering.grounding import ground
    from rag.answering.prompting import question_language

    def run(question: str) -> Any:
        for event in stream(question):
            if isinstance(event, Done):
                answer = event.answer
                checked = ground(answer.text, [c.snippet for c in answer.sources], question_language(question), encoder)
                event = Done(replace(answer, unsupported=checked.unsupported, judged=checked.sentences))
            yield event
    return run


def report_from(data: dict[str, Any]) -> AnswerReport:
    """An ``AnswerReport`` read back from its JSON form."""
    def row(r: dict[str, Any]) -> Scored:
        return Scored(**{**r, "timing": Timing(**r["timing"]), "unsupported": tuple(r["unsupported"])})
    return AnswerReport(data["llm"], [row(r) for r in data["in_scope"]], [row(r) for r in data["out_of_scope"]],
                        data["peak_rss_mb"])


def _existing(paths: Sequence[Path]) -> list[Path]:
    return [p for p in paths if p.is_file()]


def main(argv: Sequence[str]) -> None:
    job_file, model, out = argv
    job = Job(**{**json.loads(Path(job_file).read_text(encoding="utf-8"))})
    job = replace(job, sets=tuple(tuple(s) for s in job.sets))  # type: ignore[misc]

    def progress(report: AnswerReport, row: Scored) -> None:
        print(f"  {model} {row.id} {row.timing.total:5.1f}s facts={row.facts} lists={row.lists} graph={row.graph} "
              f"unsupported={len(row.unsupported)}/{row.judged} declined={row.declined}", file=sys.stderr)
        write_text(Path(out), json.dumps(asdict(report), ensure_ascii=False))  # atomic: a cut run keeps its rows

    report = answer_with(job, model, progress)
    write_text(Path(out), json.dumps(asdict(report), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
