"""Snippets: the few sentences of a chunk that answer the question.

The answering model reads about 90 tokens per second on this CPU, so each
retrieved chunk is cut down to its best window of consecutive sentences,
scored by the question words it contains (weighted by BM25's idf) and the
linked topic names it mentions.

>>> weights = {"softmax": 2.0, "注意力": 1.0}
>>> text = "注意力权重由打分得到。Softmax把分数变成和为1的权重。其余内容与问题无关，只是凑长度的句子。"
>>> best_snippet(text, weights, budget=40)
'注意力权重由打分得到。Softmax把分数变成和为1的权重。'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.lexical import tokenize

#: A sentence ends after Chinese or Western end punctuation, or at a line break.
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.:：](?=\s))|\n+")


def split_sentences(text: str) -> list[str]:
    """Sentences and list lines of ``text``, without empty pieces.

    >>> split_sentences("第一句。第二句！\\n- 列表项\\nEnd. Next")
    ['第一句。', '第二句！', '- 列表项', 'End.', 'Next']
    """
    return [text[a:b] for a, b in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, surrounding blanks excluded."""
    spans, start = [], 0
    for boundary in [*(m.start() for m in SENTENCE_END.finditer(text)), len(text)]:
        piece = text[start:boundary]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = boundary
    return spans


def best_snippet(
    text: str,
    weights: Mapping[str, float],
    budget: int,
    names: Sequence[str] = (),
    name_weight: float = 2.0,
) -> str:
    """The best window of consecutive sentences of ``text`` within ``budget`` characters.

    ``weights`` maps query tokens to their weight; ``names`` (linked topic names)
    add ``name_weight`` to a sentence that contains them. Text that fits is returned
    whole; with no matching word, the start of the text is. The window is a slice
    of ``text``, so its formatting is kept.
    """
    text = text.strip()
    if len(text) <= budget:
        return text
    spans = sentence_spans(text)
    scores = [_score(text[a:b], weights, names, name_weight) for a, b in spans]
    best, best_score = (0, 1), -1.0
    for first in range(len(spans)):
        last, total = first, 0.0
        while last < len(spans) and spans[last][1] - spans[first][0] <= budget:
            total += scores[last]
            last += 1
        if last == first:  # a single sentence longer than the budget
            total, last = scores[first], first + 1
        if total > best_score + 1e-9:
            best, best_score = (first, last), total
    window = text[spans[best[0]][0] : spans[best[1] - 1][1]]
    return window if len(window) <= budget else _cut(window, weights, budget)


def _score(sentence: str, weights: Mapping[str, float], names: Sequence[str], name_weight: float) -> float:
    folded = sentence.lower()
    score = sum(weights.get(t, 0.0) for t in set(tokenize(sentence)))
    return score + name_weight * sum(1 for n in names if n.lower() in folded)


def _cut(sentence: str, weights: Mapping[str, float], budget: int) -> str:
    """A ``budget``-long piece of an over-long sentence, starting a little before its best word."""
    folded = sentence.lower()
    hits = [(w, folded.find(t)) for t, w in weights.items() if t in folded]
    start = max(hits)[1] if hits else 0
    start = max(0, min(start - budget // 4, len(sentence) - budget))
    return sentence[start : start + budget]
