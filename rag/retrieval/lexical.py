"""Lexical side of retrieval: a Chinese/English tokenizer and the BM25 index over chunks.

``tokenize`` lower-cases, cuts Chinese with jieba's search mode (a word and its
sub-words, so 自注意力机制 also matches 注意力), keeps English words and
hyphenated terms whole, and drops punctuation and question words.

>>> tokenize("什么是Self-Attention？")
['self-attention', 'self', 'attention']
>>> tokenize("自注意力机制")
['自', '注意', '注意力', '机制']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import jieba
import numpy as np

from kb.model import Chunk
from kb.text import STOPWORDS, cjk_share

jieba.setLogLevel(logging.WARNING)

LATIN = re.compile(r"[a-z0-9][a-z0-9+#.]*(?:-[a-z0-9+#.]+)*")
TERM = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.]*(?:-[A-Za-z0-9+#.]+)*")

def tokenize(text: str) -> list[str]:
    """Search tokens of ``text`` (see module docstring)."""
    lowered = text.lower()
    tokens: list[str] = []
    for piece in _cut(lowered):
        if LATIN.fullmatch(piece):
            if piece not in STOPWORDS:
                tokens.append(piece)
                if "-" in piece:
                    tokens.extend(p for p in piece.split("-") if p and p not in STOPWORDS)
        elif piece.strip() and _is_word(piece) and piece not in STOPWORDS:
            tokens.append(piece)
    return tokens


def query_tokens(question: str, corpus_is_chinese: bool) -> list[str]:
    """Tokens of a question for BM25 over a corpus.

    An English question over a Chinese corpus keeps only its technical terms
    (written with a capital or a digit: NeurIPS, SHAP, GPT-4): in Chinese
    documents, English appears as names of things, and common words like "model"
    or "large" match only code and book titles, which drowns the dense ranking.

    >>> query_tokens("Which tools explain decisions, like SHAP or GPT-4?", corpus_is_chinese=True)
    ['shap', 'gpt-4', 'gpt', '4']
    >>> query_tokens("Which tools explain decisions?", corpus_is_chinese=False)
    ['tools', 'explain', 'decisions']
    """
    tokens = tokenize(question)
    if not corpus_is_chinese or cjk_share(question) >= 0.2:
        return tokens
    technical = {t for word in TERM.findall(question) if not word.islower() for t in tokenize(word)}
    return [t for t in tokens if t in technical]


def occurs(word: str, text: str) -> bool:
    """Whether ``word`` is in ``text``; a Latin word must start a word there ("tune" is not in "finetuning").

    >>> occurs("tune", "finetuning"), occurs("model", "large models"), occurs("量化", "模型量化")
    (False, True, True)
    """
    if not word.isascii():
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word), text) is not None


def _cut(text: str) -> list[str]:
    """jieba search-mode pieces, with hyphenated latin terms re-joined first."""
    pieces: list[str] = []
    position = 0
    for match in LATIN.finditer(text):
        if "-" in match.group():
            pieces += jieba.lcut_for_search(text[position : match.start()])
            pieces.append(match.group())
            position = match.end()
    pieces += jieba.lcut_for_search(text[position:])
    return pieces


def _is_word(piece: str) -> bool:
    return any(ch.isalnum() for ch in piece)


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first query."""
    jieba.initialize()


class LexicalIndex:
    """BM25 (``rank_bm25.BM25Okapi``, default parameters) over the chunk texts, jieba-tokenized.

    LangChain's ``BM25Retriever`` holds the same model but returns neither scores nor idf,
    which fusion and snippet choice need, so the model is used directly.
    """

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        from rank_bm25 import BM25Okapi

        warm_up()
        self.chunks = tuple(chunks)
        #: whether the documents are mostly Chinese (then English questions keep only technical terms)
        self.chinese = cjk_share("".join(c.text[:200] for c in chunks[:500])) >= 0.5
        # rank_bm25 divides by the corpus size: an empty knowledge base gets a dummy document
        texts = [c.prefixed_text for c in chunks] or ["empty"]
        self.vectorizer: Any = BM25Okapi([tokenize(t) for t in texts])  #: the BM25 model

    def ranked(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        """``(row, BM25 score)`` of the best ``k`` chunks with a positive score."""
        if not tokens or not self.chunks:
            return []
        scores = self.vectorizer.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (0 for tokens never seen)."""
        return float(self.vectorizer.idf.get(token, 0.0))
