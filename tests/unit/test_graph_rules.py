"""Each graph-extraction rule of issue 10, shown on two fixture roadmaps of different styles.

The fixtures are original documents in ``tests/fixtures/roadmaps/`` (their gold was committed before the
rules). Every assertion here would fail if its rule were removed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import networkx as nx
import pytest

from evals.graph import FIXTURES, exact_ids, find_ids, ingest_in_memory, order_graph
from kb import Roadmap


@cache
def fixture(name: str) -> Roadmap:
    folder = FIXTURES / name
    return ingest_in_memory(sorted(p for p in folder.iterdir() if p.name != "gold.json"))


def before(rm: Roadmap, a: str, b: str) -> bool:
    x, y = find_ids(rm, a)[0], find_ids(rm, b)[0]
    return nx.has_path(order_graph(rm.graph), x, y)


def parts_of(rm: Roadmap, name: str) -> set[str]:
    return {t.name for t in rm.parts(find_ids(rm, name)[0])}


@pytest.mark.parametrize(("name", "facets"), [
    ("emoji-stages-zh", ["目标", "工具", "学完能做到", "必学概念"]),
    ("weekly-plan-en", ["Goals", "Reading", "Exercises"]),
])
def test_a_label_repeated_under_sibling_sections_is_a_facet_not_a_topic(name: str, facets: list[str]) -> None:
    rm = fixture(name)
    assert not [f for f in facets if exact_ids(rm, f)]


@pytest.mark.parametrize(("name", "chrome"), [
    ("tracks-en", ["Notebooks", "Acknowledgements", "Star History", "Tokenize anything"]),
    ("column-index-zh", ["这个专栏讲什么", "每日更新", "关于作者"]),
    ("ordinal-prose-zh", ["我踩过的坑", "参考资料", "写在最后"]),
])
def test_page_chrome_and_reference_sections_are_not_topics(name: str, chrome: list[str]) -> None:
    assert not [c for c in chrome if exact_ids(fixture(name), c)]


@pytest.mark.parametrize(("name", "title", "alias"), [
    ("emoji-stages-zh", "编程热身", "阶段 0"),
    ("weekly-plan-en", "Tensors", "Week 2"),
    ("column-index-zh", "神经网络", "第三章"),
])
def test_decorative_prefixes_leave_the_name_and_stay_an_alias(name: str, title: str, alias: str) -> None:
    topic = fixture(name).topic(title)
    assert topic.name == title and alias in topic.aliases


@pytest.mark.parametrize(("name", "stage", "term"), [
    ("emoji-stages-zh", "部署与应用", "vLLM"),
    ("weekly-plan-en", "Training Loops", "gradient descent"),
])
def test_a_stage_laid_out_in_facets_is_the_topic_and_its_terms_are_its_parts(name: str, stage: str, term: str) -> None:
    assert term in parts_of(fixture(name), stage)


@pytest.mark.parametrize(("name", "parent", "terms"), [
    ("emoji-stages-zh", "部署与应用", {"vLLM", "Ollama", "LangChain", "Function Calling"}),  # plain and bold items
    ("mindmap-en", "Calculus", {"Chain Rule"}),  # a nested plain list
    ("numbered-only-zh", "大模型微调", {"全参数微调", "LoRA", "P-Tuning"}),  # "topic：a、b、c"
    ("mermaid-flowchart-zh", "多模态大模型", {"LLaVA", "Qwen-VL"}),  # "例如 A、B"
])
def test_listed_terms_become_parts_of_their_section(name: str, parent: str, terms: set[str]) -> None:
    assert terms <= parts_of(fixture(name), parent)


@pytest.mark.parametrize(("name", "terms"), [
    ("emoji-stages-zh", ["PEFT", "DeepSpeed", "QLoRA"]),  # table rows, parenthesised examples
    ("tracks-en", ["vLLM", "Docker", "Transformer"]),  # table rows, a bold word in a paragraph
    ("weekly-plan-en", ["learning rate", "early stopping"]),  # bold words in a paragraph
])
def test_tables_bold_words_and_examples_name_topics(name: str, terms: list[str]) -> None:
    assert all(find_ids(fixture(name), t) for t in terms)


@pytest.mark.parametrize(("name", "pairs"), [
    ("mindmap-en", [("Convolutional Networks", "Transformers"), ("Math", "Programming")]),
    ("emoji-stages-zh", [("vLLM", "Ollama"), ("LoRA", "QLoRA")]),
])
def test_unnumbered_list_items_give_no_order(name: str, pairs: list[tuple[str, str]]) -> None:
    rm = fixture(name)
    for a, b in pairs:
        assert not before(rm, a, b) and not before(rm, b, a), (a, b)


@pytest.mark.parametrize(("name", "a", "b"), [
    ("emoji-stages-zh", "编程热身", "数学直觉"),  # "阶段 0 → 阶段 1" in a code block, by the stages' aliases
    ("ordinal-prose-zh", "概率统计", "机器学习"),  # "概率统计 → 机器学习" in a paragraph
])
def test_arrow_chains_in_text_and_code_blocks_are_order_evidence(name: str, a: str, b: str) -> None:
    rm = fixture(name)
    u, v = rm.topic_id(a), rm.topic_id(b)
    assert "arrow" in {e["kind"] for e in rm.graph.edges[u, v]["evidence"]}


@pytest.mark.parametrize(("name", "a", "b"), [
    ("ordinal-prose-zh", "深度学习", "大语言模型"),  # 先…再…然后…最后…
    ("mindmap-en", "Foundations", "Architectures"),  # First …, then …, and finally …
])
def test_ordinal_words_are_order_evidence(name: str, a: str, b: str) -> None:
    rm = fixture(name)
    u, v = rm.topic_id(a), rm.topic_id(b)
    assert "explicit" in {e["kind"] for e in rm.graph.edges[u, v]["evidence"]}


def test_sibling_sections_holding_their_own_numbered_sequences_are_tracks() -> None:
    rm = fixture("tracks-en")
    assert before(rm, "Model Architecture", "Pre-training") and before(rm, "Running Models", "Vector Storage")
    assert not before(rm, "Evaluation", "Running Models") and not before(rm, "Pre-training", "Agents")
    path = [s.topic.name for s in rm.study_path("Retrieval Augmented Generation")]
    assert "Pre-training" not in path and "Notebooks" not in path


@pytest.mark.parametrize(("name", "goal", "prerequisite", "part"), [
    ("emoji-stages-zh", "检索增强生成", "神经网络与 Transformer", "PyTorch"),
    ("numbered-only-zh", "Transformer", "深度学习", "反向传播"),
])
def test_a_path_has_one_granularity(name: str, goal: str, prerequisite: str, part: str) -> None:
    steps = fixture(name).study_path(goal)
    names = [s.topic.name for s in steps]
    assert prerequisite in names and part not in names  # the part is learned with its topic
    assert part in {t.name for s in steps for t in s.subtopics}
    assert len(steps) <= 12 and all(s.reason for s in steps)


@pytest.mark.parametrize(("name", "goal", "later"), [
    ("emoji-stages-zh", "LoRA", {"vLLM", "量化", "检索增强生成"}),
    ("weekly-plan-en", "Attention", {"Tokenizers", "Evaluation and Sharing"}),
])
def test_a_path_never_steps_past_the_goal_stage(name: str, goal: str, later: set[str]) -> None:
    rm = fixture(name)
    steps = {s.topic.name for s in rm.study_path(goal)}
    assert not steps & later


def test_a_short_generic_name_under_two_parents_of_one_document_is_two_topics(tmp_path: Path) -> None:
    from ingest.pipeline import analyse
    from ingest.reader import parse_text

    text = ("# 网络\n## 1. 循环网络\n1. **输入层**：读入序列\n2. **输出层**：给出预测\n"
            "## 2. 卷积网络\n1. **卷积层**：提取特征\n2. **输出层**：给出类别\n")
    other = "# 另一篇\n## 前向传播\n- **前向传播**：计算输出\n"
    analysis = analyse([parse_text(text, "a.md"), parse_text(other, "b.md")])
    outputs = [t for t in analysis.topics.values() if t.name == "输出层"]
    assert len(outputs) == 2
    assert {m["kept_apart"] for m in analysis.merges if "kept_apart" in m} == {"输出层"}


@pytest.mark.parametrize("line", [
    "- a" + " " * 50_000 + "、b",  # enumeration commas after a long blank run
    "- x" + " " * 50_000 + "-> y",  # an arrow after one
    "- **x**：（如" + " " * 50_000,  # an unclosed example parenthesis
    "- 一" + " " * 50_000 + "and b",  # an English conjunction after one
    "- （" * 20_000,  # many open parentheses
])
def test_term_and_arrow_patterns_never_rescan_a_run_of_blanks(line: str) -> None:
    # Each pattern once rescanned the whole run from every position in it: minutes at this size.
    from ingest.pipeline import analyse
    from ingest.reader import parse_text

    analysis = analyse([parse_text(f"# 标题\n{line}\n", "x.md")])
    assert analysis.chunks
