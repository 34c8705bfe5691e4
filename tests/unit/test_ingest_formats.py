"""The structure of every seed format is recovered: headings, one-line stages, bold lists, mermaid."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document


def analysed(fixture_docs: Path, *names: str) -> Analysis:
    return analyse([read_document(fixture_docs / n) for n in names])


def names(analysis: Analysis) -> set[str]:
    return {t.name for t in analysis.topics.values()}


def learned_before(analysis: Analysis, a: str, b: str) -> set[str]:
    """Evidence kinds of the order that puts ``a`` before ``b`` for a learner (``kb.paths``: a prerequisite
    of ``b`` or of a stage ``b`` is part of, transitively; ``a`` itself or a stage it is part of, learned as one
    step with its subtopics), empty when ``a`` is not learned before ``b``."""
    from kb import paths
    from kb.graph import build_graph

    graph = build_graph(analysis.topics.values(), analysis.edges, analysis.order, analysis.stage_ranks)
    ids = {t.name: t.id for t in analysis.topics.values()}
    needed = paths.needed_for(graph, ids[b], set())
    steps = [n for n in [ids[a], *paths.ancestors_by_part(graph, ids[a])] if n in needed and needed[n][0] != "part"]
    return {e["kind"] for n in steps for e in needed[n][2]}


def edge_kinds(analysis: Analysis, a: str, b: str) -> set[str]:
    ids = {t.name: t.id for t in analysis.topics.values()}
    return {ev.kind for e in analysis.edges if (e.source, e.target) == (ids[a], ids[b]) for ev in e.evidence}


def test_six_heading_levels_become_nested_topics(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "headings.md")
    assert {"矩阵分析", "特征分解", "幂迭代法", "Python语言", "神经网络", "反向传播"} <= names(a)
    assert "structure" in edge_kinds(a, "幂迭代法", "特征分解")
    assert not {"打好基础", "总结展望", "未来方向", "机器学习入门路线"} & names(a)  # stages, scaffolding, title


def test_top_level_sections_of_a_roadmap_are_stages(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "headings.md")
    assert "stage" in learned_before(a, "数学准备", "神经网络")
    assert "stage" in learned_before(a, "编程准备", "神经网络")
    assert "structure" in edge_kinds(a, "神经网络", "进入模型")  # a named stage is a topic holding its subjects
    assert edge_kinds(a, "编程准备", "进入模型") == {"stage"}


def test_one_line_article_with_forum_chrome(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "oneline.txt")
    # 第二阶段：模型结构 and 第三阶段：工程实践 name what they hold; 第一阶段：基础能力 only says it comes first
    assert {"数学", "矩阵分析", "概率基础", "编程", "神经网络", "注意力机制", "模型部署", "模型结构", "工程实践"} == names(a)
    assert edge_kinds(a, "数学", "模型结构") == {"stage"} and "structure" in edge_kinds(a, "神经网络", "模型结构")
    assert edge_kinds(a, "模型结构", "工程实践") == {"stage"}
    assert "stage" in learned_before(a, "数学", "神经网络") and "stage" in learned_before(a, "神经网络", "模型部署")
    assert edge_kinds(a, "矩阵分析", "神经网络") == {"explicit"}  # "这些是理解神经网络的核心工具"
    text = "\n".join(c.text for c in a.chunks)
    for noise in ("点赞", "评论", "相关推荐", "21:05", "某某大学", "写得真好", "#学习路线#", "某某社区"):
        assert noise not in text
    assert "持续练习最重要" in text  # content next to the noise survives


def test_front_matter_and_chinese_numbered_stages(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "frontmatter.md")
    assert a.titles["frontmatter.md"] == "我的机器学习笔记"
    assert "stage" in learned_before(a, "数学准备", "核心结构")
    assert "stage" in learned_before(a, "编程准备", "核心结构")
    net = next(t for t in a.topics.values() if t.name == "神经网络")
    assert net.aliases == ("Neural Network",)
    probability = next(t for t in a.topics.values() if t.name == "概率基础")
    assert probability.summary.startswith("常见分布")
    assert "核心结构" in names(a)


def test_article_mermaid_code_formula_and_faq(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "article.md")
    assert {"mermaid", "sibling"} <= edge_kinds(a, "感知机", "反向传播")
    assert "mermaid" in edge_kinds(a, "反向传播", "注意力机制")
    # code, formulas, tables, FAQ questions and scaffolding never become topics
    assert not {"这不是标题", "数据准备", "感知机和神经网络的区别", "需要多少数学？", "背景介绍",
                "核心概念与联系"} & names(a)
    formula_chunk = next(c for c in a.chunks if "\\frac" in c.text)
    assert formula_chunk.text.count("$$") == 2  # the formula is never split
    code_chunk = next(c for c in a.chunks if "import torch" in c.text)
    assert code_chunk.text.count("```") == 2


def test_merging_across_documents_and_languages(fixture_docs: Path) -> None:
    a = analysed(fixture_docs, "headings.md", "oneline.txt", "frontmatter.md", "article.md")
    matrix = [t for t in a.topics.values() if t.name == "矩阵分析"]
    assert len(matrix) == 1 and {s.document for s in matrix[0].sources} == {
        "headings.md", "oneline.txt", "frontmatter.md"}
    attention = [t for t in a.topics.values() if "注意力机制" in t.names]
    assert len(attention) == 1 and "Attention" in attention[0].aliases
    python = [t for t in a.topics.values() if "Python" in t.names]
    assert len(python) == 1 and "Python语言" in python[0].names
    # different subjects stay apart
    assert len({t.id for t in a.topics.values() if t.name in ("数学", "数学准备", "编程", "编程准备")}) == 4


@pytest.mark.parametrize("name", ["headings.md", "oneline.txt", "frontmatter.md", "article.md"])
def test_chunks_are_small_and_located(fixture_docs: Path, name: str) -> None:
    a = analysed(fixture_docs, name)
    assert a.chunks
    for chunk in a.chunks:
        assert chunk.document == name and chunk.start_line <= chunk.end_line
        assert len(chunk.text) <= 900 or "```" in chunk.text
    assert len({c.id for c in a.chunks}) == len(a.chunks)


@pytest.mark.parametrize(("name", "first", "later", "aside"), [
    ("outline-plain-zh.txt", "Python", "卷积网络", "作业"),
    ("outline-plain-en.txt", "Python basics", "Streaming answers", "Exercise"),
])
def test_a_plain_text_outline_has_parts_points_and_their_order(name: str, first: str, later: str, aside: str) -> None:
    """No Markdown: parts are ordinal lines (第一部分：… / Part 1: …), points numbered lines ((1) 1） ①)."""
    a = analysed(Path(__file__).parents[1] / "fixtures" / "outlines", name)
    assert {first, later} <= names(a) and aside not in names(a)
    assert learned_before(a, first, later)  # an earlier part's point comes first
