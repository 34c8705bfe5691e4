"""Shared fixtures: fixture documents, the real corpus, and knowledge bases built from them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DOCS = ROOT / "tests" / "fixtures" / "docs"
CORPUS = Path(os.environ.get("ROADMAP_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def fixture_docs() -> Path:
    """Small documents written for the tests, one per seed format."""
    return FIXTURE_DOCS


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The five real roadmap documents (``../shared/corpus``); skipped with a reason where absent."""
    if not CORPUS.is_dir() or not any(CORPUS.iterdir()):
        pytest.skip(f"the real corpus is not at {CORPUS} (set ROADMAP_CORPUS); .ci/run requires it")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_kb(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base (graph and chunks, no embeddings) built from the real corpus."""
    from ingest import build

    kb_dir = tmp_path_factory.mktemp("corpus-kb")
    build([corpus_dir], kb_dir)
    return kb_dir


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base built from the fixture documents."""
    from ingest import build

    kb_dir = tmp_path_factory.mktemp("fixture-kb")
    build([FIXTURE_DOCS], kb_dir)
    return kb_dir


@pytest.fixture(scope="session")
def rm(fixture_kb: Path) -> Any:
    """The ``kb.Roadmap`` of the fixture knowledge base (loaded once)."""
    from kb import Roadmap

    return Roadmap.load(fixture_kb)
