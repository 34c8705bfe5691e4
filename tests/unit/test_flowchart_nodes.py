"""Flowchart plans with one section per node, shown on an English plan of our own (tests/fixtures/formats) and the
Chinese mermaid plan of tests/fixtures/fresh3: a heading "Node B: X" / "节点 B：X" names X (the letter orders
nothing and is no name; the heading as written stays an alias), so the section is the chart's node X with its items as parts; and where the chart draws
the topics, the position of their sections gives no order: two branches of the chart stay unordered."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/flowchart-nodes-en.md": {"part": ("Eigenvalues", "Linear algebra"), "chain": ("Python", "Neural networks"),
                                      "branches": (("Linear algebra", "Classical machine learning"),
                                                   ("Fine-tuning", "Prompting")),
                                      "not_topics": ("Node B", "B"), "alias": ("Linear algebra", "Node B: Linear algebra")},
    "fresh3/mermaid-plan-zh/学习路线.md": {"part": ("线性代数", "数学基础"), "chain": ("Python基础", "深度学习"),
                                         "branches": (("数学基础", "机器学习"), ("指令微调", "提示词工程")),
                                         "not_topics": ("节点 B", "B"), "alias": ("数学基础", "节点 B：数学基础")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]



def test_a_node_section_is_the_charts_node_with_its_items_as_parts(case: Case) -> None:
    a, gold = case
    names = {t.name for t in a.topics.values()} | {alias for t in a.topics.values() for alias in t.aliases}
    assert not set(gold["not_topics"]) & names
    name, heading = gold["alias"]
    assert heading in a.topics[topic_id(a, name)].aliases  # the heading as written still finds it
    graph = graph_of(a)
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_the_chart_orders_its_nodes_and_leaves_its_branches_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    first, then = gold["chain"]
    assert before(graph, topic_id(a, first), topic_id(a, then))
    for x, y in gold["branches"]:
        assert not before(graph, topic_id(a, x), topic_id(a, y)) and not before(graph, topic_id(a, y), topic_id(a, x))
