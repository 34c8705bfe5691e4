"""Topic names: clean a heading into a name, split off aliases, and compute the merge key.

Two names denote the same subject when their keys are equal; the key ignores case,
width, punctuation, parenthesised glosses and generic suffixes such as 机制 or 技术.

>>> split_name("自注意力机制（Self-Attention）")
('自注意力机制', ('Self-Attention',))
>>> topic_key("Transformer架构") == topic_key("Transformer") == topic_key("transformer")
True
>>> topic_key("概率论与统计学") == topic_key("概率与统计")
True
>>> topic_key("深度学习框架") == topic_key("深度学习")
False
"""

from __future__ import annotations

import re
import unicodedata

# An ordinal that starts a title: the label says where it sits in a sequence ("阶段 0", "Week 3", "第一章").
ORDINAL = re.compile(
    r"^(?P<label>(?:阶段|stage|phase|step|week|month|day|part|chapter|module|lesson|lecture|session|sprint|slide|unit|level)\s*"
    r"(?:[0-9一二三四五六七八九十]+(?:\s*[-–~到至]\s*[0-9一二三四五六七八九十]+)?|[IVXL]+\b)"
    r"|第\s*[0-9一二三四五六七八九十百]+(?:\s*[-–~到至]\s*[0-9一二三四五六七八九十百]+)?\s*"
    r"(?:阶段|章|节|部分|篇|周|天|月|步|课|讲|单元|期|页)"
    r"|[一二三四五六七八九十]+[、.．]"
    r"|[\u2460-\u2473]"
    r"|\d+(?:\.\d+)*[.、)）](?!\d)"
    r"|\d+(?:\.\d+)*(?=\s))"
    r"\s*(?:[:：|—–]|-(?=\s)|\.(?=\s))?\s*",
    re.IGNORECASE,
)
QUESTION_LABEL = re.compile(r"^[QＱ]\d*[：:.]\s*")
#: A letter that names a node or a track, not a position ("节点 B：数学基础", "Track A — Research"): the letter
#: orders nothing (B and C may be parallel), and the label is no name; the flowchart refers to the node by its own id.
LETTER_LABEL = re.compile(r"^(?:节点|node|track|path|路线|方向|分支|branch)\s*[A-Z](?![A-Za-z])\s*(?:[:：|—–]|-(?=\s))\s*",
                          re.IGNORECASE)
#: Ordinals that name a step of a sequence (a stage, a week, a chapter), not just a list position.
SEQUENCE_WORD = re.compile(r"^(?:阶段|stage|phase|step|week|month|day|part|chapter|module|lesson|lecture|session|sprint|slide|unit|level|第)",
                           re.IGNORECASE)
PAREN = re.compile(r"[（(]([^（）()]{1,60})[）)]")  # no blanks around it: "\\s*" first rescans long runs
NOT_ALIAS = re.compile(r"^(?:如|例如|比如|可选|选修|包括|即|可|推荐|注|含|\d)")
# Generic words that add nothing to a subject's identity when they end its name.
SUFFIXES = ("机制", "技术", "架构", "方法", "策略", "基础", "算法", "技能", "能力", "理论")
LATIN_SUFFIXES = ("语言", "模型", "框架", "库")
SYNONYMS = (("概率论", "概率"), ("统计学", "统计"), ("&", "与"), ("和", "与"), ("及", "与"))
PUNCT = re.compile(r"[\s\-_·•/\\|,，。.:：;；!！?？'\"“”‘’`*~#()（）\[\]【】《》<>]+")


def clean_title(raw: str) -> str:
    """A heading or list label without Markdown emphasis, decoration, numbering or trailing colon.

    >>> clean_title("### **一、基础准备**")
    '基础准备'
    >>> clean_title("3.1 卷积神经网络（CNN）")
    '卷积神经网络（CNN）'
    >>> clean_title("第二阶段：深度学习"), clean_title("🌱 阶段 0：编程热身"), clean_title("? 学习目标")
    ('深度学习', '编程热身', '学习目标')
    >>> clean_title("Week 2: Tensors"), clean_title("Chapter 4 - Recurrent Networks"), clean_title("第1周 环境")
    ('Tensors', 'Recurrent Networks', '环境')
    >>> clean_title("Lecture 5: Attention and Transformers"), clean_title("Session 2 — Tokenizers")
    ('Attention and Transformers', 'Tokenizers')
    >>> clean_title("Step 3"), clean_title("GPT-4 技术报告"), clean_title("3D 视觉")
    ('Step 3', 'GPT-4 技术报告', '3D 视觉')
    >>> clean_title("## 节点 B：数学基础"), clean_title("### Track A — Research"), clean_title("Track record")
    ('数学基础', 'Research', 'Track record')
    """
    text = undecorate(raw.strip().lstrip("#").replace("**", "").replace("__", ""))
    label, rest = split_ordinal(text)
    if label:
        text = rest or label
    else:
        text = QUESTION_LABEL.sub("", text, count=1)
        text = LETTER_LABEL.sub("", text, count=1) or text
    return text.strip().rstrip(":：").strip()


def undecorate(text: str) -> str:
    """``text`` without leading emoji, bullets or the ``?`` a lost emoji leaves behind.

    >>> undecorate("🎯 目标"), undecorate("？ 推荐工具"), undecorate("• Python"), undecorate("C++")
    ('目标', '推荐工具', 'Python', 'C++')
    """
    text = text.strip()
    i = 0
    while i < len(text) and (_decorative(text[i]) or (text[i] in "?？" and i + 1 < len(text)
                                                      and text[i + 1] not in "?？")):
        i += 1
    return text[i:].strip() if i < len(text) else text


def _decorative(char: str) -> bool:
    category = unicodedata.category(char)
    return (category in ("So", "Sk", "Cf", "Mn") and not char.isalnum()) or char in "•·●○■□▪▫▶►▸✓✔★☆➤→-*+ \t\u3000"


def split_ordinal(title: str) -> tuple[str, str]:
    """``(ordinal label, rest)`` of a title that starts with one, else ``("", title)``.

    >>> split_ordinal("阶段 0：编程热身"), split_ordinal("Week 1: Python"), split_ordinal("第三章：神经网络")
    (('阶段 0', '编程热身'), ('Week 1', 'Python'), ('第三章', '神经网络'))
    >>> split_ordinal("1. Programming"), split_ordinal("Part II: Models"), split_ordinal("Week 3-4: RAG")
    (('1.', 'Programming'), ('Part II', 'Models'), ('Week 3-4', 'RAG'))
    """
    match = ORDINAL.match(title)
    if not match:
        return "", title
    return match.group("label").strip(), title[match.end():].strip()


def is_sequence_label(label: str) -> bool:
    """True for ordinals naming a step of a sequence (阶段 N, Week N, 第X章, 一、), not a bare list number.

    >>> is_sequence_label("Week 3"), is_sequence_label("第二章"), is_sequence_label("一、"), is_sequence_label("3.")
    (True, True, True, False)
    >>> is_sequence_label(split_ordinal("② 声学建模")[0])  # a circled number numbers a part
    True
    """
    return bool(SEQUENCE_WORD.match(label)) or bool(re.match(r"^(?:[一二三四五六七八九十]+[、.．]|[\u2460-\u2473])$", label))


NOT_NAME = re.compile(r"[，,。；;！!？?：:《》]|\]\(|https?://")
CJK = re.compile(r"[\u4e00-\u9fff]")


def is_name_like(text: str, max_cjk: int = 12, max_words: int = 6) -> bool:
    """True when ``text`` reads as the name of a thing rather than a sentence or an article title.

    >>> is_name_like("Linux 命令行"), is_name_like("Function Calling"), is_name_like("Tokenizer（分词器）")
    (True, True, True)
    >>> is_name_like("Retrieval-augmented generation and agents")  # English spells a name in more letters
    True
    >>> is_name_like("看懂别人的 notebook，并能改参数重新跑"), is_name_like("[Unicode pitfalls](https://x.y/a)")
    (False, False)
    """
    plain = PAREN.sub(" ", text).strip().rstrip("。.;；")
    if not plain or NOT_NAME.search(plain) or len(plain) > (60 if plain.isascii() else 40) or re.search(r"\]\(|https?://", text):
        return False
    words = re.findall(r"[A-Za-z][A-Za-z0-9+#.\-]*", plain)
    return len(CJK.findall(plain)) <= max_cjk and len(words) <= max_words


def split_name(title: str) -> tuple[str, tuple[str, ...]]:
    """Split ``title`` into a name and the aliases given in parentheses.

    >>> split_name("多模态模型（如CLIP、DALL-E）")
    ('多模态模型', ())
    >>> split_name("MoE(Mixture of Experts)"), split_name("激活函数（ReLU、GELU）")
    (('MoE', ('Mixture of Experts',)), ('激活函数', ()))
    """
    aliases = tuple(
        gloss.strip()
        for gloss in PAREN.findall(title)
        if not NOT_ALIAS.match(gloss.strip()) and len(gloss.strip()) > 1 and not is_enumeration(gloss)
    )
    name = PAREN.sub(" ", title).strip()
    name = re.sub(r"\s{2,}", " ", name)
    return (name or title), aliases


ENUMERATION_MARK = re.compile(r"、|[,，;；]|\s/\s|(?<=[A-Za-z0-9])\s+(?:or|and)\s+(?=[A-Za-z])")


def is_enumeration(text: str) -> bool:
    """True when ``text`` lists two or more names (its members, not another name for the thing).

    >>> is_enumeration("ReLU、GELU"), is_enumeration("FAISS or Chroma"), is_enumeration("Mixture of Experts")
    (True, True, False)
    """
    pieces = [p.strip() for p in ENUMERATION_MARK.split(text) if p.strip()]
    return len(pieces) >= 2 and all(is_name_like(p, max_cjk=10, max_words=4) for p in pieces)


def normalize(text: str) -> str:
    """Case-, width- and punctuation-insensitive form of ``text``.

    >>> normalize("Ｓelf-Attention 机制")
    'selfattention机制'
    """
    text = unicodedata.normalize("NFKC", text).lower()
    for old, new in SYNONYMS:
        text = text.replace(old, new)
    return PUNCT.sub("", text)


def topic_key(name: str) -> str:
    """The merge key of a topic name.

    >>> topic_key("Python语言"), topic_key("预训练技术"), topic_key("扩散模型")
    ('python', '预训练', '扩散模型')
    """
    key = normalize(PAREN.sub(" ", name))
    changed = True
    while changed:
        changed = False
        for suffix in SUFFIXES + LATIN_SUFFIXES:
            stem = key[: -len(suffix)]
            if key.endswith(suffix) and _keeps_identity(stem, suffix):
                key, changed = stem, True
    return key


def _keeps_identity(stem: str, suffix: str) -> bool:
    if suffix in LATIN_SUFFIXES:
        return bool(stem) and stem.isascii()
    return len(stem) >= 2 or (stem.isascii() and len(stem) >= 2)


def is_latin(text: str) -> bool:
    """True when ``text`` is written in Latin letters (an English term).

    >>> is_latin("Self-Attention"), is_latin("自注意力")
    (True, False)
    """
    return bool(text) and all(ord(c) < 0x2E80 for c in text) and any(c.isalpha() for c in text)


def slugify(text: str) -> str:
    """A URL-safe id: Latin text lower-cased with dashes; other scripts kept as they are.

    >>> slugify("Self-Attention"), slugify("BERT/GPT"), slugify("线性代数")
    ('self-attention', 'bert-gpt', '线性代数')
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\u4e00-\u9fff]+", "-", text)
    return text.strip("-_") or "topic"
