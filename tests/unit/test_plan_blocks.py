"""Plans whose steps are labelled list items or numbered sessions, shown on two documents of our own
(tests/fixtures/formats) and the two English documents of tests/fixtures/fresh4:

- a list item that opens with a sequence label ("▸ Week 1–2: Python and Math", "▸ 第1–2周：编程与数学") is a stage of
  the plan named by what follows the label, and "Lecture N: …" / "Session N: …" headings are numbered stages too;
- a sentence saying the lists *below* are in learning order ("The blocks below go in order … top to bottom",
  "下面的每个阶段 … 从上到下依次学") orders the items of every later list;
- a notes facet (Notes, 备注) holds remarks, not subjects, and its "can run in parallel" remark unorders its block;
- "Builds on Lectures 7 and 10" puts the named steps before the section;
- the page's own structure (Big picture, Plan, Sessions), what it says it will not study (Parking lot, 暂不学) and
  a course's administration (Grading, Office hours, Weekly review, 学习进度) are no topics."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/toggle-blocks-zh.md": {
        "blocks": ("编程与数学", "神经网络", "注意力与 Transformer"), "part": ("反向传播", "神经网络"),
        "in_block": ("前向传播", "反向传播", "优化器"), "parallel": ("矩阵运算", "概率分布"),
        "builds_on": None, "not_topics": ("总体思路", "计划", "备注", "小项目", "强化学习", "多模态", "学习进度"),
    },
    "fresh4/notion-export-en/LLM Study Plan 8c1f0e2a9b7d4c3e.md": {
        "blocks": ("Python and Math", "Machine Learning and Neural Networks", "Transformers"),
        "part": ("Backpropagation", "Machine Learning and Neural Networks"),
        "in_block": ("Tokenization", "Embeddings", "Self-attention"), "parallel": ("Linear algebra", "Probability"),
        "builds_on": None, "not_topics": ("Big picture", "Plan", "Notes", "Mini-project", "Parking lot", "CUDA kernels",
                                          "Weekly review", "Don't go deep"),
    },
    "formats/session-syllabus-en.md": {
        "blocks": ("Tensors and automatic differentiation", "Word embeddings",
                   "Sequence-to-sequence models and encoder attention"),
        "part": ("Word2Vec", "Word embeddings"), "in_block": ("Tensor operations", "Automatic differentiation"),
        "parallel": None, "builds_on": ("Sequence-to-sequence models and encoder attention", "Search assistant"),
        "not_topics": ("Course overview", "Sessions", "Grading", "Office hours", "Late policy", "Capstone project"),
    },
    "fresh4/course-syllabus-en/syllabus.md": {
        "blocks": ("Math and Python review", "Machine learning basics", "Retrieval-augmented generation and agents"),
        "part": ("Backpropagation", "Neural networks and backpropagation"),
        "in_block": ("Tokenization", "Self-attention", "Multi-head attention"), "parallel": None,
        "builds_on": ("Inference and deployment", "Efficient model serving"),
        "not_topics": ("Course description", "Schedule", "Lectures", "Grading", "Office hours", "Academic integrity"),
    },
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_labelled_blocks_are_ordered_stages_named_after_their_label(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    blocks = [topic_id(a, n) for n in gold["blocks"]]
    assert all(before(graph, x, y) for x, y in zip(blocks, blocks[1:]))
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_a_listed_order_sentence_above_orders_the_lists_below_it(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    steps = [topic_id(a, n) for n in gold["in_block"]]
    assert all(before(graph, x, y) for x, y in zip(steps, steps[1:]))


def test_a_note_that_two_items_run_in_parallel_unorders_them(case: Case) -> None:
    a, gold = case
    if gold["parallel"] is None:
        pytest.skip("this document states no parallel items")
    graph = graph_of(a)
    x, y = (topic_id(a, n) for n in gold["parallel"])
    assert not before(graph, x, y) and not before(graph, y, x)


def test_builds_on_puts_the_named_steps_first(case: Case) -> None:
    a, gold = case
    if gold["builds_on"] is None:
        pytest.skip("this document has no 'Builds on' line")
    x, y = (topic_id(a, n) for n in gold["builds_on"])
    assert before(graph_of(a), x, y)


def test_page_structure_notes_and_administration_are_no_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
