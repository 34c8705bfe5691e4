"""The runnable examples in the retrieval modules' docstrings (``rag`` is not in pytest's doctest paths)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["rag.retrieval.lexical", "rag.retrieval.linking", "rag.retrieval.snippets", "rag.retrieval.search",
           "rag.retrieval.index", "evals.retrieval", "rag.answering.preparing", "rag.answering.extractive",
           "rag.answering.stream", "evals.answers", "rag.answering.prompting", "rag.answering.citations"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
