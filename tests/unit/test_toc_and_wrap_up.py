"""Tables of contents and closing sections, shown on an English blog post of our own (tests/fixtures/formats) and
the Chinese CSDN post of tests/fixtures/fresh3: a list of links (a table of contents, related articles) names
titles, not terms; a wrap-up section (Conclusion, 写在最后) is no step of the plan even when the author numbered it;
related-article lists are page chrome. The numbered sections before them keep their order."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names

CASES = {
    "formats/toc-wrapup-en.md": {"stages": ("Python first", "Linear algebra", "Neural networks", "Fine-tuning"),
                                 "not_topics": ("Conclusion", "Related posts", "[1. Python first", "Python first]",
                                                "Table of contents")},
    "fresh3/csdn-blog-zh/博客.md": {"stages": ("编程与数学基础", "深度学习与 Transformer", "大模型训练与微调"),
                                   "not_topics": ("写在最后", "写在最后]", "相关推荐", "[六", "[一", "点赞、收藏、关注")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]



def test_link_lists_wrap_ups_and_related_articles_are_not_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
    assert not any(name.startswith("[") or name.endswith("]") for name in names(a))


def test_the_numbered_sections_before_them_keep_their_order(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    ids = {t.name: t.id for t in a.topics.values()}
    stages = [ids[name] for name in gold["stages"]]
    for earlier, later in zip(stages, stages[1:]):
        assert before(graph, earlier, later)
