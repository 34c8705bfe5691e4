"""How an answer is put together: passages, prompt size, follow-ups, the coverage gate, the extractive mode,
the citation margins.

``AnswerConfig`` is to answering what ``rag.retrieval.search.SearchConfig`` is to search:
one frozen dataclass of knobs, defaults measured with ``roadmap eval --answers``.

>>> AnswerConfig().k, AnswerConfig(k=3).prompt_budget, AnswerConfig().wrong_margin
(4, 500, 0.2)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerConfig:
    """The knobs of answering a question."""

    k: int = 4
    """Passages retrieved and numbered per question; fewer than a search's 5 keeps the prompt small."""
    prompt_budget: int = 500
    """Prompt tokens aimed for (system + facts + passages + question + history); first-token time grows with it."""
    follow_up_turns: int = 3
    """Earlier user turns searched for the topic of a follow-up question that names none."""
    min_overlap: float = 0.5
    """Without a linked topic, more than this share of a Chinese question's words must occur in the passages."""
    extractive_passages: int = 2
    """Passages quoted by the extractive answer (``llm="none"``)."""
    quote_chars: int = 160
    """Longest quote from one passage in an extractive answer."""
    mark_unsupported: bool = False
    """Keep generated sentences without support, marked "（资料中未找到依据）", instead of removing them."""
    model_after_graph: bool = False
    """After the graph answered a question about the learning order, also ask the model what the passages
    say about its topics (off: the graph's answer and the key quote say it, verbatim)."""
    attribution_share: float = 0.5
    """A sentence gets a passage's marker when at least this share of it (character pairs, or terms) is in the passage."""
    wrong_margin: float = 0.2
    """A sentence's markers are replaced when their passages hold this much less of it than the best passage."""
    max_sentences: int = 8
    """The model is stopped once it has written this many sentences or lines (0: never): the prompt asks for
    three, and a model that runs on past that writes what the passages do not say (52 invented sentences in one
    answer of the 2026-12-04 untuned run); a list the top passage holds is completed after it anyway."""
