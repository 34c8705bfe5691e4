"""Bold step paragraphs as stages, shown on an English fixture of our own (tests/fixtures/formats) and
the Chinese forum answer of tests/fixtures/fresh2: a document without step headings that writes
``**Step N: X**`` / ``**第N步：X**`` paragraphs is read as an ordered sequence of stages; the bold label
repeated under each step is a facet, and a comments section holds no topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/bold-steps-en.md": {"stages": ("Python Basics", "Math Refresher", "Neural Networks", "Transformers"),
                                 "term": ("Backpropagation", "Neural Networks"),
                                 "not_topics": ("Resources", "Comments", "ana_k", "devon.r")},
    "fresh2/zhihu-answer-zh/回答.md": {"stages": ("打好 Python 基础", "补齐数学基础", "机器学习与深度学习",
                                                 "吃透 Transformer 和预训练", "微调与落地应用"),
                                      "term": ("反向传播", "机器学习与深度学习"),
                                      "not_topics": ("推荐资料", "37 条评论", "小鹿乱撞")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _id(a: Analysis, name: str) -> str:
    (tid,) = [t.id for t in a.topics.values() if t.name == name or name in t.aliases]
    return tid


def test_bold_steps_are_ordered_stages(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    stages = [_id(a, name) for name in gold["stages"]]
    for earlier, later in zip(stages, stages[1:]):
        assert earlier in {node for node, _ in paths.study_path(graph, later)}


def test_terms_sit_in_their_step(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    term, step = gold["term"]
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    assert _id(a, step) in paths.ancestors_by_part(graph, _id(a, term))


def test_repeated_bold_labels_and_comments_are_not_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    names = {t.name for t in a.topics.values()} | {al for t in a.topics.values() for al in t.aliases}
    assert not set(gold["not_topics"]) & names
