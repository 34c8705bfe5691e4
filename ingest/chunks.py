"""Section-aware chunks: whole sections when they fit, never splitting code, tables or formulas.

A section together with its subsections becomes one chunk when it fits the budget;
otherwise its own text is chunked on paragraph boundaries and its subsections are
packed, in order, into chunks of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

from ingest.clean import Line
from ingest.sections import Section
from kb.model import HEADING_SEPARATOR, Chunk

MAX_CHARS = 450
FENCE = re.compile(r"^\s*(```|~~~)")
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")
KEPT_WHOLE = ("```", "~~~", "$$", "|")  # code, formulas and tables are never cut


def section_lines(section: Section) -> list[Line]:
    """The lines a section holds itself: its item line (for list items) and its body."""
    own = [Line(section.line, f"- {section.raw}")] if section.kind == "item" else []
    return own + section.body


def subtree_lines(section: Section) -> list[Line]:
    """Lines of a section and all its subsections, in document order."""
    lines = section_lines(section)
    for child in section.children:
        if child.kind != "item":
            lines.append(Line(child.line, f"{'#' * child.level} {child.title}"))
        lines.extend(subtree_lines(child))
    return lines


def _size(lines: list[Line]) -> int:
    return sum(len(ln.text.strip()) for ln in lines)


def blocks(lines: list[Line]) -> Iterator[list[Line]]:
    """Paragraphs, with every fenced block, ``$$`` formula and table kept whole."""
    block: list[Line] = []
    fenced = formula = False
    for line in lines:
        stripped = line.text.strip()
        if FENCE.match(stripped):
            fenced = not fenced
        elif stripped.startswith("$$") and not (stripped.endswith("$$") and len(stripped) > 2):
            formula = not formula
        elif stripped == "$$":
            formula = not formula
        block.append(line)
        if not stripped and not fenced and not formula:
            if _size(block):
                yield block
            block = []
    if _size(block):
        yield block


def pack(lines: list[Line], limit: int = MAX_CHARS) -> Iterator[list[Line]]:
    """Group consecutive blocks into pieces of at most ``limit`` characters. A larger block stays
    whole when it is code, a formula or a table; other text is cut at sentence ends.

    >>> [[ln.text for ln in piece] for piece in pack([Line(3, "一二。三四。五六七。")], limit=5)]
    [['一二。'], ['三四。'], ['五六七。']]
    """
    piece: list[Line] = []
    for block in blocks(lines):
        parts = [block] if _size(block) <= limit or _kept_whole(block) else _cut(block, limit)
        for part in parts:
            if piece and _size(piece) + _size(part) > limit:
                yield piece
                piece = []
            piece.extend(part)
    if _size(piece):
        yield piece


def _kept_whole(block: list[Line]) -> bool:
    return any(ln.text.lstrip().startswith(KEPT_WHOLE) for ln in block)


def _cut(block: list[Line], limit: int) -> Iterator[list[Line]]:
    """Each line of ``block``, a line longer than ``limit`` as pieces of whole sentences.

    A page pasted on one line was one chunk of up to 2 MB: every search scored all its
    sentences, and the answer cited all of it. Pieces of one line never share a chunk (each
    is as long as fits), so no line break is added inside a chunk.
    """
    for line in block:
        if len(line.text.strip()) <= limit:
            yield [line]
            continue
        piece = ""
        for sentence in _sentences(line.text, limit):
            if piece and len(piece) + len(sentence) > limit:
                yield [Line(line.number, piece)]
                piece = ""
            piece += sentence
        if piece.strip():
            yield [Line(line.number, piece)]


def _sentences(text: str, limit: int) -> Iterator[str]:
    for sentence in SENTENCE_END.split(text):
        for start in range(0, len(sentence), limit):  # no punctuation: a hard cut
            yield sentence[start : start + limit]


def chunk_document(
    root: Section, document: str, title: str, topics_of: Callable[[Section, str], tuple[str, ...]]
) -> list[Chunk]:
    """All chunks of one document; ``topics_of(section, text)`` names the topics of a chunk."""
    chunks: list[Chunk] = []
    _chunk_section(root, document, title, topics_of, chunks)
    return _unique_ids(chunks)


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """The n-th chunk of the same lines (a one-line article) gets ``-n`` appended to its id.

    Counted in one pass: counting earlier chunks for each new one took 21 s for 10,000 headings.
    """
    seen: Counter[str] = Counter()
    unique = []
    for chunk in chunks:
        seen[chunk.id] += 1
        unique.append(replace(chunk, id=f"{chunk.id}-{seen[chunk.id]}") if seen[chunk.id] > 1 else chunk)
    return unique


def _chunk_section(section: Section, document: str, title: str,
                   topics_of: Callable[[Section, str], tuple[str, ...]], out: list[Chunk]) -> None:
    whole = subtree_lines(section)
    if section.kind != "document" and _size(whole) <= MAX_CHARS:
        _emit(section, whole, document, title, topics_of, out)
        return
    for piece in pack(section_lines(section)):
        _emit(section, piece, document, title, topics_of, out)
    for child in section.children:
        _chunk_section(child, document, title, topics_of, out)


def _emit(section: Section, lines: list[Line], document: str, title: str,
          topics_of: Callable[[Section, str], tuple[str, ...]], out: list[Chunk]) -> None:
    text = _join(lines)
    if not text:
        return
    numbers = [ln.number for ln in lines] or [section.line]
    start, end = min(numbers), max(numbers)
    heading = HEADING_SEPARATOR.join(section.path) or title
    chunk_id = f"{document}#{start}-{end}"  # made unique by ``_unique_ids``
    out.append(Chunk(chunk_id, document, title, heading, start, end, text, topics_of(section, text)))


def _join(lines: list[Line]) -> str:
    text = "\n".join(ln.text.rstrip() for ln in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
