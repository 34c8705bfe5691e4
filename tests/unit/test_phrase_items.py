"""Plan items written as phrases, and steps said to be independent by their numbers, shown on an English plan of
our own (tests/fixtures/formats) and the forum post of tests/fixtures/fresh3: "gradient descent on a toy function",
"a vector database (any of them)", "LoRA, once plain SFT makes sense" name gradient descent, vector database and
LoRA (a part of their step); "5 and 6 are independent" leaves steps 5 and 6 unordered while both still follow
the step before them."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, part_of, topic_id

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
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]



def test_the_name_of_a_phrase_item_is_a_topic_of_its_step(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    for term, step in gold["terms"].items():
        assert part_of(graph, topic_id(a, term), topic_id(a, step)), term


def test_steps_said_independent_by_number_are_unordered_and_follow_the_step_before(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    x, y = (topic_id(a, name) for name in gold["independent"])
    assert not before(graph, x, y) and not before(graph, y, x)
    first = topic_id(a, gold["before"])
    assert before(graph, first, x) and before(graph, first, y)
