"""Retrieval quality: hit@1, hit@5, MRR and facts covered within a small context.

A question set (``evals/data/*.json``) names its documents and, per question,
the facts a correct context must contain: short phrases from the documents, or
lists of alternative phrases. Matching ignores case, width and runs of spaces.

- A retrieved passage is **relevant** when its full text holds every fact.
- **hit@k**: a relevant passage is among the first k; **MRR**: mean of 1 / rank
  of the first relevant passage (0 when none in the top k).
- **covered@C**: every fact appears in the *context*: what each hit would put in a
  prompt (its ``snippet`` if the system gives one, else its whole text), joined
  in rank order with newlines and cut at C characters.

``run_set`` builds a knowledge base from the set's documents with ``ingest.build``
into a temporary folder and scores, in one run, BM25 only, dense only, hybrid,
hybrid + graph (the product), the product without snippets, and the naive
LangChain baseline (``evals.baseline``) with the same embedder.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import unicodedata
from importlib import resources
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from kb.errors import RoadmapError
from kb.settings import builtin_roadmap_dir
from rag.retrieval.embedders import Embedder

EVAL_DATA = Path(str(resources.files("evals").joinpath("data")))
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The ``docs`` of a question set over the roadmap shipped with the package.
BUILTIN = "builtin"
CONTEXT_CHARS = 600
#: Questions the corpus does not answer (used by the answer evaluation).
OUT_OF_SCOPE = EVAL_DATA / "out_of_scope.json"

SearchFn = Callable[[str, int], list[Document]]

#: Searcher settings of each compared variant (the product is "hybrid + graph").
NO_GRAPH: dict[str, Any] = {"link_topics": False, "expand_query": False}
VARIANTS: dict[str, dict[str, Any]] = {
    "BM25 only": {"dense_weight": 0.0, **NO_GRAPH},
    "dense only": {"lexical_weight": 0.0, **NO_GRAPH},
    "hybrid": NO_GRAPH,
    "hybrid + graph": {},
    "hybrid + graph, whole chunks": {"snippet_chars": 0},
}
BASELINE = "naive LangChain baseline"


@dataclass(frozen=True)
class Question:
    """One evaluation question."""

    id: str  #: stable id, e.g. "c07"
    question: str  #: the question as a learner would ask it
    facts: tuple[tuple[str, ...], ...]  #: every fact needed; each is a tuple of alternative phrases
    lang: str = "zh"  #: "zh" or "en"
    answer: tuple[tuple[str, ...], ...] = ()  #: key terms a correct answer mentions (default: ``facts``)
    kind: str = ""  #: "fact", "list" or "graph" (answer sets); "" when not said
    items: tuple[tuple[str, ...], ...] = ()  #: for a list question: every item the answer must name


@dataclass(frozen=True)
class QuestionSet:
    """Questions over one folder of documents."""

    name: str  #: e.g. "corpus"
    docs: Path  #: folder of the documents
    questions: tuple[Question, ...]


@dataclass
class Scores:
    """How one system did on one question set."""

    system: str
    hit1: float = 0.0
    hit5: float = 0.0
    mrr: float = 0.0
    covered: float = 0.0  #: share of questions whose facts fit the context budget
    context_chars: float = 0.0  #: mean characters of the context actually used (<= budget)
    ms: float = 0.0  #: median search time per question, milliseconds
    missed: list[str] = field(default_factory=list)  #: ids of questions whose facts were not covered


@dataclass
class SetReport:
    """Scores of every system on one question set."""

    name: str
    docs: str
    questions: int
    chunks: int
    build_seconds: float
    scores: list[Scores]


def load_question_set(path: Path) -> QuestionSet:
    """Read a question set; its ``docs`` is ``builtin`` (the roadmap shipped with the package) or a folder,
    absolute or relative to the project root."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        questions = tuple(
            Question(q["id"], q["question"], tuple(_alternatives(f) for f in q["facts"]), q.get("lang", "zh"),
                     tuple(_alternatives(f) for f in q.get("answer", ())), q.get("kind", ""),
                     tuple(_alternatives(f) for f in q.get("items", ())))
            for q in data["questions"]
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RoadmapError(f"Question set {path} cannot be read ({exc}).") from None
    return QuestionSet(data.get("name", Path(path).stem), _docs_folder(str(data.get("docs", ""))), questions)


def _docs_folder(docs: str) -> Path:
    if docs == BUILTIN:
        return builtin_roadmap_dir()
    return Path(docs) if Path(docs).is_absolute() else PROJECT_ROOT / docs


def default_question_sets() -> list[Path]:
    """The bundled retrieval question sets (the out-of-scope set has no facts to retrieve)."""
    return sorted(p for p in EVAL_DATA.glob("*.json") if p != OUT_OF_SCOPE)


def normalise(text: str) -> str:
    """Text as facts are matched: NFKC, lower case, single spaces.

    >>> normalise("Cosine\\xa0Annealing  ＡＤＡＭ")
    'cosine annealing adam'
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def holds(text: str, facts: Sequence[Sequence[str]]) -> bool:
    """Whether ``text`` contains every fact (any of its alternatives).

    >>> holds("Softmax使权重和为1", [("softmax",), ("和为1", "sum to 1")])
    True
    """
    folded = normalise(text)
    return all(any(normalise(a) in folded for a in alternatives) for alternatives in facts)


def context_of(documents: Sequence[Document], budget: int = CONTEXT_CHARS) -> str:
    """What the hits put in a prompt: snippets (or whole texts) in rank order, cut at ``budget``."""
    parts = [d.metadata.get("snippet") or d.page_content for d in documents]
    return "\n".join(parts)[:budget]


def score_system(name: str, search: SearchFn, questions: Sequence[Question], k: int = 5,
                 budget: int = CONTEXT_CHARS) -> Scores:
    """Run every question through ``search`` and score the results."""
    scores, timings = Scores(name), []
    ranks, covered, lengths = [], 0, []
    for question in questions:
        started = time.perf_counter()
        documents = search(question.question, k)[:k]
        timings.append(time.perf_counter() - started)
        rank = next((i for i, d in enumerate(documents, 1) if holds(d.page_content, question.facts)), 0)
        ranks.append(rank)
        context = context_of(documents, budget)
        lengths.append(len(context))
        if holds(context, question.facts):
            covered += 1
        else:
            scores.missed.append(question.id)
    n = len(questions) or 1
    scores.hit1 = sum(r == 1 for r in ranks) / n
    scores.hit5 = sum(1 <= r <= 5 for r in ranks) / n
    scores.mrr = sum(1 / r for r in ranks if r) / n
    scores.covered = covered / n
    scores.context_chars = statistics.fmean(lengths) if lengths else 0.0
    scores.ms = statistics.median(timings) * 1000 if timings else 0.0
    return scores


def run_set(question_set: QuestionSet, embedder: Embedder, k: int = 5, budget: int = CONTEXT_CHARS,
            work_dir: Path | None = None) -> SetReport:
    """Build a knowledge base from the set's documents and score every system on it."""
    from ingest import build
    from kb import Roadmap
    from kb.store import resolve
    from evals.baseline import NaiveRetriever
    from rag.retrieval.index import load_index
    from rag.retrieval.search import Searcher

    if not question_set.docs.is_dir():
        raise RoadmapError(f"Documents of question set {question_set.name!r} not found at {question_set.docs}.")
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="roadmap-eval-") as tmp:
        started = time.perf_counter()
        build([question_set.docs], Path(tmp) / "kb", embedder=embedder)
        roadmap = Roadmap.load(Path(tmp) / "kb")
        version_dir = resolve(Path(tmp) / "kb")
        searcher = Searcher(load_index(version_dir, embedder, roadmap.manifest), roadmap=roadmap)
        build_seconds = time.perf_counter() - started
        searcher.search("warm up", k=1)
        results = [
            score_system(name, _searching(searcher.with_config(**changes)), question_set.questions, k, budget)
            for name, changes in VARIANTS.items()
        ]
        baseline = NaiveRetriever([question_set.docs], embedder, k=k)
        results.append(score_system(BASELINE, baseline.search, question_set.questions, k, budget))
        return SetReport(question_set.name, str(question_set.docs), len(question_set.questions),
                         len(searcher.index.chunks), round(build_seconds, 1), results)


def _searching(searcher: Any) -> SearchFn:
    return lambda question, k: searcher.search(question, k=k).documents


def _alternatives(fact: str | list[str]) -> tuple[str, ...]:
    return (fact,) if isinstance(fact, str) else tuple(fact)


def to_markdown(reports: Sequence[SetReport], embedder: str, budget: int = CONTEXT_CHARS) -> str:
    """The evaluation as a Markdown document (what ``docs/retrieval-eval.md`` holds)."""
    lines = [
        "# Retrieval evaluation",
        "",
        f"Written by `roadmap eval` ({time.strftime('%Y-%m-%d')}, embedder `{embedder}`, k = 5). "
        f"Definitions are in `evals/retrieval.py`: a passage is relevant when it holds every expected "
        f"fact; **covered@{budget}** counts questions whose facts all appear in the first {budget} "
        "characters of the context the hits would give the answering model (snippets in rank order). "
        "All systems use the same embedder and the same jieba tokenizer for BM25.",
        "",
        "- *BM25 only*, *dense only*, *hybrid* (RRF of both) and *hybrid + graph* (topics linked from the "
        "question expand the BM25 query and boost the chunks about them) all run on the section-aware chunks "
        "and return per-hit snippets (first hit up to 260 characters, others up to 170).",
        "- *whole chunks*: the product without snippets, to show what snippets buy within the budget.",
        "- *naive LangChain baseline*: `RecursiveCharacterTextSplitter` (500 / 50) over the raw files, "
        "FAISS + BM25 fused by `EnsembleRetriever`, whole pieces as context.",
        "- The search settings were chosen on the corpus set; the built-in roadmap set was written afterwards "
        "and not tuned on, so it is the fairer estimate.",
    ]
    for report in reports:
        lines += ["", f"## {report.name}: {report.questions} questions over `{_short(report.docs)}`", "",
                  f"Knowledge base: {report.chunks} chunks, built (ingest + embeddings) in "
                  f"{report.build_seconds} s.", "",
                  f"| system | hit@1 | hit@5 | MRR | covered@{budget} | mean context chars | median ms |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for s in report.scores:
            lines.append(f"| {s.system} | {s.hit1:.3f} | {s.hit5:.3f} | {s.mrr:.3f} | {s.covered:.3f} | "
                         f"{s.context_chars:.0f} | {s.ms:.1f} |")
        for s in report.scores:
            if s.system == "hybrid + graph" and s.missed:
                lines += ["", f"Not covered by hybrid + graph: {', '.join(s.missed)}."]
    return "\n".join(lines) + "\n"


def _short(path: str) -> str:
    """A documents folder relative to the project root (``data/roadmap``, ``../shared/corpus``)."""
    return os.path.relpath(Path(path).resolve(), PROJECT_ROOT)
