"""Prerequisite lines, shown on a Chinese list of our own (tests/fixtures/formats) and the English blog post of
tests/fixtures/fresh2: a line "Prerequisites: A, B" / "**前置知识**：A、B" / "前置要求：A和B" inside a section says
each named topic comes before the section's own topic, with the line as explicit evidence; a section without such
a line gets no prerequisite from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/prereq-lines-zh.md": {
        "needs": (("Python 编程", "神经网络"), ("线性代数", "神经网络"), ("神经网络", "注意力机制"),
                  ("概率统计", "注意力机制"), ("注意力机制", "Transformer"), ("分词器", "Transformer"),
                  ("Transformer", "检索增强")),
        "free": "提示工程"},
    "fresh2/phase-blog-en/post.md": {
        "needs": (("Python", "Classical Machine Learning"), ("Classical Machine Learning", "Neural Networks"),
                  ("Neural Networks", "PyTorch"), ("Attention", "The Transformer Architecture"),
                  ("Tokenization", "Pretraining"), ("The Transformer Architecture", "Retrieval-Augmented Generation")),
        "free": "Tokenization"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _id(a: Analysis, name: str) -> str:
    (tid,) = [t.id for t in a.topics.values() if name.lower() in {t.name.lower(), *(x.lower() for x in t.aliases)}]
    return tid


def _explicit(a: Analysis) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in a.edges
            if e.kind == "prerequisite" and any(ev.kind == "explicit" for ev in e.evidence)}


def test_each_listed_topic_comes_before_the_section(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    explicit = _explicit(a)
    missing = [(x, y) for x, y in gold["needs"] if (_id(a, x), _id(a, y)) not in explicit]
    assert not missing


def test_the_line_is_the_evidence(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    x, y = gold["needs"][0]
    edge = next(e for e in a.edges if (e.source, e.target) == (_id(a, x), _id(a, y)) and e.kind == "prerequisite")
    assert any(ev.kind == "explicit" and x in ev.sentence for ev in edge.evidence)


def test_a_section_without_the_line_gets_no_explicit_prerequisite(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    free = _id(a, gold["free"])
    assert not [s for s, t in _explicit(a) if t == free]
