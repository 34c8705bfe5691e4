"""Terms named inside a section: list items' descriptions, parenthesised examples, bold words, table rows.

A roadmap names most of its subjects in passing — ``Python 编程：变量、函数、面向对象``, ``框架（如 PyTorch、
TensorFlow）``, ``Key ideas: **gradient descent**``, a table of tools. Each such term becomes a topic that is
part of the section it is named in. Sentences are not terms: a piece must read as a name
(``names.is_name_like``), and an enumeration must have at least two members.

>>> list_terms("矩阵运算、特征值、张量等（大模型的核心是矩阵计算）。")
['矩阵运算', '特征值', '张量']
>>> list_terms("AI领域的主流语言，需熟悉NumPy、Pandas等库。")
['NumPy', 'Pandas']
>>> list_terms("mean, variance, hypothesis tests"), list_terms("让模型调用你写的函数")
(['mean', 'variance', 'hypothesis tests'], [])
>>> example_terms("深度学习框架（如PyTorch、TensorFlow）"), example_terms("index them (for example with FAISS or Qdrant)")
(['PyTorch', 'TensorFlow'], ['FAISS', 'Qdrant'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.names import PAREN, is_latin, is_name_like
from ingest.sections import Section

EXAMPLES = re.compile(
    r"[（(]\s*+(?:如|例如|比如|譬如|包括|e\.g\.,?|for example,?(?:\s+with)?|such as|including)\s*+([^（）()]+)[）)]",
    re.IGNORECASE,
)
CLAUSE = re.compile(r"[，,；;。]")
# Separators never start with a run of blanks (the pieces are stripped instead): "\\s*、" would rescan a
# long run of blanks from every position in it.
ENUMERATION = re.compile(r"、|(?<=[A-Za-z0-9])\s*+(?:和|与|及|或)\s*+(?=[A-Za-z])|(?<!\s)\s++(?:and|or)\s++|/\s*+(?=[A-Za-z])")
# "X、Y和Z": after an enumeration comma, 和/及/或 join the last member too.
LAST_JOIN = re.compile(r"以及|和|及|或")
# Words that lead into a name ("需熟悉NumPy"); stripped only before Latin letters, so 学习率 keeps its 学习.
LEAD = re.compile(r"^(?:(?:再加上|加上|还有|以及|并且|需要|需|熟悉|掌握|了解|学会|学习|使用|用|包括|例如|比如|如|或|和)\s*+)++(?=[A-Za-z])"
                  r"|^(?:and|or|with|the)\s++", re.IGNORECASE)
EXAMPLE_LEAD = re.compile(r"^(?:例如|比如|譬如|诸如|包括|如)\s*")
# A piece that holds a verb or a possessive is a clause ("门控机制包括输入门", "Azure的GPU实例"), not a name.
CLAUSE_WORD = re.compile(r"包括|是|指|可以|用于|通过|需要|进行|能够|使得|的|并|而|但|则|就|都|也|才|又|既|却|更|很|较|"
                         r"同时|先(?!验|进)")
# A piece that starts like a sentence (把…, 对…, 确定…) or ends in a predicate (…高, …快) or a place (…上)
# means the enumeration is embedded in a sentence ("确定网页、代码、数学等数据各占多大比例").
SENTENCE_EDGE = re.compile(r"^(?:把|将|让|被|给|对(?![比齐称偶话抗象])|用(?!户)|在(?!线)|从(?!零)|使(?!用)|根据|依次|做)"
                           r"|^(?:确定|依赖|减少|增加|包含|提高|降低|扩大|缩小|锁定|查看|避免|保证|控制|选择|支持|提供|采用|"
                           r"实现|完成|构建|设计|编写|生成|比较|分析|理解|掌握|熟悉|了解|阅读|参与|关注|公开)(?=..)"
                           r"|(?<=[\u4e00-\u9fff]{2})[高快低慢大小多少好强弱上中里内下]$")
TRAIL = re.compile(r"(?<!\s)\s*+(?:等+|etc\.?|(?:and|or) (?:friends|similar|more|others|so on))$|(?<=[A-Za-z0-9])\s*+(?:等)?\s*+(?:[一两二三四五六七八九十几]个)?\s*+(?:库|工具)$")
BOLD = re.compile(r"\*\*([^*\n]{1,40})\*\*")
LIST_LINE = re.compile(r"^(?:[-*+]|\d{1,2}[.、)])\s")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MAX_CJK = 10  # a listed term is short; a longer piece is a clause


@dataclass(frozen=True)
class Term:
    """A term named inside a section."""

    name: str  #: as written, e.g. "Tokenizer（分词器）"
    line: int  #: line it is named on


def _piece(text: str) -> str:
    text = EXAMPLE_LEAD.sub("", text.strip().strip("`*\"'“”‘’").rstrip("。.;；!！").strip())
    for _ in range(2):
        text = TRAIL.sub("", LEAD.sub("", text)).strip()
    return text


FILLER = {"friends", "similar", "more", "others", "so on", "etc", "the like", "其他", "其它", "等等"}


def _name(text: str) -> bool:
    return (text.lower() not in FILLER and is_name_like(text, max_cjk=MAX_CJK, max_words=4)
            and not re.fullmatch(r"[\d.\s%]+|[\u4e00-\u9fff]", text)
            and not CLAUSE_WORD.search(text) and not SENTENCE_EDGE.search(text))


def list_terms(text: str) -> list[str]:
    """Members of the enumerations in ``text``: pieces joined by 、 (or commas in a list of names).

    Every piece of an enumeration must be a name; one clause among them makes it a sentence.

    >>> list_terms("门控机制包括输入门、遗忘门和输出门。"), list_terms("贝叶斯推断、最大似然估计等概念在生成式模型中至关重要")
    ([], ['贝叶斯推断', '最大似然估计'])
    """
    clauses = [c for c in CLAUSE.split(PAREN.sub(" ", text)) if c.strip()]
    found: list[str] = []
    singles: list[str] = []
    for clause in clauses:
        pieces = [_piece(p) for p in ENUMERATION.split(clause) if p and p.strip()]
        if "、" in clause and pieces:
            pieces[-1:] = [_piece(p) for p in LAST_JOIN.split(pieces[-1]) if p.strip()]
        if pieces and "等" in pieces[-1]:  # "高斯分布等概念在……中至关重要": the list ends at 等
            pieces[-1] = _piece(pieces[-1].split("等", 1)[0])
        if len(pieces) >= 2 and all(_name(p) for p in pieces):
            found += pieces
        elif pieces:
            singles.append(pieces[0])
    if len(singles) >= 2 and all(_name(s) and is_latin(s) for s in singles) and not found:
        found = singles  # "mean, variance, hypothesis tests": an English comma list of names
    return list(dict.fromkeys(found))


def example_terms(text: str) -> list[str]:
    """Terms given as examples in parentheses: ``（如 A、B）``, ``(e.g. A, B)``, ``(for example with A or B)``."""
    found: list[str] = []
    for inner in EXAMPLES.findall(text):
        pieces = [_piece(p) for p in re.split(r"[、，,/]|或|和|与|及|(?<!\s)\s++(?:or|and)\s++", inner) if p.strip()]
        found += [p for p in pieces if _name(p)]
    return list(dict.fromkeys(found))


def section_terms(section: Section) -> Iterator[Term]:
    """Every term named in ``section`` itself (its title's examples, its description, its body lines)."""
    for name in example_terms(section.raw) + list_terms(section.description) + example_terms(section.description):
        yield Term(name, section.line)
    if section.kind == "item" and not section.bold and not section.description:
        yield from (Term(n, section.line) for n in _pair(section.title))
    header = True
    for line in section.body:
        text = line.text.strip()
        if TABLE_RULE.match(text):
            header = False
            continue
        if text.startswith("|"):
            if not header:
                yield from (Term(n, line.number) for n in _table_term(text))
            continue
        header = True
        bold = [] if LIST_LINE.match(text) else BOLD.findall(text)  # a list line left as text stays text
        names = example_terms(text) + [b for b in bold if _name(_piece(b))]
        yield from (Term(_piece(n), line.number) for n in names)


def _pair(title: str) -> list[str]:
    """``Embedding 与向量检索``: a plain list item naming two things names each of them."""
    parts = [p.strip() for p in re.split(r"与|和|及|(?<!\s)\s++(?:and|&)\s++", title)]
    return parts if len(parts) == 2 and all(_name(p) and len(p) >= 2 for p in parts) else []


def _table_term(row: str) -> list[str]:
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    first = cells[0].replace("**", "").strip() if cells else ""
    if not first or LINK.search(first) or "http" in first:
        return []
    return [first] if _name(first) else []
