"""Grounding: every generated sentence checked against the passages and graph facts the model was given.

A sentence is **supported** when

1. every *specific* it states — a number, a year, a Latin name (PyTorch, NeurIPS,
   Transformer-XL), a title in 《》 or quotes — occurs in the given texts, and
2. its wording is there: most of its character pairs (Chinese) or of its technical
   terms (English) occur in one given text, or, with an ``Encoder``, it restates one
   of their sentences by meaning (the embedder's calibrated ``restatement`` bounds).
   Words it repeats from the question are left out of that share (a sentence may
   restate what was asked); a sentence that only repeats the question is not supported.

Anything else is unsupported: **removed** from the text (or, with ``remove=False``,
marked with ``MARK``) and listed apart, so what a learner reads is what the documents
say. Sentences that only talk about citations ("来源编号：[1]") are dropped unjudged.

>>> texts = ["知识蒸馏可以将大模型的知识迁移到小模型中。"]
>>> g = ground("知识蒸馏可以把大模型的知识迁移到小模型中[1]。它由Hinton在2015年提出[1]。", texts)
>>> g.unsupported
('它由Hinton在2015年提出[1]。',)
>>> print(g.text)
知识蒸馏可以把大模型的知识迁移到小模型中[1]。
>>> print(ground("它由Hinton在2015年提出。", texts, remove=False).text)
它由Hinton在2015年提出。（资料中未找到依据）
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.answering.citations import Encoder, says_not_covered
from rag.answering.specifics import FUNCTION_WORDS, LATIN, MARKER, fold, missing_specifics, specifics, unmarked
from rag.retrieval.lexical import occurs
from rag.retrieval.snippets import split_sentences, without_instructions

#: Appended to an unsupported sentence, per answer language.
MARK = {"zh": "（资料中未找到依据）", "en": " (not found in the documents)"}
#: A Chinese sentence is worded from a text holding at least this share of its character pairs.
PAIR_SHARE = 0.5
#: An English sentence is worded from a text holding at least this share of its terms.
TERM_SHARE = 0.5
#: Sentences shorter than this (Chinese characters, or Latin words) say too little to judge.
MIN_CJK, MIN_WORDS = 4, 3

_CJK = re.compile(r"[\u3400-\u9fff]")
#: A sentence with the citation markers written after its end mark.
_SENTENCE = re.compile(r".+?(?:[。！？!?]+|\.(?=\s|$)|$)(?:[ \t]*" + MARKER.pattern + r")*", re.MULTILINE)
#: Words announcing a citation inside a sentence ("，来源编号为[1]"): the marker alone says it.
_CITE_PHRASE = re.compile(r"[，,]?\s*(?:来源编号|来源|出处|引用|source)\s*(?:为|是|:|：)?\s*(?=[\[【［]\s*\d)", re.IGNORECASE)
#: A "sentence" that is only a list number ("2.") left by the sentence splitter.
_BARE_ENUMERATOR = re.compile(r"^\s*\d{1,2}[.)、]?\s*$")
#: Words of a sentence that only talks about its citations ("这些内容来自[2]和[3]。", "Source: [1]").
_CITATION_TALK = re.compile(
    r"^(?:[\s:：,，、.。和与及]|这些|以上|上述|内容|信息|资料|来源|编号|来自|出自|分别|参见|见|为|是"
    r"|sources?|see|from|passages?|and|the|these|this|is|are|it|stated|mentioned|said|in|as|both|first|second|third"
    r"|roadmap|facts?|documents?|graph|according|to)*$", re.IGNORECASE)
#: Words of a lead-in to a list ("各阶段的主题分别如下：", "The passages list several tools:") besides the question's.
_LEAD_IN = re.compile(
    r"如下|以下|下面|分别|主要|包括|包含|资料|列出|列举|几项|几种|这些|有|是|了|的|"
    r"\b(?:the|these|passages?|documents?|roadmap|lists?|listed|several|following|include[sd]?|are|is|as|follows)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Grounded:
    """An answer text after the check."""

    text: str  #: the text, unsupported sentences removed (or marked)
    unsupported: tuple[str, ...]  #: the sentences no given text supports, as generated
    sentences: int  #: sentences judged (too-short ones and "not covered" statements left out)


def ground(text: str, texts: Sequence[str], lang: str = "zh", encoder: Encoder | None = None, *,
           question: str = "", remove: bool = True) -> Grounded:
    """Check every sentence of ``text`` against ``texts`` (passages and graph facts); remove (or, without
    ``remove``, mark) the unsupported ones. Words from ``question`` may be repeated freely."""
    support = Support([without_instructions(t) for t in texts], encoder, question)  # an injected order is no support
    text = without_citation_phrases(text)
    out, last, judged, unsupported = [], 0, 0, []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if citation_talk(sentence):
            out.append(text[last : match.start()])
            last = match.end()
            continue
        if not judgeable(sentence) or lead_in(sentence, question):
            continue
        judged += 1
        if support.holds(sentence):
            continue
        unsupported.append(sentence.strip())
        kept = text[last : match.start()] if remove else text[last : match.end()] + MARK.get(lang, MARK["en"])
        out.append(kept)
        last = match.end()
    return Grounded(_tidy("".join(out) + text[last:]), tuple(unsupported), judged)


def without_citation_phrases(text: str) -> str:
    """``text`` without the words that announce a citation marker.

    >>> without_citation_phrases("Performer基于核化注意力，来源编号为[1]。")
    'Performer基于核化注意力[1]。'
    """
    return _CITE_PHRASE.sub("", text)


def citation_talk(sentence: str) -> bool:
    """Whether a sentence only talks about its citations (it claims nothing; it is dropped).

    >>> citation_talk("这些内容来自[2]和[3]。"), citation_talk("来源编号：[1]"), citation_talk("LoRA冻结权重[1]。")
    (True, True, False)
    >>> citation_talk("This is stated in the first passage [1] and the second passage [2].")
    True
    """
    bare = unmarked(sentence)
    return bool(MARKER.search(sentence)) and _CITATION_TALK.match(bare) is not None


def lead_in(sentence: str, question: str) -> bool:
    """Whether a sentence only announces the list after it: it ends with a colon and says nothing but the
    question's words and the words of an announcement (it claims nothing; it stays, unjudged).

    >>> lead_in("从第一阶段到第五阶段，每个阶段的主题分别如下：", "从第一阶段到第五阶段，每个阶段的主题分别是什么？")
    True
    >>> q = "Which communities should I watch for new projects?"
    >>> lead_in("The passages list several communities that should be watched:", q), lead_in("GitHub is one of them:", q)
    (True, False)
    """
    bare = unmarked(sentence).rstrip()
    if not bare.endswith((":", "：")):
        return False
    said = _LEAD_IN.sub(" ", fold(bare))
    if _CJK.search(bare):
        return not (_pairs(said.replace(" ", "")) - _pairs(_LEAD_IN.sub("", fold(question))) - _pairs(fold(question)))
    return not ({_stem(w) for w in _terms(said)} - {_stem(w) for w in _terms(fold(question))})


def _stem(word: str) -> str:
    """An English word without its inflection, as far as comparing a lead-in with its question needs.

    >>> [_stem(w) for w in ("watched", "watch", "projects", "emerging", "classes")]
    ['watch', 'watch', 'project', 'emerg', 'class']
    """
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _tidy(text: str) -> str:
    """Blank lines and spaces left where sentences were removed, collapsed."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def judgeable(sentence: str) -> bool:
    """Whether a sentence says enough to be checked (not a bare marker, a label or "not covered").

    >>> judgeable("[1]"), judgeable("资料中没有涉及这个问题。"), judgeable("量化能减小模型。"), judgeable("2.")
    (False, False, True, False)
    """
    bare = unmarked(sentence)
    if says_not_covered(bare) or _BARE_ENUMERATOR.match(bare):
        return False
    return len(_CJK.findall(bare)) >= MIN_CJK or len(LATIN.findall(bare)) >= MIN_WORDS or bool(specifics(bare))


class Support:
    """The texts a sentence may rest on, prepared once per answer."""

    def __init__(self, texts: Sequence[str], encoder: Encoder | None = None, question: str = "") -> None:
        self.texts = [fold(t) for t in texts if t.strip()]
        self.question = fold(question)
        self.asked = _pairs(fold(question))
        self.asked_terms = _terms(fold(question))
        self.joined = "\n".join(self.texts)
        self.pairs = [_pairs(t) for t in self.texts]
        self.encoder = encoder
        self.pieces = list(dict.fromkeys(s.strip() for t in texts for s in split_sentences(t) if len(s.strip()) > 3))
        self._vectors: Any = None

    def holds(self, sentence: str) -> bool:
        """Whether ``sentence`` is supported: its specifics occur and its wording (or meaning) is there."""
        bare = unmarked(sentence)
        if missing_specifics(bare, self.joined + "\n" + self.question):
            return False  # a number or name from neither the texts nor the question
        return self.worded(bare) or self.meant(bare)

    def worded(self, bare: str) -> bool:
        """Most of the sentence's character pairs (or English terms) occur in one text."""
        if not self.texts:
            return False
        if _CJK.search(bare):
            own = _pairs(fold(bare)) - self.asked
            return bool(own) and max(len(own & p) / len(own) for p in self.pairs) >= PAIR_SHARE
        terms = _terms(bare) - self.asked_terms
        if not terms:
            return False
        return max(sum(occurs(w, t) for w in terms) / len(terms) for t in self.texts) >= TERM_SHARE

    def meant(self, bare: str) -> bool:
        """The sentence restates one of the texts' sentences by meaning (needs an encoder).

        Both calibrated bounds must hold: the closest sentence at least ``restatement[0]``
        similar, and ahead of the next distinct one by ``restatement[1]`` (E5's scores sit
        in a narrow band: a sentence about running a 10 km race scores 0.85 against
        Chinese passages about model training, but close to several of them alike).
        """
        bounds = self.encoder.restatement.get("zh" if _CJK.search(bare) else "en") if self.encoder else None
        if self.encoder is None or bounds is None or not self.pieces:
            return False
        if self._vectors is None:
            self._vectors = self.encoder.embed_passages(self.pieces)
        similarities = sorted((float(x) for x in self._vectors @ self.encoder.embed_query_vector(bare)), reverse=True)
        lead = similarities[0] - similarities[1] if len(similarities) > 1 else similarities[0]
        return similarities[0] >= bounds[0] and lead >= bounds[1]


def _terms(sentence: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z][a-z0-9.+-]*[a-z0-9]", sentence.lower()) if w not in FUNCTION_WORDS}
    return {w for w in words if len(w) > 2}


def _pairs(text: str) -> set[str]:
    kept = "".join(ch for ch in text if ch.isalnum())
    return {kept[i : i + 2] for i in range(len(kept) - 1)}
