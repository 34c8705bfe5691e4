"""Summary boxes and tracks stated in prose, shown on a newsletter of our own (tests/fixtures/formats) and the
公众号 article of tests/fixtures/fresh5:

- a list inside a blockquote ("> 「划重点」" / "> **Key points**" then "> - **X**: …") lists the section's subjects,
  in the order the text says its boxes are in;
- when a section says its content is two independent lines and gives each line's order in a sentence ("The product
  track: first learn prompt design, then …. The ops track: first learn model quantization, then …"), items of
  different lines stay unordered, whatever the box's order;
- exercise questions (思考题, Homework questions) are no topics."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/quoted-summary-en.md": {"chain": ("Tensors", "Autograd", "Training loop"), "part": ("Autograd", "Training mechanics"),
                                     "line": ("Prompt design", "Retrieval pipelines"),
                                     "apart": ("Retrieval pipelines", "Model quantization"),
                                     "not_topics": ("Homework questions", "Key points")},
    "fresh5/wechat-article-zh/公众号文章.md": {"chain": ("神经网络", "梯度下降", "反向传播"), "part": ("反向传播", "入门深度学习"),
                                          "line": ("提示词工程", "检索增强生成"), "apart": ("检索增强生成", "模型量化"),
                                          "not_topics": ("思考题", "「划重点」")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_a_quoted_list_is_the_sections_ordered_subjects(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    chain = [topic_id(a, n) for n in gold["chain"]]
    assert all(before(graph, x, y) for x, y in zip(chain, chain[1:]))
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_items_of_two_independent_lines_stay_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["line"])
    assert before(graph, x, y)
    x, y = (topic_id(a, n) for n in gold["apart"])
    assert not before(graph, x, y) and not before(graph, y, x)


def test_exercise_questions_are_no_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
