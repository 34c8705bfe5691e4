"""Relations between topics, each with its evidence: nesting, order, mermaid arrows, cue sentences.

Every function returns ``Edge`` values for one document; ``merge_edges`` folds
duplicates together so one edge carries all of its evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from ingest.independence import INDEPENDENT, independent_pairs, predecessors
from ingest.mermaid import MermaidArrow
from ingest.scaffolding import is_notes, is_parallel
from ingest.sections import Section
from ingest.sequence import ordinal_chains
from ingest.topics import DocumentTopics
from kb.lookup import MentionIndex
from kb.model import Edge, Evidence

SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n")
#: Sentence ends for notes about order: a semicolon joins the two halves of one remark ("X can wait; it has no
#: fixed order with the items above").
FULL_STOP = re.compile(r"(?<=[。！？!?])|\n|(?<=\.)\s+")
PRONOUN = re.compile(r"^\s*(?:这些|这|它们|它|其|此|上述|以上)?\s*$")
#: Longest run a cue pattern scans after its cue words for the topic before the closing words
#: (的基础, 之前, the comma of 先学X，): an unbounded lazy run is retried at every cue word to the
#: end of the clause, quadratic in a text without punctuation. Topic names are far shorter.
SIDE = 80
CLAUSE_STOP = "，,。；;"
# X是Y的基础 / X为Y的前提 / X是理解Y的核心工具 … (matched from the verb: X is the clause before it)
IS_BASIS = re.compile(
    rf"(?:是|为|乃|构成了?|作为)(?:学习|理解|掌握|实现|构建)?(?P<y>[^{CLAUSE_STOP}]{{1,{SIDE}}}?)的"
    r"(?:重要|核心|关键|必要|数学|理论)?(?:基础|前提|基石|先决条件|前提条件|根基|工具|钥匙)"
)
# 在学习Y之前，需要先掌握X / 学习Y之前…X
BEFORE = re.compile(
    rf"(?:在)?(?:学习|掌握|进入|理解|接触)(?P<y>[^{CLAUSE_STOP}]{{1,{SIDE}}}?)(?:之前|以前)[，,]?(?P<x>[^。；;]+)"
)
# 先学X，再学Y
FIRST_THEN = re.compile(
    rf"先(?:学|学习|掌握|了解)(?P<x>[^{CLAUSE_STOP}]{{1,{SIDE}}})[，,]\s*(?:再|然后|之后)(?:学|学习|掌握|了解)?"
    r"(?P<y>[^。；;]+)"
)
# X用于理解Y (matched from 用于理解: X is the clause before it)
USED_FOR = re.compile(rf"用于理解(?P<y>[^{CLAUSE_STOP}]+)")
# "Do X on paper before you lean on Y", "learn X before moving to Y" (X is the clause before "before")
BEFORE_EN = re.compile(rf"\bbefore (?:you |we |moving |going )?(?:\w+ (?:on |to |into |with )?)?(?P<y>[^{CLAUSE_STOP}.]{{1,{SIDE}}})",
                       re.IGNORECASE)
#: Each cue, and whether its X is the clause text before the match (a leading lazy group
#: tried from every position would be quadratic in a sentence without punctuation).
CUES = ((IS_BASIS, True), (BEFORE, False), (FIRST_THEN, False), (USED_FOR, True), (BEFORE_EN, True))
MAX_PER_SIDE = 3
#: A clause that denies the order its cue would state ("you do not need X before Y", "X 不是 Y 的前提").
NEGATED = re.compile(r"\b(?:not|never|no need|needn['’]t|don['’]t|doesn['’]t)\b|不(?:必|需要|用|是)?$|并非$|无需", re.IGNORECASE)
#: A line that lists what its section needs: "Prerequisites: A, B", "**前置知识**：A、B", "Requires: A and B".
NEEDS_LINE = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*)?(?:prerequisites?|pre-?reqs?|requires|depends on|前置知识|前置要求|前置|先修知识|先修|"
                        r"需要先学|依赖)(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<items>\S.*)$", re.IGNORECASE)
#: "Builds on Lecture 9.", "Builds on Lectures 7 and 10.", "建立在第三章之上": the section needs the steps it names.
BUILDS_ON = re.compile(r"^\s*(?:[-*]\s+)?(?:builds? (?:directly )?on|建立在|承接)\s*(?P<items>\S.*?)\s*(?:之上|的基础上)?[。.]?$",
                       re.IGNORECASE)
#: Several steps under one plural label: "Lectures 7 and 10", "Weeks 3, 4".
PLURAL_STEPS = re.compile(r"\b(lecture|week|chapter|module|lesson|session|part|unit|stage|phase|step)s\s+"
                          r"(\d+(?:\s*(?:,|and|&)\s*\d+)+)", re.IGNORECASE)
NEEDS_SPLIT = re.compile(r"\s*(?:[,，、;；/]|\band\b|和|与|及)\s*", re.IGNORECASE)


def part_of_edges(doc: DocumentTopics) -> Iterator[Edge]:
    """Subtopic → nearest enclosing topic."""
    for cand in doc.candidates:
        if cand.section is not None:
            above = list(cand.section.ancestors())
        elif cand.owner is not None and not cand.loose:  # a term: part of the section it is named in
            above = [cand.owner, *cand.owner.ancestors()]
        else:
            continue
        parent = next((doc.candidate_of(a) for a in above if doc.candidate_of(a)), None)
        if parent and parent.topic_id != cand.topic_id:
            sentence = f"「{cand.name}」列在「{parent.name}」之下"
            yield Edge(cand.topic_id, parent.topic_id, "part_of",
                       (Evidence("structure", doc.name, cand.line, sentence),))


def sibling_edges(doc: DocumentTopics, charted: frozenset[str] = frozenset()) -> Iterator[Edge]:
    """A → B when B directly follows A in an ordered list or heading sequence.

    Headings ordered only by their position (a tree without numbers) give no order between two topics the
    document's flowchart draws (``charted``): the chart says which of them come one after the other.
    """
    sections = [doc.parsed.root, *doc.parsed.walk()]
    forward = forward_order_lines(sections)
    sentences = list(_sentences(doc))
    for parent in sections:
        if is_parallel(parent.title) and any(c.numbered and not _explicit(c) for c in parent.children):
            continue  # parallel options in the author's order; an explicit numbering still counts
        staged = {id(s) for s in doc.stages}  # stage order is ``stage_edges``' (it reads independence notes)
        in_order = (parent.kind != "item"  # a facet's list is a checklist, unless the facet's own text orders it
                    and (parent.role not in ("facet", "goal", "chrome", "dropped") or
                         parent.role == "facet" and _says_listed_order(parent))
                    and (any(_says_listed_order(s) for s in (parent, *parent.ancestors()))  # a checklist is no plan
                         or any(line < parent.line or everywhere for line, everywhere in forward)))
        steps = [(child, c) for child in parent.children
                 if (child.numbered or in_order and child.kind == "item")
                 and (c := doc.candidate_of(child)) and id(child) not in staged]
        ordered = [c for _, c in steps]
        drawn = {id(c) for child in parent.children if not _explicit(child)
                 and (c := doc.candidate_of(child)) and c.topic_id in charted}
        independent = _independent_items(parent, [c.name for c in ordered], [child.number for child, _ in steps])
        if len(steps) >= 2 and all(child.kind in ("heading", "stage") for child, _ in steps):  # sibling headings:
            # "Math and Programming are independent", said anywhere in the document
            independent |= independent_pairs(sentences, [(child.number, child.title) for child, _ in steps])
        for k, b in enumerate(ordered):
            for a in (ordered[j] for j in (predecessors(k, independent) if k else ())):
                if id(a) in drawn and id(b) in drawn:
                    continue
                if a.topic_id != b.topic_id:
                    sentence = f"「{a.name}」排在「{b.name}」之前（同属「{parent.title or doc.name}」）"
                    yield Edge(a.topic_id, b.topic_id, "prerequisite",
                               (Evidence("sibling", doc.name, b.line, sentence),))


def _named(text: str, names: list[str]) -> list[int]:
    return [k for k, name in enumerate(names) if len(name) >= 2 and name.lower() in text.lower()]


#: A sentence saying that a section's lists are in the order to learn them ("Inside each track, go top to bottom",
#: "the items are listed in the order we suggest", "按列出的顺序学", "从上到下依次学").
LISTED_ORDER = re.compile(r"\btop to bottom\b|\bin the order (?:listed|given|shown|we suggest|they appear)\b|"
                          r"\bin the order (?:to|you should|you'll|you will) (?:learn|read|study)\b|\bin learning order\b|"
                          r"\blisted in (?:the )?order\b|按(?:列出|列表|下面列出|上面列出|以上列出|上述|下列)的?顺序|从上到下|自上而下|"
                          r"按(?:推荐的?|建议的?)?(?:阅读|学习)顺序(?:排|列)",
                          re.IGNORECASE)


#: Words that point a listed-order sentence at what follows it ("the blocks below", "下面的每个阶段") …
FORWARD = re.compile(r"\bbelow\b|\bthe following\b|下面|下文|以下|下列|后面(?:每|的)", re.IGNORECASE)
#: … or at every part of the document, wherever it stands ("Inside each section the entries are listed in the order
#: we suggest", "within a lecture", "每个部分里", "每一步").
EVERY_PART = re.compile(r"\b(?:in|inside|within) (?:a|each|every) (?:\w+ )?(?:block|lecture|session|lesson|chapter|week|stage|"
                        r"section|part|phase|module|step|category|slide|box|list)\b|每个?(?:部分|阶段|章|步|页|模块|小节)|每一(?:部分|阶段|章|步|页)|"
                        r"(?:页|章|节|阶段|部分)(?:内|里)|同一(?:部分|阶段|章)",
                        re.IGNORECASE)


def forward_order_lines(sections: list[Section]) -> list[tuple[int, bool]]:
    """``(line, everywhere)`` of the paragraphs that say the lists *below them* ("the blocks below … top to
    bottom", "下面每个阶段都按从上到下的顺序学") or *in every part* ("Inside each section the entries are listed in
    the order we suggest") are in learning order: their scope is the rest of the document, or all of it, not
    only their own section. A paragraph is read whole ("the schedule below … Within a lecture, in the order listed").

    >>> from ingest.sections import Line
    >>> s = Section("Big picture", "heading", 2, 3, body=[Line(4, "The blocks below go in order, top to bottom.")])
    >>> forward_order_lines([s, Section("Tools", "heading", 2, 9, body=[Line(10, "Go top to bottom.")])])
    [(4, False)]
    >>> forward_order_lines([Section("Order", "heading", 2, 9, body=[Line(10, "Inside each section, go top to bottom.")])])
    [(10, True)]
    """
    return [(ln.number, bool(EVERY_PART.search(ln.text))) for section in sections for ln in section.body
            if LISTED_ORDER.search(ln.text) and (FORWARD.search(ln.text) or EVERY_PART.search(ln.text))]


def _says_listed_order(section: Section) -> bool:
    """Whether the section's own text says its lists (and those of its subsections) are in learning order.

    >>> from ingest.sections import Line
    >>> s = Section("Level 3", "heading", 2, 1, body=[Line(2, "> Inside each track, go top to bottom.")])
    >>> _says_listed_order(s), _says_listed_order(Section("Tools", "heading", 2, 1))
    (True, False)
    """
    return any(LISTED_ORDER.search(text) for text in [section.description, *(ln.text for ln in section.body)])


def _numbers_named(text: str, numbers: list[str]) -> list[int]:
    """The items whose number a sentence names, when it names two or more ("5 and 6 are independent").

    >>> _numbers_named("To be clear, 5 and 6 are independent.", ["1)", "5)", "6)"]), _numbers_named("30 questions", ["3."])
    ([1, 2], [])
    """
    said = set(re.findall(r"(?<![\d.])\d{1,2}(?![\d.]\d)", text))
    found = [k for k, number in enumerate(numbers) if (digits := re.sub(r"\D", "", number)) and digits in said]
    return found if len(found) >= 2 else []


def _independent_items(parent: Section, names: list[str], numbers: list[str] | None = None) -> set[frozenset[int]]:
    """Pairs of a list's items that the list's own text says need no order ("Git 穿插着学，和前面几项不分先后",
    "5 and 6 are independent"): the items a sentence with an independence cue names (or numbers), with each other,
    or one named alone with all the rest."""
    pairs: set[frozenset[int]] = set()
    for text in [parent.description, *(ln.text for ln in parent.body), *_notes_text(parent)]:
        clauses = SENTENCE_END.split(text)
        for i, clause in enumerate(clauses):
            if not INDEPENDENT.search(clause):
                continue
            named = (_named(clause, names) or _numbers_named(clause, numbers or [])
                     or (_named(clauses[i - 1], names) if i else []))  # "X 穿插着学；它不分先后"
            others = range(len(names)) if len(named) == 1 else named
            pairs.update(frozenset((a, b)) for a in named for b in others if a != b)
    return pairs | _separate_lines(parent, names)


def _separate_lines(parent: Section, names: list[str]) -> set[frozenset[int]]:
    """Pairs of items that two ordered sentences put on two lines the text calls independent ("这一步其实是两条线，
    互不依赖：…先学提示词工程，再做 RAG…；…先学模型量化，再学推理部署"): an item of one line needs none of the other's.

    >>> from ingest.sections import Line
    >>> s = Section("应用", "heading", 2, 1, body=[Line(2, "两条线互不依赖。"), Line(3, "先学提示词工程，再学 RAG。"),
    ...                                          Line(4, "先学模型量化，再学推理部署。")])
    >>> sorted(map(sorted, _separate_lines(s, ["提示词工程", "RAG", "模型量化", "推理部署"])))
    [[0, 2], [0, 3], [1, 2], [1, 3]]
    """
    texts = [parent.description, *(ln.text for ln in parent.body)]
    if not any(INDEPENDENT.search(t) for t in texts):
        return set()
    lines = [set(k for step in chain for k in _named(step, names)) for t in texts for chain in ordinal_chains(t)]
    lines = [line for line in lines if line]
    return {frozenset((a, b)) for i, one in enumerate(lines) for other in lines[i + 1:]
            for a in one for b in other if a != b and not (a in other or b in one)}


def _notes_text(parent: Section) -> Iterator[str]:
    """The lines of ``parent``'s notes facets ("Notes: Linear algebra and probability can run in parallel"): remarks
    on the parent's own list."""
    for child in parent.children:
        if is_notes(child.title):
            for section in [child, *child.walk()]:
                yield from (section.raw, section.description, *(ln.text for ln in section.body))


def _explicit(section: Section) -> bool:
    """Numbered by the author ("1.", "Week 2"), not just ordered by position in a number-less heading tree."""
    return bool(section.number) or section.kind == "item"


def stage_edges(doc: DocumentTopics, charted: frozenset[str] = frozenset()) -> Iterator[Edge]:
    """Every top-level topic of stage k → every top-level topic of stage k+1 (not between two stages that are
    ordered only by position and drawn by the document's flowchart, ``charted``: see ``sibling_edges``)."""
    tops = [_stage_tops(doc, stage) for stage in doc.stages]
    drawn = [not stage.number and bool(top) and set(top) <= charted for stage, top in zip(doc.stages, tops)]
    independent = independent_pairs(_sentences(doc), [(s.number, s.title) for s in doc.stages])
    for k, stage_b in enumerate(doc.stages):
        for j in predecessors(k, independent) if k else ():
            stage_a = doc.stages[j]
            if drawn[j] and drawn[k]:
                continue
            sentence = f"「{stage_a.raw.strip('# *')}」在「{stage_b.raw.strip('# *')}」之前"
            for a in tops[j]:
                for b in tops[k]:
                    if a != b:
                        yield Edge(a, b, "prerequisite", (Evidence("stage", doc.name, stage_b.line, sentence),))


def _sentences(doc: DocumentTopics) -> Iterator[str]:
    """Every sentence of the document's own text (descriptions and body lines, quotes included)."""
    for section in [doc.parsed.root, *doc.parsed.walk()]:
        for text in [section.description, *(ln.text for ln in section.body)]:
            yield from (s for s in FULL_STOP.split(text.replace("**", "").lstrip("> ")) if s.strip())


def _stage_tops(doc: DocumentTopics, stage: Section) -> list[str]:
    if own := doc.candidate_of(stage):  # a stage that is itself the topic (its facets' terms are its parts)
        return [own.topic_id]
    tops: list[str] = []
    for section in stage.walk():
        cand = doc.candidate_of(section)
        if cand and not any(doc.candidate_of(a) for a in section.ancestors() if a is not stage
                            and _inside(a, stage)):
            tops.append(cand.topic_id)
    return list(dict.fromkeys(tops))


def _inside(section: Section, stage: Section) -> bool:
    return any(a is stage for a in section.ancestors())


def mermaid_edges(doc_name: str, arrows: Iterable[MermaidArrow], topic_of: dict[str, str]) -> Iterator[Edge]:
    """One prerequisite edge per mermaid arrow whose ends are topics (``topic_of``: label → id)."""
    for arrow in arrows:
        a, b = topic_of.get(arrow.source), topic_of.get(arrow.target)
        if a and b and a != b:
            yield Edge(a, b, "prerequisite", (Evidence("mermaid", doc_name, arrow.line, arrow.text),))


def needs_line_edges(doc: DocumentTopics, resolve: Callable[[str, bool], str]) -> Iterator[Edge]:
    """Edges from lines that list their section's prerequisites ("Prerequisites: A, B", "前置知识：A、B"):
    each item that names a topic comes before the section's own topic."""
    for section, line, text, items in _needs_lines(doc):
        own = doc.candidate_of(section)
        if own is None or section.role == "dropped":
            continue
        for item in needed_items(items):
            x = resolve(item, True)
            if x and x != own.topic_id:
                yield Edge(x, own.topic_id, "prerequisite", (Evidence("explicit", doc.name, line, text[:200]),))


def _needs_lines(doc: DocumentTopics) -> Iterator[tuple[Section, int, str, str]]:
    """(section, line number, text, listed names) of each prerequisites line: a body line of the section,
    or a list item ("- 前置知识：A、B") of the section holding it."""
    for section in doc.parsed.walk():
        lines = [(section.parent, section.line, section.raw)] if section.kind == "item" else []
        for owner, number, text in [*lines, *((section, ln.number, ln.text) for ln in section.body)]:
            if owner is not None and (match := NEEDS_LINE.match(text.strip()) or BUILDS_ON.match(text.strip())):
                yield owner, number, text.strip(), match.group("items")


def needed_items(text: str) -> list[str]:
    """The names listed after a "Prerequisites:" label.

    >>> needed_items("Python, Probability and Statistics"), needed_items("线性代数、概率论。")
    (['Python', 'Probability', 'Statistics', 'Probability and Statistics'], ['线性代数', '概率论'])
    >>> needed_items("Lectures 7 and 10."), BUILDS_ON.match("Builds on Lecture 9.").group("items")
    (['Lecture 7', 'Lecture 10'], 'Lecture 9')
    """
    text = PLURAL_STEPS.sub(_each_step, text.strip().rstrip("。.").replace("**", ""))
    pieces = [p.strip() for p in NEEDS_SPLIT.split(text) if p.strip()]
    joined = [p.strip() for p in re.split(r"\s*[,，、;；]\s*", text) if p.strip()]
    return list(dict.fromkeys(pieces + [p for p in joined if p not in pieces]))


def _each_step(match: re.Match[str]) -> str:
    """ "Lectures 7 and 10" as "Lecture 7, Lecture 10": each step by the name the document numbers it with."""
    return ", ".join(f"{match.group(1)} {n}" for n in re.findall(r"\d+", match.group(2)))


def cue_edges(doc: DocumentTopics, mentions: MentionIndex) -> Iterator[Edge]:
    """Edges stated in sentences: "A是B的基础", "学习B之前…A", "先学A，再学B", "A用于理解B"."""
    for section in [doc.parsed.root, *doc.parsed.walk()]:
        own = doc.candidate_of(section)
        texts = [(section.line, section.description)] + [(ln.number, ln.text) for ln in section.body]
        for line, text in texts:
            for sentence in SENTENCE_END.split(text):
                yield from _sentence_edges(doc.name, line, sentence.strip(), own.topic_id if own else "", mentions)


def _sentence_edges(doc: str, line: int, sentence: str, own: str, mentions: MentionIndex) -> Iterator[Edge]:
    if len(sentence) < 4:
        return
    for x_text, y_text in cue_sides(sentence):
        xs = mentions.topic_ids(x_text)[:MAX_PER_SIDE]
        if not xs and own and PRONOUN.match(x_text):
            xs = [own]
        ys = [y for y in mentions.topic_ids(y_text) if y not in xs][:MAX_PER_SIDE]
        for x in xs:
            for y in ys:
                yield Edge(x, y, "prerequisite", (Evidence("explicit", doc, line, sentence[:200]),))


def cue_sides(sentence: str) -> Iterator[tuple[str, str]]:
    """``(X text, Y text)`` of every cue stated in ``sentence`` ("X是Y的基础" …), cue by cue.

    >>> list(cue_sides("线性代数是深度学习的基础，先学Python，再学PyTorch"))
    [('线性代数', '深度学习'), ('Python', 'PyTorch')]
    >>> list(cue_sides("Do backpropagation on paper before you lean on autograd"))
    [('Do backpropagation on paper ', 'autograd')]
    >>> list(cue_sides("no, you do not need fine-tuning before RAG")), list(cue_sides("微积分不是深度学习的前提"))
    ([], [])
    """
    for cue, x_before in CUES:
        taken = 0  # end of the previous match: X never reaches back into it
        for match in cue.finditer(sentence):
            if x_before:
                start = max([taken] + [sentence.rfind(c, taken, match.start()) + 1 for c in CLAUSE_STOP])
                if not NEGATED.search(sentence[start : match.start()]):  # "you do not need X before Y" orders nothing
                    yield sentence[start : match.start()], match.group("y")
            else:
                yield match.group("x"), match.group("y")
            taken = match.end()


def merge_edges(edges: Iterable[Edge]) -> list[Edge]:
    """One edge per (source, target, kind), carrying the evidence of all duplicates."""
    evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for edge in edges:
        bucket = evidence[(edge.source, edge.target, edge.kind)]
        bucket.extend(e for e in edge.evidence if e not in bucket)
    return [Edge(s, t, k, tuple(ev)) for (s, t, k), ev in evidence.items()]  # type: ignore[arg-type]
