"""Stages the text says do not depend on each other ("Months 5 and 6 do not depend on each other",
"阶段四和阶段五没有先后关系", "Fine-Tuning and Serving can be learned in any order").

Stage order is the author's numbering, unless a sentence names two or more stages — by their ordinal
("Months 5 and 6", "阶段四和阶段五", "第四、五阶段") or by their name — together with a cue of
independence. Those stages then keep the stages before them but are not ordered against each other.

>>> stages = [("Month 4", "Transformers"), ("Month 5", "Fine-Tuning"), ("Month 6", "Serving")]
>>> sorted(map(sorted, independent_pairs(["Months 5 and 6 do not depend on each other."], stages)))
[[1, 2]]
>>> independent_pairs(["Month 6 builds on Month 5."], stages)
set()
>>> zh = [("阶段三", "深度学习"), ("阶段四", "微调"), ("阶段五", "应用开发")]
>>> sorted(map(sorted, independent_pairs(["阶段四和阶段五之间没有先后关系，可以只学一个。"], zh)))
[[1, 2]]
>>> sorted(map(sorted, independent_pairs(["「微调」与「应用开发」互不依赖"], zh)))
[[1, 2]]
>>> predecessors(3, {frozenset((1, 2))})  # stage 3 follows both parallel stages
[1, 2]
>>> predecessors(2, {frozenset((1, 2))})  # stage 2 follows what came before stage 1
[0]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ingest.names import SEQUENCE_WORD, split_name

INDEPENDENT = re.compile(
    r"do(?:es)?(?: no|n['’])t depend on (?:each other|one another)|independent(?:ly)? of (?:each other|one another)|"
    r"\bare independent\b|\bin (?:any|either) order\b|\bin parallel\b|\bno (?:fixed|particular) order\b|"
    r"互不依赖|相互独立|彼此独立|互相独立|没有先后|不分先后|无先后|顺序不限|不限顺序|可以并行|可并行|并行学习|可以同时(?:学|进行|推进)",
    re.IGNORECASE,
)
CJK_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}
NUMERAL = r"(?:\d+|[一二三四五六七八九十]+|[IVX]+\b)"
LIST_JOIN = r"\s*(?:,|，|、|/|&|\band\b|\bor\b|和|与|及|或|to|-|–|~|到|至)\s*"
# "Months 5 and 6", "阶段四和阶段五", "Stage 2, 3", "第四、五阶段"
WORD_NUMBERS = re.compile(rf"(?P<word>[A-Za-z]+|阶段)s?\s*(?P<nums>{NUMERAL}(?:{LIST_JOIN}(?:[A-Za-z]+s?\s*|阶段)?{NUMERAL})*)",
                          re.IGNORECASE)
ORDINAL_NUMBERS = re.compile(rf"第\s*(?P<nums>{NUMERAL}(?:{LIST_JOIN}第?\s*{NUMERAL})*)\s*(?P<word>阶段|章|部分|周|月|步|篇|节)")


def numeral_value(text: str) -> int | None:
    """The number an ordinal names: ``"5"``, ``"五"``, ``"十二"``, ``"IV"``.

    >>> numeral_value("五"), numeral_value("十二"), numeral_value("12"), numeral_value("IV"), numeral_value("x")
    (5, 12, 12, 4, None)
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text and all(c in CJK_DIGITS for c in text):
        if "十" not in text:
            return int("".join(str(CJK_DIGITS[c]) for c in text))
        tens, _, units = text.partition("十")
        return (CJK_DIGITS[tens] if tens else 1) * 10 + (CJK_DIGITS[units] if units else 0)
    roman = {"I": 1, "V": 5, "X": 10}
    if text and all(c in roman for c in text):  # capitals only: "x" or "v" is a letter, not a numeral
        values = [roman[c] for c in text]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return None


def stage_number(label: str) -> tuple[str, int] | None:
    """``(sequence word, number)`` of a stage's ordinal label: ``("month", 5)`` for "Month 5".

    >>> stage_number("Month 5"), stage_number("第四阶段"), stage_number("阶段 2"), stage_number("3.")
    (('month', 5), ('阶段', 4), ('阶段', 2), None)
    """
    label = label.strip()
    if not SEQUENCE_WORD.match(label):
        return None
    if match := ORDINAL_NUMBERS.match(label):
        value = numeral_value(match.group("nums"))
        return (match.group("word"), value) if value is not None else None
    if match := WORD_NUMBERS.match(label):
        value = numeral_value(re.split(LIST_JOIN, match.group("nums"))[0])
        return (match.group("word").lower(), value) if value is not None else None
    return None


def _mentioned_numbers(sentence: str) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for pattern in (WORD_NUMBERS, ORDINAL_NUMBERS):
        for match in pattern.finditer(sentence):
            word = match.group("word").lower()
            for piece in re.findall(NUMERAL, match.group("nums")):
                if (value := numeral_value(piece)) is not None:
                    found.add((word, value))
    return found


def independent_pairs(sentences: Iterable[str], stages: Sequence[tuple[str, str]]) -> set[frozenset[int]]:
    """Pairs of stage indices that a sentence with an independence cue names together.

    ``stages`` holds ``(ordinal label, name)`` per stage, in order.
    """
    numbers = [stage_number(label) for label, _ in stages]
    pairs: set[frozenset[int]] = set()
    for sentence in sentences:
        if not INDEPENDENT.search(sentence):
            continue
        sentence = _cue_clause(sentence)
        mentioned = _mentioned_numbers(sentence)
        lowered = sentence.lower()
        named = [k for k, (number, (_, name)) in enumerate(zip(numbers, stages))
                 if (number and (number[0].rstrip("s"), number[1]) in {(w.rstrip("s"), v) for w, v in mentioned})
                 or any(len(n) >= 2 and n.lower() in lowered for n in _spellings(name))]
        pairs.update(frozenset((a, b)) for i, a in enumerate(named) for b in named[i + 1:])
    return pairs


CLAUSE = re.compile(r"\s+[—–]\s+|[;；]|,\s+(?:and|but|while|though)\b|，(?:但|而|并且|且)")


def _cue_clause(sentence: str) -> str:
    """The clause of ``sentence`` that holds its independence cue, when that clause names two things; else the
    sentence ("Steps 6 and 7 are independent — … both only assume Steps 1–5": steps 1 and 5 are not named as
    independent).

    >>> _cue_clause("Steps 6 and 7 are independent — neither builds on the other, and both only assume Steps 1–5.")
    'Steps 6 and 7 are independent'
    """
    for clause in CLAUSE.split(sentence):
        if INDEPENDENT.search(clause) and len(_mentioned_numbers(clause)) >= 2:
            return clause
    return sentence


def _spellings(title: str) -> list[str]:
    """A stage's name and the aliases it gives in parentheses: "检索增强生成（RAG）" is named "RAG" too.

    >>> _spellings("检索增强生成（RAG）"), _spellings("Agent")
    (['检索增强生成', 'RAG'], ['Agent'])
    """
    name, aliases = split_name(title)
    return [name, *aliases]


def predecessors(k: int, independent: set[frozenset[int]]) -> list[int]:
    """The stages directly before stage ``k``: earlier stages it depends on, with no such stage between.

    Linear in ``k`` plus the independent pairs (a 3,000-item list stays fast).

    >>> predecessors(3, set()), predecessors(3, {frozenset((1, 2)), frozenset((2, 3))})
    ([2], [1])
    >>> predecessors(2, {frozenset((0, 1))})  # two parallel items, both before the third
    [0, 1]
    """
    if not k:
        return []
    if not independent:
        return [k - 1]
    apart: dict[int, set[int]] = {}
    for pair in independent:
        a, b = sorted(pair)
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    before = [j for j in range(k) if j not in apart.get(k, set())]
    chosen, later = [], 0  # ``later``: how many of ``before`` lie after the one looked at
    for j in reversed(before):
        if later == sum(1 for m in apart.get(j, ()) if j < m < k and m not in apart.get(k, set())):
            chosen.append(j)  # every later stage it could come before is independent of it
        later += 1
    return sorted(chosen)
