"""Order stated in the text: arrow chains (``A → B → C``, ``A -> B``, ``A --> B``, also in code blocks) and
ordinal words (先…再…然后…最后…, first … then … finally …).

Each step of a chain must name exactly one topic (by name, alias or mention); a step that names none
breaks the chain rather than bridging over it.

>>> arrow_chains("学习顺序：基础知识 -> 模型结构 -> 应用落地。本文完。")
[['基础知识', '模型结构', '应用落地']]
>>> ordinal_chains("我的建议是：先学概率统计，再学机器学习，然后学深度学习，最后再碰大语言模型。")
[['学概率统计，', '学机器学习，', '学深度学习，', '碰大语言模型']]
>>> ordinal_chains("First learn the Foundations, then Architectures, and finally Training at Scale.")
[['learn the Foundations,', 'Architectures, and', 'Training at Scale']]
>>> ordinal_chains("Refresh algebra first, then implement gradient descent.")
[['Refresh algebra', 'implement gradient descent']]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ingest.topics import DocumentTopics
from kb.model import Edge, Evidence

ARROW = re.compile(r"→|⟶|➔|➜|⇒|-->|->|=>")  # steps are stripped: no blanks around, no rescanning them
SENTENCE = re.compile(r"(?<=[。！？!?；;])|\n|(?<=\.)\s+(?=[A-Z])")
# Ordinal words. Bare 先/再 only before a verb of learning, so 先进 (advanced) or 先验 (prior) do not count.
#: A clause start: bare 先 / 再 there order steps ("顺序上，先分词，再词嵌入"), not inside a word (先进, 再现).
AT_CLAUSE = r"(?:(?<=^)|(?<=[，,：:；;。]))\s*"
FIRST = (r"首先|先(?=学|看|读|补|打|从|把|用|做|掌握|了解|弄|搞|熟悉|理解|练)|" + AT_CLAUSE + r"先(?=[^\s，,。进验前生])|"
         r"\bfirst(?:ly)?\b|^(?:start|begin) with\b")
LATER = (r"其次|然后|接着|之后|再(?=学|看|读|碰|做|进入|到|用|掌握|了解)|" + AT_CLAUSE + r"再(?=[^\s，,。现次])|最后(?!一)|"
         r"\bthen\b|\bnext\b|"
         r"\bafter that\b|\bfinally\b|\blastly\b")
ORDINAL = re.compile(f"({FIRST})|({LATER})", re.IGNORECASE)
LABEL = re.compile(r"^.*[:：]\s*")


def arrow_chains(text: str) -> list[list[str]]:
    """The steps of every arrow chain in ``text``, one list per sentence."""
    chains = []
    for sentence in SENTENCE.split(text):
        parts = ARROW.split(sentence.strip().strip("`"))
        if len(parts) >= 2:
            parts[0] = LABEL.sub("", parts[0])
            chains.append([p.strip().rstrip("。.;；，,").strip() for p in parts])
    return chains


#: Order stated with a verb of placing or waiting, rewritten as the ordinal words it means:
#: "X放在(这一部分的)最后" → "最后学X"; "X要放在Y之前" → "先学X，再学Y"; "X要等Y做熟以后再碰" → "先学Y，再学X".
PLACED_LAST = re.compile(r"(?P<x>[^，,。；;：:]{1,30}?)(?:要|应该?)?放在(?:[^，,。；;]{0,8}的)?最后(?:面)?")
PLACED_BEFORE = re.compile(r"(?P<x>[^，,。；;：:]{1,30}?)(?:要|应该?|必须)?放在(?P<y>[^，,。；;]{1,30}?)(?P<when>之前|前面|之后|后面)")
WAITS_FOR = re.compile(r"(?P<x>[^，,。；;：:]{1,30}?)要等(?P<y>[^，,。；;]{1,30}?)(?:做熟|学完|学会|掌握|跑通)?(?:以后|之后)(?:再(?:碰|学|做))?")


def plain_order(sentence: str) -> str:
    """``sentence`` with order phrases of placing and waiting written as ordinal words.

    >>> plain_order("预训练放在最后。"), plain_order("唯一的硬要求是：模型量化要放在推理部署之前。")
    ('最后学预训练。', '唯一的硬要求是：先学模型量化，再学推理部署。')
    >>> plain_order("偏好对齐要等监督微调做熟以后再碰。")
    '先学监督微调，再学偏好对齐。'
    """
    sentence = WAITS_FOR.sub(lambda m: f"先学{m['y'].strip()}，再学{m['x'].strip()}", sentence)
    sentence = PLACED_BEFORE.sub(lambda m: (f"先学{m['x'].strip()}，再学{m['y'].strip()}" if m["when"] in ("之前", "前面")
                                            else f"先学{m['y'].strip()}，再学{m['x'].strip()}"), sentence)
    return PLACED_LAST.sub(lambda m: f"最后学{m['x'].strip()}", sentence)


def ordinal_chains(text: str) -> list[list[str]]:
    """The segments of sentences that list steps with ordinal words, starting with a "first" word; a
    next sentence that opens with a "then" word (然后, 之后, 本阶段最后, Then, Finally) goes on with the chain.

    >>> ordinal_chains("先学多层感知机，再学反向传播。之后学注意力机制，再学 Transformer。本阶段最后再学评测。")
    [['学多层感知机，', '学反向传播', '学注意力机制，', '学 Transformer', '学评测']]
    >>> ordinal_chains("First, tokenizers. Then embeddings. Finally retrieval."), ordinal_chains("然后学 A，再学 B。")
    ([[', tokenizers', 'embeddings', 'retrieval']], [])
    """
    chains: list[list[str]] = []
    going_on = False
    for sentence in SENTENCE.split(plain_order(text)):
        marks = list(ORDINAL.finditer(sentence))
        if going_on and marks and _opens_with(sentence, marks[0]):
            chains[-1] += _segments(sentence, marks)
            continue
        going_on = len(marks) >= 2 and bool(marks[0].group(1)) or len(marks) == 1 and _opens_with(sentence, marks[0], True)
        if going_on:
            chains.append(_segments(sentence, marks))
        elif implied := _implied_first(sentence, marks):
            chains.append([implied] + _segments(sentence, marks))
            going_on = True
    return [c for c in chains if len(c) >= 2]


def _implied_first(sentence: str, marks: list[re.Match[str]]) -> str:
    """The first step of a chain that names it without a "first" word — a short name, a comma, then two or more
    "then" words ("gradient descent, then backpropagation, then PyTorch"; "分帧，然后加窗，最后做傅里叶变换") —
    else "".

    >>> _implied_first("gradient descent, then backpropagation, then PyTorch", list(ORDINAL.finditer("gradient descent, then backpropagation, then PyTorch")))
    'gradient descent'
    >>> _implied_first("We tried it, then it broke", list(ORDINAL.finditer("We tried it, then it broke")))
    ''
    """
    if len(marks) < 2 or any(m.group(1) for m in marks):
        return ""
    lead = sentence[:marks[0].start()].strip()
    if not re.search(r"[，,]$", lead):
        return ""
    lead = LABEL.sub("", lead.rstrip("，, "))
    short = len(lead) <= 12 if re.search(r"[\u4e00-\u9fff]", lead) else len(lead.split()) <= 4
    return lead if lead and short and not re.search(r"[，,。.;；]", lead) else ""


def _opens_with(sentence: str, mark: re.Match[str], first: bool = False) -> bool:
    """The sentence starts with ``mark`` (after at most a short lead-in such as 本阶段), a "then" word
    or, with ``first``, a "first" word."""
    lead = sentence[:mark.start()].strip()
    return bool(mark.group(1) if first else mark.group(2)) and len(lead) <= 4 and not re.search(r"[，,：:]", lead)


def _segments(sentence: str, marks: list[re.Match[str]]) -> list[str]:
    ends = [m.start() for m in marks[1:]] + [len(sentence)]
    segments = [sentence[m.end():end] for m, end in zip(marks, ends)]
    if marks[0].group(1) and not segments[0].strip(" ，,;；"):  # "X first, then Y": the step before its word
        segments[0] = sentence[:marks[0].start()]
    segments = [s.strip().rstrip("。.") for s in segments]
    return [step for s in segments if s.strip(" ，,") for step in _one_by_one(s)]


def _one_by_one(segment: str) -> list[str]:
    """A segment that lists steps "依次" ("自注意力、多头注意力、位置编码依次往下"), as those steps; else the segment.

    >>> _one_by_one("自注意力、多头注意力、位置编码依次往下，"), _one_by_one("学反向传播")
    (['自注意力', '多头注意力', '位置编码'], ['学反向传播'])
    """
    head, sep, _ = segment.partition("依次")
    members = [m.strip(" ，,") for m in head.split("、")]
    return members if sep and len(members) >= 2 and all(members) else [segment]


def sequence_edges(doc: DocumentTopics, resolve: Callable[[str, bool], str]) -> Iterator[Edge]:
    """Prerequisite edges for consecutive steps of the chains in ``doc``'s text.

    ``resolve(text, exact)`` names the topic a step denotes ("" for none); ``exact`` asks for a step
    that is all name (an arrow step) rather than a phrase containing one (an ordinal segment).
    """
    for section in [doc.parsed.root, *doc.parsed.walk()]:
        if section.role == "dropped":
            continue
        texts = [(section.line, section.description)] + [(ln.number, ln.text) for ln in section.body]
        for line, text in texts:
            for kind, chains, exact in (("arrow", arrow_chains(text), True), ("explicit", ordinal_chains(text), False)):
                for chain in chains:
                    ids = [doc.local(resolve(step, exact), section) for step in chain]
                    yield from _chain_edges(doc.name, line, text, kind, ids)


def _chain_edges(document: str, line: int, text: str, kind: str, ids: list[str]) -> Iterator[Edge]:
    sentence = text.strip()[:200]
    for a, b in zip(ids, ids[1:]):
        if a and b and a != b:
            yield Edge(a, b, "prerequisite", (Evidence(kind, document, line, sentence),))  # type: ignore[arg-type]
