"""Order words across sentences, shown on the Chinese table plan and the Chinese forum answer of
tests/fixtures/fresh2 and on an English paragraph of our own: a sentence that opens with a "then" word
(之后, 然后, Then, Finally) goes on with the steps of the sentence before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
ENGLISH = """# Reading plan

## Models

- Tokenizers
- Embeddings
- Attention

First learn tokenizers, then embeddings. Then attention, which needs both.
"""


CASES = [
    ("fresh2/table-plan-zh/学习计划.md", "反向传播", "注意力机制"),
    ("fresh2/zhihu-answer-zh/回答.md", "分词", "自注意力机制"),
]


def _before(a, first: str, then: str) -> bool:  # type: ignore[no-untyped-def]
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    (x,) = [t.id for t in a.topics.values() if t.name == first]
    (y,) = [t.id for t in a.topics.values() if t.name == then]
    return x in {node for node, _ in paths.study_path(graph, y)}


@pytest.mark.parametrize(("document", "first", "then"), CASES)
def test_then_sentence_goes_on_with_the_steps_before_it(document: str, first: str, then: str) -> None:
    assert _before(analyse([read_document(FIXTURES / document)]), first, then)


def test_english_then_sentence(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(ENGLISH, encoding="utf-8")
    assert _before(analyse([read_document(path)]), "Embeddings", "Attention")
