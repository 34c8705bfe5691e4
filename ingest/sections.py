"""Recover a document's structure: a tree of headings and bold list items, plus mermaid blocks.

Fenced code, ``$$`` formulas and tables stay in the body of the section they sit in:
they are content, never structure.

>>> doc = parse_sections([Line(1, "# 路线"), Line(2, "## 第一阶段：基础"), Line(3, "1. **数学**"),
...                      Line(4, "   - **线性代数**：矩阵运算"), Line(5, "```"), Line(6, "# 不是标题"), Line(7, "```")])
>>> [(s.title, s.kind, s.depth) for s in doc.walk()]
[('路线', 'title', 1), ('基础', 'stage', 2), ('数学', 'item', 3), ('线性代数', 'item', 4)]
>>> doc.find("线性代数").description, doc.find("线性代数").path
('矩阵运算', ('路线', '基础', '数学', '线性代数'))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.clean import Line
from ingest.names import clean_title, is_name_like, is_sequence_label, split_ordinal, undecorate

HEADING = re.compile(r"^(#{1,6})\s+(.+)$")
ITEM = re.compile(r"^(\s*)(?:(\d{1,2})[.、)]|[-*+])\s+(.*)$")
BOLD_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*((?:[（(][^）)]{1,40}[）)])?)\s*[:：]?\s*(.*)$")
#: A task-list box ("- [ ] NumPy", "- [x] 线性代数"): the item names what follows it.
CHECKBOX = re.compile(r"^\[[ xX✓]\]\s+")
FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
# "label：description", "label: description" or "label - description" in a plain list item.
LABEL_SEPARATORS = ("：", ":", " - ", " — ", " – ")
LINK_ITEM = re.compile(r"^\s*\[[^\]]+\]\([^)]*\)")
#: An entry of a curated list: a link, then a dash or colon and what it is ("[Linear Algebra](url) - Vectors, shapes").
LINK_ENTRY = re.compile(r"^\s*\[(?P<name>[^\]]{1,60})\]\([^)]*\)\s*(?:-|–|—|:|：)\s*(?P<rest>\S.*)$")
# A plain list item that is an instruction or a sentence, not the name of a subject.
INSTRUCTION = re.compile(
    r"^(?:学习|学会|阅读|读|看|熟练掌握|掌握|理解|了解|熟悉|使用|用|参加|参与|关注|尝试|研究|探索|搭建|实现|训练|部署|"
    r"写|做|完成|构建|动手|复现|跑通|安装|配置|准备|坚持|每天|每周|先|再|然后|最后|"
    r"read|learn|build|write|use|train|try|understand|implement|watch|take|join|follow|parse|fine-tune|"
    r"re-implement|measure|publish|install|set up|practice|study|get|make|start|check)\b",
    re.IGNORECASE,
)
ITEM_LEVEL = 10  # list items sit below every heading level
#: List items nested deeper than this stay text of the deepest item: real roadmaps nest a few
#: levels, and every later step walks a section's ancestors.
MAX_LIST_DEPTH = 16


@dataclass(eq=False)
class Section:
    """A node of a document's structure."""

    title: str  #: cleaned title, e.g. "自注意力机制（Self-Attention）"
    kind: str  #: "document", "title", "stage", "heading" or "item"
    level: int  #: 0 for the document, 1–6 for headings, 10+ for list items
    line: int  #: line where the section starts
    raw: str = ""  #: the title as written
    numbered: bool = False  #: part of an ordered sequence (a numbered heading or item)
    number: str = ""  #: the ordinal the title starts with, e.g. "阶段 0", "Week 3", "1."
    bold: bool = False  #: for items: the label was bold (plain name-like items are items too)
    role: str = ""  #: set by ``ingest.roles``: "topic", "stage", "facet", "goal", "dropped" …
    description: str = ""  #: for items: the text after the label on the same line
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)  #: content lines directly inside
    end_line: int = 0  #: last line belonging to the section or its children

    def add(self, child: Section) -> Section:
        """Append ``child`` and return it."""
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Section]:
        """Every section below this one, in document order."""
        stack = list(reversed(self.children))  # a stack, not recursion: lists nest arbitrarily deep
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))

    def find(self, title: str) -> Section | None:
        """The first section below this one with ``title``."""
        return next((s for s in self.walk() if s.title == title), None)

    @property
    def path(self) -> tuple[str, ...]:
        """Titles from the top of the document down to this section."""
        node: Section | None = self
        titles: list[str] = []
        while node is not None and node.kind != "document":
            titles.append(node.title)
            node = node.parent
        return tuple(reversed(titles))

    @property
    def depth(self) -> int:
        """How many sections enclose this one (1 for a top-level section)."""
        return len(self.path)

    def ancestors(self) -> Iterator[Section]:
        """Enclosing sections, nearest first (the document root excluded)."""
        node = self.parent
        while node is not None and node.kind != "document":
            yield node
            node = node.parent


@dataclass
class Mermaid:
    """A mermaid block and the section it appears in."""

    lines: list[Line]
    section: Section


@dataclass
class ParsedDocument:
    """The structure of one document."""

    root: Section
    mermaid: list[Mermaid] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  #: what the parser left out, for the ingest report

    def walk(self) -> Iterator[Section]:
        """Every section in document order."""
        return self.root.walk()

    def find(self, title: str) -> Section | None:
        """The first section titled ``title``."""
        return self.root.find(title)


def parse_sections(lines: list[Line], title: str = "") -> ParsedDocument:
    """Build the section tree of ``lines`` (already cleaned)."""
    parser = _Parser(Section(title=title, kind="document", level=0, line=1))
    for line in lines:
        parser.feed(line)
    parser.close()
    warnings = [f"list items nested more than {MAX_LIST_DEPTH} levels deep (first at line {parser.too_deep}) "
                "are kept as text of the item above, not as topics"] if parser.too_deep else []
    return ParsedDocument(parser.root, parser.mermaid, warnings)


class _Parser:
    def __init__(self, root: Section) -> None:
        self.root = root
        self.heading: Section = root  # innermost open heading
        self.items: list[tuple[int, Section]] = []  # open list items with their indentation
        self.fence: str = ""
        self.block: list[Line] | None = None  # lines of an open mermaid block
        self.formula = False
        self.mermaid: list[Mermaid] = []
        self.seen_h1 = False
        self.too_deep = 0  # first line of a list item nested beyond MAX_LIST_DEPTH

    @property
    def current(self) -> Section:
        return self.items[-1][1] if self.items else self.heading

    def feed(self, line: Line) -> None:
        text = line.text
        if self.fence or self.formula:
            return self._in_block(line)
        if fence := FENCE.match(text):
            self.fence = fence.group(1)[:3]
            self.block = [] if fence.group(2).lower() == "mermaid" else None
            return self.current.body.append(line)
        if text.strip() == "$$" or (text.strip().startswith("$$") and not text.strip().endswith("$$", 2)):
            self.formula = True
            return self.current.body.append(line)
        if heading := HEADING.match(text):
            return self._heading(line, len(heading.group(1)), heading_text(heading.group(2)))
        if item := ITEM.match(text):
            return self._item(line, item)
        if text.strip() and self.items and not text.startswith((" ", "\t")):
            self.items.clear()  # a flush-left paragraph ends the list
        self.current.body.append(line)

    def _in_block(self, line: Line) -> None:
        self.current.body.append(line)
        stripped = line.text.strip()
        if self.formula:
            self.formula = not stripped.endswith("$$")
        elif stripped.startswith(self.fence):
            if self.block is not None:
                self.mermaid.append(Mermaid(self.block, self.current))
            self.fence, self.block = "", None
        elif self.block is not None:
            self.block.append(line)

    def _heading(self, line: Line, level: int, raw: str) -> None:
        self.items.clear()
        parent = self.heading
        while parent.kind != "document" and parent.level >= level:
            parent = parent.parent or self.root
        title = clean_title(raw)
        number = split_ordinal(undecorate(raw.replace("*", "").replace("__", "")))[0]
        kind = "heading"
        if level == 1 and not self.seen_h1 and parent is self.root:
            kind, self.seen_h1 = "title", True
        elif number and is_sequence_label(number):
            kind = "stage"
        self.heading = parent.add(Section(title, kind, level, line.number, raw=raw, numbered=bool(number),
                                          number=number))

    def _item(self, line: Line, match: re.Match[str]) -> None:
        indent, number, rest = len(match.group(1).expandtabs(4)), match.group(2), match.group(3)
        while self.items and self.items[-1][0] >= indent:
            self.items.pop()
        text = CHECKBOX.sub("", rest.strip(), count=1)
        name, description, bold = _item_label(text)
        if not name or len(self.items) >= MAX_LIST_DEPTH:
            if name and not self.too_deep:
                self.too_deep = line.number
            return self.current.body.append(line)
        kind, title, number = "item", clean_title(name), (number or "").strip()
        if step := sequence_item(text):  # "▸ Week 1–2: Python and Math": a step named by what follows its label
            kind, (number, title), description = "stage", step, ""
        section = Section(
            title, kind, ITEM_LEVEL + len(self.items), line.number, raw=rest,
            numbered=bool(number), number=number, description=description, bold=bold,
        )
        self.current.add(section)
        self.items.append((indent, section))

    def close(self) -> None:
        _set_end_lines(self.root)


def sequence_item(text: str) -> tuple[str, str] | None:
    """``(label, name)`` of a list item that opens with a sequence label and names its step after it
    (a toggle "▸ Week 1–2: Python and Math", "- **阶段二：深度学习**"), else ``None``: such an item is a stage
    of the plan, like a heading "## Week 1–2: …", named by what follows the label.

    >>> sequence_item("▸ Week 1–2: Python and Math"), sequence_item("**Lesson 3 — Attention**")
    (('Week 1–2', 'Python and Math'), ('Lesson 3', 'Attention'))
    >>> sequence_item("Week 3"), sequence_item("3. Python"), sequence_item("Week 2: read the notes and take the quiz.")
    (None, None, None)
    """
    plain = undecorate(text.replace("**", "").replace("__", ""))
    number, rest = split_ordinal(plain)
    rest = rest.strip().rstrip(":：").strip()
    if not (number and rest and is_sequence_label(number)):
        return None
    return (number, rest) if is_name_like(rest, max_words=8) and not INSTRUCTION.match(rest) else None


def _item_label(text: str) -> tuple[str, str, bool]:
    """``(label, description, bold)`` of a list item that names something, else ``("", "", False)``.

    >>> _item_label("**数学**：线性代数"), _item_label("Python 编程：变量、函数"), _item_label("Jupyter")
    (('数学', '线性代数', True), ('Python 编程', '变量、函数', False), ('Jupyter', '', False))
    >>> _item_label("[一篇文章](https://x.y)"), _item_label("熟练掌握Python，尤其是NumPy。")
    (('', '', False), ('', '', False))
    >>> _item_label("[Linear Algebra](https://x.y/la) - Vectors and shapes.")
    ('Linear Algebra', 'Vectors and shapes.', False)
    >>> _item_label("NumPy：数组运算和广播。"), _item_label("Embeddings: turning text into vectors.")
    (('NumPy', '数组运算和广播。', False), ('Embeddings', 'turning text into vectors.', False))
    """
    if bold := BOLD_LABEL.match(text):
        return clean_title(bold.group(1)) + bold.group(2), bold.group(3).strip(), True
    if entry := LINK_ENTRY.match(text):
        name = entry.group("name").strip().replace("**", "")
        if is_name_like(name, max_words=5):
            return name, entry.group("rest").strip(), False  # an awesome list's entry: the link names the subject
    if LINK_ITEM.match(text) or INSTRUCTION.match(text):
        return "", "", False
    label, rest = _split_label(text)
    if label and is_name_like(label) and "http" not in label:
        return label, rest, False  # "Python：会写脚本。" names Python; its description may be a sentence
    if text.endswith(("。", "！", "!")):
        return "", "", False
    head, rest = english_head(text)
    if head:
        return head, rest, False
    if is_name_like(text):
        return text.strip().rstrip("。.;；"), "", False
    return "", "", False


#: What follows an English item's name in a plan's list: a phrase saying what to do with it, not its name.
_EN_AFTER = re.compile(r"\s+(?:on|using|via)\s+(?:a|an|the|your|some|one|two|\w+)\b.*$"
                       r"|,\s*(?:once|so|then|when|after|before|because|if|but|until|ideally|preferably)\b.*$",
                       re.IGNORECASE)
_EN_ARTICLE = re.compile(r"^(?:a|an|the)\s+(?=[a-z])", re.IGNORECASE)


def english_head(text: str) -> tuple[str, str]:
    """``(name, rest)`` of an English list item written as a phrase: its leading article and what follows the
    name (a clause after a comma, a phrase with on/using/via) left out; ``("", "")`` when nothing is left out.

    >>> english_head("gradient descent on a toy function"), english_head("a vector database (any of them)")
    (('gradient descent', 'on a toy function'), ('vector database (any of them)', ''))
    >>> english_head("LoRA, once plain SFT makes sense"), english_head("Mixture of Experts"), english_head("训练循环")
    (('LoRA', 'once plain SFT makes sense'), ('', ''), ('', ''))
    """
    if not text.isascii():
        return "", ""
    stripped = text.strip().rstrip(".;")
    name = _EN_ARTICLE.sub("", stripped)
    after = _EN_AFTER.search(name)
    rest = name[after.start():].lstrip(" ,") if after else ""
    name = name[: after.start()] if after else name
    if name == stripped or not name or not is_name_like(name, max_words=4):
        return "", ""
    return name.strip(), rest


def heading_text(text: str) -> str:
    """A heading's text without its optional closing ``#`` sequence (what follows ``## ``).

    String methods, not a regex: a lazy pattern backtracks quadratically over a long run of
    blanks or ``#``.

    >>> heading_text("自注意力 ##  "), heading_text("C#"), heading_text("##")
    ('自注意力', 'C#', '##')
    """
    stripped = text.rstrip()
    body = stripped.rstrip("#")
    if body and body[-1].isspace():  # a closing sequence follows a blank (CommonMark)
        return body.rstrip()
    return stripped


def _split_label(text: str) -> tuple[str, str]:
    """``(label, description)`` at the first separator, found with string search (no backtracking).

    >>> _split_label("Statistics - mean, variance"), _split_label("Jupyter")
    (('Statistics', 'mean, variance'), ('', ''))
    """
    cuts = [(i, sep) for sep in LABEL_SEPARATORS if (i := text.find(sep)) > 0]
    if not cuts:
        return "", ""
    i, sep = min(cuts)
    return text[:i].strip(), text[i + len(sep):].strip()


def _set_end_lines(root: Section) -> None:
    # Reversed document order visits every child before its parent, without recursion.
    for section in reversed([root, *root.walk()]):
        own = max([section.line] + [line.number for line in section.body])
        section.end_line = max([own] + [child.end_line for child in section.children])
