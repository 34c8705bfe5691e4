"""Steps written as paragraphs, without list or heading markup ("Step 1 — Python and math. Get comfortable …"), shown
on a post of our own (tests/fixtures/formats) and the Q&A answer of tests/fixtures/fresh5:

- two or more paragraphs opening with a step label and a short name are ordered stages named after it;
- in such a step, the subjects of its ordinal sentence ("Start with tokenization, then embeddings …") are terms of
  the step, in that order;
- "Steps 6 and 7 are independent — … both only assume Steps 1–5" unorders only the steps of its own clause;
- "you do not need X before Y" orders nothing."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, part_of, topic_id

CASES = {
    "formats/paragraph-steps-en.md": {
        "steps": ("Foundations", "Vision", "Deployment"), "independent": ("Vision", "Language"),
        "chain": ("tokenizers", "word vectors", "recurrent networks"), "part": ("pooling layers", "Vision"),
        "negated": ("image augmentation", "tokenizers"),
    },
    "fresh5/stackexchange-answer-en/question.md": {
        "steps": ("Python and math", "Neural networks", "PyTorch", "Transformers"),
        "independent": ("Fine-tuning", "Retrieval-augmented generation"),
        "chain": ("tokenization", "embeddings", "self-attention"), "part": ("reranking", "Retrieval-augmented generation"),
        "negated": ("Fine-tuning", "Retrieval-augmented generation"),
    },
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_step_paragraphs_are_ordered_stages(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    steps = [topic_id(a, n) for n in gold["steps"]]
    assert all(before(graph, x, y) for x, y in zip(steps, steps[1:]))


def test_a_steps_ordinal_sentence_names_its_terms_in_order(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    chain = [topic_id(a, n) for n in gold["chain"]]
    assert all(before(graph, x, y) for x, y in zip(chain, chain[1:]))
    part, whole = gold["part"]
    assert part_of(graph, topic_id(a, part), topic_id(a, whole))


def test_independent_steps_and_denied_orders_stay_unordered(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    for pair in (gold["independent"], gold["negated"]):
        x, y = (topic_id(a, n) for n in pair)
        assert not before(graph, x, y) and not before(graph, y, x)
