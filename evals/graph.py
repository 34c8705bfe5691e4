"""Score graph extraction against gold written before the rules: orderings, non-topics, merges, terms, paths.

Each fixture is a folder of documents plus ``gold.json`` (``tests/fixtures/roadmaps/README.md`` describes
the keys); the five corpus documents are scored against ``tests/fixtures/corpus_gold.json``. A fixture is
ingested in memory (no embedder), and every figure is computed on the resulting graph:

- **ordering precision / recall**: a pair ``A → B`` holds when ``B`` can be reached from ``A`` along
  prerequisites, "a part before its whole" and inherited prerequisites (a topic's prerequisite comes before
  its parts). Recall is over the gold pairs (the transitive pairs of each chain); precision over the
  predicted pairs the gold judges (a gold pair either way round, or a pair gold says is unordered).
- **facets kept**: ``not_topics`` labels that are a topic's name or alias.
- **wrong merges**: ``not_merged`` pairs that resolve to one topic. **merges held**: ``merges`` groups that do.
- **terms found**, **parts held**, **longest path** (prerequisite edges only), and for each gold path its
  length, whether it is within ``max_steps`` and which ``exclude`` names it passes through.

>>> ordered_pairs([["a", "b", "c"]])
[('a', 'b'), ('a', 'c'), ('b', 'c')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ingest.names import topic_key
from ingest.pipeline import analyse
from ingest.reader import SUFFIXES, read_document
from kb.graph import build_graph
from kb.lookup import fold
from kb.roadmap import Roadmap

PATH_SEPARATOR = " › "
#: Acceptance targets of issue 10, applied to every fixture and the corpus.
TARGETS = {"precision": 0.95, "recall": 0.9}


@dataclass(frozen=True)
class Fixture:
    """A set of documents with its gold."""

    name: str  #: folder name, e.g. "emoji-stages-zh", or "corpus"
    split: str  #: "tune", "heldout" or "corpus"
    documents: tuple[Path, ...]  #: the files to ingest
    gold: dict[str, Any]  #: the parsed gold.json


@dataclass(frozen=True)
class PathScore:
    """One gold study path, measured."""

    goal: str  #: the goal as named in the gold
    found: bool  #: whether the goal is a topic at all
    steps: int  #: number of steps of the path
    max_steps: int  #: the gold limit
    passed: tuple[str, ...]  #: gold ``exclude`` names the path steps through (later stages, other tracks)

    @property
    def ok(self) -> bool:
        """Within the limit and through no excluded topic."""
        return self.found and self.steps <= self.max_steps and not self.passed


@dataclass
class Score:
    """Every figure of one fixture."""

    name: str
    split: str
    topics: int = 0
    prerequisites: int = 0
    gold_pairs: int = 0
    true_pairs: int = 0
    false_pairs: list[str] = field(default_factory=list)
    missed_pairs: list[str] = field(default_factory=list)
    facets_kept: list[str] = field(default_factory=list)
    wrong_merges: list[str] = field(default_factory=list)
    merges: int = 0
    merges_held: int = 0
    terms: int = 0
    terms_missing: list[str] = field(default_factory=list)
    parts: int = 0
    parts_missing: list[str] = field(default_factory=list)
    longest_path: int = 0
    paths: list[PathScore] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct predicted pairs over judged predicted pairs (1.0 when none was judged)."""
        judged = self.true_pairs + len(self.false_pairs)
        return self.true_pairs / judged if judged else 1.0

    @property
    def recall(self) -> float:
        """Gold pairs found (1.0 when the gold states none)."""
        return self.true_pairs / self.gold_pairs if self.gold_pairs else 1.0

    @property
    def paths_passing(self) -> int:
        """Gold paths that step through an excluded topic."""
        return sum(1 for p in self.paths if p.passed)

    def passed(self) -> bool:
        """All acceptance targets of issue 10 met on this fixture."""
        return (not self.wrong_merges and not self.facets_kept and not self.terms_missing
                and self.precision >= TARGETS["precision"] and self.recall >= TARGETS["recall"]
                and all(p.ok for p in self.paths))


def ordered_pairs(chains: Iterable[list[str]]) -> list[tuple[str, str]]:
    """Every ``(earlier, later)`` pair of each chain, in chain order."""
    pairs: list[tuple[str, str]] = []
    for chain in chains:
        pairs += [(a, b) for i, a in enumerate(chain) for b in chain[i + 1 :]]
    return list(dict.fromkeys(pairs))


def load_fixtures(root: Path) -> list[Fixture]:
    """Every fixture folder under ``root`` (one with a ``gold.json``), sorted by name."""
    fixtures = []
    for gold_path in sorted(root.glob("*/gold.json")):
        docs = tuple(sorted(p for p in gold_path.parent.iterdir() if p.suffix.lower() in SUFFIXES))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        fixtures.append(Fixture(gold_path.parent.name, gold["split"], docs, gold))
    return fixtures


def corpus_fixture(corpus_dir: Path, gold_path: Path) -> Fixture:
    """The real corpus documents with their names-only gold."""
    docs = tuple(sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in SUFFIXES))
    return Fixture("corpus", "corpus", docs, json.loads(gold_path.read_text(encoding="utf-8")))


def ingest_in_memory(documents: Iterable[Path]) -> Roadmap:
    """The roadmap ingest would build from ``documents``, without writing anything."""
    analysis = analyse([read_document(p) for p in documents])
    return Roadmap(build_graph(analysis.topics.values(), analysis.edges, analysis.order, analysis.stage_ranks))


def evaluate(fixture: Fixture, roadmap: Roadmap | None = None) -> Score:
    """Score ``fixture`` (ingesting it unless ``roadmap`` is given)."""
    rm = roadmap or ingest_in_memory(fixture.documents)
    gold = fixture.gold
    score = Score(fixture.name, fixture.split, topics=len(rm.graph))
    prereq = nx.subgraph_view(rm.graph, filter_edge=lambda u, v: rm.graph.edges[u, v]["kind"] == "prerequisite")
    score.prerequisites = prereq.number_of_edges()
    score.longest_path = nx.dag_longest_path_length(prereq) if len(rm.graph) else 0
    _score_orderings(score, rm, gold)
    score.facets_kept = [label for label in gold.get("not_topics", []) if exact_ids(rm, label)]
    _score_merges(score, rm, gold)
    score.terms = len(gold.get("terms", []))
    score.terms_missing = [t for t in gold.get("terms", []) if not find_ids(rm, t)]
    score.parts = len(gold.get("parts", []))
    score.parts_missing = [f"{t} ⊂ {p}" for t, p in gold.get("parts", []) if not _part_holds(rm, t, p)]
    score.paths = [_score_path(rm, spec) for spec in gold.get("paths", [])]
    return score


def _norm(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _names(rm: Roadmap, node: str) -> list[str]:
    data = rm.graph.nodes[node]
    return [data["name"], *data.get("aliases", ())]


def exact_ids(rm: Roadmap, label: str) -> list[str]:
    """Topics whose name or an alias is ``label`` (ignoring case, width, punctuation and emoji)."""
    key = _norm(label)
    return [n for n in rm.graph if key and any(_norm(name) == key for name in _names(rm, n))]


def find_ids(rm: Roadmap, name: str) -> list[str]:
    """Topics a gold name denotes: by name or alias, else by merge key; ``Parent › Name`` narrows by heading."""
    parent, _, leaf = name.rpartition(PATH_SEPARATOR)
    found = exact_ids(rm, leaf)
    if not found and topic_key(leaf):
        found = [n for n in rm.graph if any(topic_key(x) == topic_key(leaf) for x in _names(rm, n))]
    if parent:
        found = [n for n in found if _under(rm, n, parent)]
    return sorted(found, key=lambda n: tuple(rm.graph.nodes[n].get("order", (0, 0))))


def _under(rm: Roadmap, node: str, parent: str) -> bool:
    """Whether ``node`` was seen under a heading containing ``parent``, or is part of a topic ``parent`` names
    (a heading "Lecture 8: Alignment and evaluation" is the topic "Alignment and evaluation", alias "Lecture 8")."""
    key = _norm(parent)
    if any(key in _norm(s["heading"]) for s in rm.graph.nodes[node]["sources"]):
        return True
    wholes = [v for _, v, kind in rm.graph.out_edges(node, data="kind") if kind == "part_of"]
    return any(key in _norm(name) for whole in wholes for name in _names(rm, whole))


def order_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """Prerequisites, part → whole, and each prerequisite of a topic → that topic's (nested) parts."""
    order = nx.DiGraph()
    order.add_nodes_from(graph)
    parts_of = nx.DiGraph([(v, u) for u, v, k in graph.edges(data="kind") if k == "part_of"])
    for u, v, kind in graph.edges(data="kind"):
        order.add_edge(u, v)
        if kind == "prerequisite" and v in parts_of:
            order.add_edges_from((u, part) for part in nx.descendants(parts_of, v) if part != u)
    return order


def _score_orderings(score: Score, rm: Roadmap, gold: dict[str, Any]) -> None:
    order = order_graph(rm.graph)
    reach = {n: nx.descendants(order, n) for n in order}
    gold_pairs = ordered_pairs(gold.get("orderings", []))
    unordered = {frozenset(p) for p in gold.get("unordered", [])}
    score.gold_pairs = len(gold_pairs)
    ids = {name: find_ids(rm, name)[:1] for pair in [*gold_pairs, *map(tuple, unordered)] for name in pair}
    for a, b in gold_pairs:
        if ids[a] and ids[b] and ids[a] != ids[b]:
            x, y = ids[a][0], ids[b][0]
            if y in reach[x]:
                score.true_pairs += 1
            else:
                score.missed_pairs.append(f"{a} → {b}")
            if x in reach[y]:
                score.false_pairs.append(f"{b} → {a}")
        else:
            score.missed_pairs.append(f"{a} → {b} (not a topic)" if not (ids[a] and ids[b]) else f"{a} = {b}")
    for pair in unordered:
        a, b = sorted(pair)
        if ids[a] and ids[b] and ids[a] != ids[b]:
            x, y = ids[a][0], ids[b][0]
            score.false_pairs += [f"{a} → {b} (unordered)"] * (y in reach[x]) + [f"{b} → {a} (unordered)"] * (x in reach[y])


def _score_merges(score: Score, rm: Roadmap, gold: dict[str, Any]) -> None:
    for a, b in gold.get("not_merged", []):
        ids_a, ids_b = set(find_ids(rm, a)), set(find_ids(rm, b))
        if ids_a and ids_a == ids_b and len(ids_a) == 1:
            score.wrong_merges.append(f"{a} = {b}")
    groups = gold.get("merges", [])
    score.merges = len(groups)
    score.merges_held = sum(1 for g in groups if len({tuple(find_ids(rm, n)[:1]) for n in g} - {()}) == 1
                            and all(find_ids(rm, n) for n in g))


def _part_holds(rm: Roadmap, term: str, parent: str) -> bool:
    ids, parents = find_ids(rm, term), set(find_ids(rm, parent))
    wholes = nx.DiGraph([(u, v) for u, v, k in rm.graph.edges(data="kind") if k == "part_of"])
    for node in ids:
        above = nx.descendants(wholes, node) if node in wholes else set()
        if above & parents or _norm(parent) and _norm(parent) in _norm(rm.graph.nodes[node].get("stage", "")):
            return True
    return False


def _score_path(rm: Roadmap, spec: dict[str, Any]) -> PathScore:
    goal = find_ids(rm, spec["goal"])
    if not goal:
        return PathScore(spec["goal"], False, 0, spec["max_steps"], ())
    steps = [node for node, _ in _study_path(rm, goal[0])]
    excluded = tuple(name for name in spec.get("exclude", []) if set(find_ids(rm, name)) & set(steps))
    return PathScore(spec["goal"], True, len(steps), spec["max_steps"], excluded)


def _study_path(rm: Roadmap, goal: str) -> list[tuple[str, Any]]:
    from kb import paths

    return paths.study_path(rm.graph, goal, set())


PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "roadmaps"
#: Roadmaps written on 2026-12-02 and first run as the measurement (split "fresh"); never tuned on.
FRESH = PROJECT_ROOT / "tests" / "fixtures" / "fresh"
#: Roadmaps written on 2026-12-03 before any rule ran on them (split "fresh2"); measured once, then tuned on.
FRESH2 = PROJECT_ROOT / "tests" / "fixtures" / "fresh2"
#: Roadmaps written on 2026-12-04 before any rule ran on them (split "fresh3"); measured once, then tuned on.
FRESH3 = PROJECT_ROOT / "tests" / "fixtures" / "fresh3"
#: Roadmaps written on 2026-12-04 before any rule ran on them (split "fresh4"); measured once, then tuned on.
FRESH4 = PROJECT_ROOT / "tests" / "fixtures" / "fresh4"
#: Roadmaps written on 2026-12-05 before any rule ran on them (split "fresh5"); measured once, then tuned on.
FRESH5 = PROJECT_ROOT / "tests" / "fixtures" / "fresh5"
#: Roadmaps written on 2026-12-06 before any rule ran on them (split "fresh6"); measured once, then tuned on.
FRESH6 = PROJECT_ROOT / "tests" / "fixtures" / "fresh6"
CORPUS_GOLD = PROJECT_ROOT / "tests" / "fixtures" / "corpus_gold.json"
REPORT = PROJECT_ROOT / "docs" / "graph-eval.md"


def run(fixtures_root: Path | Sequence[Path] = FIXTURES, corpus_dir: Path | None = None,
        corpus_gold: Path = CORPUS_GOLD) -> list[Score]:
    """Scores of every fixture under ``fixtures_root`` (one folder or several) and, when ``corpus_dir`` is given, of the corpus."""
    roots = [fixtures_root] if isinstance(fixtures_root, Path) else list(fixtures_root)
    fixtures = [f for root in roots for f in load_fixtures(root)]
    if corpus_dir is not None:
        fixtures.append(corpus_fixture(corpus_dir, corpus_gold))
    return [evaluate(f) for f in fixtures]
