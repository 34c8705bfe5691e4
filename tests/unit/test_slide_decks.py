"""Slide decks exported to Markdown, shown on an English deck of our own (tests/fixtures/formats) and the Chinese deck
of tests/fixtures/fresh5:

- a slide number ("Slide 5: Attention", "第 11 页：注意力机制") is a position label, not the slide's name;
- a speaker note that says the points of every slide are in learning order ("within each slide, go top to bottom",
  "页内要点也从上到下学") orders each slide's list;
- "RAG and Model serving can be learned in parallel" unorders the two slides, naming one by its parenthesised alias;
- the agenda and the closing "Thank you!" / "谢谢！" are no topics."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/slide-deck-en.md": {"slides": ("Tensors", "Attention"), "points": ("Shapes", "Autograd"),
                                 "part": ("Chunking", "Retrieval-augmented generation"),
                                 "parallel": ("Retrieval-augmented generation", "Model serving"),
                                 "not_topics": ("Agenda", "Thank you!")},
    "fresh5/slides-outline-zh/slides.md": {"slides": ("Python 与数学", "神经网络与反向传播"), "points": ("自注意力", "多头注意力"),
                                           "part": ("多头注意力", "注意力机制"), "parallel": ("检索增强生成", "推理部署"),
                                           "not_topics": ("议程", "谢谢！")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_slides_are_named_after_their_number_and_ordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["slides"])
    assert before(graph, x, y)
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_a_note_about_every_slide_orders_each_slides_points(case: Case) -> None:
    a, gold = case
    x, y = (topic_id(a, n) for n in gold["points"])
    assert before(graph_of(a), x, y)


def test_slides_said_to_run_in_parallel_stay_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["parallel"])
    assert not before(graph, x, y) and not before(graph, y, x)


def test_agenda_and_closing_slide_are_no_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
