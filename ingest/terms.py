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

from ingest.scaffolding import facet_kind
from ingest.names import PAREN, is_enumeration, is_latin, is_name_like
from ingest.sections import Section

EXAMPLES = re.compile(
    r"[（(]\s*+(?:如|例如|比如|譬如|包括|e\.g\.,?|for example,?(?:\s+with)?|such as|including)\s*+([^（）()]+)[）)]",
    re.IGNORECASE,
)
LEADS_EXAMPLES = re.compile(r"\s*(?:如|例如|比如|譬如|包括|e\.g\.|for example|such as|including)", re.IGNORECASE)
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
                           r"实现|完成|构建|设计|编写|生成|比较|分析|理解|掌握|熟悉|了解|阅读|参与|关注|公开|学习|研究|跟踪|定期|重点|深入|动手)(?=..)"
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


#: A folder or file of a repository ("serving/", "LEARNING_PATH.md"): where something is, not a subject.
PATH_LIKE = re.compile(r"\w/$|\w\.(?:md|py|txt|json|ya?ml|ipynb|sh|toml|cfg)\b", re.IGNORECASE)


def _name(text: str) -> bool:
    return (text.lower() not in FILLER and is_name_like(text, max_cjk=MAX_CJK, max_words=4)
            and not re.fullmatch(r"[\d.\s%]+|[\u4e00-\u9fff]", text)
            and not CLAUSE_WORD.search(text) and not SENTENCE_EDGE.search(text) and not PATH_LIKE.search(text))


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
    listed = [inner for inner in PAREN.findall(text) if is_enumeration(inner) and not LEADS_EXAMPLES.match(inner)]
    for inner in EXAMPLES.findall(text) + listed:  # "（如 A、B）", and "（A、B）" after a name: its members
        pieces = [_piece(p) for p in re.split(r"[、，,/]|或|和|与|及|(?<!\s)\s++(?:or|and)\s++", inner) if p.strip()]
        found += [p for p in pieces if _name(p)]
    return list(dict.fromkeys(found))


def section_terms(section: Section) -> Iterator[Term]:
    """Every term named in ``section`` itself (its title's examples, its description, its body lines)."""
    plain = section.description.replace("**", "")
    bold = [_piece(b) for b in BOLD.findall(section.description) if _name(_piece(b))]  # "**LoRA** and **QLoRA**"
    described = example_terms(section.raw) + ([] if bold else list_terms(plain) + chain_terms(plain)) + example_terms(plain)
    for name in described + bold + _facet_names(section):
        yield Term(name, section.line)
    if section.kind == "item" and not section.bold and not section.description:
        yield from (Term(n, section.line) for n in list_terms(section.title) or _pair(section.title))
    header, attributes = True, False
    byline = _byline(section)
    for line in section.body:
        text = line.text.strip()
        if line.number == byline or is_comment_header(text):
            continue  # the author's name under the title, or over a comment, names no subject
        if TABLE_RULE.match(text):
            header = False
            continue
        if text.startswith("|"):
            if header:
                attributes = _compares(text)
            elif not attributes:
                yield from (Term(n, line.number) for n in _table_term(text))
            continue
        header = True
        if LIST_LINE.match(text) and LINK.fullmatch(LIST_LINE.sub("", text).strip().replace("**", "")):
            continue  # a list of links (a table of contents, related articles): titles, not terms
        listed = list_terms(LIST_LINE.sub("", text)) if LIST_LINE.match(text) else []  # "- 分词器、混合精度训练"
        bold = [] if LIST_LINE.match(text) else BOLD.findall(text)  # a list line left as text stays text
        names = example_terms(text) + listed + [b for b in bold if _name(_piece(b)) and not facet_kind(_piece(b))]
        yield from (Term(_piece(n), line.number) for n in names)
    if section.kind == "stage" and not section.children:  # a step written as prose: its subjects are in its sentences
        yield from (Term(n, section.line) for n in chain_terms(_first_paragraph(section)))


#: Words that lead a step of an ordinal sentence into its subject ("start with tokenization", "先学 Python").
CHAIN_LEAD = re.compile(r"^(?:(?:(?:start(?:ing)? with|begin with|get comfortable with|move on to|go on to|learn|study|read|do|then|"
                        r"only after that|after that|the full|the|a|an)\b|学习|学|再学|先学|看|了解|掌握|补|碰|读|熟悉|理解|搞懂|弄懂)\s*)+",
                        re.IGNORECASE)
#: What follows a step's subject: a gloss, a clause, or a closing "first"/"too".
CHAIN_TAIL = re.compile(r"\s*(?:[（(—–:：,，;；]|\bonce\b|\bbecause\b|\bsince\b|\bwhen\b|\bfirst\b|\btoo\b|\bthat\b|"
                        r"\bso\b|\bas\b|\bfor\b|\bon\b|\bin\b|\bwith\b|\bcomes\b).*$", re.IGNORECASE)


def chain_terms(text: str) -> list[str]:
    """The subjects of the steps of an ordinal sentence ("Start with tokenization, then embeddings (token and
    positional), then self-attention"): each step that reads as a name names a term of the section.

    >>> chain_terms("Start with tokenization, then embeddings (token and positional), then self-attention.")
    ['tokenization', 'embeddings', 'self-attention']
    >>> chain_terms("Chunking first, then embedding models, then a vector database."), chain_terms("先学 Python，再学 NumPy。")
    (['Chunking', 'embedding models', 'vector database'], ['Python', 'NumPy'])
    >>> chain_terms("First you should really think about what you want to build, then decide.")
    []
    """
    from ingest.sequence import ordinal_chains  # ingest.sequence reads topics, which read terms: import when used

    found = []
    for chain in ordinal_chains(text):
        for step in chain:
            name = CHAIN_TAIL.sub("", CHAIN_LEAD.sub("", step.strip(" ,，.。")).strip()).strip()
            if len(name) >= 2 and _name(name) and len(name.split()) <= 3:
                found.append(name)
    return found if len(found) >= 2 else []


#: What follows an author's name in an article's header: reactions, a publishing date, a reading time, a follow button.
ARTICLE_META = re.compile(r"赞同|发布于|编辑于|发表于|阅读\s*\d|\d+\s*分钟|关注|原创|\bmin read\b|\bfollow\b|\bposted\b|"
                          r"\bpublished\b|\bupdated\b|\d{4}[-/年]\d{1,2}", re.IGNORECASE)


#: A comment's header in a thread: a bold user name (maybe a role badge), then what they did and when.
COMMENT_HEADER = re.compile(r"^\*\*[^*]{1,40}\*\*(?:\s*`[^`]{1,20}`)?\s*(?:commented|opened|replied|wrote|said|answered|asked|"
                            r"posted|reviewed|edited|linked|added|removed|closed|reopened|merged|mentioned|referenced|"
                            r"assigned|labeled|评论|回复|写道|说|提问|回答|发布于|发表于)", re.IGNORECASE)


def is_comment_header(text: str) -> bool:
    """Whether a line heads a comment of a thread or is an event of its timeline ("**priya-dev** commented on
    Nov 3", "**mhoffmann** added the `documentation` label", "**阿杰** 回复 …").

    >>> is_comment_header("**mhoffmann** `Maintainer` commented on Nov 4, 2026 · edited"), is_comment_header("**LoRA**: 低秩适配")
    (True, False)
    """
    return COMMENT_HEADER.match(text.strip()) is not None


def _byline(section: Section) -> int:
    """The line of an article's byline (a short bold name under the title followed within three lines by
    its reactions, date or reading time), else 0.

    >>> from ingest.clean import Line
    >>> s = Section("标题", "title", 1, 1, body=[Line(2, ""), Line(3, "**青柠不加糖**"), Line(4, "工程师"), Line(5, "1,326 人赞同了该文章")])
    >>> _byline(s), _byline(Section("标题", "title", 1, 1, body=[Line(2, "**LoRA**"), Line(3, "低秩适配")]))
    (3, 0)
    """
    if section.kind != "title":
        return 0
    lines = [ln for ln in section.body if ln.text.strip()]
    if not lines or not re.fullmatch(r"\*\*[^*]{1,30}\*\*", lines[0].text.strip()):
        return 0
    return lines[0].number if any(ARTICLE_META.search(ln.text) for ln in lines[1:4]) else 0


def _first_paragraph(section: Section) -> str:
    """The first paragraph of ``section``'s text, its lines joined, when it is English prose (a step's own text)."""
    lines: list[str] = []
    for line in section.body:
        if not line.text.strip():
            if lines:
                break
            continue
        lines.append(line.text.strip())
    prose = " ".join(lines)
    return "" if re.search(r"[\u4e00-\u9fff]", prose) or LIST_LINE.match(prose) or "|" in prose else prose


def _facet_names(section: Section) -> list[str]:
    """``框架：PyTorch``, ``Tools: vLLM or Ollama``: a facet item names its members even when there is one."""
    if section.kind != "item" or section.role not in ("facet", "goal") or not section.description:
        return []
    first_clause = CLAUSE.split(section.description, maxsplit=1)[0]  # "LangChain 或 LlamaIndex，二选一"
    pieces = [_piece(p) for p in re.split(r"、|或|和|(?<!\s)\s++(?:or|and)\s++", first_clause)]
    pieces = [p for p in pieces if p]
    return pieces if pieces and all(_name(p) for p in pieces) else []


def _pair(title: str) -> list[str]:
    """``Embedding 与向量检索``: a plain list item naming two things names each of them."""
    parts = [p.strip() for p in re.split(r"与|和|及|(?<!\s)\s++(?:and|&)\s++", title)]
    return parts if len(parts) == 2 and all(_name(p) and len(p) >= 2 for p in parts) else []


#: The first header cell of a table whose rows are attributes compared across its columns.
ATTRIBUTE_HEADER = re.compile(r"^(?:维度|对比项|对比维度|方面|指标|特点|特性|属性|比较项|aspect|dimension|criteri(?:on|a)|feature|"
                              r"property|attribute)s?$", re.IGNORECASE)


def _compares(header: str) -> bool:
    """True for a comparison table header (``| 维度 | 算法岗 | 应用岗 |``): its first column names attributes."""
    cells = [c.strip().strip("*") for c in header.strip().strip("|").split("|")]
    return bool(cells) and (ATTRIBUTE_HEADER.match(cells[0]) is not None or cells[0] == "")


def _table_term(row: str) -> list[str]:
    """The name a table row is about: its first cell, after cells that only number the row.

    >>> _table_term("| 1 | conda | isolated environments |"), _table_term("| **LoRA** | 低秩适配 |")
    (['conda'], ['LoRA'])
    """
    cells = [c.replace("**", "").strip() for c in row.strip().strip("|").split("|")]
    while len(cells) > 1 and re.fullmatch(r"[#\d.\s]*|[一二三四五六七八九十]+|(?:week|month|day|stage|phase|step)\s*\d+|第.{1,3}[周天月步]",
                                          cells[0], re.IGNORECASE):
        cells = cells[1:]
    first = cells[0] if cells else ""
    if not first or LINK.search(first) or "http" in first:
        return []
    return [first] if _name(first) else []
