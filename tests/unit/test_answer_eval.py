"""The answer evaluation (scoring, timing, report) and the naive RAG chain it is compared with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from rag.answering.events import Answer, Context, Done, Event, Token
from evals.answer_report import to_markdown
from evals.answer_runs import SETS, graded, report_from
from evals.answers import AnswerReport, Scored, Timing, evaluate, score, timed
from evals.baseline import NaiveRAG
from rag.answering.citations import Citation
from evals.retrieval import EVAL_DATA, OUT_OF_SCOPE, Question, default_question_sets, load_question_set
from tests.fixtures.rag_fakes import HashingEmbedder

SOFTMAX = Question("q1", "Softmax有什么作用？", (("注意力权重的和为1",),), "zh", (("和为1", "sum to 1"),))
COOKING = Question("o1", "如何做红烧肉？", (), "zh")
PASSAGES = (Citation(1, "a.md", "注意力", "3-5", "Softmax函数确保注意力权重的和为1。"),
            Citation(2, "b.md", "数学", "9-9", "线性代数是基础。"))


def answer(text: str, sources: tuple[Citation, ...] = PASSAGES) -> Answer:
    return Answer(text, sources, (), (), ())


def events(text: str, sources: tuple[Citation, ...] = PASSAGES) -> Iterator[Event]:
    yield Context(sources, (), (), ())
    for word in text.split(" "):
        yield Token(word + " ")
    yield Done(answer(text, sources))


TIMING = Timing(0.01, 0.5, 2.5, 21)


def test_an_answer_with_the_key_term_and_a_relevant_citation_scores_both() -> None:
    scored = score(SOFTMAX, answer("Softmax 让注意力权重和为1 [1]。"), TIMING)
    assert scored.facts and scored.cited and not scored.declined


def test_citing_an_unrelated_passage_or_none_is_not_a_relevant_citation() -> None:
    assert not score(SOFTMAX, answer("权重和为1 [2]。"), TIMING).cited
    assert not score(SOFTMAX, answer("权重和为1。"), TIMING).cited  # sources list the top passage, text cites none


def test_key_terms_are_matched_in_either_language_and_missing_ones_fail() -> None:
    assert score(SOFTMAX, answer("The weights sum to 1 [1]."), TIMING).facts
    assert not score(SOFTMAX, answer("Softmax 很重要 [1]。"), TIMING).facts


def test_out_of_scope_questions_count_only_a_plain_refusal() -> None:
    assert score(COOKING, answer("资料中没有涉及这个问题。", ()), TIMING).declined
    assert not score(COOKING, answer("先把肉切块，再炖一小时 [1]。"), TIMING).declined
    assert not score(COOKING, answer("The documents do not cover this, but see [1]."), TIMING).declined


def test_timed_measures_sources_first_token_and_speed() -> None:
    result, timing = timed(events("a b c d"))
    assert result.text == "a b c d"
    assert timing.tokens == 4 and timing.sources <= (timing.first_token or 0) <= timing.total
    assert Timing(0.0, 1.0, 3.0, 21).tokens_per_second == 10.0
    assert Timing(0.0, 1.0, 1.0, 1).tokens_per_second is None


def test_timed_refuses_a_stream_without_an_answer() -> None:
    with pytest.raises(RuntimeError, match="without a Done"):
        timed(iter([Context((), (), (), ())]))


def test_evaluate_scores_both_sets_and_the_report_names_every_target() -> None:
    replies = {SOFTMAX.question: "Softmax使权重和为1 [1]。", COOKING.question: "资料中没有涉及这个问题。"}
    report = evaluate(lambda q: events(replies[q], PASSAGES if q == SOFTMAX.question else ()), [SOFTMAX], [COOKING],
                      "fake")
    assert (report.share("facts"), report.share("cited"), report.share("declined")) == (1.0, 1.0, 1.0)
    assert report.peak_rss_mb > 0
    markdown = to_markdown([report], "note")
    assert "| `fake` | 1/1 = 100.0% | 1/1 = 100.0% | – (nothing generated) |" in markdown
    assert "| o1 | out of scope | yes declined |" in markdown


def test_unsupported_sentences_lists_and_graph_answers_are_scored_over_their_own_pools() -> None:
    listing = Question("l1", "有哪些优化器？", (("SGD",),), "zh", (("SGD",), ("Adam",)), "list", (("SGD",), ("Adam",)))
    order = Question("g1", "A和B哪个先学？", (("A",),), "zh", (("先学「A」",),), "graph")
    full = Answer("资料列出SGD和Adam[1]。", PASSAGES, (), (), (), unsupported=("编造的一句。",), judged=4)
    graph = Answer("先学「A」，再学「B」。\n\n补充[1]。", PASSAGES, (), (), (), graph_answer="先学「A」，再学「B」。")
    report = AnswerReport("fake", [score(listing, full, TIMING), score(order, graph, TIMING)], [])
    assert report.share("lists") == 1.0 and report.share("graph") == 1.0 and report.share("graph_right") == 1.0
    assert report.share("unsupported") == 0.25 and not report.met("unsupported")
    assert not score(listing, Answer("只有SGD[1]。", PASSAGES, (), (), ()), TIMING).lists
    assert report_from(__import__("dataclasses").asdict(report)) == report  # the JSON form of a child's run


def test_the_naive_chain_is_graded_by_the_same_grounding_check() -> None:
    run = graded(lambda q: events("Softmax函数确保注意力权重的和为1。它由Hinton在2012年提出。"), None)
    done = [e for e in run("Softmax?") if isinstance(e, Done)][0].answer
    assert done.judged == 2 and done.unsupported == ("它由Hinton在2012年提出。",)


def test_the_untuned_sets_hold_facts_lists_and_graph_questions_and_new_out_of_scope_ones() -> None:
    paths, outside = SETS["untuned"]
    questions = [q for p in paths for q in load_question_set(p).questions]
    kinds = [q.kind for q in questions]
    assert len(questions) >= 55 and {"fact", "list", "graph"} <= set(kinds)
    assert all(q.items for q in questions if q.kind == "list")
    tuning = {q.question for p in SETS["tuning"][0] for q in load_question_set(p).questions}
    assert not tuning & {q.question for q in questions}
    new = load_question_set(outside).questions
    assert len(new) >= 15 and not {q.question for q in new} & {q.question for q in load_question_set(SETS["tuning"][1]).questions}


def test_a_missed_target_fails_the_report() -> None:
    row = Scored("q1", "?", "x", TIMING, facts=False, cited=True)
    assert not AnswerReport("fake", [row], []).passed()


def test_bundled_answer_sets_hold_key_terms_and_out_of_scope_questions() -> None:
    corpus = load_question_set(EVAL_DATA / "corpus.json").questions
    assert all(q.answer for q in corpus)
    outside = load_question_set(OUT_OF_SCOPE).questions
    assert len(outside) >= 20 and all(not q.facts for q in outside) and {q.lang for q in outside} == {"zh", "en"}
    assert OUT_OF_SCOPE not in default_question_sets()  # it is no retrieval set


def test_naive_chain_streams_events_over_500_character_pieces(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# 量化\n" + "量化能减小模型体积。" * 120, encoding="utf-8")
    llm = GenericFakeChatModel(messages=iter([AIMessage("量化 能 减小 体积")]))
    chain = NaiveRAG([tmp_path], HashingEmbedder(), llm)
    result, timing = timed(chain.stream("量化有什么用？"))
    assert result.text == "量化 能 减小 体积" and timing.tokens > 1
    assert len(result.sources) == 4 and all(len(c.snippet) <= 500 for c in result.sources)
