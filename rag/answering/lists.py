"""Lists in passages: the items a passage lists (courses, books, frameworks, steps, methods), so an
answer to a list question can name every one.

Three forms are found, in any document: a block of bullet or numbered lines (its items
are the lines' heads: bold text, a title in 《》, or the text before a colon), an
inline series in one line ("梯度、导数、优化方法"), and a Markdown table (its items are the
first cells of its rows, its header and the line above it the label). The list that
answers the question is the one whose label or line shares most of the question's words.

>>> text = "- **课程**：\\n  - 吴恩达《Deep Learning Specialization》（Coursera）。\\n  - 李沐《动手学深度学习》（中文）。"
>>> found = best_list(text, "有哪些推荐课程？")
>>> found.items
('Deep Learning Specialization', '动手学深度学习')
>>> missing_items("推荐吴恩达的Deep Learning Specialization。", found.items)
['动手学深度学习']
>>> outline = "- **经典论文**\\n- **必读论文**：\\n   - 《Attention Is All You Need》。\\n   - 《Scaling Laws》。\\n- **主流模型**：GPT"
>>> best_list(outline, "有哪些必读论文？").items
('Attention Is All You Need', 'Scaling Laws')
>>> best_list("- **经典论文与模型**\\n- **主流模型**：GPT系列、LLaMA、T5", "主流大模型有哪些？").items
('GPT系列', 'LLaMA', 'T5')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.text import LIST_QUESTION_WORDS
from rag.retrieval.lexical import occurs, tokenize

#: Words of list questions ("which", "what are", "有哪些", "步骤" …).
LIST_QUESTION = re.compile(
    r"哪些|哪几|几种|几个|几步|步骤|分别|列出|包括什么|包含什么|有什么(?:方法|工具|课程|书|框架|技术|论文|模型|平台)"
    r"|\bwhich (?:[a-z-]+ )?(?!is\b|was\b|does\b|has\b)[a-z-]{3,}s\b|\bwhat are\b|\blist\b|\bsteps\b"
    r"|\bname (?:the|all)\b",
    re.IGNORECASE,
)
#: A list longer than this is a document outline, not an answer.
MAX_ITEMS = 12
#: Longest item head kept (characters); longer heads are sentences, not items.
MAX_ITEM = 40
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d{1,2}[.)、])\s+(.*)$")
_TITLE = re.compile(r"《([^》]{1,80})》")
_BOLD = re.compile(r"\*\*([^*]{1,60})\*\*")
_GLOSS = re.compile(r"[（(][^（）()]*[）)]")
_INTRO = re.compile(r"：|:|包括|包含|例如|比如|诸如|如")
#: Verbs a roadmap puts before the items it lists ("掌握数据并行…"); not part of the first item.
_LEADING_VERB = re.compile(r"^(?:掌握|学习|使用|研究|关注|了解|熟悉|参与|阅读|采用|探索|尝试|理解|用)")
_SEPARATOR = re.compile(r"、|以及|及|和|与|或")
_CLAUSE = re.compile(r"[。；;！？!?，,]")


@dataclass(frozen=True)
class ItemList:
    """A list found in a passage."""

    items: tuple[str, ...]  #: the items' heads, as written
    text: str  #: the verbatim lines (or line) holding the list
    score: int  #: how many question words its label or line holds


def is_list_question(question: str) -> bool:
    """Whether ``question`` asks for a list.

    >>> is_list_question("分布式训练有哪些并行方式？"), is_list_question("什么是LoRA？")
    (True, False)
    """
    return LIST_QUESTION.search(question) is not None


def best_list(text: str, question: str) -> ItemList | None:
    """The list in ``text`` that best answers ``question`` (None when no list shares a question word)."""
    words = question_words(question)
    candidates = [*blocks(text, words), *series(text, words), *tables(text, words)]
    candidates = [c for c in candidates if c.score > 0 and 2 <= len(c.items) <= MAX_ITEMS]
    return max(candidates, key=lambda c: (c.score, len(c.items)), default=None)


def question_words(question: str) -> set[str]:
    """The question's content words: two characters or more, ``kb.text.STOPWORDS`` and ``LIST_QUESTION_WORDS`` left out.

    The other ``QUESTION_WORDS`` (学习, 掌握, 之前 …) count here: list labels use them ("学习资源").

    >>> sorted(question_words("有哪些推荐的Python课程？")), sorted(question_words("常见的正则化方法有哪些？"))
    (['python', '课程'], ['方法', '正则'])
    """
    return {w for w in tokenize(question) if len(w) > 1 and w not in LIST_QUESTION_WORDS}


def blocks(text: str, words: set[str]) -> list[ItemList]:
    """Sibling bullet or numbered lines (one indentation, one parent), each run labelled by the line above it."""
    lines = text.splitlines()
    groups: list[list[int]] = []
    open_groups: list[tuple[int, list[int]]] = []  # (indentation, its group), outermost first
    for i, line in enumerate(lines):
        bullet = _BULLET.match(line)
        if not bullet:
            if line.strip():
                open_groups.clear()
            continue
        depth = len(bullet.group(1).expandtabs(4))
        while open_groups and open_groups[-1][0] > depth:
            open_groups.pop()
        if open_groups and open_groups[-1][0] == depth:
            open_groups[-1][1].append(i)
        else:
            groups.append([i])
            open_groups.append((depth, groups[-1]))
    found = []
    for run in groups:
        if len(run) < 2:
            continue
        label = lines[run[0] - 1] if run[0] > 0 else ""
        heads = tuple(h for h in (item_head(_BULLET.match(lines[i]).group(2)) for i in run) if h)  # type: ignore[union-attr]
        body = "\n".join(lines[i] for i in range(run[0] - (1 if label.strip() else 0), run[-1] + 1))
        found.append(ItemList(heads, body, _relevance(label, heads, words, introduces(label))))
    return found


def series(text: str, words: set[str]) -> list[ItemList]:
    """Inline series ("A、B和C"), one per clause, labelled by what precedes them in the line and the line above."""
    found = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        above = lines[number - 1] if number else ""
        for clause in _CLAUSE.split(line):
            if "、" not in clause:
                continue
            plain = _GLOSS.sub("", clause.replace("**", "").replace("`", ""))
            first = plain.find("、")
            if first < 0:
                continue
            intro = max((m.end() for m in _INTRO.finditer(plain, 0, first)), default=0)
            items = tuple(i for i in (_clean(p) for p in _SEPARATOR.split(plain[intro:])) if i and len(i) <= MAX_ITEM // 2)
            if len(items) >= 2:
                label = line[: line.find(clause)] + plain[:intro]
                if not re.search(r"\w", _BULLET.sub(r"\2", label).replace("*", "")):
                    label += above  # a bare bullet is labelled by its parent
                found.append(ItemList(items, line.strip(), _relevance(label, items, words, introduces(label, item=False))))
    return found


def tables(text: str, words: set[str]) -> list[ItemList]:
    """Markdown tables: the first cell of every row under the header, labelled by the header and the line above.

    >>> table = "Frameworks to know:\\n| Framework | Good for |\\n|---|---|\\n| LangChain | chains |\\n| vLLM | serving |"
    >>> tables(table, {"framework"})[0].items
    ('LangChain', 'vLLM')
    """
    found = []
    lines = text.splitlines()
    for start, end in _table_spans(lines):
        rows = [_cells(line) for line in lines[start:end]]
        if len(rows) < 4 or not all(set(c) <= set("-: ") for c in rows[1]):
            continue  # a header, its rule and at least two rows
        items = tuple(h for h in (item_head(r[0]) if r else "" for r in rows[2:]) if h)
        label = (lines[start - 1] if start else "") + " " + " ".join(rows[0])
        header_names = _score(rows[0][0] if rows[0] else "", words) > 0  # "Framework" heads a list of frameworks
        found.append(ItemList(items, "\n".join(lines[start:end]), _relevance(label, items, words, header_names)))
    return found


def _table_spans(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(first, past-last) line numbers of the runs of table lines."""
    spans, start = [], None
    for i, line in enumerate([*lines, ""]):
        if line.strip().startswith("|"):
            start = i if start is None else start
        elif start is not None:
            spans.append((start, i))
            start = None
    return spans


def _cells(line: str) -> list[str]:
    """The cells of a table line, without links' targets and emphasis."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().strip("|"))
    return [cell.strip() for cell in line.split("|")]


def item_head(line: str) -> str:
    """The name of a list item: its title in 《》, its bold text, or the text before a colon.

    >>> item_head("**线性代数**：矩阵运算、特征值"), item_head("《BERT: Pre-training》。"), item_head("数据预处理：清洗。")
    ('线性代数', 'BERT: Pre-training', '数据预处理')
    """
    for pattern in (_TITLE, _BOLD):
        match = pattern.search(line)
        if match:
            return match.group(1).strip()
    head = re.split(r"[：:（(，,。]", line, maxsplit=1)[0]
    head = _clean(head)
    return head if len(head) <= MAX_ITEM else ""


def missing_items(answer: str, items: Sequence[str]) -> list[str]:
    """The items ``answer`` does not name (case and width ignored)."""
    text = answer.lower().replace("**", "")
    return [item for item in items if not occurs(item.lower(), text)]


def listing_sentence(found: ItemList, n: int, lang: str) -> str:
    """One sentence naming every item of ``found`` with its citation.

    >>> listing_sentence(ItemList(("SGD", "Adam"), "", 1), 2, "zh")
    '资料[2]共列出2项：SGD、Adam。'
    """
    if lang == "zh":
        return f"资料[{n}]共列出{len(found.items)}项：{'、'.join(found.items)}。"
    return f"Passage [{n}] lists {len(found.items)}: {', '.join(found.items)}."


def _clean(item: str) -> str:
    item = _GLOSS.sub("", item.replace("**", "").replace("`", "")).strip(" \t-*:：。，,.;；、")
    item = _LEADING_VERB.sub("", item)
    return re.sub(r"(?:等等|等)(?:[\u4e00-\u9fff]{0,6})$", "", item).strip()


def introduces(label: str, item: bool = True) -> bool:
    """Whether a label introduces the list after it: it ends with a colon, "如下" or "包括" (not with
    "如": examples are not the list the label names), or (for the line above a block, ``item``) is
    itself a list item, the block holding its parts.

    >>> introduces("- **必读论文**："), introduces("具体操作步骤如下："), introduces("下面是一段话。")
    (True, True, False)
    >>> introduces("- **卷积操作**：提取局部特征，如", item=False), introduces("常用的评测指标包括", item=False)
    (False, True)
    """
    bare = label.strip().replace("*", "")
    return bool(bare) and (bare.endswith(("：", ":", "如下", "包括", "包含", "分为", "分成")) or
                           (item and _BULLET.match(label) is not None))


def _relevance(label: str, items: Sequence[str], words: set[str], introduced: bool = False) -> int:
    """Items naming a question word count most (分布式训练的并行方式 → 数据并行、模型并行), then the label;
    a label that introduces its list counts twice and once more, so the books under "- **必读论文**："
    beat the list of section names that holds 必读论文 itself."""
    label_score = min(_score(label, words), 3)
    bonus = 2 * label_score + 1 if introduced and label_score else label_score
    return 2 * sum(_score(i, words) > 0 for i in items) + bonus


def _score(text: str, words: set[str]) -> int:
    """How many of ``words`` occur in ``text``; an English plural also by its singular.

    >>> _score("| Engine | Good for |", {"engines", "table"}), _score("index them with FAISS", {"indexes"})
    (1, 1)
    """
    lowered = text.lower()
    return sum(occurs(w.lower(), lowered) or (_plural(w) and any(occurs(s, lowered) for s in _singulars(w.lower())))
               for w in words)


def _singulars(word: str) -> list[str]:
    """Singular forms an English plural may have: "engines" -> engine, "indexes" -> index (and indexe)."""
    return [word[:-1]] + ([word[:-2]] if word.endswith("es") and len(word) > 4 else [])


def _plural(word: str) -> bool:
    return len(word) > 3 and word.isascii() and word.lower().endswith("s") and not word.lower().endswith("ss")
