"""Ingest of the five real documents in ../shared/corpus: merges, mermaid, stages, study path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import Roadmap

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rm(corpus_kb: Path) -> Roadmap:
    return Roadmap.load(corpus_kb)


def kinds(rm: Roadmap, a: str, b: str) -> set[str]:
    u, v = rm.topic_id(a), rm.topic_id(b)
    if not rm.graph.has_edge(u, v):
        return set()
    return {e["kind"] for e in rm.graph.edges[u, v]["evidence"]}


def test_linear_algebra_is_one_topic_with_three_sources(rm: Roadmap) -> None:
    topic = rm.topic("线性代数")
    assert len({s.document for s in topic.sources}) == 3
    assert [t for t in rm.topics() if t.name == "线性代数"] == [topic]


def test_transformer_names_merge(rm: Roadmap) -> None:
    ids = {rm.topic_id(n) for n in ("Transformer架构", "Transformer", "变换器（Transformer）", "变换器")}
    assert len(ids) == 1
    assert len({s.document for s in rm.topic("Transformer").sources}) == 4


def test_self_attention_alias(rm: Roadmap) -> None:
    topic = rm.topic("自注意力机制")
    assert "Self-Attention" in topic.aliases
    assert rm.topic("self-attention") == topic


def test_no_over_merging(rm: Roadmap) -> None:
    assert rm.topic_id("深度学习框架") != rm.topic_id("深度学习")
    assert rm.topic_id("自注意力机制") != rm.topic_id("多头注意力")
    assert rm.topic_id("分布式训练") != rm.topic_id("分布式训练框架")


def test_scaffolding_is_not_a_topic(rm: Roadmap) -> None:
    names = {t.name for t in rm.topics()}
    assert not names & {"背景介绍", "核心概念与联系", "总结", "附录：常见问题与解答", "常见问题与解答", "扩展阅读",
                        "摘要", "大模型与深度学习的区别", "什么是大模型？", "代码解读与分析",
                        "入门基础", "核心概念理解", "实践应用", "持续学习", "总结展望"}  # stages of 000


def test_mermaid_edges_of_the_long_article(rm: Roadmap) -> None:
    for a, b in (("神经网络", "深度学习"), ("深度学习", "特征提取"), ("深度学习", "参数优化"), ("特征提取", "参数优化")):
        assert "mermaid" in kinds(rm, a, b), (a, b)


def test_stage_order_of_the_five_stage_post(rm: Roadmap) -> None:
    # each 第N阶段 names what it holds, so the stages are topics in order and their subjects are their parts
    stages = ["数学与编程基础", "深度学习与Transformer架构", "大模型的训练与优化", "大模型的应用与创新", "前沿探索与科研贡献"]
    for a, b in zip(stages, stages[1:]):
        evidence = rm.graph.edges[rm.topic_id(a), rm.topic_id(b)]["evidence"]
        assert any(e["kind"] == "stage" and e["document"].startswith("001_") for e in evidence), (a, b)
    for part, stage in [("数学基础", 0), ("Transformer架构", 1), ("分布式训练", 2), ("多模态学习", 3), ("阅读顶级会议论文", 4)]:
        assert stages[stage] in {t.name for t in rm.part_of(part)}, part
    assert rm.topic("线性代数").stage  # subtopics know their stage


def test_study_path_to_multi_head_attention(rm: Roadmap) -> None:
    steps = rm.study_path("多头注意力", known=["Python"])
    names = [s.topic.name for s in steps]
    assert names[-1] == "多头注意力" and "Python" not in names
    assert names.index("自注意力机制") < names.index("多头注意力")
    assert names.index("数学与编程基础") < names.index("自注意力机制")  # the first stage, learned as one step
    math = steps[names.index("数学与编程基础")]
    assert "数学基础" in {t.name for t in math.subtopics}
    assert all(s.reason for s in steps)


def test_explicit_cue_edges(rm: Roadmap) -> None:
    assert "explicit" in kinds(rm, "神经网络", "深度学习")
    assert "explicit" in kinds(rm, "特征提取", "参数优化")


def test_forum_noise_is_gone_from_chunks(corpus_kb: Path) -> None:
    from kb.store import read_chunks, resolve

    text = "\n".join(c.prefixed_text for c in read_chunks(resolve(corpus_kb)))
    for noise in ("点赞 评论", "牛客企业服务", "总结得很到位", "#聊聊我眼中的AI#", "北京科技大学"):
        assert noise not in text
    assert "前沿探索与科研贡献" in text and "复现经典论文" in text


def test_english_names_come_from_the_built_in_glossary(rm: Roadmap) -> None:
    assert rm.topic("multi-head attention").name == "多头注意力"
    assert rm.topic("Linear Algebra").name == "线性代数"
    # an English name never moves to a different subject than its Chinese one
    assert rm.topic_id("Transformer Architecture") == rm.topic_id("变换器")
