"""Remove page noise and restore line structure, keeping every line's original number.

Documents arrive as ``Line`` pairs ``(number, text)``; cleaning replaces noise with
nothing and may split one physical line into several logical ones (an article pasted
on a single line), all carrying the original number so sources stay exact.

>>> [l.text for l in clean_lines("点赞 评论\\n今天 08:36\\n# 标题\\n正文。\\n点赞 评论 收藏\\n分享")]
['', '', '# 标题', '正文。', '', '']
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Line(NamedTuple):
    """One logical line of a document."""

    number: int  #: 1-based line number in the original file
    text: str  #: the text of the line


CHROME = re.compile(r"^(?:点赞|评论|收藏|分享|举报|关注|回复|转发|相关推荐|打赏|赞同|喜欢|\s|\d)+$")
TIME_LINE = re.compile(
    r"^(?:(?:今天|昨天|前天|\d+\s*(?:分钟|小时|天)前|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s*)?"
    r"(?:\d{1,2}:\d{2})?$"
)
#: A part line numbered with a keycap emoji (1️⃣ … 🔟), as social-media posts number their steps.
KEYCAP_PART = re.compile(r"^\s*(?:(\d)\ufe0f?\u20e3|(\U0001f51f))\s*(\S.*)$")
HASHTAG = re.compile(r"#[^#\s]{1,20}#")
AUTHOR_TAIL = re.compile(r"(?:作者|来源|原文链接|版权声明)[：:].{0,160}$")
SENTENCE_PUNCT = re.compile(r"[。！？，,；;：:、.!?]")
STAGE_MARK = re.compile(r"第[一二三四五六七八九十百\d]+阶段\s*[:：]")
NUMBERED_BOLD = re.compile(r"(?<![\d.])(\d{1,2})\.\s*\*\*")
# The lookbehind starts a match only where a run of blanks starts: otherwise each of its
# positions rescans the rest of the run (quadratic in a deeply indented line).
INLINE_BULLET = re.compile(r"(?<!\s)\s{2,}-\s+")
CLOSING = re.compile(r"([。！!])\s*(总结|结语|写在最后)(?=[\u4e00-\u9fffA-Za-z])")
SENTENCE_STARTERS = ("在", "大模型", "要", "以下", "本", "我们", "从", "这", "随着")
LONG_LINE = 400
FENCE_LINE = re.compile(r"^\s*(?:```|~~~)")
LEADING_HEADING = re.compile(r"^#{1,6}\s+\S")
# Blanks before "## " inside a line: where the line breaks of a pasted page were. The lookbehind
# keeps a long run of blanks from being rescanned at each of its positions.
INLINE_HEADING = re.compile(r"(?<!\s)\s+(?=#{2,6}\s+\S)")
HEADING_WITH_TEXT = re.compile(r"^(#{1,6}\s+\S+)\s+(\S.*[。！？].*)$")


def clean_lines(text: str, first_line: int = 1) -> list[Line]:
    """Split ``text`` into numbered lines, reflow one-line articles and blank out noise."""
    lines = [Line(first_line + i, t) for i, t in enumerate(text.split("\n"))]
    lines = [piece for line, fenced in zip(lines, in_fence(lines)) for piece in ([line] if fenced else reflow(line))]
    return strip_noise(lines)


def in_fence(lines: list[Line]) -> list[bool]:
    """For each line: inside (or opening or closing) a fenced code block, whose lines stay as written."""
    flags, fenced = [], False
    for _, text in lines:
        marker = FENCE_LINE.match(text) is not None
        flags.append(fenced or marker)
        fenced ^= marker
    return flags


def is_emoji(char: str) -> bool:
    """True for pictographic characters (emoji reactions in forum pages).

    >>> is_emoji("😀"), is_emoji("线")
    (True, False)
    """
    return unicodedata.category(char) == "So" and ord(char) > 0x2000


def is_noise(text: str) -> bool:
    """A line that is page chrome in any position: reaction buttons, a bare time stamp.

    >>> is_noise("点赞 评论 收藏"), is_noise("今天 08:36"), is_noise("线性代数")
    (True, True, False)
    """
    stripped = text.strip()
    return bool(stripped) and (CHROME.match(stripped) is not None or TIME_LINE.match(stripped) is not None)


def strip_noise(lines: list[Line]) -> list[Line]:
    """Blank out chrome lines; around the content of a forum page also drop short
    unpunctuated lines (author, school, site name) and emoji reactions."""
    out = [Line(n, "" if is_noise(t) else HASHTAG.sub("", t).rstrip()) for n, t in lines]
    content = [i for i, (_, t) in enumerate(out) if _is_substantial(t)]
    if not content:
        return out
    head, tail = range(0, content[0]), range(content[-1] + 1, len(out))
    for zone in (head, tail):
        if any(is_noise(lines[i].text) for i in zone):
            for i in zone:
                if _is_page_furniture(out[i].text):
                    out[i] = Line(out[i].number, "")
    last = content[-1]
    out[last] = Line(out[last].number, AUTHOR_TAIL.sub("", out[last].text).rstrip())
    return out


def _is_substantial(text: str) -> bool:
    """A heading, a keycap-numbered part line (1️⃣ Python) or a long line: content, never page furniture."""
    stripped = text.strip()
    return stripped.startswith("#") or KEYCAP_PART.match(stripped) is not None or len(stripped) >= 60


def _is_page_furniture(text: str) -> bool:
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return False
    has_emoji = any(is_emoji(c) for c in stripped)
    return len(stripped) <= 30 and (has_emoji or not SENTENCE_PUNCT.search(stripped))


def reflow(line: Line) -> list[Line]:
    """Split an article pasted on one line at its stages, numbered items and bullets.

    >>> [l.text for l in reflow(Line(7, "前言。" * 140 + "第一阶段:数学基础在进入领域之前。1. **线性代数**   - **矩阵**:说明"))][1:]
    ['## 第一阶段：数学基础', '在进入领域之前。', '1. **线性代数**', '   - **矩阵**:说明']
    """
    text = line.text
    if LEADING_HEADING.match(text) and INLINE_HEADING.search(text):
        return [Line(line.number, p) for p in split_headings(text)]
    if len(text) < LONG_LINE or not (STAGE_MARK.search(text) or NUMBERED_BOLD.search(text)):
        return [line]
    text = CLOSING.sub(lambda m: f"{m.group(1)}\n## {m.group(2)}\n", text)
    text = NUMBERED_BOLD.sub(lambda m: f"\n{m.group(1)}. **", text)
    text = INLINE_BULLET.sub("\n   - ", text)
    pieces: list[str] = []
    for part in text.split("\n"):
        pieces.extend(_split_stages(part))
    return [Line(line.number, p) for p in pieces if p.strip()]


def split_headings(text: str) -> list[str]:
    """Split a line holding several headings with their text, as a page pasted on one line.

    In such a line a heading's first word is its title when a sentence follows it.

    >>> split_headings("## 注意力 它为每个词打分。 ## 多头注意力 ### 位置编码 用正弦函数。")
    ['## 注意力', '它为每个词打分。', '## 多头注意力', '### 位置编码', '用正弦函数。']
    """
    pieces: list[str] = []
    for part in INLINE_HEADING.split(text):
        glued = HEADING_WITH_TEXT.match(part)
        pieces += [glued.group(1), glued.group(2)] if glued else [part]
    return pieces


def _split_stages(text: str) -> list[str]:
    marks = list(STAGE_MARK.finditer(text))
    if not marks:
        return [text]
    pieces = [text[: marks[0].start()]]
    for mark, nxt in zip(marks, [*marks[1:], None]):
        segment = text[mark.end() : nxt.start() if nxt else len(text)]
        title, body = _stage_title(segment)
        label = mark.group(0).rstrip(":： ")
        pieces += [f"## {label}：{title}", body]
    return pieces


def _stage_title(segment: str) -> tuple[str, str]:
    """Separate a stage title from the sentence glued to it.

    >>> _stage_title("大模型的训练与优化**大模型的训练是复杂的")
    ('大模型的训练与优化', '大模型的训练是复杂的')
    >>> _stage_title("深度学习与Transformer架构大模型的核心是深度学习,而")
    ('深度学习与Transformer架构', '大模型的核心是深度学习,而')
    """
    if "**" in segment[:40]:
        cut = segment.index("**")
        return segment[:cut].strip(), segment[cut + 2 :].strip()
    head = re.split(r"[，,。:：;；]", segment, maxsplit=1)[0][:40]
    cut = min((i for s in SENTENCE_STARTERS if (i := head.find(s, 4)) > 0), default=min(len(head), 24))
    return segment[:cut].strip(), segment[cut:].strip()
