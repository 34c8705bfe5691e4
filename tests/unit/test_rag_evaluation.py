"""The retrieval evaluation: metrics on a fake search, and the bundled question sets themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document

from evals.retrieval import (EVAL_DATA, Question, context_of, default_question_sets, holds, load_question_set, normalise,
                            score_system, to_markdown, SetReport)

QUESTIONS = [
    Question("q1", "什么是RAG？", (("先检索",),)),
    Question("q2", "量化有什么用？", (("体积变小",), ("推理更快", "更快推理"))),
]


def doc(text: str, snippet: str | None = None) -> Document:
    return Document(page_content=text, metadata={} if snippet is None else {"snippet": snippet})


def fake_search(question: str, k: int) -> list[Document]:
    if "RAG" in question:
        return [doc("无关的一段话。" * 3), doc("RAG 先检索相关段落，再回答。")]
    return [doc("量化让模型体积变小、推理更快。", snippet="量化让模型体积变小、推理更快。")]


def test_scores_rank_and_coverage() -> None:
    scores = score_system("fake", fake_search, QUESTIONS, k=5, budget=600)
    assert (scores.hit1, scores.hit5) == (0.5, 1.0)
    assert scores.mrr == pytest.approx((1 / 2 + 1) / 2)
    assert scores.covered == 1.0 and scores.missed == []


def test_a_small_budget_leaves_facts_out() -> None:
    scores = score_system("fake", fake_search, QUESTIONS, k=5, budget=14)
    assert scores.covered == 0.5 and scores.missed == ["q1"]


def test_context_prefers_snippets_and_is_cut_at_the_budget() -> None:
    docs = [doc("整段很长的原文" * 10, snippet="片段一"), doc("第二段")]
    assert context_of(docs, 600) == "片段一\n第二段"
    assert context_of(docs, 4) == "片段一\n"


def test_matching_ignores_case_width_and_spaces() -> None:
    assert holds("Cosine\xa0Annealing 与 ＡＤＡＭ", [("cosine annealing",), ("adam", "sgd")])
    assert not holds("only adam", [("cosine annealing",), ("adam",)])
    assert normalise("  A\tB ") == "a b"


def test_markdown_report_has_one_row_per_system() -> None:
    scores = [score_system(name, fake_search, QUESTIONS) for name in ("hybrid + graph", "naive LangChain baseline")]
    text = to_markdown([SetReport("corpus", "/x/corpus", 2, 10, 1.5, scores)], "fake:hashing")
    assert text.count("| hybrid + graph |") == 1 and "covered@600" in text


@pytest.mark.parametrize("path", default_question_sets(), ids=lambda p: p.stem)
def test_bundled_question_sets_name_facts_that_occur_in_their_documents(path: Path) -> None:
    question_set = load_question_set(path)
    if not question_set.docs.is_dir():
        pytest.skip(f"documents of {path.name} not at {question_set.docs}")
    text = normalise("\n".join(p.read_text(encoding="utf-8") for p in sorted(question_set.docs.iterdir())))
    for question in question_set.questions:
        for alternatives in question.facts:
            assert any(normalise(a) in text for a in alternatives), (question.id, alternatives)
    assert len({q.id for q in question_set.questions}) == len(question_set.questions)


def test_corpus_set_has_enough_questions_in_both_languages() -> None:
    questions = load_question_set(EVAL_DATA / "corpus.json").questions
    assert len(questions) >= 40
    assert {q.lang for q in questions} == {"zh", "en"}
