"""The specifics of a sentence — numbers, years, Latin names, titles — that must occur verbatim in a
text for the sentence to rest on it, and how texts are folded before they are compared.

>>> missing_specifics("它由Hinton在2015年提出。", fold("蒸馏让小模型学习大模型的输出。"))
['2015', 'Hinton']
"""

from __future__ import annotations

import re
import unicodedata

from rag.retrieval.lexical import occurs

#: A citation marker ("[1]", "【2】", "[1, 3]").
MARKER = re.compile(r"[\[【［]\s*\d{1,2}(?:\s*[,，、]\s*\d{1,2})*\s*[\]】］]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER = re.compile(r"(?<![A-Za-z_])\d+(?:[.,]\d+)*%?")
#: A Latin word or name (GPT-4, cs.CL, Transformer-XL).
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-+.·][A-Za-z0-9]+)*")
_TITLE = re.compile(r"《([^》]{2,60})》|“([^”]{3,60})”|\"([^\"]{3,60})\"")
_ENUMERATOR = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)、])\s+")
FUNCTION_WORDS = frozenset(
    "a an the and or of to in on for with by as at is are be was were it its this that these those from "
    "which what how can into such also more most than their they you your i we our not no it's there "
    "has have had will would should could may might do does did done using use used based".split()
)


def specifics(sentence: str) -> list[str]:
    """Numbers, years, Latin names and titles a sentence states (what must occur in a text verbatim).

    In an English sentence only words that look like names count (a capital after the
    first word, capitals inside, digits, all capitals): its other words are plain English.

    >>> specifics("PyTorch由Facebook在2016年发布，见《深度学习》。")
    ['2016', 'PyTorch', 'Facebook', '深度学习']
    >>> specifics("The roadmap recommends NeurIPS and Kaggle for practice.")
    ['NeurIPS', 'Kaggle']
    """
    text = _ENUMERATOR.sub("", unmarked(sentence))
    found = [m.group(0) for m in _NUMBER.finditer(text) if not _inside_word(text, m)]
    chinese = bool(_CJK.search(text))
    for number, match in enumerate(LATIN.finditer(text)):
        word = match.group(0)
        if word.lower() in FUNCTION_WORDS or len(word) < 2:
            continue
        # In English, a capital after the first word marks a name too (Pinecone, Hinton).
        if chinese or _looks_like_a_name(word) or (number > 0 and word[0].isupper() and not _after_colon(text, match)):
            found.append(word)
    found += [next(g for g in m.groups() if g) for m in _TITLE.finditer(text)]
    return list(dict.fromkeys(found))


def missing_specifics(sentence: str, joined: str) -> list[str]:
    """The specifics of ``sentence`` that occur nowhere in ``joined`` (folded texts).

    >>> missing_specifics("学习率设为0.001，训练10个epoch。", fold("lr=0.001 ... num_epochs = 10"))
    []
    >>> missing_specifics("NeurIPS由Bengio于2013年创办。", fold("NeurIPS是顶级会议之一。"))
    ['2013', 'Bengio']
    """
    missing = []
    for item in specifics(sentence):
        folded = fold(item)
        if folded.strip() and not occurs(folded, joined):
            missing.append(item)
    return missing


def fold(text: str) -> str:
    """Text as it is compared: NFKC, lower case, no bold marks, single spaces.

    >>> fold("**ＰｙＴｏｒｃｈ**  是")
    'pytorch 是'
    """
    return " ".join(unicodedata.normalize("NFKC", text).replace("**", "").lower().split())


def _looks_like_a_name(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or (word.isupper() and len(word) > 1) or any(
        ch.isupper() for ch in word[1:])


def _after_colon(text: str, match: re.Match[str]) -> bool:
    """Whether the word starts a clause (after a colon or a dash), where English capitalises anyway."""
    return text[: match.start()].rstrip().endswith((":", "：", "-", "—", "(", "\""))


def _inside_word(text: str, match: re.Match[str]) -> bool:
    """A digit run that is part of a Latin word (GPT-4, cs.CL) is checked with the word, not alone."""
    before = text[match.start() - 1] if match.start() else ""
    return before.isascii() and (before.isalpha() or before == "-")


def unmarked(sentence: str) -> str:
    """A sentence without its citation markers."""
    return MARKER.sub("", sentence).strip()
