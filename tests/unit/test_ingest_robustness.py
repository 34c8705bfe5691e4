"""Regression tests of issue 12 item 4–5: document shapes that broke ingest or lost text silently.

Sizes are chosen so the old code would take minutes (or raise); no test measures time
(growth figures come from ``bench/bench_growth.py``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ingest import build
from ingest.edges import cue_sides
from ingest.pipeline import analyse
from ingest.reader import RawDocument, find_documents, parse_text, read_document
from kb.errors import DocumentError
from tests.fixtures import shapes


def analysed(text: str, name: str = "x.md"):  # type: ignore[no-untyped-def]
    return analyse([parse_text(text, name)])


def test_a_list_nested_1000_levels_is_parsed_and_its_text_kept() -> None:
    analysis = analysed(shapes.nested_list(1000))
    text = "\n".join(c.text for c in analysis.chunks)
    assert all(f"层级{i}" in text for i in range(1000))  # deep items stay as text
    assert 10 <= len(analysis.topics) <= 20
    assert any("nested more than 16 levels" in w for w in analysis.warnings)


def test_a_list_of_normal_depth_gives_no_warning(fixture_docs: Path) -> None:
    analysis = analyse([read_document(p) for p in sorted(fixture_docs.iterdir())])
    assert analysis.warnings == []


def test_a_megabyte_without_punctuation_is_analysed() -> None:
    analysis = analysed(shapes.unpunctuated(1_000_000))
    assert sum(len(c.text) for c in analysis.chunks) >= 1_000_000


@pytest.mark.parametrize(("sentence", "sides"), [
    ("线性代数是深度学习的基础", [("线性代数", "深度学习")]),
    ("首先，概率论与线性代数都是机器学习的数学基础，需要掌握", [("概率论与线性代数都", "机器学习")]),
    ("矩阵为向量的工具，梯度为优化的前提", [("矩阵", "向量"), ("梯度", "优化")]),
    ("注意力用于理解Transformer，位置编码用于理解序列", [("注意力", "Transformer"), ("位置编码", "序列")]),
    ("先学Python，再学PyTorch", [("Python", "PyTorch")]),
    ("在学习Transformer之前，需要先掌握注意力", [("需要先掌握注意力", "Transformer")]),
])
def test_cue_sides_find_both_topics_of_each_cue(sentence: str, sides: list[tuple[str, str]]) -> None:
    assert list(cue_sides(sentence)) == sides


def test_cue_far_from_its_topic_is_bounded_not_lost() -> None:
    far = "线性代数" + "之" * 200 + "是深度学习的基础"
    assert list(cue_sides(far)) == [(far[: far.index("是深度")], "深度学习")]
    assert list(cue_sides("线性代数是" + "很" * 200 + "的基础")) == []  # Y is a name, not a paragraph


def test_ten_thousand_headings_make_ten_thousand_topics_and_unique_chunks() -> None:
    analysis = analysed(shapes.many_headings(10_000))
    assert len(analysis.topics) == 10_000
    ids = [c.id for c in analysis.chunks]
    assert len(ids) == len(set(ids)) == 10_000


def test_repeated_lines_get_numbered_chunk_ids(fixture_docs: Path) -> None:
    analysis = analyse([read_document(fixture_docs / "oneline.txt")])
    ids = [c.id for c in analysis.chunks]
    assert len(ids) == len(set(ids)) and "oneline.txt#8-8-2" in ids


def test_a_long_single_line_is_cut_into_chunks_at_sentence_ends() -> None:
    line = shapes.long_line(700_000)
    chunks = analysed(line).chunks
    assert "".join(c.text for c in chunks) == line.strip()  # nothing lost, nothing added
    assert max(len(c.text) for c in chunks) <= 450 and all(c.text.endswith("。") for c in chunks)


def test_a_long_line_without_punctuation_is_cut_too() -> None:
    chunks = analysed(shapes.unpunctuated(5_000)).chunks
    assert max(len(c.text) for c in chunks) <= 450 and len(chunks) >= 11


@pytest.mark.parametrize("block", [
    "```python\n" + "x = 1  # 注释。\n" * 200 + "```",
    "| 列 | 说明 |\n| --- | --- |\n" + "| 行 | 很长的说明。 |\n" * 150,
    "$$\n" + "a + b = c。" * 200 + "\n$$",
])
def test_code_tables_and_formulas_stay_whole_however_long(block: str) -> None:
    chunks = analysed(f"# 标题\n\n## 小节\n\n{block}\n").chunks
    assert [c.text for c in chunks] == [block.strip()]


@pytest.mark.parametrize("marks", ["##", "###"])
def test_headings_pasted_on_one_line_become_topics_and_chunks(marks: str) -> None:
    analysis = analysed(shapes.inline_headings(20, marks))
    assert sorted(t.name for t in analysis.topics.values()) == sorted(f"主题{i}" for i in range(20))
    assert [c.text for c in analysis.chunks] == [f"内容{i}。" for i in range(20)]


def test_a_heading_mark_inside_a_sentence_or_code_is_not_split() -> None:
    text = "# 标题\n\n这里 ## 是标题语法，### 也是。\n\n```\n## a ## b\n```\n"
    analysis = analysed(text)
    assert [t.name for t in analysis.topics.values()] == []
    assert "## a ## b" in analysis.chunks[0].text and "这里 ## 是标题语法" in analysis.chunks[0].text


def test_a_document_leaving_no_passage_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "only-headings.md").write_text("## 乙 甲\n\n## 丙 丁\n")
    (tmp_path / "docs" / "fine.md").write_text("# 丁\n正文。\n")
    report = build([tmp_path / "docs"], tmp_path / "kb")
    assert [w for w in report.warnings if "searchable" in w] == [
        "only-headings.md: none of its text is searchable (no passage outside headings); "
        "check its line breaks and heading marks."]


def test_nul_bytes_after_the_first_8_kb_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.md"
    path.write_bytes(("# 标题\n" + "正文。" * 3000).encode() + b"\x00tail")
    with pytest.raises(DocumentError, match="late-nul.md.*NUL"):
        read_document(path)


def outside_and_docs(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    (outside / "secret-dir").mkdir(parents=True)
    (outside / "secret.md").write_text("# 秘密\n不该被读到的内容。\n")
    (outside / "secret-dir" / "inner.md").write_text("# 内部\n也不该被读到。\n")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "real.md").write_text("# 真实\n正文。\n")
    return outside, docs


@pytest.mark.parametrize(("name", "target"), [
    ("passwd.md", "/etc/passwd"),
    ("abs.md", "{outside}/secret.md"),
    ("sub/rel.md", "../../outside/secret.md"),
    ("dir-link", "{outside}/secret-dir"),
    ("sub/dir-rel", "../../outside/secret-dir"),
    ("dangling.md", "{outside}/missing.md"),
    ("loop.md", "loop.md"),
])
def test_links_inside_a_documents_folder_are_not_followed(tmp_path: Path, name: str, target: str) -> None:
    outside, docs = outside_and_docs(tmp_path)
    os.symlink(target.format(outside=outside), docs / name)
    found, warnings = find_documents([docs])
    assert found == [docs / "real.md"]
    assert [w for w in warnings if "symbolic link" in w and name in w and "not followed" in w]


def test_a_folder_named_like_a_document_and_a_fifo_are_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "y.md").mkdir(parents=True)
    (docs / "y.md" / "inner.md").write_text("# 内部\n正文。\n")
    (docs / "real.md").write_text("# 真实\n正文。\n")
    os.mkfifo(docs / "pipe.md")
    report = build([docs], tmp_path / "kb")
    assert [d["name"] for d in report.documents] == ["real.md"]
    joined = "\n".join(report.warnings)
    assert "y.md: a folder named like a document" in joined and "pipe.md: not a regular file" in joined


def test_a_link_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    outside, docs = outside_and_docs(tmp_path)
    os.symlink(outside / "secret.md", tmp_path / "chosen.md")
    found, warnings = find_documents([tmp_path / "chosen.md", tmp_path / "docs" / ".." / "outside" / "secret.md"])
    assert found == [outside / "secret.md", tmp_path / "docs" / ".." / "outside" / "secret.md"] and not warnings


def test_a_named_file_that_is_not_a_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    found, warnings = find_documents([tmp_path / "passwd"])
    assert found == [] and warnings == [f"{tmp_path / 'passwd'}: not a .md, .markdown or .txt document; skipped."]


def test_a_link_swapped_in_after_listing_is_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "late.md"
    os.symlink("/etc/passwd", link)
    with pytest.raises(DocumentError, match="late.md: a symbolic link"):
        read_document(link)


def test_hidden_folders_are_not_read(tmp_path: Path, fixture_docs: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(fixture_docs, docs)
    (docs / ".git").mkdir()
    (docs / ".git" / "notes.md").write_text("# 隐藏\n正文。\n")
    found, _ = find_documents([docs])
    assert sorted(p.name for p in found) == sorted(p.name for p in fixture_docs.iterdir())
    assert isinstance(read_document(found[0]), RawDocument)


def test_a_deeply_indented_numbered_list_is_reflowed_in_linear_time() -> None:
    # Found by the property tests: each indented line of 2,000+ blanks was rescanned from
    # every blank by the inline-bullet pattern of the one-line-article reflow.
    text = "# 深\n" + "\n".join(" " * (3 * i) + f"1. **项{i}**" for i in range(1500))
    analysis = analysed(text)
    assert len(analysis.topics) >= 1 and any("nested" in w for w in analysis.warnings)
