"""Answer quality with a real model: expected facts, grounded sentences, complete lists, graph
questions answered from the graph, "not covered" when out of scope.

For every question of a set (``evals/data/…``) the assistant answers as in the app
(``Assistant.stream``) and the answer is scored:

- **facts**: what the learner sees (the text and the key quote under it) mentions every key
  term of the question's ``answer`` list (each a phrase or alternatives; the retrieval
  ``facts`` when it has none); **facts in the text** leaves the quote out;
- **unsupported**: the share of the generated sentences the grounding check found no support
  for (``Answer.unsupported`` over ``Answer.judged``, summed over the answers);
- **lists** (``kind: list``): the text names every item of the key's ``items``;
- **from the graph** (``kind: graph``): the text opens with the graph's own answer;
  **graph right**: that answer holds the key terms;
- **cited**: the text cites (``[n]``) a passage holding one of the retrieval facts;
- **declined** (out-of-scope set): the answer says the documents do not cover the question
  and cites nothing.

Each answer is timed: sources shown, first token, tokens per second, end to end.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rag.answering.events import Answer, Context, Done, Event, Token
from rag.answering.citations import cited_numbers, says_not_covered
from evals.retrieval import Question, holds

#: Acceptance targets of the answer evaluation (shares; ``unsupported`` is a ceiling).
TARGETS = {"facts": 0.90, "unsupported": 0.05, "lists": 0.90, "graph": 1.0, "declined": 0.95}
#: The pool each score is counted over.
POOLS = {"facts": "in_scope", "facts_text": "in_scope", "cited": "in_scope", "lists": "list",
         "graph": "graph", "graph_right": "graph", "declined": "out_of_scope"}


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
    kind: str = ""  #: "fact", "list", "graph", or "" (out of scope / not said)
    facts: bool = False  #: the text or its key quote mentions every key term
    facts_text: bool = False  #: the text alone mentions every key term
    cited: bool = False  #: cites a passage that answers the question
    declined: bool = False  #: says the documents do not cover it, citing nothing
    lists: bool = False  #: names every listed item (list questions)
    graph: bool = False  #: opens with the graph's own answer (graph questions)
    graph_right: bool = False  #: the graph's answer holds the key terms (graph questions)
    unsupported: tuple[str, ...] = ()  #: generated sentences without support
    judged: int = 0  #: generated sentences checked
    quote: str = ""  #: the key quote shown under the text


def cites_relevant(answer: Answer, question: Question) -> bool:
    """Whether the text cites (``[n]``) a passage holding one of the question's facts."""
    numbers = set(cited_numbers(answer.text))
    return any(c.n in numbers and any(holds(c.snippet, [fact]) for fact in question.facts) for c in answer.sources)


def declined(answer: Answer) -> bool:
    """Whether the answer says the documents do not cover the question and cites nothing."""
    return says_not_covered(answer.text) and not cited_numbers(answer.text)


def score(question: Question, answer: Answer, timing: Timing) -> Scored:
    """Score one answer (a question without facts is out of scope: only ``declined`` counts)."""
    quote = answer.quote.text if answer.quote is not None else ""
    kind = question.kind or ("fact" if question.facts else "")  # sets written before kinds: facts
    base = Scored(question.id, question.question, answer.text, timing, kind, declined=declined(answer),
                  unsupported=answer.unsupported, judged=answer.judged, quote=quote)
    if not question.facts:
        return base
    key_terms = question.answer or question.facts
    opens = bool(answer.graph_answer) and answer.text.startswith(answer.graph_answer)
    return replace(base, facts=holds(answer.text + "\n" + quote, key_terms), facts_text=holds(answer.text, key_terms),
                   cited=cites_relevant(answer, question), lists=bool(question.items) and holds(answer.text, question.items),
                   graph=opens, graph_right=opens and holds(answer.graph_answer, key_terms))


@dataclass
class AnswerReport:
    """Scores of one model on the in-scope and out-of-scope questions."""

    llm: str  #: the model, e.g. "llama: qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    in_scope: list[Scored] = field(default_factory=list)
    out_of_scope: list[Scored] = field(default_factory=list)
    peak_rss_mb: float = 0.0  #: the process's peak resident memory

    def pool(self, attribute: str) -> list[Scored]:
        """The questions ``attribute`` is scored over (``POOLS``): all in scope, a kind, or out of scope."""
        where = POOLS.get(attribute, "in_scope")
        if where == "out_of_scope":
            return self.out_of_scope
        return self.in_scope if where == "in_scope" else [r for r in self.in_scope if r.kind == where]

    def share(self, attribute: str) -> float:
        """Share of the ``pool`` with ``attribute`` set; for ``unsupported``, of the judged sentences."""
        if attribute == "unsupported":
            judged = sum(r.judged for r in self.in_scope)
            return sum(len(r.unsupported) for r in self.in_scope) / judged if judged else 0.0
        rows = self.pool(attribute)
        return sum(getattr(r, attribute) for r in rows) / len(rows) if rows else 0.0

    def met(self, name: str) -> bool:
        """Whether the target ``name`` is met (at most the ceiling for ``unsupported``)."""
        value = self.share(name)
        return value <= TARGETS[name] if name == "unsupported" else value >= TARGETS[name]

    def passed(self) -> bool:
        """Whether every target in ``TARGETS`` is met."""
        return all(self.met(name) for name in TARGETS)


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


def percent(share: float) -> str:
    """``share`` as a percentage with one decimal, so 55/58 does not print as a met 95%.

    >>> percent(55 / 58), percent(1.0)
    ('94.8%', '100.0%')
    """
    return f"{share:.1%}"


def seconds(value: float | None) -> str:
    """``value`` seconds for a report, "–" when unknown.

    >>> seconds(1.234), seconds(None)
    ('1.23 s', '–')
    """
    return "–" if value is None else f"{value:.2f} s"


def number(value: float | None) -> str:
    """``value`` with one decimal for a report, "–" when unknown."""
    return "–" if value is None else f"{value:.1f}"
