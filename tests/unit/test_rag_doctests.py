"""The runnable examples in the retrieval modules' docstrings (``rag`` is not in pytest's doctest paths)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["rag.lexical", "rag.linking", "rag.snippets", "rag.search", "rag.index", "rag.evaluation", "rag.answer",
           "rag.answer_eval", "rag.prompting", "rag.citations"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
