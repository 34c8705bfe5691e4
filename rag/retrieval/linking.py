"""Topic linking: which knowledge-graph topics a question is about.

Exact mentions come from the roadmap (names and aliases, Chinese or English,
longest first). Words it does not know verbatim, typos such as "自注意力机智" or
"Tranformer", are matched against every topic name sharing a character pair with
them and kept when the spelling is close (``kb.text.TYPO_SIMILARITY``).
The roadmap's own typo-tolerant ``topic()`` compares a word with every name,
which costs ~10 ms per word; the pair index keeps a whole question under 1 ms.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

import jieba

from kb.model import Topic
from kb.text import CJK_RUN, MIN_TYPO_LATIN, STOPWORDS, TYPO_SIMILARITY, fold

#: Only the start of a very long question is scanned for misspelt topics.
MAX_QUESTION = 300
#: Candidate phrases for fuzzy lookup: 1-3 consecutive words, 3 to 10 characters long.
MAX_WORDS, MIN_CHARS, MAX_CHARS = 3, 3, 10
MAX_CANDIDATES = 12
#: An English word of four letters or more ending in a plural "s".
PLURAL = re.compile(r"\b([A-Za-z][A-Za-z-]{1,}[A-RT-Za-hj-rtv-z])s\b")
LATIN_WORD = re.compile(r"[a-z][a-z0-9+#.-]{3,}")
#: A capitalised word (not the first of the question) right before a mention.
LONGER_NAME = re.compile(r"(?<=\S)\s+[A-Z][A-Za-z0-9]*[ -]$")


#: A question's topics: (mentioned by name or alias, matched as misspellings).
Linked = tuple[list[Topic], list[Topic]]


class TopicGraph(Protocol):
    """The part of ``kb.Roadmap`` topic linking needs."""

    def find_mentions(self, text: str) -> list[Topic]: ...

    def topics(self) -> list[Topic]: ...


class TopicLinker:
    """Links questions to the topics of one roadmap (the name index is built once).

    >>> class Fake:
    ...     sa = Topic("sa", "自注意力机制", ("Self-Attention",))
    ...     def find_mentions(self, text):
    ...         return [self.sa] if "自注意力机制" in text else []
    ...     def topics(self):
    ...         return [self.sa]
    >>> linker = TopicLinker(Fake())
    >>> [t.id for t in linker.link("Self-Atention 怎么学")], [t.id for t in linker.link("今天天气")]
    (['sa'], [])
    """

    def __init__(self, roadmap: TopicGraph) -> None:
        self.roadmap = roadmap
        self.names: dict[str, Topic] = {}
        self.by_pair: dict[str, set[str]] = defaultdict(set)
        for topic in roadmap.topics():
            for name in topic.names:
                folded = _fold(name)
                if len(folded) >= 2:
                    self.names.setdefault(folded, topic)
                    for pair in _pairs(folded):
                        self.by_pair[pair].add(folded)

    def link(self, question: str, limit: int = 5) -> list[Topic]:
        """Topics the question is about: exact mentions first, then close misspellings."""
        mentioned, misspelt = self.link_split(question, limit)
        return mentioned + misspelt

    def link_split(self, question: str, limit: int = 5) -> Linked:
        """The linked topics as (mentioned by name or alias, matched as misspellings)."""
        found = self.roadmap.find_mentions(question)
        singular = singular_words(question)
        if singular != question:  # "loss functions" names the topic "Loss Function"
            known = {t.id for t in found}
            found += [t for t in self.roadmap.find_mentions(singular) if t.id not in known]
        mentioned = {t.id: t for t in found if not _inside_longer_name(question, t)}
        covered = {_fold(n) for t in found for n in t.names}
        misspelt: dict[str, Topic] = {}
        for word in _candidates(question, covered):
            topic = self.closest(word)
            if topic is not None and topic.id not in mentioned:
                misspelt.setdefault(topic.id, topic)
        exact = list(mentioned.values())[:limit]
        return exact, list(misspelt.values())[: limit - len(exact)]

    def closest(self, word: str) -> Topic | None:
        """The topic with a name spelt like ``word`` (``kb.text.TYPO_SIMILARITY``), if any.

        A Latin word shorter than ``kb.text.MIN_TYPO_LATIN`` letters is never a misspelling:
        one letter off, it is usually another word ("time" is not "LIME").
        """
        folded = _fold(word)
        if folded.isascii() and len(folded) < MIN_TYPO_LATIN:
            return None
        pairs = _pairs(folded)
        names = {n for p in pairs for n in self.by_pair.get(p, ())}
        best, best_ratio = None, TYPO_SIMILARITY
        for name in sorted(names):
            if folded in name or name in folded:
                continue  # a part or an extension of a name is another term, not a typo of it
            matcher = difflib.SequenceMatcher(None, folded, name)
            if matcher.real_quick_ratio() >= best_ratio and matcher.ratio() >= best_ratio:
                best, best_ratio = self.names[name], matcher.ratio()
        return best


def singular_words(text: str) -> str:
    """``text`` with English plurals made singular ("functions" -> "function", "LLMs" -> "LLM").

    Only a final "s" after a letter other than s, u or i goes, so "class", "this" and "corpus" stay.

    >>> singular_words("Should I learn loss functions or LLMs first? Is this class fine?")
    'Should I learn loss function or LLM first? Is this class fine?'
    """
    return PLURAL.sub(r"\1", text)


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


def _pairs(text: str) -> Sequence[str]:
    """Adjacent character pairs.

    >>> _pairs("注意力")
    ['注意', '意力']
    """
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _fold(text: str) -> str:
    return fold(text).strip()
