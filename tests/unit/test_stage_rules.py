"""Stage rules, each shown on a Chinese and an English checklist of our own (tests/fixtures/formats):
task-list items name their subjects; a named stage is a topic holding them, a stage named only by its
level ("Getting Started", 入门准备) is not; a note that two stages are independent drops their order; a
label each of two stages describes anew stays two topics."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
CASES = {
    "checklist-en.md": {"items": ("Python", "Git", "Backpropagation", "Embeddings", "LoRA"),
                        "phase": "Getting Started", "stages": ("Deep Learning", "Retrieval", "Fine-tuning"),
                        "part": ("Backpropagation", "Deep Learning"), "repeated": "Review"},
    "checklist-zh.md": {"items": ("Python", "Linux 命令行", "反向传播", "向量检索", "LoRA"),
                        "phase": "入门准备", "stages": ("深度学习", "检索增强生成", "模型微调"),
                        "part": ("反向传播", "深度学习"), "repeated": "效果评估"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict[str, object]]:
    return analyse([read_document(FORMATS / request.param)]), CASES[request.param]


def _ids(a: Analysis, name: str) -> list[str]:
    return [t.id for t in a.topics.values() if t.name == name]


def _graph(a: Analysis):  # type: ignore[no-untyped-def]
    return build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)


def _before(a: Analysis, first: str, then: str) -> bool:
    """``first`` (or the stage it is part of) is a step of the study path to ``then``."""
    graph = _graph(a)
    (x,), (y,) = _ids(a, first), _ids(a, then)
    steps = {node for node, _ in paths.study_path(graph, y)}
    return bool({x, *paths.ancestors_by_part(graph, x)} & steps) and x != y


def test_task_list_items_are_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    names = {t.name for t in a.topics.values()}
    assert set(gold["items"]) <= names
    assert not any(n.startswith("[") for n in names)


def test_named_stages_are_topics_and_level_labels_are_not(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    names = {t.name for t in a.topics.values()}
    assert set(gold["stages"]) <= names and gold["phase"] not in names
    part, whole = gold["part"]
    assert any((e.source, e.target, e.kind) == (_ids(a, part)[0], _ids(a, whole)[0], "part_of") for e in a.edges)
    first, second, third = gold["stages"]
    assert _before(a, first, second) and _before(a, first, third)
    assert _before(a, gold["items"][0], second)  # a subject of the level-only stage comes before the next stage


def test_stages_said_to_be_independent_are_not_ordered(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    _, second, third = gold["stages"]
    assert not _before(a, second, third) and not _before(a, third, second)
    assert not _before(a, gold["items"][3], gold["items"][4])  # nor are their subjects


def test_a_label_each_stage_describes_anew_stays_two_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    review = _ids(a, gold["repeated"])
    assert len(review) == 2
    graph = _graph(a)
    wholes = {tuple(paths.parents(graph, node)) for node in review}
    assert len(wholes) == 2  # one under each stage
    assert any(m.get("kept_apart") == gold["repeated"] for m in a.merges)  # reported by ingest
