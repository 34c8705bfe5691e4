"""Answer quality with a real model: expected facts, a relevant citation, "not covered" when out of scope.

For every question of a set (``evals/data/corpus.json``) the assistant answers as in
the app (``Assistant.stream``) and the answer is scored:

- **facts**: the text mentions every key term of the question's ``answer`` list (each a
  phrase or alternatives, Chinese or English; the retrieval ``facts`` when it has none);
- **cited**: the text cites (``[n]``) at least one passage that holds one of the
  question's retrieval facts, i.e. a passage that answers it;
- **declined** (out-of-scope set, ``evals/data/out_of_scope.json``): the answer says the
  documents do not cover the question and cites nothing.

Each answer is timed: sources shown, first token, tokens per second, end to end.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.answering.events import Answer, Context, Done, Event, Token
from rag.answering.citations import cited_numbers, says_not_covered
from evals.retrieval import Question, holds

#: Acceptance targets of the answer evaluation.
TARGETS = {"facts": 0.80, "cited": 0.95, "declined": 0.90}


@dataclass(frozen=True)
class Timing:
    """How long one streamed answer took, in seconds from the question."""

    sources: float  #: until the sources (``Context``) were ready
    first_token: float | None  #: until the first piece of text (None: no text)
    total: float  #: until the answer was complete
    tokens: int  #: text pieces streamed (llama.cpp streams one token per piece)

    @property
    def tokens_per_second(self) -> float | None:
        """Generation speed after the first token (None when there is too little to measure)."""
        if self.first_token is None or self.tokens < 2 or self.total <= self.first_token:
            return None
        return (self.tokens - 1) / (self.total - self.first_token)


def timed(events: Iterable[Event]) -> tuple[Answer, Timing]:
    """Consume an answer stream, timing its events.

    >>> from rag.answering.events import Answer
    >>> done = Done(Answer("hi", (), (), (), ()))
    >>> answer, timing = timed([Context((), (), (), ()), Token("h"), Token("i"), done])
    >>> answer.text, timing.tokens, timing.first_token is not None
    ('hi', 2, True)
    """
    started = time.perf_counter()
    sources = first = None
    tokens = 0
    answer = None
    for event in events:
        now = time.perf_counter() - started
        if isinstance(event, Context):
            sources = now
        elif isinstance(event, Token):
            first = now if first is None else first
            tokens += 1
        elif isinstance(event, Done):
            answer = event.answer
    total = time.perf_counter() - started
    if answer is None:
        raise RuntimeError("the answer stream ended without a Done event")
    return answer, Timing(sources if sources is not None else total, first, total, tokens)


@dataclass(frozen=True)
class Scored:
    """One answered question and its scores."""

    id: str
    question: str
    text: str  #: the answer text
    timing: Timing
    facts: bool = False  #: mentions every key term
    cited: bool = False  #: cites a passage that answers the question
    declined: bool = False  #: says the documents do not cover it, citing nothing


def cites_relevant(answer: Answer, question: Question) -> bool:
    """Whether the text cites (``[n]``) a passage holding one of the question's facts."""
    numbers = set(cited_numbers(answer.text))
    return any(c.n in numbers and any(holds(c.snippet, [fact]) for fact in question.facts) for c in answer.sources)


def declined(answer: Answer) -> bool:
    """Whether the answer says the documents do not cover the question and cites nothing."""
    return says_not_covered(answer.text) and not cited_numbers(answer.text)


def score(question: Question, answer: Answer, timing: Timing) -> Scored:
    """Score one answer (a question without facts is out of scope: only ``declined`` counts)."""
    if not question.facts:
        return Scored(question.id, question.question, answer.text, timing, declined=declined(answer))
    key_terms = question.answer or question.facts
    return Scored(question.id, question.question, answer.text, timing,
                  facts=holds(answer.text, key_terms), cited=cites_relevant(answer, question),
                  declined=declined(answer))


@dataclass
class AnswerReport:
    """Scores of one model on the in-scope and out-of-scope questions."""

    llm: str  #: the model, e.g. "llama: qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    in_scope: list[Scored] = field(default_factory=list)
    out_of_scope: list[Scored] = field(default_factory=list)
    peak_rss_mb: float = 0.0  #: the process's peak resident memory

    def pool(self, attribute: str) -> list[Scored]:
        """The questions ``attribute`` is scored over: ``declined`` the out-of-scope ones, the rest in scope."""
        return self.out_of_scope if attribute == "declined" else self.in_scope

    def share(self, attribute: str) -> float:
        """Share of the ``pool`` with ``attribute`` set."""
        rows = self.pool(attribute)
        return sum(getattr(r, attribute) for r in rows) / len(rows) if rows else 0.0

    def passed(self) -> bool:
        """Whether every target in ``TARGETS`` is met."""
        return all(self.share(name) >= target for name, target in TARGETS.items())


def evaluate(ask: Callable[[str], Iterable[Event]], questions: Sequence[Question], out_of_scope: Sequence[Question],
             llm: str, progress: Callable[[Scored], Any] = lambda s: None) -> AnswerReport:
    """Answer every question with ``ask`` (question → event stream) and score the answers."""
    report = AnswerReport(llm)
    for rows, batch in ((report.in_scope, questions), (report.out_of_scope, out_of_scope)):
        for question in batch:
            answer, timing = timed(ask(question.question))
            rows.append(score(question, answer, timing))
            progress(rows[-1])
    report.peak_rss_mb = peak_rss_mb()
    return report


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values: Iterable[float | None]) -> float | None:
    """The median of the known values (None when there are none).

    >>> median([3.0, None, 1.0, 2.0]), median([None])
    (2.0, None)
    """
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def to_markdown(report: AnswerReport, note: str = "") -> str:
    """The report as Markdown: summary against the targets, timings, then every answer."""
    rows = report.in_scope + report.out_of_scope
    lines = ["# Answer evaluation", "", note, "", f"Model: `{report.llm}`.", "",
             "| measure | result | target |", "|---|---|---|"]
    names = {"facts": "answer mentions the expected facts", "cited": "cites a relevant source",
             "declined": "out-of-scope questions answered \"not covered\""}
    for name, target in TARGETS.items():
        pool = report.pool(name)
        hits = sum(getattr(r, name) for r in pool)
        mark = "met" if report.share(name) >= target else "**not met**"
        lines.append(f"| {names[name]} | {hits}/{len(pool)} = {percent(report.share(name))} | ≥ {target:.0%} ({mark}) |")
    lines += ["", "| timing (answered in scope) | p50 |", "|---|---|",
              f"| sources shown | {seconds(median(r.timing.sources for r in report.in_scope))} |",
              f"| first token | {seconds(median(r.timing.first_token for r in report.in_scope))} |",
              f"| end to end | {seconds(median(r.timing.total for r in report.in_scope))} |",
              f"| tokens/s | {number(median(r.timing.tokens_per_second for r in report.in_scope))} |",
              f"| peak memory of the process | {report.peak_rss_mb:,.0f} MB |", "",
              "## Every answer", "",
              "| id | facts | cited | declined | first token | answer |", "|---|---|---|---|---|---|"]
    for r in rows:
        text = " ".join(r.text.split()).replace("|", "\\|")
        text = text if len(text) <= 160 else text[:159] + "…"
        lines.append(f"| {r.id} | {_yes(r.facts)} | {_yes(r.cited)} | {_yes(r.declined)} | "
                     f"{seconds(r.timing.first_token)} | {text} |")
    return "\n".join(lines) + "\n"


def percent(share: float) -> str:
    """``share`` as a percentage with one decimal, so 55/58 does not print as a met 95%.

    >>> percent(55 / 58), percent(1.0)
    ('94.8%', '100.0%')
    """
    return f"{share:.1%}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "–"


def seconds(value: float | None) -> str:
    """``value`` seconds for a report, "–" when unknown.

    >>> seconds(1.234), seconds(None)
    ('1.23 s', '–')
    """
    return "–" if value is None else f"{value:.2f} s"


def number(value: float | None) -> str:
    """``value`` with one decimal for a report, "–" when unknown."""
    return "–" if value is None else f"{value:.1f}"
