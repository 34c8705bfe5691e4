"""Tokenizer, snippets and topic linking: the text-level helpers of retrieval."""

from __future__ import annotations

import pytest

from rag.retrieval.lexical import tokenize
from rag.retrieval.linking import TopicLinker
from rag.retrieval.snippets import best_snippet, split_sentences
from tests.fixtures.rag_fakes import TOPICS, FakeRoadmap


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PyTorch和TensorFlow", ["pytorch", "tensorflow"]),
        ("GPT-4的能力", ["gpt-4", "gpt", "4", "能力"]),
        ("What is RAG?", ["rag"]),
        ("线性代数！！", ["线性", "代数", "线性代数"]),
    ],
)
def test_tokenize_keeps_english_words_whole_and_lowercases(text: str, expected: list[str]) -> None:
    assert sorted(tokenize(text)) == sorted(expected)


def test_tokenize_drops_question_words() -> None:
    assert tokenize("什么是量化？如何学习？") == ["量化", "学习"]


def test_snippet_keeps_text_that_fits() -> None:
    assert best_snippet("  短文本。 ", {}, budget=50) == "短文本。"


def test_snippet_without_matches_is_the_start() -> None:
    text = "第一句话在这里。" * 10
    assert best_snippet(text, {"无关": 1.0}, budget=16) == "第一句话在这里。第一句话在这里。"


def test_snippet_prefers_topic_names() -> None:
    text = "前面是一些铺垫的话。多头注意力把表示拆成多个头。后面还有别的话题可以聊。"
    assert best_snippet(text, {}, budget=15, names=["多头注意力"]) == "多头注意力把表示拆成多个头。"


def test_snippet_cuts_a_single_long_sentence_around_its_best_word() -> None:
    text = "很长的句子" * 20 + "量化" + "继续很长" * 20
    snippet = best_snippet(text, {"量化": 1.0}, budget=20)
    assert "量化" in snippet and len(snippet) == 20


def test_snippet_does_not_end_on_a_colon_that_introduces_the_answer() -> None:
    text = ("设标签为 [1, 0]，预测为 [0.9, 0.2]，这是一个很小的二分类例子，数字都是随便选的。"
            "用交叉熵计算损失：\n\n$$\nL = -(\\log 0.9 + \\log 0.8) \\approx 0.3285\n$$\n\n其余的话与问题无关。")
    snippet = best_snippet(text, {"交叉熵": 3.0, "损失": 2.0}, budget=60)
    assert "用交叉熵计算损失：" in snippet and snippet.endswith("0.3285\n$$")
    short = best_snippet(text, {"交叉熵": 3.0}, budget=40)  # the colon sentence and the formula exceed 40
    assert short.startswith("用交叉熵计算损失：") and short.endswith("0.3285\n$$")


def test_split_sentences_handles_lists_and_both_scripts() -> None:
    assert split_sentences("- **A**：甲。\n- B: b. Then c") == ["- **A**：甲。", "- B:", "b.", "Then c"]


def test_link_topics_finds_names_aliases_and_typos() -> None:
    roadmap = FakeRoadmap(TOPICS)
    assert [t.id for t in TopicLinker(roadmap).link("Linear Algebra 与多头注意力")] == [
        "multi-head-attention", "linear-algebra"]
    assert [t.id for t in TopicLinker(roadmap).link("自注意力机智怎么学")] == ["self-attention"]
    assert TopicLinker(roadmap).link("今天天气怎么样") == []
