"""Graph answers say where a topic sits in the outline, shown on two outlines of our own (Chinese and English):

- before a topic listed under others comes the topic it is listed under (reading order), named with the evidence;
- after a topic with subtopics, its subtopics are named first;
- the path to a subtopic names the topics it is listed under;
- "do I need X for Y" is yes when Y is listed under X;
- an English path question gets its step reason in English.
"""

from __future__ import annotations

import pytest

from kb import Roadmap
from rag.answering.graph_answer import GraphQuestion, answer
from tests.fixtures.analysed import analysed, graph_of

CASES = {
    "formats/nested-outline-zh.md": {"lang": "zh", "deep": "短时傅里叶变换", "parent": "傅里叶变换", "stage": "信号处理",
                                     "later": "维特比解码", "later_stage": "声学模型"},
    "formats/nested-outline-en.md": {"lang": "en", "deep": "Homogeneous coordinates", "parent": "Vector algebra",
                                     "stage": "Geometry", "later": "Depth buffering", "later_stage": "Rendering"},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Roadmap, dict[str, str]]:
    return Roadmap(graph_of(analysed(request.param))), CASES[request.param]


def ask(roadmap: Roadmap, relation: str, topic: str, lang: str, other: str = "") -> tuple[str, tuple[str, ...]]:
    got = answer(roadmap, GraphQuestion(relation, roadmap.topic_id(topic), roadmap.topic_id(other) if other else ""), lang)
    return got.sentence, got.topics


def test_before_a_subtopic_comes_what_it_is_listed_under(case: tuple[Roadmap, dict[str, str]]) -> None:
    roadmap, gold = case
    sentence, topics = ask(roadmap, "before", gold["deep"], gold["lang"])
    assert topics[:2] == (gold["stage"], gold["parent"])
    assert sentence.index(gold["stage"]) < sentence.rindex(gold["parent"])


def test_after_a_topic_its_subtopics_come_first_then_what_follows(case: tuple[Roadmap, dict[str, str]]) -> None:
    roadmap, gold = case
    sentence, topics = ask(roadmap, "after", gold["parent"], gold["lang"])
    assert topics == (gold["deep"], gold["later_stage"])
    assert sentence.index(gold["deep"]) < sentence.index(gold["later_stage"])


def test_the_path_to_a_subtopic_names_where_it_sits_and_the_earlier_stage(case: tuple[Roadmap, dict[str, str]]) -> None:
    roadmap, gold = case
    sentence, topics = ask(roadmap, "path", gold["later"], gold["lang"])
    assert topics[0] == gold["stage"] and topics[-1] != gold["later"] and gold["later_stage"] in topics
    if gold["lang"] == "en":
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in sentence)  # the step's reason is in English too


def test_a_subtopic_needs_what_it_is_listed_under_but_not_the_other_way_round(case: tuple[Roadmap, dict[str, str]]) -> None:
    roadmap, gold = case
    yes, _ = ask(roadmap, "need", gold["deep"], gold["lang"], other=gold["parent"])
    no, _ = ask(roadmap, "need", gold["stage"], gold["lang"], other=gold["later"])
    assert yes.startswith("需要" if gold["lang"] == "zh" else "Yes")
    assert not no.startswith("需要" if gold["lang"] == "zh" else "Yes")
