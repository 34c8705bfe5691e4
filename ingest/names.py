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

NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百\d]+(?:阶段|章|节|部分|篇)[\s:：、.]*"
    r"|[一二三四五六七八九十]+[、.．]\s*"
    r"|\d+(?:\.\d+)*[.、)）]?\s+"
    r"|\d+(?:\.\d+)*[.、]"
    r"|[QＱ]\d*[：:.]\s*)"
)
PAREN = re.compile(r"\s*[（(]([^（）()]{1,60})[）)]\s*")
NOT_ALIAS = re.compile(r"^(?:如|例如|比如|可选|选修|包括|即|可|推荐|注|含|\d)")
# Generic words that add nothing to a subject's identity when they end its name.
SUFFIXES = ("机制", "技术", "架构", "方法", "策略", "基础", "算法", "技能", "能力", "理论")
LATIN_SUFFIXES = ("语言", "模型", "框架", "库")
SYNONYMS = (("概率论", "概率"), ("统计学", "统计"), ("&", "与"), ("和", "与"), ("及", "与"))
PUNCT = re.compile(r"[\s\-_·•/\\|,，。.:：;；!！?？'\"“”‘’`*~#()（）\[\]【】《》<>]+")


def clean_title(raw: str) -> str:
    """A heading or list label without Markdown emphasis, numbering or trailing colon.

    >>> clean_title("### **一、基础准备**")
    '基础准备'
    >>> clean_title("3.1 卷积神经网络（CNN）")
    '卷积神经网络（CNN）'
    >>> clean_title("第二阶段：深度学习")
    '深度学习'
    """
    text = raw.strip().lstrip("#").strip()
    text = text.replace("**", "").replace("__", "").strip()
    text = NUMBERING.sub("", text, count=1).strip()
    return text.rstrip(":：").strip()


def split_name(title: str) -> tuple[str, tuple[str, ...]]:
    """Split ``title`` into a name and the aliases given in parentheses.

    >>> split_name("多模态模型（如CLIP、DALL-E）")
    ('多模态模型', ())
    >>> split_name("MoE(Mixture of Experts)")
    ('MoE', ('Mixture of Experts',))
    """
    aliases = tuple(
        gloss.strip()
        for gloss in PAREN.findall(title)
        if not NOT_ALIAS.match(gloss.strip()) and len(gloss.strip()) > 1
    )
    name = PAREN.sub(" ", title).strip()
    name = re.sub(r"\s{2,}", " ", name)
    return (name or title), aliases


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
