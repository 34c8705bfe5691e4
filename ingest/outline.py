"""Plain-text outlines: the structure a document without Markdown writes with ordinals alone.

A roadmap typed in a notepad marks its parts with ordinal lines ("一、编程入门", "第二部分：数学",
"Part 3: Serving"), its points with numbered lines ("（1）Python：…", "2) NumPy", "③ Git") and its
asides with bracket labels ("【练习】"). When a document has no Markdown heading at all and at least
two such part lines, they become headings and the points numbered list items, so the rest of
ingest reads it like any Markdown roadmap. Line numbers are kept; a Markdown document is left as is.

>>> lines = [Line(1, "入门提纲"), Line(2, ""), Line(3, "一、编程"), Line(4, "（1）Python：会写脚本。"),
...          Line(5, "【练习】"), Line(6, "二、数学"), Line(7, "2) 向量与矩阵")]
>>> [l.text for l in markup_outline(lines)]
['# 入门提纲', '', '## 一、编程', '1. Python：会写脚本。', '### 练习', '## 二、数学', '2. 向量与矩阵']
>>> [l.text for l in markup_outline([Line(1, "# 标题"), Line(2, "一、编程"), Line(3, "二、数学")])]
['# 标题', '一、编程', '二、数学']
"""

from __future__ import annotations

import re

from ingest.clean import KEYCAP_PART, Line, in_fence
from ingest.names import is_name_like, is_sequence_label, split_ordinal
from ingest.scaffolding import excludes_subtree

#: A numbered point: （1） (1) 1） 1) or a circled number, then its text.
POINT = re.compile(r"^\s*(?:[（(](\d{1,2})[）)]|(\d{1,2})[）)]|([\u2460-\u2473]))\s*(\S.*)$")
#: A bracketed aside label on its own line: 【练习】, [Exercise].
ASIDE = re.compile(r"^\s*[【\[]([^】\]]{1,12})[】\]]\s*$")
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
#: A paragraph that is only a bold label: **第一步：打好基础**, **Step 2: Math**, **推荐资料：**.
BOLD_LINE = re.compile(r"^\s*\*\*([^*]{1,60}?)\*\*\s*[:：]?\s*$")
HEADING_MARKS = re.compile(r"^\s{0,3}(#{1,6})\s+\S")
TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
TABLE_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}")
#: A cell that only says when or how long (第 1–3 周, Weeks 1-2, 3 months): no subject in it.
DURATION = re.compile(r"^(?:第?\s*[\d一二三四五六七八九十]+\s*(?:[-–~—至到]\s*[\d一二三四五六七八九十]+\s*)?"
                      r"(?:周|天|个月|月|小时|weeks?|months?|days?|hours?|h)|(?:weeks?|months?|days?)\s*[\d\s\-–]+)$",
                      re.IGNORECASE)
MAX_PART_CHARS = 40  #: a part line longer than this is a sentence that starts with an ordinal
SENTENCE_END = ("。", "！", "？", ".", "!", "?", "；", ";")


def is_part(text: str) -> bool:
    """Whether ``text`` is a part line of a plain outline.

    >>> is_part("三、神经网络入门"), is_part("Part 2: Models"), is_part("第一部分 基础")
    (True, True, True)
    >>> is_part("一、先装好环境，再开始写代码，这一步最容易被跳过。"), is_part("Python：列表和字典")
    (False, False)
    """
    text = text.strip()
    number = split_ordinal(text)[0]  # the ordinals sections.py reads as stages: 一、 第N部分 Part N Week N …
    short = len(text) <= MAX_PART_CHARS and not text.endswith(SENTENCE_END)
    return bool(number) and is_sequence_label(number) and short


#: A point marked with an emoji or symbol bullet instead of "-": ✅ ✔️ ☑️ 🔹 🔸 ▪️ ▫️ • ➤ ▶️ 👉 📌.
EMOJI_POINT = re.compile(r"^\s*(?:[\u2705\u2714\u2611\U0001f539\U0001f538\u25aa\u25ab\u2022\u27a4\u25b6\U0001f449\U0001f4cc]"
                         r"\ufe0f?)\s*(\S.*)$")


#: A wiki link (Obsidian, Foam, MediaWiki-style): [[Target]], [[Target|shown text]], [[#Heading]], [[Note#Heading|text]].
WIKILINK = re.compile(r"\[\[\s*([^\]|#]*?)\s*(?:#\s*([^\]|]*?)\s*)?(?:\|\s*([^\]]*?)\s*)?\]\]")


DISAMBIGUATION = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def markup_wikilinks(lines: list[Line]) -> list[Line]:
    """``lines`` with wiki links written as the text they stand for: the shown text, after the target's name
    when the two differ ("[[监督微调|SFT]]" -> "监督微调（SFT）", so the name keeps its alias), the shown text
    alone when the target only adds a disambiguation ("[[评估（RAG）|评估]]" -> "评估"), else the target or the
    heading linked to.

    >>> [l.text for l in markup_wikilinks([Line(1, "- [[Python]]：语法"), Line(2, "先 [[监督微调|SFT]] 再 [[#② 声学模型]]")])]
    ['- Python：语法', '先 监督微调（SFT） 再 ② 声学模型']
    """
    fenced = in_fence(lines)  # a diagram's [[node]] (mermaid's subroutine shape) is no link
    return [Line(number, WIKILINK.sub(_wikilink_text, text) if "[[" in text and not inside else text)
            for (number, text), inside in zip(lines, fenced)]


def _wikilink_text(link: re.Match[str]) -> str:
    target, heading, shown = (part or "" for part in link.groups())
    name = target or heading
    if not shown or not name or shown.lower() == name.lower():
        return name or shown
    if shown.lower() == DISAMBIGUATION.sub("", name).strip().lower():
        return shown  # "[[评估（RAG）|评估]]": the target's parenthesis tells notes apart, it is no alias
    return f"{name}（{shown}）"


def markup_keycap_outline(lines: list[Line]) -> list[Line]:
    """``lines`` with keycap-numbered part lines (1️⃣ Python 基础) as ``## N. …`` headings and the
    emoji-bulleted points under them (✅ NumPy：数组) as ``-`` items; the first short line becomes the
    ``#`` title. Unchanged for a Markdown document or one with fewer than two keycap part lines.

    >>> lines = [Line(1, "🔥我的自学路线"), Line(2, "1\ufe0f\u20e3 Python（2 周）"), Line(3, "\u2705 NumPy：数组运算"),
    ...          Line(4, "2\ufe0f\u20e3 声学模型"), Line(5, "\u2714\ufe0f 维特比解码")]
    >>> [l.text for l in markup_keycap_outline(lines)]
    ['# 🔥我的自学路线', '## 1. Python（2 周）', '- NumPy：数组运算', '## 2. 声学模型', '- 维特比解码']
    """
    parts = [i for i, (_, text) in enumerate(lines) if _keycap_part(text)]
    if any(MARKDOWN_HEADING.match(text) for _, text in lines) or len(parts) < 2:
        return lines
    first = next((i for i, (_, text) in enumerate(lines) if text.strip()), None)
    return [Line(number, _keycap_markup(text, title=i == first and i < parts[0], inside=i > parts[0]))
            for i, (number, text) in enumerate(lines)]


def _keycap_part(text: str) -> str:
    """The numbered heading of a keycap part line ("1. Python 基础"), "" for any other line."""
    part = KEYCAP_PART.match(text)
    if not part or len(part.group(3)) > MAX_PART_CHARS or part.group(3).rstrip().endswith(SENTENCE_END):
        return ""
    return f"{int(part.group(1) or 10)}. {part.group(3).strip()}"


def _keycap_markup(text: str, *, title: bool, inside: bool) -> str:
    if heading := _keycap_part(text):
        return "## " + heading
    if inside and (point := EMOJI_POINT.match(text)):
        return "- " + point.group(1)
    stripped = text.strip()
    if title and len(stripped) <= MAX_PART_CHARS and not stripped.endswith(SENTENCE_END):
        return "# " + stripped
    return text


def markup_outline(lines: list[Line]) -> list[Line]:
    """``lines`` with a plain outline's parts as ``##`` headings, its points as ``N.`` items, its asides
    as ``###`` headings and its first short line as the ``#`` title; unchanged for a Markdown document
    or one with fewer than two part lines."""
    if any(MARKDOWN_HEADING.match(text) for _, text in lines) or sum(is_part(t) for _, t in lines) < 2:
        return lines
    first = next((i for i, (_, text) in enumerate(lines) if text.strip()), None)
    return [Line(number, _markup(text, title=i == first)) for i, (number, text) in enumerate(lines)]


def _markup(text: str, *, title: bool) -> str:
    if is_part(text):
        return "## " + text.strip()
    if point := POINT.match(text):
        ordinal = point.group(1) or point.group(2) or str(ord(point.group(3)) - 0x2460 + 1)
        return f"{int(ordinal)}. {point.group(4)}"
    if aside := ASIDE.match(text):
        return "### " + aside.group(1).strip()
    stripped = text.strip()
    if title and len(stripped) <= MAX_PART_CHARS and not stripped.endswith(SENTENCE_END):
        return "# " + stripped
    return text


def _bold_step(text: str) -> str:
    """The label of a bold paragraph that names a step of a sequence (**第一步：X**, **Step 2: X**), else ""."""
    bold = BOLD_LINE.match(text)
    if not bold:
        return ""
    label = bold.group(1).strip().rstrip(":：").strip()
    number, rest = split_ordinal(label)
    return label if number and rest and is_sequence_label(number) else ""


def markup_bold_steps(lines: list[Line]) -> list[Line]:
    """``lines`` with bold step paragraphs as headings one level below the heading above the first of
    them (``##`` without one); after the first step, a bold label ending in a colon (**推荐资料：**)
    becomes a subheading of its step and a bold comments line (**37 条评论**) ends the steps. Unchanged
    with fewer than two step paragraphs, since one bold step is emphasis, not structure.

    >>> lines = [Line(1, "# 怎么学"), Line(2, "**第一步：Python**"), Line(3, "先学语法。"),
    ...          Line(4, "**推荐资料：**"), Line(5, "**第二步：数学**"), Line(6, "**12 条评论**")]
    >>> [l.text for l in markup_bold_steps(lines)]
    ['# 怎么学', '## 第一步：Python', '先学语法。', '### 推荐资料', '## 第二步：数学', '## 12 条评论']
    >>> [l.text for l in markup_bold_steps([Line(1, "**Step 1: Setup**"), Line(2, "text")])]
    ['**Step 1: Setup**', 'text']
    """
    steps = [i for i, (_, text) in enumerate(lines) if _bold_step(text)]
    if len(steps) < 2:
        return lines
    above = [len(m.group(1)) for _, text in lines[:steps[0]] if (m := HEADING_MARKS.match(text))]
    level = min(max(above, default=1) + 1, 5)
    return lines[:steps[0]] + [Line(number, _bold_markup(text, level)) for number, text in lines[steps[0]:]]


def _bold_markup(text: str, level: int) -> str:
    if label := _bold_step(text):
        return "#" * level + " " + label
    bold = BOLD_LINE.match(text)
    if not bold:
        return text
    label = bold.group(1).strip()
    if excludes_subtree(label):
        return "#" * level + " " + label
    if text.rstrip().endswith((":", "：")) or label.endswith((":", "：")):
        return "#" * (level + 1) + " " + label.rstrip(":：").strip()
    return text


#: A paragraph that opens with a step label and names the step in its first sentence: "Step 1 — Python and math.
#: Get comfortable …", "第一步：打基础。先学 …".
STEP_PARAGRAPH = re.compile(r"^(?P<label>(?:step|stage|phase|part|week|lesson)\s*\d{1,2}|第[一二三四五六七八九十\d]{1,3}[步阶段]{1,2})"
                            r"\s*(?:—|–|-|:|：|\.)\s*(?P<name>[^.。!！?？:：]{1,60}?)\s*(?:[.。!！]\s+|[.。!！]$|[:：]\s*)(?P<rest>.*)$",
                            re.IGNORECASE)


def _paragraph_step(text: str) -> tuple[str, str] | None:
    """``(heading, rest of the paragraph)`` of a step paragraph, else ``None``.

    >>> _paragraph_step("Step 3 — PyTorch. Tensors, autograd, a training loop.")
    ('Step 3 — PyTorch', 'Tensors, autograd, a training loop.')
    >>> _paragraph_step("Step 3 is where most people give up."), _paragraph_step("- Step 1 — Setup.")
    (None, None)
    """
    match = STEP_PARAGRAPH.match(text.strip()) if not text.startswith((" ", "\t")) else None
    if not match or not is_name_like(match.group("name"), max_words=6):
        return None
    return f"{match.group('label')} — {match.group('name').strip()}", match.group("rest").strip()


def markup_paragraph_steps(lines: list[Line]) -> list[Line]:
    """``lines`` with the step paragraphs of an answer or a post written without list markup ("Step 1 — Python and
    math. Get comfortable …") as headings one level below the heading above the first of them, each followed by the
    rest of its paragraph; unchanged with fewer than two, or in a document whose steps are already headings or items.

    >>> lines = [Line(1, "# Q"), Line(2, "Step 1 — Python. Learn it first."), Line(3, "more"), Line(4, "Step 2 — Math. Then this.")]
    >>> [l.text for l in markup_paragraph_steps(lines)]
    ['# Q', '## Step 1 — Python', 'Learn it first.', 'more', '## Step 2 — Math', 'Then this.']
    """
    steps = [i for i, (_, text) in enumerate(lines) if _paragraph_step(text)]
    if len(steps) < 2:
        return lines
    above = [len(m.group(1)) for _, text in lines[:steps[0]] if (m := HEADING_MARKS.match(text))]
    level = min(max(above, default=1) + 1, 5)
    out: list[Line] = []
    for i, (number, text) in enumerate(lines):
        step = _paragraph_step(text) if i in steps else None
        if step:
            out.append(Line(number, "#" * level + " " + step[0]))
            if step[1]:
                out.append(Line(number, step[1]))
        else:
            out.append(Line(number, text))
    return out


QUOTED_ITEM = re.compile(r"^\s*>\s?(\s*(?:[-*+]|\d{1,2}[.、)])\s+\S.*)$")


def markup_quoted_lists(lines: list[Line]) -> list[Line]:
    """``lines`` with the lists inside blockquotes unquoted: an article's boxed summary ("> 「划重点」" then "> - **X**：…")
    lists the section's subjects like any list. A blockquote with fewer than two items stays a quote.

    >>> lines = [Line(1, "> 「划重点」"), Line(2, "> - **Python**：函数"), Line(3, "> - **NumPy**：数组"), Line(4, "> 引用")]
    >>> [l.text for l in markup_quoted_lists(lines)]
    ['> 「划重点」', '- **Python**：函数', '- **NumPy**：数组', '> 引用']
    """
    out, i = [], 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].text.lstrip().startswith(">"):
            j += 1
        block = lines[i:max(j, i + 1)]
        if j > i and sum(bool(QUOTED_ITEM.match(t)) for _, t in block) >= 2:
            block = [Line(n, m.group(1)) if (m := QUOTED_ITEM.match(t)) else Line(n, t) for n, t in block]
        out += block
        i = max(j, i + 1)
    return out


def markup_plan_tables(lines: list[Line]) -> list[Line]:
    """``lines`` with each plan table (rows whose first cell is a numbered stage: 阶段一：X, Stage 2 — X)
    read as the stages it lists: each cell becomes a sub-item named by its column header, under the
    heading of the same stage when the document has one, else under a numbered item for the row in
    place of the table. The rows are then ordered stages and the cells' terms their parts; other tables
    stay as they are.

    >>> rows = [Line(1, "| 阶段 | 时间 | 学习内容 |"), Line(2, "| --- | --- | --- |"),
    ...         Line(3, "| 阶段一：基础 | 第 1–3 周 | Python、NumPy |"), Line(4, "| 阶段二：模型 | 第 4 周 | PyTorch |")]
    >>> [l.text for l in markup_plan_tables(rows)]
    ['', '', '1. **阶段一：基础**', '   - 学习内容：Python、NumPy', '2. **阶段二：模型**', '   - 学习内容：PyTorch']
    >>> [l.text for l in markup_plan_tables(rows + [Line(5, "## 阶段二：模型"), Line(6, "先装环境。")])][-4:]
    ['   - 学习内容：Python、NumPy', '## 阶段二：模型', '- 学习内容：PyTorch', '先装环境。']
    >>> [l.text for l in markup_plan_tables([Line(1, "| 工具 | 用途 |"), Line(2, "|---|---|"), Line(3, "| vLLM | 推理 |")])]
    ['| 工具 | 用途 |', '|---|---|', '| vLLM | 推理 |']
    """
    headings = {_heading_title(text) for _, text in lines} - {""}
    placed: dict[str, list[Line]] = {}
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and TABLE_ROW.match(lines[j].text):
            j += 1
        if j == i:
            out.append(lines[i])
            i += 1
            continue
        out += _plan_rows(lines[i:j], headings, placed) or lines[i:j]
        i = j
    return [line for own in out
            for line in [own, *(Line(own.number, p.text) for p in placed.get(_heading_title(own.text), []))]]


def _heading_title(text: str) -> str:
    match = HEADING_MARKS.match(text)
    return text.strip().lstrip("#").replace("**", "").strip() if match else ""


def _cells(text: str) -> list[str]:
    return [c.replace("**", "").strip() for c in text.strip().strip("|").split("|")]


def _is_stage_cell(cell: str) -> bool:
    number, rest = split_ordinal(cell)
    return bool(number and rest and is_sequence_label(number))


def _plan_rows(block: list[Line], headings: set[str], placed: dict[str, list[Line]]) -> list[Line]:
    """The list a plan table reads as (rows whose stage has a heading go to ``placed`` under it),
    or ``[]`` when ``block`` is not a plan table."""
    if len(block) < 4 or not TABLE_RULE_ROW.match(block[1].text):
        return []
    header, rows = _cells(block[0].text), block[2:]
    if sum(_is_stage_cell(_cells(r.text)[0]) for r in rows) < max(2, len(rows) - 1):
        return []
    out = [Line(block[0].number, ""), Line(block[1].number, "")]
    for k, row in enumerate(rows, 1):
        first, *rest = _cells(row.text)
        under_heading = first in headings
        indent = "" if under_heading else "   "
        items = [Line(row.number, f"{indent}- {name}：{cell}") for name, cell in zip(header[1:], rest)
                 if cell and name and not DURATION.match(cell)]
        if under_heading:
            placed[first] = items
        else:
            out += [Line(row.number, f"{k}. **{first}**"), *items]
    return out
