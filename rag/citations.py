"""Citations: the numbered passages an answer may cite, and the ``[n]`` markers that cite them.

>>> cited_numbers("先学自注意力[2]，再学多头注意力【1】[2, 3]。")
[2, 1, 3]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.prompting import NOT_COVERED, question_language

_MARKER = re.compile(r"[\[【［]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
_NOT_COVERED_PHRASES = ("没有涉及", "未涉及", "没有提到", "do not cover", "don't cover", "does not cover")


@dataclass(frozen=True)
class Citation:
    """A passage an answer cites, numbered as in the text ("[1]")."""

    n: int  #: the number used in the answer text
    document: str  #: file name of the document
    heading: str  #: heading path, e.g. "大模型进阶之路 › Transformer › 多头注意力"
    lines: str  #: line range in the document, e.g. "12-18"
    snippet: str  #: the text shown to the model / quoted


def cited_numbers(text: str) -> list[int]:
    """Citation numbers in ``text``, in order of first appearance.

    >>> cited_numbers("先学自注意力[2]，再学多头注意力【1】[2, 3]。")
    [2, 1, 3]
    """
    found: dict[int, None] = {}
    for match in _MARKER.finditer(text):
        for number in re.split(r"[,，、]", match.group(1)):
            found.setdefault(int(number))
    return list(found)


def cite(text: str, passages: Sequence[Citation], covered: bool = True) -> tuple[Citation, ...]:
    """The passages ``text`` cites; the top passage when it cites none (nothing when not covered).

    Markers without a passage (``[9]`` of four) are ignored, never invented.
    """
    if not covered or not passages or only_not_covered(text):
        return ()
    numbers = [n for n in cited_numbers(text) if 1 <= n <= len(passages)]
    if numbers:
        return tuple(passages[n - 1] for n in numbers)
    return () if says_not_covered(text) else (passages[0],)


def says_not_covered(text: str) -> bool:
    """Whether the answer says the documents do not cover the question."""
    lowered = text.lower()
    return any(p in lowered for p in _NOT_COVERED_PHRASES)


def only_not_covered(text: str) -> bool:
    """Whether the answer is just the not-covered statement (perhaps with a stray marker)."""
    bare = _MARKER.sub("", text).strip(" 。.\n")
    return says_not_covered(bare) and len(bare) <= len(NOT_COVERED[question_language(bare)]) + 8


def not_covered_text(lang: str) -> str:
    """The plain statement that the documents do not cover the question."""
    return NOT_COVERED[lang] + ("。" if lang == "zh" else ".")
