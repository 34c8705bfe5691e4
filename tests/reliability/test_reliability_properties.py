"""Property-based tests (hypothesis) of the reader, the section parser, edge extraction and
topic lookup: arbitrary Unicode, Markdown-like fragments, deep nesting, no punctuation,
huge lines and NUL bytes. Time is bounded by the profile's per-example deadline
(tests/reliability/conftest.py), never asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ingest.clean import clean_lines
from ingest.edges import SIDE, cue_sides
from ingest.pipeline import analyse
from ingest.reader import decode, parse_text, read_document
from ingest.sections import MAX_LIST_DEPTH, parse_sections
from kb import Roadmap
from kb.errors import DocumentError, UnknownTopicError
from kb.graph import build_graph
from kb.lookup import MentionIndex, fold
from tests.fixtures import shapes

FRAGMENTS = ["\n", "\n\n", "# ", "## ", "###### ", " ## ", "- ", "  ", "    ", "1. ", "12、", "**", "：", "。", "，",
             "！", "```", "```mermaid\n", "~~~", "$$", "|", "| a | b |", "第一阶段：", "一、", "\x00", "\r\n", "\r",
             "\t", "是", "为", "的基础", "的前提", "学习", "之前", "在", "先学", "，再学", "用于理解", "（", "）",
             "(Self-Attention)", "---\n", "#", "A --> B", "线性代数", "注意力", "Transformer", "😀", "\u200b",
             "\ufeff", "ﬁ", "Ⅻ", "点赞 评论", "作者：", "#标签#"]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=120).map("".join)
#: A short piece repeated up to 20,000 times: a huge line, or a huge text without punctuation.
huge = st.tuples(st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=30)),
                 st.integers(1, 20_000)).map(lambda t: t[0] * t[1])
deep = st.tuples(st.integers(1, 1500), st.integers(1, 2), st.sampled_from(["- **项{}**：说明", "- 项{}", "1. **项{}**"])
                 ).map(lambda t: "# 深\n" + "\n".join(" " * (t[1] * i) + t[2].format(i) for i in range(t[0])))
documents = st.one_of(markdownish, huge, deep, st.text(), huge.map(lambda h: "## 标题\n" + h))
#: Huge examples run every time (generation rarely reaches the largest sizes).
HUGE = [shapes.unpunctuated(300_000), shapes.long_line(700_000), shapes.nested_list(1500),
        shapes.inline_headings(3000), "# 深\n" + "\n".join(" " * (3 * i) + f"1. **项{i}**" for i in range(1000)),
        "## x" + " " * 100_000 + "y", "- **a**" + " " * 100_000 + "b  -", "\x00" * 100_000]


def with_huge(test):  # type: ignore[no-untyped-def]
    for text in HUGE:
        test = example(text)(test)
    return test


@given(st.binary(max_size=4096))
def test_decode_returns_text_or_names_the_problem(data: bytes) -> None:
    try:
        text = decode(data, "x.md")
    except DocumentError as exc:
        assert str(exc).startswith("x.md: ")
        return
    assert "\r" not in text and "\x00" not in text


@given(st.binary(max_size=2048), st.integers(0, 20_000))
def test_read_document_of_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes, pad: int) -> None:
    path = tmp_path_factory.mktemp("read") / "doc.md"
    path.write_bytes(b"# t\n" + b"a" * pad + data)
    try:
        doc = read_document(path)
    except DocumentError as exc:
        assert str(exc).startswith("doc.md: ")
        return
    assert doc.text.strip() and "\x00" not in doc.text


@given(documents)
def test_parse_text_keeps_every_body_line(text: str) -> None:
    doc = parse_text(text, "x.md")
    lines = text.split("\n")
    assert doc.text.split("\n") == lines[doc.body_start_line - 1 :]


@with_huge
@given(documents)
def test_every_line_lands_in_exactly_one_section(text: str) -> None:
    lines = clean_lines(text)
    parsed = parse_sections(lines)
    sections = list(parsed.walk())
    assert len(sections) + sum(len(s.body) for s in [parsed.root, *sections]) == len(lines)
    for section in sections:
        assert section.parent is not None and section.line <= section.end_line <= section.parent.end_line
        assert section.depth <= 6 + MAX_LIST_DEPTH + 1


@with_huge
@given(documents)
def test_analyse_any_document(text: str) -> None:
    analysis = analyse([parse_text(text, "x.md")])
    lines = len(text.split("\n"))
    for edge in analysis.edges:
        assert all(1 <= e.line <= lines for e in edge.evidence)
    graph = build_graph(analysis.topics.values(), analysis.edges, analysis.order)
    assert len(graph) == len(analysis.topics)
    ids = [c.id for c in analysis.chunks]
    assert len(ids) == len(set(ids))


# The cue patterns as they were before their sides were bounded: the reference for sentences
# short enough that the bound never applies.
OLD_CUES = (
    re.compile(r"(?P<x>[^，,。；;]*?)(?:是|为|乃|构成了?|作为)(?:学习|理解|掌握|实现|构建)?(?P<y>[^，,。；;]+?)的"
               r"(?:重要|核心|关键|必要|数学|理论)?(?:基础|前提|基石|先决条件|前提条件|根基|工具|钥匙)"),
    re.compile(r"(?:在)?(?:学习|掌握|进入|理解|接触)(?P<y>[^，,。；;]+?)(?:之前|以前)[，,]?(?P<x>[^。；;]+)"),
    re.compile(r"先(?:学|学习|掌握|了解)(?P<x>[^，,。；;]+)[，,]\s*(?:再|然后|之后)(?:学|学习|掌握|了解)?(?P<y>[^。；;]+)"),
    re.compile(r"(?P<x>[^，,。；;]*?)用于理解(?P<y>[^，,。；;]+)"),
)
CUE_WORDS = ["是", "为", "乃", "构成", "作为", "学习", "理解", "掌握", "的", "基础", "前提", "工具", "之前", "以前",
             "先学", "再学", "然后", "用于理解", "，", ",", "线性代数", "注意力", "A", " ", "在", "重要"]
cue_sentences = st.lists(st.sampled_from(CUE_WORDS), max_size=30).map("".join)


@given(cue_sentences)
def test_cue_sides_agree_with_the_unbounded_patterns_on_short_sentences(sentence: str) -> None:
    assume(len(sentence) <= SIDE)
    old = [(m.group("x"), m.group("y")) for cue in OLD_CUES for m in cue.finditer(sentence)]
    assert list(cue_sides(sentence)) == old


@given(st.one_of(cue_sentences, huge, st.text()))
def test_cue_sides_are_parts_of_the_sentence(sentence: str) -> None:
    for x, y in cue_sides(sentence):
        assert x in sentence and y in sentence


def old_find(surfaces: list[tuple[str, str]], text: str) -> list[tuple[int, int, str, str]]:
    """``MentionIndex.find`` as it was, one ``str.find`` loop per surface: the reference."""
    from kb.lookup import _bounded

    table: dict[str, str] = {}
    for surface, topic_id in surfaces:
        key = fold(surface).strip()
        if len(key) >= 2 and key not in table:
            table[key] = topic_id
    folded = fold(text)
    if len(folded) != len(text):
        text = folded
    taken = bytearray(len(folded))
    found = []
    for surface in sorted(table, key=len, reverse=True):
        start = folded.find(surface)
        while start >= 0:
            end = start + len(surface)
            if not any(taken[start:end]) and _bounded(folded, start, end, surface):
                taken[start:end] = b"\x01" * (end - start)
                found.append((start, end, text[start:end], table[surface]))
            start = folded.find(surface, start + 1)
    return sorted(found)


small = st.text(alphabet="ab中文 AＡﬁ-", max_size=6)


@given(st.lists(st.tuples(small, st.sampled_from(["t1", "t2", "t3"])), max_size=12), st.text(alphabet="ab中文 AＡﬁ-x", max_size=80))
def test_mention_lookup_agrees_with_the_one_find_per_surface_reference(surfaces: list[tuple[str, str]], text: str) -> None:
    assert MentionIndex(surfaces).find(text) == old_find(surfaces, text)


@given(st.lists(st.tuples(st.text(min_size=2, max_size=10), st.just("t")), max_size=30), st.one_of(huge, st.text()))
def test_mention_lookup_of_arbitrary_text(surfaces: list[tuple[str, str]], text: str) -> None:
    found = MentionIndex(surfaces).find(text)
    spans = [(a, b) for a, b, *_ in found]
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))  # in order, never overlapping


@pytest.fixture(scope="module")
def roadmap(fixture_kb: Path) -> Roadmap:
    return Roadmap.load(fixture_kb)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(), st.sampled_from(FRAGMENTS), huge.map(lambda h: h[:5000])))
def test_topic_lookup_finds_a_topic_or_says_which_is_near(roadmap: Roadmap, name: str) -> None:
    try:
        topic = roadmap.topic(name)
    except UnknownTopicError as exc:
        assert "roadmap topics" in str(exc)
        return
    assert topic.id in roadmap.graph


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                       max_size=3), max_leaves=8)
GRAPH_FIELDS = {"node": ["id", "name", "aliases", "sources", "summary", "stage", "order"],
                "link": ["source", "target", "kind", "strength", "evidence"]}


@given(st.sampled_from(["node", "link"]), st.data())
def test_any_value_in_a_graph_file_is_a_graph_or_an_error_naming_it(tmp_path_factory: pytest.TempPathFactory,
                                                                     where: str, data: st.DataObject) -> None:
    from kb.errors import KnowledgeBaseError
    from kb.store import GRAPH, read_graph, write_json

    graph = {"directed": True, "multigraph": False, "graph": {},
             "nodes": [{"id": "a", "name": "甲", "aliases": [], "sources": [{"document": "d", "heading": "h", "line": 1}],
                        "summary": "", "stage": "", "order": [0, 1]},
                       {"id": "b", "name": "乙", "aliases": ["B"], "sources": [], "summary": "", "stage": "", "order": [0, 2]}],
             "links": [{"source": "a", "target": "b", "kind": "prerequisite", "strength": 1.0,
                        "evidence": [{"kind": "stage", "document": "d", "line": 2, "sentence": "s"}]}]}
    record = graph["nodes"][0] if where == "node" else graph["links"][0]
    record[data.draw(st.sampled_from(GRAPH_FIELDS[where]))] = data.draw(json_values)
    folder = tmp_path_factory.mktemp("graph")
    write_json(folder / GRAPH, graph)
    try:
        read_graph(folder)
    except KnowledgeBaseError as exc:
        assert "graph.json" in str(exc) and "roadmap ingest --rebuild" in str(exc)


@given(st.one_of(json_values, st.dictionaries(st.sampled_from(["id", "document", "title", "heading", "start_line",
                                                               "end_line", "text", "topics"]), json_values)))
def test_any_chunk_line_is_a_chunk_or_an_error_naming_the_file(tmp_path_factory: pytest.TempPathFactory,
                                                               record: object) -> None:
    import json as json_module

    from kb.errors import KnowledgeBaseError
    from kb.store import CHUNKS, read_chunks

    folder = tmp_path_factory.mktemp("chunks")
    (folder / CHUNKS).write_text(json_module.dumps(record) + "\n", encoding="utf-8")
    try:
        read_chunks(folder)
    except KnowledgeBaseError as exc:
        assert "chunks.jsonl" in str(exc) and "line 1" in str(exc)
