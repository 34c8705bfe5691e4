"""A sentence that says a section's lists are in learning order ("go top to bottom", "从上到下依次学"), shown on a
Chinese checklist of our own (tests/fixtures/formats) and the English levels map of tests/fixtures/fresh2: the
top-level items of that section and its subsections follow one another; nested items stay parts of the item above;
a list in a section without such a sentence stays unordered."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, part_of, topic_id

CASES = {
    "formats/listed-order-zh.md": {"chain": ("预训练", "监督微调", "偏好对齐"), "part": ("语料清洗", "预训练"),
                                   "unordered": ("Git", "Docker")},
    "fresh2/nested-levels-en/levels.md": {"chain": ("Pretraining", "Post-training"), "part": ("Scaling laws", "Pretraining"),
                                          "unordered": ("Pretraining", "Retrieval-augmented generation")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]




def test_items_said_to_be_in_order_follow_one_another(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    chain = [topic_id(a, n) for n in gold["chain"]]
    assert all(before(graph, x, y) for x, y in zip(chain, chain[1:]))
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_lists_without_such_a_sentence_stay_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["unordered"])
    assert not before(graph, x, y) and not before(graph, y, x)
