"""Plan tables, shown on an English fixture of our own (tests/fixtures/formats) and the Chinese table plan
of tests/fixtures/fresh2: a table whose rows are numbered stages (Stage 1 — X, 阶段一：X) orders those
stages, its cells' terms are parts of their stage, an activity label listed in two stages (hands-on
project, 实战项目) stays two topics, and a "stage notes" container is not a topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/plan-table-en.md": {"stages": ("Foundations", "Deep Learning", "Applications"),
                                 "parts": (("PyTorch", "Deep Learning"), ("embeddings", "Applications"),
                                           ("Python", "Foundations")),
                                 "repeated": "hands-on project", "container": "Stage notes"},
    "fresh2/table-plan-zh/学习计划.md": {"stages": ("编程与数学", "机器学习", "深度学习", "大模型原理", "大模型应用"),
                                     "parts": (("LoRA", "大模型原理"), ("vLLM", "大模型应用"), ("NumPy", "编程与数学")),
                                     "repeated": "实战项目", "container": "阶段说明"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _ids(a: Analysis, name: str) -> list[str]:
    return [t.id for t in a.topics.values() if t.name.lower() == name.lower()]


def test_table_rows_are_ordered_stages(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    stages = [_ids(a, name) for name in gold["stages"]]
    assert all(len(ids) == 1 for ids in stages)
    for (earlier,), (later,) in zip(stages, stages[1:]):
        assert earlier in {node for node, _ in paths.study_path(graph, later)}


def test_cell_terms_are_parts_of_their_stage(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    for term, stage in gold["parts"]:
        (tid,), (sid,) = _ids(a, term), _ids(a, stage)
        assert sid in paths.ancestors_by_part(graph, tid)


def test_activity_label_in_two_stages_stays_two_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    assert len(_ids(a, gold["repeated"])) == 2
    assert not _ids(a, gold["container"])
