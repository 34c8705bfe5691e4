"""From parsed documents to topics: find subject sections, then merge them across documents.

A *candidate* is one sighting of a subject (a heading, a bold list item, a mermaid
node). Candidates whose names share a key, or whose alias matches another's key,
become one ``Topic`` with every name as an alias and every sighting as a source.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ingest.names import (LETTER_LABEL, PUNCT, is_latin, is_name_like, is_sequence_label, normalize, slugify, split_name,
                          topic_key, undecorate)
from ingest.roles import HOLDS_SUBJECTS, assign_roles, is_topic
from ingest.scaffolding import is_generic_label, is_phase_label
from ingest.sections import ParsedDocument, Section
from ingest.terms import section_terms
from kb.model import HEADING_SEPARATOR, Source, Topic

SHORT = 3  # a Chinese name this short ("输出层", "目标") is generic: the same words name different things
TEXT_ALIAS = re.compile(r"([\u4e00-\u9fff]{2,16})\s*[（(]([A-Za-z][A-Za-z0-9 .\-/+]{1,40})[)）]")


@dataclass
class Candidate:
    """One sighting of a subject in one document."""

    name: str
    aliases: tuple[str, ...]
    document: str
    section: Section | None  # None for mermaid nodes outside any section
    line: int
    heading: str
    stage: str = ""
    order: int = 0  # position of the document in the ingest, for stable ordering
    topic_id: str = ""  # filled in when merged
    owner: Section | None = None  # for a term named inside a section: that section
    parent: str = ""  # name of the enclosing topic in the document ("" at the top)
    key: str = ""  # merge key; a short generic name seen under several parents is qualified by its parent
    loose: bool = False  # a term the document names under several sections: part of none of them


@dataclass
class DocumentTopics:
    """What one document contributes: its stages in order and its candidates."""

    name: str
    parsed: ParsedDocument
    stages: list[Section] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    by_section: dict[int, Candidate] = field(default_factory=dict)  # id(section) -> candidate

    def candidate_of(self, section: Section | None) -> Candidate | None:
        """The candidate for ``section``, if it is a subject."""
        return None if section is None else self.by_section.get(id(section))

    def local(self, topic_id: str, section: Section) -> str:
        """``topic_id``, or the topic of the same name kept apart for the part ``section`` is in: "评估" in a sentence of
        the application part is that part's 评估, not the fine-tuning part's."""
        named = [c for c in self.candidates if c.topic_id == topic_id]
        if not named:
            return topic_id
        name = normalize(named[0].name)
        twins = [c for c in self.candidates if normalize(c.name) == name and c.topic_id != topic_id]
        if not twins:
            return topic_id
        for part in [section, *section.ancestors()]:
            inside = {c.topic_id for c in [*named, *twins] if _within(c, part)}
            if len(inside) == 1:
                return inside.pop()
            if inside:
                break
        return topic_id


def _within(candidate: Candidate, part: Section) -> bool:
    place = candidate.section or candidate.owner
    return place is not None and (place is part or any(a is part for a in place.ancestors()))


def heading_path(section: Section) -> str:
    """The heading path of a section as shown to users."""
    return HEADING_SEPARATOR.join(section.path)


def find_stages(parsed: ParsedDocument) -> list[Section]:
    """Stage sections in order: the largest group of sibling sequence headings (阶段 N, 第X章, Week N, 一、)
    or, in a roadmap whose top-level sections are mostly subjects (and not tracks), those sections."""
    groups: dict[int, list[Section]] = defaultdict(list)
    for section in parsed.walk():
        if section.kind == "stage" and section.role in ("stage", "topic") and section.parent is not None:
            groups[id(section.parent)].append(section)
    if groups:
        return max(groups.values(), key=len)
    top = [s for s in parsed.root.children if s.kind != "title"]
    for title in (s for s in parsed.root.children if s.kind == "title"):
        top += [s for s in title.children if s.kind == "heading"]
    if any(s.role == "track" for s in top):
        return []
    subjects = [s for s in top if s.role == "topic"]
    if len(top) >= 3 and len(subjects) * 3 >= len(top) * 2 and all(s.children for s in subjects):
        for section in subjects:
            section.kind = "stage"
            section.role = "stage" if any(c.role in HOLDS_SUBJECTS for c in section.children) else "topic"
        return subjects
    return []


def is_subject(section: Section) -> bool:
    """True when ``section`` names a learning subject (roles assigned by ``ingest.roles``): a topic, or a
    stage that holds subjects under a name of its own ("Month 3 — Neural Networks", "第二阶段：深度学习"),
    which is what a learner asks for; a bare "阶段 2" names only a position.

    >>> from ingest.sections import Section
    >>> is_subject(Section("深度学习", "stage", 2, 1, number="第二阶段", role="stage"))
    True
    >>> is_subject(Section("阶段 2", "stage", 2, 1, number="阶段 2", role="stage"))
    False
    """
    if section.role == "stage":
        return (bool(section.title) and section.title != section.number and is_name_like(section.title)
                and not is_phase_label(section.title))
    return is_topic(section)


def document_topics(name: str, parsed: ParsedDocument, order: int) -> DocumentTopics:
    """Collect the subject candidates of one parsed document: its topic sections and the terms they name."""
    assign_roles(parsed)
    found = DocumentTopics(name, parsed, stages=find_stages(parsed))
    for section in parsed.walk():
        if section.role == "dropped":
            continue
        stage = next((a.title for a in [section, *section.ancestors()] if a.kind == "stage"), "")
        parent = _enclosing(found, section)
        if is_subject(section):
            topic_name, aliases = split_name(section.title)
            if section.kind == "stage" and is_sequence_label(section.number) and section.number != section.title:
                aliases += (section.number,)  # "阶段 0", "Week 3": how arrows and other sections refer to it
            if (labelled := section.raw.strip("#* ")) and LETTER_LABEL.match(undecorate(labelled)):
                aliases += (labelled,)  # "Track B: Applications": how the document and a learner call it
            candidate = Candidate(topic_name, aliases, name, section, section.line,
                                  heading_path(section), stage, order, parent=parent)
            found.candidates.append(candidate)
            found.by_section[id(section)] = candidate
        owner = found.candidate_of(section)
        for term in section_terms(section):
            term_name, aliases = split_name(term.name)
            if owner is None or topic_key(term_name) != topic_key(owner.name):
                found.candidates.append(Candidate(term_name, aliases, name, None, term.line, heading_path(section),
                                                  stage, order, owner=section,
                                                  parent=owner.name if owner else parent))
    return found


def _enclosing(found: DocumentTopics, section: Section) -> str:
    cand = next((c for a in section.ancestors() if (c := found.candidate_of(a))), None)
    return cand.name if cand else ""


def merge_candidates(candidates: list[Candidate]) -> dict[str, list[Candidate]]:
    """Group candidates denoting the same subject; return groups keyed by topic id.

    Also sets ``candidate.topic_id`` on every candidate.
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    _set_keys(candidates)
    keys = {c.key for c in candidates}
    for c in candidates:
        for alias in c.aliases:
            alias_key = topic_key(alias)
            if alias_key in keys:
                parent[root(alias_key)] = root(c.key)
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[root(c.key)].append(c)
    by_id: dict[str, list[Candidate]] = {}
    for members in sorted(groups.values(), key=lambda g: (g[0].order, g[0].line)):
        topic_id = _unique_id(_preferred_id(members), by_id)
        for c in members:
            c.topic_id = topic_id
        by_id[topic_id] = members
    return by_id


def _set_keys(candidates: list[Candidate]) -> None:
    """Merge keys: the name's key, qualified by the parent for a short or generic name that one document
    uses under different parents (the RNN's 输出层 and the Transformer's 输出层, the deep-learning stage's
    实战项目 and the application stage's, are two things each), or for a
    label that each of two stages describes anew (a repeated layout: "Evaluation" of Month 5 and of Month 6)."""
    parents: dict[tuple[str, str], set[str]] = defaultdict(set)
    defined: dict[tuple[str, str], bool] = defaultdict(lambda: True)
    stages: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in candidates:
        c.key = topic_key(c.name)
        if c.section is not None or c.owner is not None:  # a flowchart node names the section it draws: no parent
            parents[(c.document, c.key)].add(topic_key(c.parent))
        defined[(c.document, c.key)] &= _described(c)
        stages[(c.document, c.key)].add(c.stage)
    for c in candidates:
        place = (c.document, c.key)
        repeated_layout = defined[place] and len(stages[place]) >= 2  # "Evaluation: …" in Month 5 and in Month 6
        generic = _is_short(c.key) or repeated_layout or is_generic_label(c.name)
        if generic and len(parents[place]) >= 2 and not c.aliases:
            c.key = f"{c.key}@{topic_key(c.parent)}"
            c.aliases = (_qualified(c.name, c.parent),) if c.parent else ()


def _qualified(name: str, parent: str) -> str:
    """The name a label kept apart by its parent is asked for by: 「Transformer的输出层」, "Review in Phase 2".

    >>> _qualified("输出层", "Transformer"), _qualified("Review", "Deep Learning")
    ('Transformer的输出层', 'Review in Deep Learning')
    """
    return f"{name} in {parent}" if is_latin(name) and is_latin(parent) else f"{parent}的{name}"


def _described(c: Candidate) -> bool:
    """A section that says what it is where it stands (a description, text or subsections): the same label
    described again under another parent ("Evaluation: retrieval hit rate" vs "Evaluation: tuned vs base")
    is another thing, while a bare listed name ("PyTorch") is the same thing mentioned twice."""
    section = c.section
    return section is not None and bool(section.description or section.children
                                        or any(line.text.strip() for line in section.body))


def _is_short(key: str) -> bool:
    return bool(key) and not is_latin(key) and len(key) <= SHORT


def display_name(members: list[Candidate]) -> str:
    """The name seen in most documents; ties go to the earliest sighting."""
    docs: dict[str, set[str]] = defaultdict(set)
    for c in members:
        docs[c.name].add(c.document)
    for c in members:
        for alias in c.aliases:
            docs[alias].add(c.document)
    named = [c for c in members if c.owner is None] or members  # a heading's name beats a listed term's
    first = {c.name: i for i, c in reversed(list(enumerate(named)))}
    plain = {n for n in first if PUNCT.sub("", unicodedata.normalize("NFKC", n).lower()) == topic_key(n)}
    return min(first, key=lambda n: (n not in plain, -len(docs[n]),
                                     is_latin(n) and not _all_latin(members), first[n]))


def _all_latin(members: list[Candidate]) -> bool:
    return all(is_latin(c.name) for c in members)


def _preferred_id(members: list[Candidate]) -> str:
    names = [n for c in members for n in (c.name, *c.aliases)]
    latin = [n for n in names if is_latin(n)]
    counts = Counter(latin)
    return slugify(max(latin, key=lambda n: (counts[n], -len(n))) if latin else display_name(members))


def _unique_id(base: str, taken: dict[str, list[Candidate]]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def merge_report(groups: dict[str, list[Candidate]]) -> list[dict[str, object]]:
    """What was merged and what was kept apart, for the ingest report: one entry per topic seen under
    more than one name or in more than one document, and one per short name kept apart by its parent."""
    merged: list[dict[str, object]] = []
    for tid, members in groups.items():
        names = sorted({c.name for c in members})
        documents = sorted({c.document for c in members})
        if len(names) > 1 or len(documents) > 1:
            merged.append({"topic": tid, "names": names, "documents": documents})
        for c in members:
            if "@" in c.key:
                merged.append({"topic": tid, "kept_apart": c.name, "parent": c.parent, "documents": [c.document]})
    return list({repr(m): m for m in merged}.values())


def build_topics(groups: dict[str, list[Candidate]], summaries: dict[str, str]) -> dict[str, Topic]:
    """Turn merged candidate groups into ``Topic`` values."""
    topics = {}
    for topic_id, members in groups.items():
        name = display_name(members)
        seen = {topic_key(name) + "|" + name.lower()}
        aliases = []
        for alias in (n for c in members for n in (c.name, *c.aliases)):
            tag = topic_key(alias) + "|" + alias.lower()
            if alias != name and tag not in seen:
                seen.add(tag)
                aliases.append(alias)
        sources = tuple(dict.fromkeys(Source(c.document, c.heading, c.line) for c in members))
        stage = next((c.stage for c in members if c.stage), "")
        topics[topic_id] = Topic(topic_id, name, tuple(aliases), sources, summaries.get(topic_id, ""), stage)
    return topics


def text_aliases(text: str) -> list[tuple[str, str]]:
    """``(Chinese term, English gloss)`` pairs written as ``中文（English）`` in running text.

    The Chinese part is the longest run before the parenthesis; callers match its
    suffixes against known topics.

    >>> text_aliases("理解自注意力机制(Self-Attention)的工作原理")
    [('理解自注意力机制', 'Self-Attention')]
    """
    return [(m.group(1), m.group(2).strip()) for m in TEXT_ALIAS.finditer(text)]
