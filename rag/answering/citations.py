"""Citations: the numbered passages an answer may cite, and the ``[n]`` markers that cite them.

>>> cited_numbers("先学自注意力[2]，再学多头注意力【1】[2, 3]。")
[2, 1, 3]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from kb.text import CJK as _CJK
from rag.retrieval.lexical import occurs
from rag.answering.config import AnswerConfig
from rag.answering.prompting import NOT_COVERED, question_language
from rag.retrieval.passages import Passage
from rag.retrieval.snippets import split_sentences

_MARKER = re.compile(r"[\[【［]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
_NOT_COVERED_PHRASES = ("没有涉及", "未涉及", "没有提到", "do not cover", "don't cover", "does not cover")


#: A passage as an answer cites it: the one passage type (``rag.retrieval.passages.Passage``).
Citation = Passage


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


def without_stray_refusal(text: str) -> str:
    """``text`` without its bare "not covered" sentences when the rest of it cites passages.

    Small models sometimes answer from a passage and then refuse anyway, or echo the
    instruction to refuse; the answer then contradicts itself. A sentence that only
    says the statement (or quotes it) goes; one saying what else is not covered stays.

    >>> without_stray_refusal("量化能减小模型[1]。\\n\\n[1] 资料中没有涉及这个问题。")
    '量化能减小模型[1]。'
    >>> without_stray_refusal("量化能减小模型[1]。资料中没有提到它的缺点。")
    '量化能减小模型[1]。资料中没有提到它的缺点。'
    >>> without_stray_refusal("资料中没有涉及这个问题。")
    '资料中没有涉及这个问题。'
    """
    sentences = [m.group(0) for m in _SENTENCE.finditer(text)]
    stray = [s for s in sentences if _is_refusal(s)]
    if not stray or not any(cited_numbers(s) for s in sentences if s not in stray):
        return text
    for sentence in stray:
        text = text.replace(sentence, "")
    return text.strip()


def _is_refusal(sentence: str) -> bool:
    """Whether ``sentence`` is the not-covered statement itself, or quotes it (an echoed instruction)."""
    bare = _MARKER.sub("", sentence).strip().lower()
    statements = [s.lower() for s in NOT_COVERED.values()]
    quoted = any(f"{q}{s}" in bare for s in statements for q in "“\"「")
    return quoted or any(s in bare and len(bare) <= len(s) + 8 for s in statements)


def not_covered_text(lang: str) -> str:
    """The plain statement that the documents do not cover the question."""
    return NOT_COVERED[lang] + ("。" if lang == "zh" else ".")


#: A sentence: text up to its end mark, with any markers written after the mark ("…。[2]").
_SENTENCE = re.compile(r".+?(?:[。！？!?]+|\.(?=\s|$)|$)(?:[ \t]*" + _MARKER.pattern + ")*", re.MULTILINE)


class Encoder(Protocol):
    """What meaning-based attribution needs of an embedder (``rag.retrieval.embedders.Embedder`` has it)."""

    @property
    def restatement(self) -> dict[str, tuple[float, float]]:
        """Per sentence language: (least similarity, least lead over the runner-up) of a restatement."""

    def embed_passages(self, texts: list[str]) -> Any: ...  # (len(texts), dim), rows normalised

    def embed_query_vector(self, text: str) -> Any: ...  # (dim,), normalised


def attribute(text: str, passages: Sequence[Citation], encoder: Encoder | None = None,
              config: AnswerConfig = AnswerConfig()) -> str:
    """``text`` with each sentence's ``[n]`` markers checked against the passages it repeats.

    Small models often state a passage's content and forget its marker, or cite the
    wrong number. A sentence repeats the passage holding most of its character pairs
    (letters, digits and CJK, case folded) when that is at least ``config.attribution_share``.
    Such a sentence without a marker gets that passage's; one whose markers all point
    at passages holding ``config.wrong_margin`` less of it gets them replaced. Sentences
    saying "not covered", too short to judge, or repeating no passage are left alone.
    English sentences over Chinese passages are judged by their technical terms
    (``sentence_shares``). With an ``encoder``, a sentence the words leave undecided
    is judged by meaning (``Meaning``): a paraphrase, or an English restatement.

    >>> ps = [Citation(1, "a.md", "", "", "Softmax函数确保注意力权重的和为1。"), Citation(2, "b.md", "", "", "别的。")]
    >>> attribute("Softmax确保注意力权重的和为1。它很常用。", ps)
    'Softmax确保注意力权重的和为1[1]。它很常用。'
    >>> attribute("Softmax确保注意力权重的和为1 [2]。", ps)
    'Softmax确保注意力权重的和为1 [1]。'
    """
    if not passages or only_not_covered(text):
        return text
    out, last = [], 0
    meaning = Meaning(encoder, passages) if encoder is not None else None
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        bare = _MARKER.sub("", sentence)
        shares = {} if says_not_covered(sentence) else _shares(bare, passages, meaning, config.attribution_share)
        best = max(shares, key=lambda n: (shares[n], -n)) if shares else 0
        if not shares or shares[best] < config.attribution_share:
            continue
        cited = [int(x) for m in _MARKER.finditer(sentence) for x in re.split(r"[,，、]", m.group(1))]
        if not cited:
            body = sentence.rstrip("。！？!?. ")
            gap = "" if _CJK.search(body) else " "  # Chinese text has no space before a marker
            out.append(text[last : match.start() + len(body)] + f"{gap}[{best}]")
            last = match.start() + len(body)
        elif max(shares.get(n, 0.0) for n in cited) <= shares[best] - config.wrong_margin:
            first = _MARKER.search(sentence)
            assert first is not None
            rest = re.sub(r"[ \t]*" + _MARKER.pattern, "", sentence[first.end() :])
            fixed = sentence[: first.start()] + f"[{best}]" + rest
            out.append(text[last : match.start()] + fixed)
            last = match.end()
    return "".join(out) + text[last:]


def _shares(sentence: str, passages: Sequence[Citation], meaning: Meaning | None, least: float) -> dict[int, float]:
    """``sentence_shares``, or the ``meaning`` verdict when the words leave the sentence undecided (below ``least``)."""
    shares = sentence_shares(sentence, passages)
    if meaning is not None and max(shares.values(), default=0.0) < least:
        return meaning.shares(sentence) or shares
    return shares


def sentence_shares(sentence: str, passages: Sequence[Citation]) -> dict[int, float]:
    """How much of ``sentence`` each passage holds, by number; empty when it cannot be judged.

    A sentence with Chinese in it is compared by character pairs (at least 4). An
    English one is compared by its terms found in the passages (Latin words of 2+
    letters, not function words): over Chinese passages those are the technical
    names, e.g. SHAP and LIME.

    >>> ps = [Citation(1, "a", "", "", "可解释性工具：SHAP、LIME。"), Citation(2, "b", "", "", "优化：Adam。")]
    >>> sentence_shares("The tools are SHAP and LIME", ps)
    {1: 1.0, 2: 0.0}
    """
    if _CJK.search(sentence):
        own = _pairs(sentence)
        return {c.n: len(own & _pairs(c.snippet)) / len(own) for c in passages} if len(own) >= 4 else {}
    texts = {c.n: c.snippet.lower() for c in passages}
    words = {w for w in re.findall(r"[a-z][a-z0-9.+-]*[a-z0-9]", sentence.lower()) if w not in _FUNCTION_WORDS}
    terms = {w for w in words if any(occurs(w, t) for t in texts.values())}
    if not terms:
        return {}
    return {n: sum(occurs(w, t) for w in terms) / len(terms) for n, t in texts.items()}


class Meaning:
    """Which passage a sentence restates, by embedding it against the passages' sentences.

    The passages' sentences are embedded once, on the first sentence judged.
    Embedding similarities sit in a narrow band, so a passage is only chosen when its
    closest sentence passes the encoder's ``restatement`` bounds for the sentence's language.
    """

    def __init__(self, encoder: Encoder, passages: Sequence[Citation]) -> None:
        self.encoder = encoder
        self.numbers = [c.n for c in passages]
        self.pieces = [(c.n, s) for c in passages for s in split_sentences(c.snippet) if _long_enough(s, 4, 3)]
        self._vectors: Any = None

    def shares(self, sentence: str) -> dict[int, float]:
        """1.0 for the passage clearly closest in meaning, 0.0 for the others; empty when none is."""
        bounds = self.encoder.restatement.get("zh" if _CJK.search(sentence) else "en")
        if bounds is None or not self.pieces or not _long_enough(sentence):
            return {}
        if self._vectors is None:
            self._vectors = self.encoder.embed_passages([s for _, s in self.pieces])
        similarities = self._vectors @ self.encoder.embed_query_vector(sentence)
        closest: dict[int, float] = {}
        for (n, _), similarity in zip(self.pieces, similarities):
            closest[n] = max(closest.get(n, -1.0), float(similarity))
        return clear_winner(closest, self.numbers, *bounds)


def clear_winner(closest: dict[int, float], numbers: Sequence[int], least: float, lead: float) -> dict[int, float]:
    """Shares for passage ``numbers`` given each one's closest similarity: all to a clear winner, else none.

    The winner is at least ``least`` similar and ``lead`` more similar than any other.

    >>> clear_winner({1: 0.86, 2: 0.80}, [1, 2, 3], 0.83, 0.03)
    {1: 1.0, 2: 0.0, 3: 0.0}
    >>> clear_winner({1: 0.85, 2: 0.84}, [1, 2], 0.83, 0.03)  # too close to call
    {}
    """
    ranked = sorted(closest.values(), reverse=True)
    if not ranked or ranked[0] < least or ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0) < lead:
        return {}
    best = max(closest, key=lambda n: closest[n])
    return {n: float(n == best) for n in numbers}


def _long_enough(sentence: str, characters: int = 8, words: int = 4) -> bool:
    """Whether a sentence says enough to be matched by meaning: so many Chinese characters or Latin words."""
    return len(_CJK.findall(sentence)) >= characters or len(re.findall(r"[A-Za-z]+", sentence)) >= words


_FUNCTION_WORDS = frozenset(
    "a an the and or of to in on for with by as at is are be was were it its this that these those "
    "from which what how can into such also more most than their they you your i we our".split()
)


def _pairs(text: str) -> set[str]:
    """Adjacent character pairs of the letters, digits and CJK characters of ``text``, case folded."""
    kept = "".join(ch for ch in text.lower() if ch.isalnum())
    return {kept[i : i + 2] for i in range(len(kept) - 1)}
