"""Social-media posts that number their steps with keycap emoji (1️⃣ 2️⃣ …) and mark points with ✅, shown on an
English post of our own (tests/fixtures/formats) and the 小红书 post of tests/fixtures/fresh6:

- keycap part lines are the post's ordered parts, though the short lines around them look like page chrome;
- the ✅ points under a part are its subtopics;
- the author line, the follow button and the reaction bar are no topics."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import Case, analysed, before, graph_of, names, part_of, topic_id

CASES = {
    "formats/keycap-post-en.txt": {"parts": ("Python basics", "Neural networks", "Transformers", "Fine-tuning"),
                                   "point": ("Backpropagation", "Neural networks"),
                                   "not_topics": ("Dana Okafor", "ML engineer · Follow", "Like · Comment · Repost · Send")},
    "fresh6/xiaohongshu-post-zh/小红书笔记.txt": {"parts": ("Python➕数学", "深度学习", "Transformer", "微调"),
                                               "point": ("反向传播", "深度学习"),
                                               "not_topics": ("小鹿学AI 🦌", "关注", "📍 编辑于 11-21 北京")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return analysed(request.param), CASES[request.param]


def test_keycap_parts_are_topics_in_their_order(case: Case) -> None:
    a, gold = case
    graph = graph_of(a)
    ids = [topic_id(a, n) for n in gold["parts"]]
    assert all(before(graph, x, y) for x, y in zip(ids, ids[1:]))


def test_checkmark_points_are_parts_of_their_step(case: Case) -> None:
    a, gold = case
    point, step = gold["point"]
    assert part_of(graph_of(a), topic_id(a, point), topic_id(a, step))


def test_author_follow_and_reaction_lines_are_no_topics(case: Case) -> None:
    a, gold = case
    assert not set(gold["not_topics"]) & names(a)
