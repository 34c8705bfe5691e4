"""Find topics by name: exact, alias, normalised, prefix and typo-tolerant; and in free text.

>>> index = MentionIndex([("自注意力机制", "sa"), ("Self-Attention", "sa"), ("注意力", "att"), ("RNN", "rnn")])
>>> [(text, tid) for _, _, text, tid in index.find("理解Self-Attention与自注意力机制，RNNs不算")]
[('Self-Attention', 'sa'), ('自注意力机制', 'sa')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.text import SUGGESTION_SIMILARITY, fold, similarity

__all__ = ["MentionIndex", "closest", "fold"]

WORD = re.compile(r"[0-9a-z]")


class MentionIndex:
    """Longest-first, non-overlapping matching of surface forms in text."""

    def __init__(self, surfaces: Iterable[tuple[str, str]]) -> None:
        table: dict[str, str] = {}
        for surface, topic_id in surfaces:
            key = fold(surface).strip()
            if len(key) >= 2 and key not in table:
                table[key] = topic_id
        self._table = table
        self._ordered = sorted(table, key=len, reverse=True)

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, matched text, topic id)`` for each mention, in text order."""
        folded = fold(text)
        if len(folded) != len(text):  # NFKC changed lengths: match on the folded text only
            text = folded
        taken = bytearray(len(folded))
        found = []
        for surface in self._ordered:
            start = folded.find(surface)
            while start >= 0:
                end = start + len(surface)
                if not any(taken[start:end]) and _bounded(folded, start, end, surface):
                    taken[start:end] = b"\x01" * (end - start)
                    found.append((start, end, text[start:end], self._table[surface]))
                start = folded.find(surface, start + 1)
        return sorted(found)

    def topic_ids(self, text: str) -> list[str]:
        """Distinct topic ids mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(tid for *_, tid in self.find(text)))


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
        score = similarity(name, surface)
        if surface.startswith(name) or name.startswith(surface):
            score += 0.5
        scored[topic_id] = max(scored.get(topic_id, 0.0), score)
    ranked = sorted(scored.items(), key=lambda item: -item[1])
    return [topic_id for topic_id, score in ranked[:limit] if score >= SUGGESTION_SIMILARITY]
