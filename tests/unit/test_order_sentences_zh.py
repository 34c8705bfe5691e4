"""Order stated in Chinese sentences after a list, shown on a plan of our own (tests/fixtures/formats) and the 知乎专栏
article of tests/fixtures/fresh4:

- "这一部分就按上面列出的顺序学" under a facet's list orders that list (a facet's list is otherwise a checklist);
- bare 先 / 再 at a clause start ("先分词器，再词向量"), "A、B依次往下" and "X放在最后" are ordinal steps;
- "X要放在Y之前" and "X要等Y做熟以后再碰" state an order;
- a generic label kept apart per part (评估) is, in a part's sentence, that part's own topic."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of

CASES = {
    "formats/order-sentences-zh.md": {"listed": ("Python 语法", "Git", "Linux 命令"),
                                      "chain": ("分词器", "词向量", "注意力", "前馈层"), "last": ("评估", "模型原理"),
                                      "placed": ("缓存", "服务化"), "waits": None, "local": ("检索", "应用开发", "模型原理")},
    "fresh4/zhihu-column-zh/专栏文章.md": {"listed": ("机器学习基础", "梯度下降", "神经网络"),
                                       "chain": ("分词", "词嵌入", "自注意力", "多头注意力"), "last": ("预训练", ""),
                                       "placed": ("模型量化", "推理部署"), "waits": ("监督微调", "偏好对齐"),
                                       "local": ("检索增强生成", "大模型应用与部署", "微调与对齐")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def _id(a, name: str, part: str = "") -> str:  # type: ignore[no-untyped-def]
    (tid,) = [t.id for t in a.topics.values() if t.name == name and (not part or any(part in s.heading for s in t.sources))]
    return tid


def test_a_list_said_to_be_in_the_order_above_follows_it(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    ids = [_id(a, n) for n in gold["listed"]]
    assert all(before(graph, x, y) for x, y in zip(ids, ids[1:]))


def test_bare_first_then_one_by_one_and_placed_last_are_ordinal_steps(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    ids = [_id(a, n) for n in gold["chain"]]
    assert all(before(graph, x, y) for x, y in zip(ids, ids[1:]))
    assert before(graph, ids[-1], _id(a, *gold["last"]))


def test_placed_before_and_waits_for_state_an_order(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    for pair in (gold["placed"], gold["waits"]):
        if pair:
            assert before(graph, _id(a, pair[0]), _id(a, pair[1]))


def test_a_generic_label_in_a_parts_sentence_is_that_parts_own(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    first, part, other_part = gold["local"]
    own, other = _id(a, "评估", part), _id(a, "评估", other_part)
    assert before(graph, _id(a, first), own) and not before(graph, _id(a, first), other)
