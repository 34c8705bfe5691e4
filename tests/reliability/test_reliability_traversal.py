"""Path traversal through the real ``roadmap ingest``: links out of the documents folder
(absolute, relative with ``..``, to a folder, to /etc/passwd) are reported and never read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ui.cli import main


def test_ingest_never_reads_outside_the_documents_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    (outside / "secrets").mkdir(parents=True)
    (outside / "secret.md").write_text("# 机密主题\n机密内容不该出现。\n")
    (outside / "secrets" / "inner.md").write_text("# 内部主题\n内部内容不该出现。\n")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "roadmap.md").write_text("# 路线\n\n## 线性代数\n\n矩阵运算。\n")
    links = {"passwd.md": "/etc/passwd", "abs.md": str(outside / "secret.md"),
             "sub/up.md": "../../outside/secret.md", "etc": "/etc", "sub/secrets": "../../outside/secrets"}
    for name, target in links.items():
        os.symlink(target, docs / name)
    (docs / "folder.md").mkdir()
    (docs / "folder.md" / "inside.md").write_text("# 文件夹主题\n不该读到。\n")

    kb = tmp_path / "kb"
    assert main(["ingest", str(docs), "--kb", str(kb), "--no-index", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in report["documents"]] == ["roadmap.md"]
    for name in links:
        assert any(name in w and "symbolic link" in w for w in report["warnings"]), name
    chunks = (kb / "current" / "chunks.jsonl").read_text(encoding="utf-8")
    assert "root:" not in chunks and "机密" not in chunks and "内部" not in chunks and "文件夹" not in chunks
    assert main(["topics", "--kb", str(kb), "--json"]) == 0
    assert [t["name"] for t in json.loads(capsys.readouterr().out)] == ["线性代数"]
