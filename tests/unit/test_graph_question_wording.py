"""Graph questions in the wordings learners use, over topics of the two outlines of our own: a pointer or a
"done with" word between the topic and before/after (or before the topic: 做完X这个方向，下一个…), "X之前必须先把Y那一步
学完吗" and "X要等Y学完才能开始吗", "once X is done", a few words between "before" and the topic, "in what order … up
to", and English plurals of a topic's name."""

from __future__ import annotations

import pytest

from kb import Roadmap
from rag.answering.graph_question import classify
from rag.retrieval.linking import TopicLinker
from tests.fixtures.analysed import analysed, graph_of

QUESTIONS = {
    "formats/nested-outline-zh.md": [
        ("梅尔频谱这一块，前面要先学什么？", "before", "梅尔频谱"),
        ("动手做端到端模型之前，老师说必须先搞懂什么？", "before", "端到端模型"),
        ("维特比解码做完以后接着做什么？", "after", "维特比解码"),
        ("隐马尔可夫模型读完之后下一步学什么？", "after", "隐马尔可夫模型"),
        ("傅里叶变换那一条做完之后，接下来是哪一条？", "after", "傅里叶变换"),
        ("做完隐马尔可夫模型（HMM）这个方向，下一个该看什么？", "after", "隐马尔可夫模型"),
        ("端到端模型之前必须先把梅尔频谱那一步学完吗？", "need", "端到端模型"),
        ("端到端模型一定要等隐马尔可夫模型学完才能开始吗？", "need", "端到端模型"),
    ],
    "formats/nested-outline-en.md": [
        ("What should I review before the session on ray tracing?", "before", "Ray tracing"),
        ("In what order do I work up to depth buffering?", "path", "Depth buffering"),
        ("How do I work my way up to transform matrices?", "path", "Transform matrices"),
        ("Should I learn transform matrices or ray tracing first?", "order", "Transform matrices"),
        ("What should I study once transform matrices are done?", "after", "Transform matrices"),
        ("Once rasterization is covered, where do I go?", "after", "Rasterization"),
    ],
}


@pytest.fixture(scope="module", params=sorted(QUESTIONS))
def case(request: pytest.FixtureRequest) -> tuple[Roadmap, list[tuple[str, str, str]]]:
    return Roadmap(graph_of(analysed(request.param))), QUESTIONS[request.param]


def test_learner_wordings_are_graph_questions_about_the_named_topic(case: tuple[Roadmap, list[tuple[str, str, str]]]) -> None:
    roadmap, questions = case
    linker = TopicLinker(roadmap)
    for question, relation, topic in questions:
        asked = classify(question, linker.link(question))
        assert asked is not None, question
        assert (asked.relation, asked.topic) == (relation, roadmap.topic_id(topic)), question


def test_an_english_plural_links_the_topic() -> None:
    roadmap = Roadmap(graph_of(analysed("formats/nested-outline-en.md")))
    linked = [t.name for t in TopicLinker(roadmap).link("Are homogeneous coordinates hard? And transform matrices?")]
    assert "Homogeneous coordinates" in linked
    assert [t.name for t in TopicLinker(roadmap).link("Which vector algebras matter?")] == ["Vector algebra"]


def test_a_fact_question_stays_a_fact_question(case: tuple[Roadmap, list[tuple[str, str, str]]]) -> None:
    roadmap, _ = case
    linker = TopicLinker(roadmap)
    for question in ("梅尔频谱是什么？", "维特比解码用了什么算法？", "What does ray tracing simulate?"):
        assert classify(question, linker.link(question)) is None


@pytest.mark.parametrize(("question", "relation"), [
    ("In the model part, what comes next after 自注意力 (self-attention)?", "after"),
    ("Self-attention（自注意力）之前要先学什么？", "before"),
])
def test_a_topic_glossed_by_its_other_name_is_one_mention(question: str, relation: str) -> None:
    from kb.model import Topic

    asked = classify(question, [Topic("sa", "自注意力", ("self-attention",))])
    assert asked is not None and (asked.relation, asked.topic) == (relation, "sa")
