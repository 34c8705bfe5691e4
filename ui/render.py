"""Markdown for the app: sources, prerequisite checks, study paths and topic details.

Text from documents is untrusted: ``md_text`` escapes it so Markdown and HTML in a
document show as the characters they are, never as markup.

>>> md_text("<script>x</script> *a*")
'&lt;script&gt;x&lt;/script&gt; \\\\*a\\\\*'
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from typing import Any

from kb.model import Step, Topic
from rag.answering.citations import Citation
from rag.answering.events import Context

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|~$-])")  # "(" is harmless once "[" and "]" are escaped
_MARKS = re.compile(r"(?:^|(?<=\s))(?:#{1,6}|[-*+]|>)(?=\s)|\*\*")
_MD_ESCAPED = re.compile(r"\\([\\`*_{}\[\]#+!|~$-])")
#: "[label](target" or "[label]: target"; the label may hold escaped brackets but no bare ones.
_LINK = re.compile(r"(!?)(?<!\\)\[((?:\\.|[^\[\]\\])*)\]([(:]\s*(?:&lt;)?\s*)(\S*)")
_SAFE_TARGET = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)


def md_text(text: str) -> str:
    """``text`` escaped for Markdown: HTML characters as entities, Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def plain_text(text: str) -> str:
    """Undo ``md_text`` (and ``answer_markdown``): the characters the learner saw.

    >>> plain_text(md_text("a*b <c>"))
    'a*b <c>'
    """
    return html.unescape(_MD_ESCAPED.sub(r"\1", text))


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line without Markdown heading, list and emphasis marks, cut at ``limit`` characters.

    >>> one_line("## a\\n - **b**", 10), one_line("x" * 5, 3)
    ('a b', 'xxx…')
    """
    flat = " ".join(_MARKS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def source_lines(source: Citation, cited: bool = False) -> str:
    """One source as a Markdown list item: number, document, lines, heading path, snippet; marked when cited."""
    where = f"{md_text(source.document)}" + (f" · 行 {md_text(source.lines)}" if source.lines else "")
    heading = f" — {md_text(source.heading)}" if source.heading else ""
    mark = " ✓ 已引用 · cited" if cited else ""
    return f"{source.n}. **{where}**{heading}{mark}\n   > {md_text(one_line(source.snippet))}"


def sources_markdown(sources: Sequence[Citation], cited: Collection[int] | None = None) -> str:
    """The sources under an answer; once the answer is finished, ``cited`` (numbers) marks those it cites.

    >>> sources_markdown([])
    '_没有找到相关资料 · No sources found._'
    >>> print(sources_markdown([Citation(1, "a.md", "H", "3", "x"), Citation(2, "b.md", "", "", "y")], cited={2}))
    1. **a.md · 行 3** — H
       > x
    2. **b.md** ✓ 已引用 · cited
       > y
    """
    if not sources:
        return "_没有找到相关资料 · No sources found._"
    return "\n".join(source_lines(s, cited is not None and s.n in cited) for s in sources)


def check_markdown(context: Context | None) -> str:
    """The prerequisite check: what the learner misses for the topics the question is about."""
    if context is None or not context.linked_topics:
        return ""
    topics = "、".join(f"「{md_text(t.name)}」" for t in context.linked_topics[:3])
    if not context.missing_prerequisites:
        return f"✓ 前置知识检查 · Prerequisite check：学习 {topics} 需要的前置知识你都已标记为掌握（或它没有前置知识）。"
    items = "\n".join(f"- {md_text(one_line(m, 200))}" for m in context.missing_prerequisites[:6])
    return (f"⚠ **前置知识检查 · Prerequisite check** — 学习 {topics} 之前，你还缺少：\n{items}\n\n"
            "_在「我的路径」里标记已掌握的主题，答案会据此调整。 · Mark what you know under My path._")


def answer_markdown(text: str) -> str:
    """An answer as shown in the chat: Markdown kept, HTML shown as text, only web and mail links live.

    Only ``&`` and ``<`` are escaped: no tag opens without ``<``, and a ``>`` must stay one, for it
    starts the key quote's Markdown quote block.

    >>> answer_markdown("<b>x</b> [ok](https://a.org) [bad](javascript:alert(1))")
    '&lt;b>x&lt;/b> [ok](https://a.org) \\\\[bad\\\\](javascript:alert(1))'
    >>> answer_markdown("原文:\\n> 第一行")
    '原文:\\n> 第一行'
    """
    return inert_links(text.replace("&", "&amp;").replace("<", "&lt;"))


def inert_links(markdown: str) -> str:
    """``markdown`` with every link or image whose target is not an http(s) or mailto URL shown as text.

    A ``javascript:``, ``data:`` or ``vbscript:`` target (in any case, after blanks or ``<``)
    would still make an ``<a>`` element once sanitized; escaping its brackets leaves the text
    as written. Images never load (the app is offline), reference definitions count as links,
    and a link nested in another one's text is undone first.

    >>> print(inert_links("[a](JavaScript:x) ![i](https://a.org/p.png) [r]: data:text/html,x [w](http://a.org)"))
    \\[a\\](JavaScript:x) !\\[i\\](https://a.org/p.png) \\[r\\]: data:text/html,x [w](http://a.org)
    >>> print(inert_links("[out [in](javascript:a)](vbscript:b)"))
    \\[out \\[in\\](javascript:a)\\](vbscript:b)
    """
    for _ in range(markdown.count("[") + 1):  # each pass undoes the innermost links; nesting is bounded by "["
        undone = _LINK.sub(_inert_link, markdown)
        if undone == markdown:
            break
        markdown = undone
    return markdown


def _inert_link(match: re.Match[str]) -> str:
    image, label, rest, target = match.group(1), match.group(2), match.group(3), match.group(4)
    if not image and _SAFE_TARGET.match(target):
        return match.group(0)
    return f"{image}\\[{label}\\]{rest}{target}"


def effort(step: Step) -> str:
    """A rough effort for a step: one unit per topic and subtopic.

    >>> effort(Step(Topic("a", "A"), "r", subtopics=(Topic("b", "B"),)))
    '约 2 个知识点'
    """
    return f"约 {1 + len(step.subtopics)} 个知识点"


def path_markdown(goal: Topic, steps: Sequence[Step], known: Sequence[str], learning: Sequence[str] = (),
                  skipped: Sequence[str] = ()) -> str:
    """A study path as Markdown: one numbered step per topic with why, subtopics and effort."""
    head = f"## 学习「{md_text(goal.name)}」的路径 · Study path to {md_text(goal.name)}\n"
    if known:
        head += f"\n已掌握 · Known：{md_text('、'.join(known))}\n"
    if not steps:
        return head + "\n✓ 你已经掌握了这个目标需要的全部内容。 · You already know everything this goal needs."
    lines = [head, f"共 {len(steps)} 步 · {len(steps)} steps\n"]
    for n, step in enumerate(steps, 1):
        mark = " _(正在学习 · learning)_" if step.topic.name in learning else ""
        lines.append(f"{n}. **{md_text(step.topic.name)}**{mark} — {effort(step)}")
        lines.append(f"    - 为什么 · Why：{md_text(step.reason)}")  # 4 spaces: nests under "10." too
        if step.subtopics:
            lines.append(f"    - 包括 · Subtopics：{md_text('、'.join(t.name for t in step.subtopics))}")
    if skipped:
        lines.append(f"\n已跳过 · Skipped：{md_text('、'.join(skipped))}")
    return "\n".join(lines)


def next_markdown(topics: Sequence[Topic]) -> str:
    """What to learn next, one line per topic with its summary."""
    if not topics:
        return "没有可以直接开始的新主题。 · Nothing new is ready to start."
    lines = ["### 接下来可以学 · What to learn next"]
    lines += [f"- **{md_text(t.name)}**" + (f"：{md_text(one_line(t.summary, 120))}" if t.summary else "")
              for t in topics]
    return "\n".join(lines)


def topic_markdown(topic: Topic, relations: dict[str, list[Topic]]) -> str:
    """A topic's card: aliases, summary, stage, relations and sources."""
    lines = [f"### {md_text(topic.name)}"]
    if topic.aliases:
        lines.append(f"别名 · Aliases：{md_text('、'.join(topic.aliases))}")
    if topic.summary:
        lines.append(f"\n{md_text(topic.summary)}")
    if topic.stage:
        lines.append(f"\n阶段 · Stage：{md_text(topic.stage)}")
    for label, key in (("前置知识 · Prerequisites", "prerequisites"), ("后续主题 · Leads to", "dependents"),
                       ("子主题 · Subtopics", "parts"), ("属于 · Part of", "part_of")):
        names = "、".join(t.name for t in relations.get(key, []))
        lines.append(f"\n**{label}**：{md_text(names) if names else '—'}")
    lines.append("\n**来源 · Sources**")
    lines += [f"- {md_text(s.document)} 第 {s.line} 行 — {md_text(s.heading)}" for s in topic.sources]
    return "\n".join(lines)


def notice(message: str, level: str = "warning") -> str:
    """A one-line notice shown in place of a result.

    >>> notice("Unknown topic 'x'.")
    "⚠ Unknown topic 'x'."
    """
    icon = {"warning": "⚠", "info": "ℹ", "error": "✗"}.get(level, "")  # no colour emoji: fonts often lack them
    return f"{icon} {md_text(message)}"


def choice(topic: Topic) -> tuple[str, str]:
    """A dropdown choice for ``topic``: label with its stage, value the name."""
    return (f"{topic.name}（{topic.stage}）" if topic.stage else topic.name, topic.name)


def as_list(value: Any) -> list[str]:
    """A dropdown value as a list of strings.

    >>> as_list(None), as_list("a"), as_list(["a", "b"])
    ([], ['a'], ['a', 'b'])
    """
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]
