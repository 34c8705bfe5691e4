"""Find topics by name: exact, alias, normalised, prefix and typo-tolerant; and in free text.

>>> index = MentionIndex([("自注意力机制", "sa"), ("Self-Attention", "sa"), ("注意力", "att"), ("RNN", "rnn")])
>>> [(text, tid) for _, _, text, tid in index.find("理解Self-Attention与自注意力机制，RNNs不算")]
[('Self-Attention', 'sa'), ('自注意力机制', 'sa')]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

WORD = re.compile(r"[0-9a-z]")


def fold(text: str) -> str:
    """Lower-case, width-folded text for matching (length-preserving for CJK and ASCII).

    >>> fold("ＢＥＲＴ模型")
    'bert模型'
    """
    return unicodedata.normalize("NFKC", text).lower()


class MentionIndex:
    """Longest-first, non-overlapping matching of surface forms in text.

    Surfaces sit in a character trie, so ``find`` walks the text once whatever the number
    of topics (one ``str.find`` per surface made 10,000 headings take 18.8 s).
    """

    def __init__(self, surfaces: Iterable[tuple[str, str]]) -> None:
        table: dict[str, str] = {}
        for surface, topic_id in surfaces:
            key = fold(surface).strip()
            if len(key) >= 2 and key not in table:
                table[key] = topic_id
        self._table = table
        self._ordered = sorted(table, key=len, reverse=True)
        self._trie = _trie(self._ordered)
        # Positions where some surface can start, found at C speed (most characters start none).
        self._starts = re.compile("[" + "".join(re.escape(c) for c in self._trie) + "]") if table else None

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, matched text, topic id)`` for each mention, in text order."""
        folded = fold(text)
        if len(folded) != len(text):  # NFKC changed lengths: match on the folded text only
            text = folded
        taken = bytearray(len(folded))
        found = []
        # Longer surfaces first (ties: first added), each left to right; a mention overlapping
        # one already taken is skipped.
        for rank, start, end in sorted(self._occurrences(folded)):
            surface = self._ordered[rank]
            if not any(taken[start:end]) and _bounded(folded, start, end, surface):
                taken[start:end] = b"\x01" * (end - start)
                found.append((start, end, text[start:end], self._table[surface]))
        return sorted(found)

    def _occurrences(self, folded: str) -> Iterator[tuple[int, int, int]]:
        """``(rank, start, end)`` of every occurrence of every surface, overlaps included."""
        if self._starts is None:
            return
        trie, size = self._trie, len(folded)
        for match in self._starts.finditer(folded):
            start = match.start()
            node = trie.get(folded[start])
            end = start + 1
            while node is not None:
                if _END in node:
                    yield node[_END], start, end
                if end == size:
                    break
                node = node.get(folded[end])
                end += 1

    def topic_ids(self, text: str) -> list[str]:
        """Distinct topic ids mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(tid for *_, tid in self.find(text)))


_END = ""  # trie key marking where a surface ends (no character is the empty string)


def _trie(surfaces: list[str]) -> dict[str, Any]:
    """Nested dicts, one level per character; ``_END`` holds the surface's rank.

    >>> _trie(["ab", "a"])
    {'a': {'b': {'': 0}, '': 1}}
    """
    root: dict[str, Any] = {}
    for rank, surface in enumerate(surfaces):
        node = root
        for char in surface:
            node = node.setdefault(char, {})
        node[_END] = rank
    return root


def _bounded(text: str, start: int, end: int, surface: str) -> bool:
    """Latin surfaces must not sit inside a longer word (``RNN`` in ``RNNs``)."""
    if WORD.match(surface[0]) and start > 0 and WORD.match(text[start - 1]):
        return False
    if WORD.match(surface[-1]) and end < len(text) and WORD.match(text[end]):
        return False
    return True


def closest(name: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """Topic ids whose normalised names are closest to ``name`` (for suggestions).

    ``candidates`` maps a normalised surface form to a topic id.

    >>> closest("自注意", {"自注意力": "sa", "多头注意力": "mha", "线性代数": "la"}, limit=1)
    ['sa']
    """
    scored: dict[str, float] = {}
    for surface, topic_id in candidates.items():
        score = difflib.SequenceMatcher(None, name, surface).ratio()
        if surface.startswith(name) or name.startswith(surface):
            score += 0.5
        scored[topic_id] = max(scored.get(topic_id, 0.0), score)
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    return [topic_id for topic_id, score in ranked[:limit] if score >= 0.45]
