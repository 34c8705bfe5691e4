"""A sentence that says a section's lists are in learning order ("go top to bottom", "从上到下依次学"), shown on a
Chinese checklist of our own (tests/fixtures/formats) and the English levels map of tests/fixtures/fresh2: the
top-level items of that section and its subsections follow one another; nested items stay parts of the item above;
a list in a section without such a sentence stays unordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/listed-order-zh.md": {"chain": ("预训练", "监督微调", "偏好对齐"), "part": ("语料清洗", "预训练"),
                                   "unordered": ("Git", "Docker")},
    "fresh2/nested-levels-en/levels.md": {"chain": ("Pretraining", "Post-training"), "part": ("Scaling laws", "Pretraining"),
                                          "unordered": ("Pretraining", "Retrieval-augmented generation")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _id(a: Analysis, name: str) -> str:
    (tid,) = [t.id for t in a.topics.values() if t.name == name]
    return tid


def _before(graph: object, a: str, b: str) -> bool:
    return a in {node for node, _ in paths.study_path(graph, b)}  # type: ignore[arg-type]


def test_items_said_to_be_in_order_follow_one_another(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    chain = [_id(a, n) for n in gold["chain"]]
    assert all(_before(graph, x, y) for x, y in zip(chain, chain[1:]))
    part, whole = gold["part"]
    assert _id(a, whole) in paths.ancestors_by_part(graph, _id(a, part))


def test_lists_without_such_a_sentence_stay_unordered(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    x, y = (_id(a, n) for n in gold["unordered"])
    assert not _before(graph, x, y) and not _before(graph, y, x)
