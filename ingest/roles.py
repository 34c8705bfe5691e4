"""The role of every section: a topic, a stage (an ordered container), a facet, a track, or dropped.

Roles come from general features of the document, never from a list of known headings:

- reference facets (resources, reading, exercises, FAQ), questions, code walk-throughs and appendices are
  **dropped** with their subtree; page **chrome** (thanks, news, contents, "about", first-person asides)
  loses its text and list, but a heading that follows it in its subtree is judged on its own;
- a generic label (goals, tools, concepts, overview) or **the same label repeated under sibling
  sections** is a **facet**: not a topic, its content belongs to the enclosing section; under a *goal*
  facet only bold terms count (its plain items are outcomes, not subjects);
- a numbered sequence heading (阶段 N, 第X章, Week N, Step N, 一、) is a **stage**; a stage whose direct
  children hold no topic is itself the topic (its facets' terms become its parts);
- top-level unnumbered sections that each hold their own numbered sequence are **tracks**: containers
  with no order between them.

>>> from ingest.clean import Line
>>> from ingest.sections import parse_sections
>>> doc = parse_sections([Line(i + 1, t) for i, t in enumerate([
...     "# 路线", "## 阶段 0：热身", "### 🎯 目标", "能写脚本", "### 🧰 工具", "* Python",
...     "## 阶段 1：数学", "### 🎯 目标", "懂矩阵", "### 必学概念", "* 线性代数", "## 🙏 致谢", "谢谢"])])
>>> assign_roles(doc)
>>> [(s.title, s.role) for s in doc.walk()]  # doctest: +NORMALIZE_WHITESPACE
[('路线', 'title'), ('热身', 'topic'), ('目标', 'goal'), ('工具', 'facet'), ('Python', 'topic'),
 ('数学', 'topic'), ('目标', 'goal'), ('必学概念', 'facet'), ('线性代数', 'topic'), ('致谢', 'chrome')]
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.names import PAREN, is_enumeration, normalize
from ingest.scaffolding import excludes_subtree, facet_kind, is_notes, is_question, is_scaffolding, is_wrap_up
from ingest.sections import ParsedDocument, Section

MAX_NAME = 40  # longer "titles" are sentences, not subject names
MAX_LATIN_NAME = 60  # English spells a name in more letters ("Retrieval-augmented generation and agents")
#: Children that make a stage a container of subjects rather than a subject laid out in facets.
HOLDS_SUBJECTS = ("topic", "scaffold", "stage", "track")


def assign_roles(parsed: ParsedDocument) -> None:
    """Set ``section.role`` on every section of ``parsed`` (and ``numbered`` on positional headings)."""
    repeated = _repeated_labels(parsed.root)
    for section in parsed.walk():
        section.role = _role(section, repeated)
    _mark_tracks(parsed.root)
    for section in reversed(list(parsed.walk())):  # children first: a stage needs its children's roles
        if section.kind == "stage" and section.role == "stage":
            section.role = "stage" if any(c.role in HOLDS_SUBJECTS for c in section.children) else "topic"
    if not any(s.numbered for s in parsed.walk() if s.kind in ("heading", "stage")):
        for section in parsed.walk():  # a heading tree without numbers: its order is the author's order
            if section.kind == "heading" and section.role == "topic":
                section.numbered = True


def _role(section: Section, repeated: set[int]) -> str:
    parent = section.parent
    if parent is not None and (parent.role == "dropped" or parent.role == "chrome" and section.kind == "item"):
        return "dropped"
    if section.kind == "title":
        return "title"
    title = section.title
    kind = facet_kind(title)
    if kind == "chrome":
        return "chrome"  # its own text and list go; a heading sequence that follows it does not
    # a step of the author's numbered sequence is a learning step even when it is about code or set-up
    excluded = excludes_subtree(title) and not is_scaffolding(title) and section.kind != "stage" or is_wrap_up(title)
    if kind == "reference" or is_question(title) or excluded:
        return "dropped"
    if parent is not None and section.kind == "item" and any(is_notes(a.title) for a in section.ancestors()):
        return "dropped"  # a note's lines are remarks on its section ("Don't go deep on proofs"), not subjects
    if parent is not None and parent.role == "goal" and section.kind == "item" and not section.bold:
        return "dropped"  # "what you can do" lists outcomes, not subjects
    if kind == "goal":
        return "goal"
    if is_notes(title):
        return "facet"  # the author's remarks on the enclosing section
    if kind == "content" or id(section) in repeated or _enumerates(section):
        return "facet"
    if is_scaffolding(title) or not title or len(title) > (MAX_LATIN_NAME if title.isascii() else MAX_NAME):
        return "scaffold"  # organises an article; its children are the subjects
    return "stage" if section.kind == "stage" else "topic"


def _enumerates(section: Section) -> bool:
    """A plain list item that lists several names ("反向传播、卷积网络、循环网络") holds terms; it is not one."""
    title = PAREN.sub("", section.title)
    return (section.kind == "item" and not section.bold and not section.description
            and re.search(r"[、,，;；]", title) is not None and is_enumeration(title))


def _repeated_labels(root: Section) -> set[int]:
    """Headings whose label recurs under two or more sibling sections (the facets of a repeated layout)."""
    found: set[int] = set()
    for parent in [root, *root.walk()]:
        siblings = [c for c in parent.children if c.kind != "item"]
        counts = Counter(label for s in siblings for label in {normalize(c.title) for c in s.children
                                                               if c.kind in ("heading", "stage")})
        for s in siblings:
            found.update(id(c) for c in s.children if c.kind in ("heading", "stage")
                         and counts[normalize(c.title)] >= 2)
    return found


def _mark_tracks(root: Section) -> None:
    """Unnumbered top-level sections, two or more of which hold their own numbered heading sequence."""
    top = [s for s in root.children if s.kind != "title"]
    for title in (s for s in root.children if s.kind == "title"):
        top += [s for s in title.children if s.kind in ("heading", "stage")]
    sequences = [s for s in top if not s.numbered and s.role == "topic"
                 and sum(1 for c in s.children if c.numbered and c.kind in ("heading", "stage")) >= 2]
    if len(sequences) >= 2:
        for section in sequences:
            section.role = "track"


def is_topic(section: Section) -> bool:
    """True when ``section`` names a learning subject (after ``assign_roles``)."""
    return section.role == "topic"
