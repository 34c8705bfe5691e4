"""English names for Chinese topics, learned from the built-in roadmap's bilingual headings.

The built-in roadmap names every topic as ``中文（English）``. A user's documents often
give only the Chinese name; this glossary adds the English one as an alias, so that
"multi-head attention" finds 多头注意力 whatever documents were ingested.

>>> g = glossary_from_text("### 多头注意力（Multi-Head Attention）\\n- **链式法则（Chain Rule）**：求导")
>>> sorted(g.items())
[('多头注意力', ('Multi-Head Attention',)), ('链式法则', ('Chain Rule',))]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.names import clean_title, is_latin, split_name, topic_key
from ingest.sections import BOLD_LABEL, HEADING, ITEM
from kb.model import Topic
from kb.settings import builtin_roadmap_dir


def glossary_from_text(text: str) -> dict[str, tuple[str, ...]]:
    """Topic key → English names, from headings and bold list items written ``中文（English）``."""
    glossary: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        label = _label(line)
        if not label:
            continue
        name, aliases = split_name(clean_title(label))
        english = tuple(a for a in aliases if is_latin(a))
        if english and not is_latin(name):
            glossary.setdefault(topic_key(name), english)
    return glossary


def _label(line: str) -> str:
    if heading := HEADING.match(line):
        return heading.group(2)
    if (item := ITEM.match(line)) and (bold := BOLD_LABEL.match(item.group(3).strip())):
        return bold.group(1) + bold.group(2)
    return ""


@lru_cache(maxsize=4)
def load_glossary(folder: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The glossary of the Markdown files in ``folder`` (default: the built-in roadmap)."""
    glossary: dict[str, tuple[str, ...]] = {}
    for path in sorted((folder or builtin_roadmap_dir()).glob("*.md")):
        for key, names in glossary_from_text(path.read_text(encoding="utf-8")).items():
            glossary.setdefault(key, names)
    return glossary


def add_english_aliases(topics: dict[str, Topic], glossary: dict[str, tuple[str, ...]]) -> dict[str, Topic]:
    """Topics with the glossary's English names added, unless a name would point at another topic."""
    taken = {topic_key(n): tid for tid, t in topics.items() for n in t.names}
    enriched = {}
    for tid, topic in topics.items():
        have = {_singular(n) for n in topic.names}
        extra = [e for n in topic.names for e in glossary.get(topic_key(n), ())
                 if taken.setdefault(topic_key(e), tid) == tid and _singular(e) not in have]
        enriched[tid] = _with_aliases(topic, tuple(dict.fromkeys(extra))) if extra else topic
    return enriched


def _singular(name: str) -> str:
    """``Neural Networks`` and ``neural network`` are the same alias.

    >>> _singular("Neural Networks") == _singular("neural network")
    True
    """
    return topic_key(name).removesuffix("s")


def _with_aliases(topic: Topic, extra: tuple[str, ...]) -> Topic:
    return Topic(topic.id, topic.name, topic.aliases + extra, topic.sources, topic.summary, topic.stage)


__all__ = ["add_english_aliases", "glossary_from_text", "load_glossary"]
