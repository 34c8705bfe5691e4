"""Plan items written as phrases, and steps said to be independent by their numbers, shown on an English plan of
our own (tests/fixtures/formats) and the forum post of tests/fixtures/fresh3: "gradient descent on a toy function",
"a vector database (any of them)", "LoRA, once plain SFT makes sense" name gradient descent, vector database and
LoRA (a part of their step); "5 and 6 are independent" leaves steps 5 and 6 unordered while both still follow
the step before them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/phrase-items-en.md": {"terms": {"linear regression": "Foundations", "backpropagation": "Deep learning",
                                             "tokenization": "Language models", "vector index": "Retrieval",
                                             "matrix calculus": "Foundations"},
                                   "independent": ("Language models", "Retrieval"), "before": "Deep learning"},
    "fresh3/reddit-post-en/post.md": {"terms": {"gradient descent": "Neural networks and backprop",
                                                "vector database": "RAG", "LoRA": "Fine-tuning"},
                                      "independent": ("Fine-tuning", "RAG"), "before": "Transformers"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _id(a: Analysis, name: str) -> str:
    (tid,) = [t.id for t in a.topics.values() if t.name == name]
    return tid


def test_the_name_of_a_phrase_item_is_a_topic_of_its_step(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    for term, step in gold["terms"].items():
        assert _id(a, step) in paths.ancestors_by_part(graph, _id(a, term)), term


def test_steps_said_independent_by_number_are_unordered_and_follow_the_step_before(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    x, y = (_id(a, name) for name in gold["independent"])
    assert x not in {n for n, _ in paths.study_path(graph, y)} and y not in {n for n, _ in paths.study_path(graph, x)}
    before = _id(a, gold["before"])
    assert before in {n for n, _ in paths.study_path(graph, x)} and before in {n for n, _ in paths.study_path(graph, y)}
