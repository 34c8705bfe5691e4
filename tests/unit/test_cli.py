"""The ``roadmap`` CLI: every command, text and stable JSON, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_json_summary(tmp_path: Path, fixture_docs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ingest", str(fixture_docs), "--kb", str(tmp_path), "--no-index", "--json")
    report = json.loads(out)
    assert code == 0 and len(report["documents"]) == 4 and report["topics"] > 10


def test_ingest_if_missing_keeps_existing(tmp_path: Path, fixture_docs: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "ingest", str(fixture_docs / "article.md"), "--kb", str(tmp_path), "--no-index")
    code, _, err = run(capsys, "ingest", "--if-missing", "--kb", str(tmp_path), "--no-index")
    assert code == 0 and "already" in err


def test_topics_show_path_next_explain_export(fixture_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = ["--kb", str(fixture_kb)]
    _, out, _ = run(capsys, "topics", *kb, "--json")
    topics = json.loads(out)
    assert {"id", "name", "aliases", "sources"} <= set(topics[0])
    _, out, _ = run(capsys, "show", "attention", *kb, "--json")
    shown = json.loads(out)
    assert shown["name"] == "注意力机制" and "反向传播" in shown["prerequisites"]
    _, out, _ = run(capsys, "path", "注意力机制", "--know", "感知机", *kb, "--json")
    path = json.loads(out)
    assert path["steps"][-1]["topic"]["name"] == "注意力机制"
    assert all(step["reason"] for step in path["steps"])
    _, out, _ = run(capsys, "path", "注意力机制", *kb)
    assert "为什么" in out
    _, out, _ = run(capsys, "next", "--know", "数学准备", *kb, "--json")
    assert isinstance(json.loads(out), list)
    _, out, _ = run(capsys, "explain", "感知机", "注意力机制", *kb)
    assert "感知机" in out
    for fmt, marker in (("json", '"nodes"'), ("graphml", "<graphml"), ("mermaid", "graph LR")):
        _, out, _ = run(capsys, "export", "--format", fmt, *kb)
        assert marker in out


def test_user_errors_are_one_clear_line(tmp_path: Path, fixture_kb: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "神经网路结构", "--kb", str(fixture_kb))
    assert code == 2 and "Did you mean" in err and "Traceback" not in err
    code, _, err = run(capsys, "topics", "--kb", str(tmp_path / "none"))
    assert code == 2 and "roadmap ingest" in err
    code, _, err = run(capsys, "ingest", str(tmp_path / "missing"), "--kb", str(tmp_path / "kb"), "--no-index")
    assert code == 2 and "no such file" in err and "unchanged" in err
