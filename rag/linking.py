"""Topic linking: which knowledge-graph topics a question is about.

Exact mentions come from the roadmap (names and aliases, Chinese or English,
longest first). Words the roadmap does not know verbatim, typos such as
"自注意力机智" or "Tranformer", are looked up with its typo-tolerant ``topic``
and kept only when the spelling is close to one of the topic's names.
"""

from __future__ import annotations

import difflib
import re
from typing import Protocol

import jieba

from kb.errors import RoadmapError
from kb.model import Topic
from rag.lexical import STOPWORDS

#: Only the start of a very long question is scanned for misspelt topics.
MAX_QUESTION = 300

#: Fuzzy matches must be at least this similar to a name of the topic (difflib ratio).
MIN_SIMILARITY = 0.8
#: Candidate phrases for fuzzy lookup: 1-3 consecutive words, 3 to 10 characters long.
MAX_WORDS, MIN_CHARS, MAX_CHARS = 3, 3, 10
MAX_CANDIDATES = 12
LATIN_WORD = re.compile(r"[a-z][a-z0-9+#.-]{3,}")
#: A capitalised word (not the first of the question) right before a mention.
LONGER_NAME = re.compile(r"(?<=\S)\s+[A-Z][A-Za-z0-9]*[ -]$")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


class TopicGraph(Protocol):
    """The part of ``kb.Roadmap`` topic linking needs."""

    def find_mentions(self, text: str) -> list[Topic]: ...

    def topic(self, name: str) -> Topic: ...


def link_topics(roadmap: TopicGraph, question: str, limit: int = 5) -> list[Topic]:
    """Topics the question is about: exact mentions first, then close misspellings.

    >>> class Fake:
    ...     topics = {"自注意力机制": Topic("sa", "自注意力机制", ("Self-Attention",))}
    ...     def find_mentions(self, text):
    ...         return [t for n, t in self.topics.items() if n in text]
    ...     def topic(self, name):
    ...         return self.topics["自注意力机制"]
    >>> [t.id for t in link_topics(Fake(), "Self-Atention 怎么学")]
    ['sa']
    """
    mentioned = roadmap.find_mentions(question)
    linked = {t.id: t for t in mentioned if not _inside_longer_name(question, t)}
    covered = {_fold(n) for t in mentioned for n in t.names}
    for word in _candidates(question, covered):
        topic = _lookup(roadmap, word)
        if topic is not None and topic.id not in linked:
            linked[topic.id] = topic
    return list(linked.values())[:limit]


def _inside_longer_name(question: str, topic: Topic) -> bool:
    """Whether every mention of the topic's English names continues a capitalised name.

    "Decision Transformer" and "Vision Transformer" are models of their own, not
    the Transformer topic; "the Transformer" and a sentence-initial word are fine.

    >>> t = Topic("transformer", "Transformer")
    >>> _inside_longer_name("What is Decision Transformer?", t), _inside_longer_name("Why is the Transformer fast?", t)
    (True, False)
    """
    spans = [m for n in topic.names if n.isascii() for m in re.finditer(re.escape(n), question, re.IGNORECASE)]
    if not spans or any(re.search(re.escape(n), question) for n in topic.names if not n.isascii()):
        return False
    return all(LONGER_NAME.search(question[: m.start()]) for m in spans)


def _candidates(question: str, covered: set[str]) -> list[str]:
    """Latin words and longest-first Chinese word n-grams outside the mentions already linked."""
    text = _fold(question[:MAX_QUESTION])
    for name in sorted(covered, key=len, reverse=True):
        text = text.replace(name, " | ")
    found: dict[str, None] = {}
    for word in LATIN_WORD.findall(text):
        if word not in STOPWORDS:
            found.setdefault(word)
    for run in CJK_RUN.findall(text):
        words = jieba.lcut(run)
        for size in range(MAX_WORDS, 0, -1):
            for start in range(len(words) - size + 1):
                gram = words[start : start + size]
                phrase = "".join(gram)
                edges_ok = gram[0] not in STOPWORDS and gram[-1] not in STOPWORDS
                if edges_ok and MIN_CHARS <= len(phrase) <= MAX_CHARS:
                    found.setdefault(phrase)
    return list(found)[:MAX_CANDIDATES]


def _lookup(roadmap: TopicGraph, word: str) -> Topic | None:
    try:
        topic = roadmap.topic(word)
    except (RoadmapError, KeyError):
        return None
    folded = _fold(word)
    best = max(difflib.SequenceMatcher(None, folded, _fold(n)).ratio() for n in topic.names)
    return topic if best >= MIN_SIMILARITY else None


def _fold(text: str) -> str:
    return text.lower().strip()
