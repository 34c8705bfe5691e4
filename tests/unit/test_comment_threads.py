"""Threads (an issue with comments, a forum topic with replies), shown on a Chinese thread of our own
(tests/fixtures/formats) and the GitHub issue of tests/fixtures/fresh6: the bold user name heading a comment or a
timeline event ("**priya-dev** commented on …", "**mhoffmann** added the … label", "**老K** 回复 …") names no
subject, and neither does a repository path ("serving/"); the steps the thread lays out still are topics, and a
step's "a, then b, then c" (然后…最后…) names its terms in that order."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import analysed, before, graph_of, part_of, topic_id

CASES = {
    "fresh6/github-issue-en/issue-412.md": {"users": ("priya-dev", "tomasz-k", "mhoffmann", "lin-zhao"),
                                            "steps": ("Python and math basics", "Deep learning basics", "Transformers")},
    "formats/forum-thread-zh.md": {"users": ("小周同学", "老K"), "steps": ("Python 基础", "深度学习", "Transformer")},
}


@pytest.mark.parametrize("path", sorted(CASES))
def test_comment_authors_are_no_topics_and_the_steps_stay(path: str) -> None:
    a, gold = analysed(path), CASES[path]
    names = {t.name for t in a.topics.values()}
    assert not set(gold["users"]) & names
    assert not [n for n in names if n.endswith("/")]
    ids = [topic_id(a, n) for n in gold["steps"]]
    assert all(before(graph_of(a), x, y) for x, y in zip(ids, ids[1:]))


CHAINS = {
    "fresh6/github-issue-en/issue-412.md": (("gradient descent", "backpropagation", "PyTorch"), "Deep learning basics"),
    "formats/forum-thread-zh.md": (("梯度下降", "反向传播", "PyTorch"), "深度学习"),
}


@pytest.mark.parametrize("path", sorted(CHAINS))
def test_a_then_chain_in_a_bold_step_names_its_terms_in_order(path: str) -> None:
    """"**Deep learning basics**: gradient descent, then backpropagation, then PyTorch": no "first" word, yet a chain."""
    a, (chain, whole) = analysed(path), CHAINS[path]
    graph = graph_of(a)
    ids = [topic_id(a, n) for n in chain]
    assert all(before(graph, x, y) for x, y in zip(ids, ids[1:]))
    assert all(part_of(graph, i, topic_id(a, whole)) for i in ids)
