"""The Python API over a knowledge base built from the fixture documents."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kb import Roadmap, RoadmapError, UnknownTopicError
from kb.export import to_graphml, to_json, to_mermaid


def test_graph_is_a_dag_with_evidence_on_every_edge(rm: Roadmap) -> None:
    assert isinstance(rm.graph, nx.DiGraph)
    prereq = nx.DiGraph([(u, v) for u, v, d in rm.graph.edges(data=True) if d["kind"] == "prerequisite"])
    assert nx.is_directed_acyclic_graph(prereq)
    for _, _, data in rm.graph.edges(data=True):
        assert data["kind"] in ("prerequisite", "part_of")
        assert data["evidence"] and {"kind", "document", "line", "sentence"} <= set(data["evidence"][0])


@pytest.mark.parametrize(("query", "name"), [
    ("注意力机制", "注意力机制"), ("attention", "注意力机制"), ("ATTENTION", "注意力机制"),
    ("Backpropagation", "反向传播"), ("python语言", "Python"), ("矩阵分", "矩阵分析"), ("反向传波", "反向传播"),
])
def test_topic_lookup_is_alias_case_prefix_and_typo_tolerant(rm: Roadmap, query: str, name: str) -> None:
    assert rm.topic(query).name == name


def test_unknown_topic_suggests_the_closest(rm: Roadmap) -> None:
    with pytest.raises(UnknownTopicError, match="Did you mean") as info:
        rm.topic("神经网路结构图")
    assert "神经网络" in info.value.suggestions
    with pytest.raises(UnknownTopicError):
        rm.topic("烹饪")


def test_topic_shape(rm: Roadmap) -> None:
    topic = rm.topic("矩阵分析")
    assert topic.id and topic.name == "矩阵分析"
    assert {s.document for s in topic.sources} == {"headings.md", "oneline.txt", "frontmatter.md"}
    assert all(s.line > 0 and s.heading for s in topic.sources)


def test_prerequisites_and_dependents(rm: Roadmap) -> None:
    direct = {t.name for t in rm.prerequisites("反向传播")}
    assert "感知机" in direct
    assert "注意力机制" in {t.name for t in rm.dependents("反向传播")}
    assert "注意力机制" in {t.name for t in rm.dependents("感知机", transitive=True)}


def test_study_path_respects_every_edge_and_covers_subtopics(rm: Roadmap) -> None:
    steps = rm.study_path("注意力机制")
    order = [s.topic.id for s in steps]
    assert order[-1] == rm.topic("注意力机制").id and len(set(order)) == len(order)
    position = {node: i for i, node in enumerate(order)}
    for u, v, data in rm.graph.edges(data=True):
        if u in position and v in position and data["kind"] == "prerequisite":
            assert position[u] < position[v], (u, v)
    assert all(s.reason for s in steps)
    math = next(s for s in steps if s.topic.name == "数学准备")
    assert "矩阵分析" in {t.name for t in math.subtopics}


def test_study_path_leaves_out_known_topics_and_what_they_imply(rm: Roadmap) -> None:
    full = {s.topic.name for s in rm.study_path("注意力机制")}
    assert {"感知机", "反向传播"} <= full
    shorter = {s.topic.name for s in rm.study_path("注意力机制", known=["反向传播"])}
    assert "反向传播" not in shorter and "感知机" not in shorter  # mermaid: 感知机 --> 反向传播


def test_goal_with_subtopics_is_covered(rm: Roadmap) -> None:
    steps = [s.topic.name for s in rm.study_path("感知机")]
    assert steps[-1] == "感知机" and {"加权求和", "激活函数"} <= set(steps)


def test_next_topics_are_ready_and_unknown(rm: Roadmap) -> None:
    known = ["数学准备", "编程准备", "数学", "编程"]
    suggestions = rm.next_topics(known=known, limit=5)
    assert suggestions and len(suggestions) <= 5
    have = {rm.topic_id(k) for k in known}
    for topic in suggestions:
        assert topic.id not in have


def test_explain_gives_an_evidence_chain(rm: Roadmap) -> None:
    chain = rm.explain("感知机", "注意力机制")
    assert len(chain) >= 2 and all(".md" in link for link in chain)
    with pytest.raises(RoadmapError, match="other way round"):
        rm.explain("注意力机制", "感知机")


def test_exports(rm: Roadmap) -> None:
    data = json.loads(to_json(rm.graph))
    assert {n["id"] for n in data["nodes"]} == set(rm.graph)
    assert "<graphml" in to_graphml(rm.graph)
    mermaid = to_mermaid(rm.graph)
    assert mermaid.startswith("graph LR") and "-->" in mermaid


def test_missing_knowledge_base_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="roadmap ingest"):
        Roadmap.load(tmp_path / "nothing-here")
