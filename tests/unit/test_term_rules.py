"""Where roadmaps name their terms, each rule shown on a Chinese and an English document of our own
(tests/fixtures/formats/terms-*.md): the members in parentheses after a name, a plain item that is a list
of names, a facet item naming one tool, the bold names in an item's description, a tools table numbered
in its first column; and what is not a term: a comparison table's attribute rows, summary labels
(一图看懂, At a glance, … 对比, X vs Y). A note that one item of a numbered list has no order with the
others drops that item's list order; a numbered chapter about set-up is still a step."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Analysis, analyse
from ingest.reader import read_document

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
CASES = {
    "terms-zh.md": {
        "parenthesised": ("ReLU", "GELU"), "listed": ("分词器", "词向量", "位置编码"), "facet": "PyTorch",
        "bold": ("vLLM", "Ollama"), "table": ("Docker", "Nginx"), "alternatives": ("Milvus", "Chroma"),
        "not": ("显卡要求", "上手难度", "一图看懂", "两种部署方式对比", "框架", "二选一", "序号", "如何使用这份清单",
                "工具按章节整理"),
        "list": ("Python", "命令行", "版本管理"), "setup": "开发环境",
    },
    "terms-en.md": {
        "parenthesised": ("ReLU", "GELU"), "listed": ("Tokenizers", "word vectors", "positional encodings"),
        "facet": "PyTorch", "bold": ("vLLM", "Ollama"), "table": ("Docker", "Nginx"),
        "alternatives": ("Milvus", "Chroma"),
        "not": ("GPU needed", "Difficulty", "At a glance", "Local vs cloud deployment", "Framework", "pick one",
                "How to use this guide", "Tools by chapter"),
        "list": ("Python", "Shell", "Version control"), "setup": "Development Environment",
    },
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> tuple[Analysis, dict[str, object]]:
    return analyse([read_document(FORMATS / request.param)]), CASES[request.param]


def _names(a: Analysis) -> set[str]:
    return {t.name for t in a.topics.values()}


def _id(a: Analysis, name: str) -> str:
    return next(t.id for t in a.topics.values() if t.name == name)


def _ordered(a: Analysis, x: str, y: str) -> bool:
    return any((e.source, e.target) == (_id(a, x), _id(a, y)) and e.kind == "prerequisite" for e in a.edges)


def test_terms_in_every_form_are_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    for key in ("parenthesised", "listed", "bold", "table", "alternatives"):
        assert set(gold[key]) <= _names(a), key
    assert gold["facet"] in _names(a)


def test_parenthesised_members_are_parts_not_aliases(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    activation = next(t for t in a.topics.values() if "ReLU" not in t.names and any(
        (e.source, e.target, e.kind) == (_id(a, "ReLU"), t.id, "part_of") for e in a.edges))
    assert not any("ReLU" in alias for alias in activation.aliases)


def test_attributes_summaries_and_fillers_are_not_topics(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    assert not set(gold["not"]) & _names(a)
    assert not any("、" in n or "**" in n for n in _names(a))  # an enumeration is never one topic


def test_an_item_said_to_have_no_order_leaves_the_list_order(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    first, second, free = gold["list"]
    assert _ordered(a, first, second)
    assert not _ordered(a, second, free) and not _ordered(a, free, second) and not _ordered(a, first, free)


def test_a_numbered_chapter_about_set_up_is_a_step(case: tuple[Analysis, dict]) -> None:
    a, gold = case
    assert gold["setup"] in _names(a)
    assert gold["list"][0] in _names(a)


@pytest.mark.parametrize(("name", "chain"), [
    ("terms-en.md", ("Activation functions", "Tokenizers", "positional encodings")),
    ("checklist-en.md", ("Python", "Git", "Jupyter")),
])
def test_english_order_words_x_first_then_y_and_x_before_y(name: str, chain: tuple[str, str, str]) -> None:
    a = analyse([read_document(FORMATS / name)])
    first, then, last = chain
    assert _ordered(a, first, then)  # "X first, then Y"
    assert _ordered(a, then, last)  # "… X before you study Y"
