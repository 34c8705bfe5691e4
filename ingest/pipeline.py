"""Turn documents into topics, edges and chunks (in memory; ``ingest.build`` writes them).

``analyse(docs)`` runs each named step in turn: parse → collect candidates →
merge topics → link aliases → extract edges → make acyclic → chunk.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.chunks import chunk_document
from ingest.clean import Line, clean_lines
from ingest.dag import make_acyclic
from ingest.glossary import add_english_aliases, load_glossary
from ingest.edges import (cue_edges, merge_edges, mermaid_edges, needs_line_edges, part_of_edges, sibling_edges,
                          stage_edges)
from ingest.mermaid import MermaidArrow, parse_mermaid
from ingest.names import clean_title, is_latin, normalize, split_name, split_ordinal, topic_key
from ingest.outline import (markup_bold_steps, markup_keycap_outline, markup_outline, markup_paragraph_steps,
                            markup_plan_tables, markup_quoted_lists, markup_wikilinks)
from ingest.reader import RawDocument
from ingest.scaffolding import is_scaffolding
from ingest.sections import ParsedDocument, Section, parse_sections
from ingest.sequence import sequence_edges
from ingest.topics import (Candidate, DocumentTopics, build_topics, document_topics, heading_path,
                           merge_candidates, merge_report, text_aliases)
from kb.lookup import MentionIndex
from kb.model import Chunk, DroppedEdge, Edge, Topic

SUMMARY_CHARS = 120
# Characters that may precede a term in running text: "理解|自注意力机制(Self-Attention)".
ALIAS_BOUNDARY = set("的了和与及或在是用如把对从将解握习括究即为、，,：:")


@dataclass
class Analysis:
    """Everything ingest derives from a set of documents."""

    topics: dict[str, Topic]
    edges: list[Edge]
    dropped: list[DroppedEdge]
    chunks: list[Chunk]
    titles: dict[str, str]  #: document name -> title
    order: dict[str, tuple[int, int]] = field(default_factory=dict)  #: topic id -> (document, line)
    warnings: list[str] = field(default_factory=list)  #: what parsing left out, per document
    merges: list[dict[str, object]] = field(default_factory=list)  #: topics merged from several sightings
    stage_ranks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  #: id -> (document, stage)


def document_title(doc: RawDocument, parsed: ParsedDocument) -> str:
    """Front-matter title, else the first H1 unless it is scaffolding, else the file name."""
    if str(doc.metadata.get("title", "")).strip():
        return str(doc.metadata["title"]).strip()
    first = next((s for s in parsed.root.children if s.kind == "title"), None)
    if first and not is_scaffolding(first.title):
        return first.title
    return doc.name.rsplit(".", 1)[0]


def analyse(docs: list[RawDocument]) -> Analysis:
    """Derive topics, edges and chunks from decoded documents."""
    parsed = {d.name: parse_sections(_markup(clean_lines(d.text, d.body_start_line)))
              for d in docs}
    titles = {d.name: document_title(d, parsed[d.name]) for d in docs}
    per_doc = [document_topics(d.name, parsed[d.name], i) for i, d in enumerate(docs)]
    arrows = {dt.name: _mermaid_candidates(dt) for dt in per_doc}
    groups = merge_candidates([c for dt in per_doc for c in dt.candidates])
    _drop_term_mentions(per_doc, groups)
    _add_text_aliases(per_doc, groups)
    topics = add_english_aliases(build_topics(groups, _summaries(groups)), load_glossary())
    mentions = mention_index(topics.values())
    edges = merge_edges(_all_edges(per_doc, arrows, groups, mentions, topics))
    kept, dropped = make_acyclic(edges)
    chunks = [c for dt in per_doc for c in _chunks(dt, titles[dt.name], mentions)]
    order = {tid: (members[0].order, members[0].line) for tid, members in groups.items()}
    warnings = [f"{name}: {warning}" for name, p in parsed.items() for warning in p.warnings]
    return Analysis(topics, kept, dropped, chunks, titles, order, warnings, merge_report(groups),
                    _stage_ranks(per_doc))


def _markup(lines: list[Line]) -> list[Line]:
    """Plain outlines, bold step paragraphs and plan tables written as the Markdown structure they stand for."""
    for markup in (markup_wikilinks, markup_keycap_outline, markup_outline, markup_quoted_lists, markup_paragraph_steps,
                   markup_bold_steps, markup_plan_tables):
        lines = markup(lines)
    return lines


def _drop_term_mentions(per_doc: list[DocumentTopics], groups: dict[str, list[Candidate]]) -> None:
    """A term that names a topic some heading, item or diagram node stands for is a mention of that
    topic, not a part of the section it is named in (扩散模型 given as an example under 概率论)."""
    mentions = {id(c) for members in groups.values() if any(m.owner is None for m in members)
                for c in members if c.owner is not None}
    for tid in list(groups):
        groups[tid] = [c for c in groups[tid] if id(c) not in mentions]
    for dt in per_doc:
        dt.candidates = [c for c in dt.candidates if id(c) not in mentions]
        owners: dict[str, set[int]] = defaultdict(set)
        for c in dt.candidates:
            if c.owner is not None:
                owners[c.topic_id].add(id(_owner_topic(dt, c.owner)))
        for c in dt.candidates:  # "（如softmax函数）" under two different layers: an example, not a part of either
            c.loose = c.owner is not None and len(owners[c.topic_id]) >= 2


def _stage_ranks(per_doc: list[DocumentTopics]) -> dict[str, list[tuple[int, int]]]:
    """For each topic, ``(document position, stage index)`` of every stage it is seen in."""
    ranks: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for position, dt in enumerate(per_doc):
        index = {id(stage): k for k, stage in enumerate(dt.stages)}
        for c in dt.candidates:
            start = c.section or c.owner
            if start is None:
                continue
            k = next((index[id(a)] for a in [start, *start.ancestors()] if id(a) in index), None)
            if k is not None:
                ranks[c.topic_id].add((position, k))
    return {tid: sorted(r) for tid, r in ranks.items()}


def _owner_topic(dt: DocumentTopics, section: Section) -> object:
    return next((c for s in [section, *section.ancestors()] if (c := dt.candidate_of(s))), None)


def _absorb_terms(groups: dict[str, list[Candidate]], by_key: dict[str, str], source: str, target: str) -> bool:
    """Move a topic made only of listed terms ("Self-Attention" in a list) into the topic the text glosses
    it as (自注意力机制(Self-Attention)); False when ``source`` is a topic in its own right."""
    if source == target or any(c.owner is None for c in groups[source]):
        return False
    for c in groups.pop(source):
        c.topic_id = target
        groups[target].append(c)
        by_key[topic_key(c.name)] = target
    return True


def _mermaid_candidates(dt: DocumentTopics) -> list[MermaidArrow]:
    arrows: list[MermaidArrow] = []
    for block in dt.parsed.mermaid:
        nodes, block_arrows = parse_mermaid(block.lines)
        for label, line in nodes.items():  # "视觉 Transformer（ViT）": a name and its alias, as in headings
            name, aliases = split_name(clean_title(label))
            dt.candidates.append(Candidate(name, aliases, dt.name, None, line, heading_path(block.section),
                                           _stage_of(block.section), dt.candidates[0].order if dt.candidates else 0))
        arrows.extend(a._replace(source=split_name(clean_title(a.source))[0], target=split_name(clean_title(a.target))[0])
                      for a in block_arrows)
    return arrows


def _stage_of(section: Section) -> str:
    return next((a.title for a in [section, *section.ancestors()] if a.kind == "stage"), "")


def _add_text_aliases(per_doc: list[DocumentTopics], groups: dict[str, list[Candidate]]) -> None:
    """``自注意力机制(Self-Attention)`` in running text adds the English alias to the known topic."""
    by_key = {topic_key(c.name): tid for tid, members in groups.items() for c in members}
    for dt in per_doc:
        for section in [dt.parsed.root, *dt.parsed.walk()]:
            for line, text in [(section.line, section.description)] + [(l.number, l.text) for l in section.body]:
                for run, gloss in text_aliases(text):
                    suffix = next((run[i:] for i in range(len(run) - 1)
                                   if (i == 0 or run[i - 1] in ALIAS_BOUNDARY) and topic_key(run[i:]) in by_key), "")
                    if not suffix:
                        continue
                    tid = by_key[topic_key(suffix)]
                    if topic_key(gloss) in by_key and not _absorb_terms(groups, by_key, by_key[topic_key(gloss)], tid):
                        continue
                    if any(topic_key(gloss) == topic_key(a) for c in groups[tid] for a in c.aliases):
                        continue
                    groups[tid].append(Candidate(suffix, (gloss,), dt.name, section, line,
                                                 heading_path(section), _stage_of(section),
                                                 dt.candidates[0].order if dt.candidates else 0, tid))


def _summaries(groups: dict[str, list[Candidate]]) -> dict[str, str]:
    summaries = {}
    for tid, members in groups.items():
        for c in members:
            text = (c.section.description if c.section else "") or _first_sentence(c.section)
            if text:
                summaries[tid] = _plain(text)[:SUMMARY_CHARS]
                break
    return summaries


def _first_sentence(section: Section | None) -> str:
    if section is None:
        return ""
    for line in section.body:
        text = line.text.strip()
        if text and not text.startswith(("```", "$$", "|", "-", "*", ">")) and not re.match(r"\d+\.", text):
            return re.split(r"(?<=[。！？.!?])", text, maxsplit=1)[0]
    return ""


def _plain(text: str) -> str:
    return re.sub(r"[*`#>]+", "", text).strip()


def mention_index(topics: object) -> MentionIndex:
    """Surface forms of every topic: its names, aliases and distinctive merge keys."""
    surfaces: list[tuple[str, str]] = []
    for topic in topics:  # type: ignore[attr-defined]
        for name in topic.names:
            if split_ordinal(name)[0] == name:
                continue  # "阶段 1" names a stage only inside its own document (the chain resolver's business)
            surfaces.append((name, topic.id))
            key = topic_key(name)
            if len(key) >= 3 or (is_latin(key) and len(key) >= 2):
                surfaces.append((key, topic.id))
    return MentionIndex(surfaces)


def _all_edges(per_doc: list[DocumentTopics], arrows: dict[str, list[MermaidArrow]],
               groups: dict[str, list[Candidate]], mentions: MentionIndex, topics: dict[str, Topic]) -> list[Edge]:
    label_topic = {c.name: tid for tid, members in groups.items() for c in members}
    edges: list[Edge] = []
    for dt in per_doc:
        resolve = _step_resolver(topics, mentions, dt.name)
        edges += sequence_edges(dt, resolve)
        edges += needs_line_edges(dt, resolve)
        edges += part_of_edges(dt)
        charted = frozenset(label_topic[end] for a in arrows[dt.name] for end in (a.source, a.target) if end in label_topic)
        edges += sibling_edges(dt, charted)
        edges += stage_edges(dt, charted)
        edges += mermaid_edges(dt.name, arrows[dt.name], label_topic)
        edges += cue_edges(dt, mentions)
    return edges


def _step_resolver(topics: dict[str, Topic], mentions: MentionIndex, document: str) -> Callable[[str, bool], str]:
    """The topic a step of a written chain names: a name or alias (this document's topics first), the one
    topic mentioned in it, or the one topic of this document whose name contains it ("Retriever")."""
    own = [t for t in topics.values() if any(s.document == document for s in t.sources)]
    names: dict[str, str] = {}
    for topic in own + list(topics.values()):
        for name in topic.names:
            names.setdefault(normalize(name), topic.id)

    def resolve(text: str, whole: bool) -> str:
        key = normalize(text)
        if not key:
            return ""
        if key in names:
            return names[key]
        found = mentions.topic_ids(text)
        if found and (len(found) == 1 or not whole):
            return found[0]
        containing = {t.id for t in own for n in t.names if whole and len(key) >= 3 and key in normalize(n)}
        return containing.pop() if len(containing) == 1 else ""

    return resolve


def _chunks(dt: DocumentTopics, title: str, mentions: MentionIndex) -> list[Chunk]:
    def topics_of(section: Section, text: str) -> tuple[str, ...]:
        own = [c.topic_id for s in [section, *section.ancestors()] if (c := dt.candidate_of(s))][:1]
        return tuple(dict.fromkeys(own + mentions.topic_ids(text)))

    return chunk_document(dt.parsed.root, dt.name, title, topics_of)
