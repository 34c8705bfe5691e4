"""Wiki-style notes and circled-number parts, shown on documents of our own (tests/fixtures/formats) and the
Obsidian map-of-content note of tests/fixtures/fresh6:

- a wiki link is the text it stands for: no topic is called "[[Python]]"; "[[监督微调|SFT]]" /
  "[[Backpropagation|backprop]]" keep both names; "[[评估（RAG）|评估]]" is 评估, kept apart from the other 评估;
- a heading numbered with a circled number (① 编程与数学) is a numbered part: named without the number, ordered."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import analysed, before, graph_of, part_of, topic_id

OBSIDIAN = "fresh6/obsidian-vault-zh/大模型学习路线 MOC.md"
WIKI = {OBSIDIAN: {"aliased": ("监督微调", "SFT"), "twice": "评估"},
        "formats/wiki-note-en.md": {"aliased": ("Backpropagation", "backprop"), "twice": "Evaluation"}}
CIRCLED = {OBSIDIAN: {"parts": ("编程与数学", "深度学习", "模型结构"), "point": ("反向传播", "深度学习")},
           "formats/circled-parts-zh.md": {"parts": ("编程基础", "机器学习", "深度学习"), "point": ("反向传播", "深度学习")}}


@pytest.mark.parametrize("path", sorted(WIKI))
def test_wiki_links_are_the_names_they_stand_for(path: str) -> None:
    a, gold = analysed(path), WIKI[path]
    topics = list(a.topics.values())
    assert not [t.name for t in topics if "[[" in t.name or "]]" in t.name]
    name, alias = gold["aliased"]
    assert alias in next(t for t in topics if t.name == name).aliases
    assert len([t for t in topics if t.name == gold["twice"]]) == 2  # two notes, one shown text


@pytest.mark.parametrize("path", sorted(CIRCLED))
def test_circled_numbers_number_the_parts(path: str) -> None:
    a, gold = analysed(path), CIRCLED[path]
    graph = graph_of(a)
    ids = [topic_id(a, n) for n in gold["parts"]]
    assert all(before(graph, x, y) for x, y in zip(ids, ids[1:]))
    point, whole = gold["point"]
    assert part_of(graph, topic_id(a, point), topic_id(a, whole))
