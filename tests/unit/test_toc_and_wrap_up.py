"""Tables of contents and closing sections, shown on an English blog post of our own (tests/fixtures/formats) and
the Chinese CSDN post of tests/fixtures/fresh3: a list of links (a table of contents, related articles) names
titles, not terms; a wrap-up section (Conclusion, 写在最后) is no step of the plan even when the author numbered it;
related-article lists are page chrome. The numbered sections before them keep their order."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document
from kb import paths
from kb.graph import build_graph

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = {
    "formats/toc-wrapup-en.md": {"stages": ("Python first", "Linear algebra", "Neural networks", "Fine-tuning"),
                                 "not_topics": ("Conclusion", "Related posts", "[1. Python first", "Python first]",
                                                "Table of contents")},
    "fresh3/csdn-blog-zh/博客.md": {"stages": ("编程与数学基础", "深度学习与 Transformer", "大模型训练与微调"),
                                   "not_topics": ("写在最后", "写在最后]", "相关推荐", "[六", "[一", "点赞、收藏、关注")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict]:
    return analyse([read_document(FIXTURES / request.param)]), CASES[request.param]


def _names(a: Analysis) -> set[str]:
    return {t.name for t in a.topics.values()} | {alias for t in a.topics.values() for alias in t.aliases}


def test_link_lists_wrap_ups_and_related_articles_are_not_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & _names(a)
    assert not any(name.startswith("[") or name.endswith("]") for name in _names(a))


def test_the_numbered_sections_before_them_keep_their_order(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    graph = build_graph(a.topics.values(), a.edges, a.order, a.stage_ranks)
    ids = {t.name: t.id for t in a.topics.values()}
    stages = [ids[name] for name in gold["stages"]]
    for earlier, later in zip(stages, stages[1:]):
        assert earlier in {node for node, _ in paths.study_path(graph, later)}
