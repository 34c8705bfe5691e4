"""Ingest as a whole: reports, duplicates, contradictions, and atomic replacement."""

from __future__ import annotations

import shutil
from pathlib import Path
from unittest import mock

import pytest

from ingest import build
from kb import IngestError, Roadmap
from kb.store import resolve


def test_report_counts_and_bad_files_do_not_stop_the_rest(tmp_path: Path, fixture_docs: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(fixture_docs, docs)
    (docs / "copy.md").write_bytes((docs / "headings.md").read_bytes())
    (docs / "empty.md").write_text("")
    (docs / "binary.txt").write_bytes(b"\x00\x01\x02")
    report = build([docs], tmp_path / "kb")
    assert len(report.documents) == 4 and report.topics > 10 and report.chunks > 5
    assert set(report.edges) == {"part_of", "prerequisite"}
    joined = "\n".join(report.warnings)
    assert "duplicate" in joined and "empty.md" in joined and "binary.txt" in joined


def test_cycle_between_documents_is_resolved_by_evidence(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# 甲\n\n## 正文\n\n甲乙知识是丙丁知识的基础。\n\n### 甲乙知识\n\n### 丙丁知识\n")
    (tmp_path / "b.md").write_text("# 乙\n\n## 正文\n\n### 丙丁知识\n\n### 甲乙知识\n")
    report = build([tmp_path], tmp_path / "kb")
    rm = Roadmap.load(tmp_path / "kb")
    kept = rm.explain("甲乙知识", "丙丁知识")
    assert kept and "明确" in kept[0]
    assert len(report.dropped) == 1 and "cycle" in report.dropped[0]["reason"]


def test_no_usable_documents_writes_nothing(tmp_path: Path, fixture_docs: Path) -> None:
    build([fixture_docs], tmp_path / "kb")
    before = resolve(tmp_path / "kb")
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="unchanged"):
        build([tmp_path / "empty"], tmp_path / "kb")
    assert resolve(tmp_path / "kb") == before


def test_failed_ingest_leaves_previous_knowledge_base_intact(tmp_path: Path, fixture_docs: Path) -> None:
    build([fixture_docs / "headings.md"], tmp_path / "kb")
    topics_before = {t.name for t in Roadmap.load(tmp_path / "kb").topics()}
    with mock.patch("ingest.build.write_chunks", side_effect=OSError("disk full")), pytest.raises(OSError):
        build([fixture_docs], tmp_path / "kb")
    assert {t.name for t in Roadmap.load(tmp_path / "kb").topics()} == topics_before
    assert not [p for p in (tmp_path / "kb" / "versions").iterdir() if p.name.startswith(".staging")]


def test_rebuild_replaces_and_prunes_old_versions(tmp_path: Path, fixture_docs: Path) -> None:
    for _ in range(3):
        build([fixture_docs], tmp_path / "kb")
    assert len(list((tmp_path / "kb" / "versions").iterdir())) <= 2


def test_large_document_is_skipped_and_reported(tmp_path: Path, fixture_docs: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(fixture_docs, docs)
    (docs / "huge.md").write_text("# 巨大\n" + "内容很多。" * 1_100_000)
    report = build([docs], tmp_path / "kb")
    assert any("huge.md" in w and "MB" in w for w in report.warnings)
    assert len(report.documents) == 4
