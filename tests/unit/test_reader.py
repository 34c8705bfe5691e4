"""Reading documents: encodings, front matter, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.reader import MAX_BYTES, find_documents, read_document
from kb.errors import DocumentError


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.md", "\ufeff# 标题\r\n正文".encode()))
    assert doc.text == "# 标题\n正文"


def test_gb18030_fallback(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.txt", "# 线性代数\n矩阵".encode("gb18030")))
    assert doc.text.startswith("# 线性代数")


def test_front_matter_becomes_metadata_and_keeps_line_numbers(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.md", "---\ntitle: 笔记\ndate: 2025-01-01\n---\n# 一\n".encode()))
    assert doc.metadata["title"] == "笔记"
    assert doc.body_start_line == 5


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"", "no text"),
    (b"   \n\n", "no text"),
    ("---\ntitle: 空\n---\n".encode(), "only front matter"),
    (b"\xff\xfe\xfa\xfb\xfc" * 10 + b"\x81\x30", "neither UTF-8 nor GB18030"),
])
def test_bad_files_name_the_problem(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=message) as info:
        read_document(write(tmp_path, "bad.md", data))
    assert "bad.md" in str(info.value) and "skipped" in str(info.value)


def test_oversized_document_is_refused_with_the_fix(tmp_path: Path) -> None:
    big = write(tmp_path, "big.md", ("# 标题\n" + "很长的内容。" * (MAX_BYTES // 6)).encode())
    with pytest.raises(DocumentError, match="Split it"):
        read_document(big)


def test_find_documents_reports_missing_and_foreign_files(tmp_path: Path) -> None:
    write(tmp_path, "a.md", b"# a")
    write(tmp_path, "b.pdf", b"%PDF")
    (tmp_path / "empty").mkdir()
    found, warnings = find_documents([tmp_path, tmp_path / "empty", tmp_path / "nope"])
    assert [p.name for p in found] == ["a.md"]
    assert any("b.pdf" in w for w in warnings)
    assert any("empty" in w and "no .md" in w for w in warnings)
    assert any("nope" in w and "no such" in w for w in warnings)
