"""Curated ("awesome") lists, shown on a Chinese list of our own (tests/fixtures/formats) and the English list of
tests/fixtures/fresh5:

- an entry written as a link then a dash or colon and what it is (`- [Linear Algebra](url) - Vectors …`) names a
  subject, part of its section (a bare link, an article, stays a reading entry);
- a sentence that says the entries *in every section* are in reading order ("Inside each section the entries are
  listed in the order we suggest", "每个部分里的条目按推荐的阅读顺序排列") orders each section's list, wherever it stands;
- "Math and Programming are independent" unorders the two sibling headings it names, said anywhere;
- related lists and the contents are chrome: their links are no topics."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/awesome-links-zh.md": {"chain": ("神经网络", "反向传播", "注意力机制"), "part": ("矩阵乘法", "数学"),
                                    "independent": ("数学", "编程"), "not_topics": ("Awesome Deep Learning", "目录", "相关清单")},
    "fresh5/awesome-list-en/README.md": {"chain": ("Neural Networks", "Gradient Descent", "Backpropagation"),
                                         "part": ("Calculus", "Math"), "independent": ("Math", "Programming"),
                                         "not_topics": ("Awesome Machine Learning", "Contents", "Related lists")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_link_entries_are_subjects_in_reading_order(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    chain = [topic_id(a, n) for n in gold["chain"]]
    assert all(before(graph, x, y) for x, y in zip(chain, chain[1:]))
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_sections_said_to_be_independent_stay_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["independent"])
    assert not before(graph, x, y) and not before(graph, y, x)


def test_related_lists_and_contents_are_no_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
