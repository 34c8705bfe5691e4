"""The graph tab's neighbourhood: which topics appear, lane order, path numbers, the cap and "+N more"."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import networkx as nx
import pytest

from kb import Roadmap
from ui.graph_tab import clicked_topic, neighbourhood_picture
from ui.neighbourhood import Limits, neighbourhood, path_through, stage_order
from ui.neighbourhood_view import neighbourhood_svg, wrap

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> ${x} {{y}}'


def roadmap(edges: list[tuple[str, str, str]], stages: dict[str, str]) -> Roadmap:
    """A roadmap of topics named by their upper-case id, in the order given, with ``stages``."""
    g = nx.DiGraph()
    for i, node in enumerate(dict.fromkeys([n for u, v, _ in edges for n in (u, v)] + list(stages))):
        g.add_node(node, name=node.upper(), stage=stages.get(node, ""), order=(0, i))
    for u, v, kind in edges:
        g.add_edge(u, v, kind=kind, evidence=[])
    return Roadmap(g)


@pytest.fixture
def course() -> Roadmap:
    """basics → (python, maths) → ml → dl → {llm, vision}; llm → rag → agents; dl has parts;
    far is unrelated."""
    p = "prerequisite"
    edges = [("basics", "python", p), ("basics", "maths", p), ("python", "ml", p), ("maths", "ml", p),
             ("ml", "dl", p), ("dl", "llm", p), ("dl", "vision", p), ("llm", "rag", p), ("rag", "agents", p),
             ("layers", "dl", "part_of"), ("loss", "dl", "part_of"), ("tokens", "llm", p), ("far", "farther", p)]
    stages = {"basics": "S1 基础", "python": "S1 基础", "maths": "S1 基础", "ml": "S2 机器学习",
              "dl": "S3 深度学习", "layers": "S3 深度学习", "llm": "S4 大模型", "vision": "S4 大模型", "rag": "S4 大模型",
              "agents": "S5 应用"}
    return roadmap(edges, stages)


def ids(hood: object) -> set[str]:
    return {n.id for n in hood.nodes}  # type: ignore[attr-defined]


def test_neighbourhood_holds_what_leads_to_and_from_the_focus_and_its_parts(course: Roadmap) -> None:
    hood = neighbourhood(course, "dl", limits=Limits(prerequisite_depth=2, dependent_depth=1))
    assert ids(hood) == {"dl", "ml", "python", "maths", "llm", "vision", "layers", "loss"}
    roles = {n.id: n.role for n in hood.nodes}
    assert roles["dl"] == "focus" and roles["maths"] == "prerequisite" and roles["llm"] == "dependent"
    assert roles["layers"] == "part"
    assert ("ml", "dl", "prerequisite") in hood.links and ("dl", "llm", "prerequisite") in hood.links
    assert ("layers", "dl", "part_of") in hood.links and ("python", "ml", "prerequisite") in hood.links
    # basics is three steps back, rag two ahead, far unrelated: none drawn, the first two counted
    assert not ids(hood) & {"basics", "rag", "agents", "far", "farther", "tokens"}
    assert dict(hood.hidden) == {"prerequisite": 1, "dependent": 2}


def test_a_subtopic_shows_what_it_is_part_of_and_inherits_its_prerequisites(course: Roadmap) -> None:
    hood = neighbourhood(course, "LAYERS", limits=Limits(prerequisite_depth=1, dependent_depth=1))
    roles = {n.id: n.role for n in hood.nodes}
    assert roles == {"layers": "focus", "dl": "whole", "ml": "prerequisite"}


def test_lanes_follow_the_stages_in_learning_order_with_no_stage_last() -> None:
    # document order puts the later stage first; the prerequisite edges say otherwise
    p = "prerequisite"
    rm = roadmap([("late", "end", p), ("early", "late", p), ("loose", "late", p)],
                 {"late": "B 进阶", "end": "B 进阶", "early": "A 入门"})
    assert stage_order(rm.graph) == ["A 入门", "B 进阶"]
    hood = neighbourhood(rm, "late")
    assert [(lane.stage, [n.id for n in lane.nodes]) for lane in hood.lanes] == [
        ("A 入门", ["early"]), ("B 进阶", ["late", "end"]), ("", ["loose"])]


def test_lanes_of_the_course_read_first_to_last(course: Roadmap) -> None:
    hood = neighbourhood(course, "llm")
    stages = [lane.stage for lane in hood.lanes]
    assert stages == ["S1 基础", "S2 机器学习", "S3 深度学习", "S4 大模型", "S5 应用", ""]
    assert [n.id for n in hood.lanes[3].nodes] == ["llm", "rag"]  # focus, then what follows it
    assert [n.id for n in hood.lanes[-1].nodes] == ["tokens"]  # no stage: its own lane


def test_study_path_is_numbered_in_order(course: Roadmap) -> None:
    path, target = path_through(course, "ml", goal="dl", known=["basics"])
    assert target == "dl" and path[-1] == "dl" and path.index("ml") < path.index("dl")
    hood = neighbourhood(course, "ml", path)
    step = {n.id: n.step for n in hood.nodes}
    assert step["dl"] == len(path) and step["ml"] == path.index("ml") + 1
    assert step["basics"] == 0  # known: not on the path
    assert {n.id for n in hood.nodes if n.step} == set(path) & ids(hood)
    svg = neighbourhood_svg(hood)
    assert svg.count("#ffd9a8") >= len([n for n in hood.nodes if n.step])  # orange boxes


def test_a_focus_off_the_goals_path_numbers_its_own_path(course: Roadmap) -> None:
    path, target = path_through(course, "vision", goal="agents")
    assert target == "vision" and path[-1] == "vision" and "agents" not in path


def hub() -> Roadmap:
    """One topic that 30 others need, itself needing 20, in three stages."""
    edges = [(f"pre{i:02}", "hub", "prerequisite") for i in range(20)]
    edges += [("hub", f"post{i:02}", "prerequisite") for i in range(30)]
    stages = {f"pre{i:02}": "S1" for i in range(20)} | {"hub": "S2"} | {f"post{i:02}": "S3" for i in range(30)}
    return roadmap(edges, stages)


def test_node_count_is_capped_and_the_rest_counted() -> None:
    limits = Limits()
    hood = neighbourhood(hub(), "hub", limits=limits)
    assert len(hood.nodes) == 1 + limits.prerequisites + limits.dependents <= limits.cap
    assert dict(hood.hidden) == {"prerequisite": 20 - limits.prerequisites, "dependent": 30 - limits.dependents}
    assert hood.more == 50 - limits.prerequisites - limits.dependents
    more = {lane.stage: lane.more for lane in hood.lanes}
    assert more == {"S1": 20 - limits.prerequisites, "S2": 0, "S3": 30 - limits.dependents}
    svg = neighbourhood_svg(hood)
    assert svg.count('class="node"') == len(hood.nodes)
    assert f"+{20 - limits.prerequisites} 个未显示" in svg and f"+{30 - limits.dependents} 个未显示" in svg
    # nearest and earliest in the documents first
    assert [n.id for n in hood.lanes[0].nodes] == [f"pre{i:02}" for i in range(limits.prerequisites)]


def test_the_tab_shows_a_neighbourhood_or_a_hint() -> None:
    rm = hub()
    html, note = neighbourhood_picture(rm, "hub")
    assert "<svg" in html and html.count('class="node"') <= Limits().cap and "data:image" not in html
    assert "whole graph" in note  # the left-out topics are announced, with the way to see them
    html, note = neighbourhood_picture(rm)
    assert "<svg" not in html and "Pick a topic" in html
    html, _ = neighbourhood_picture(rm, "", goal="pre03")  # nothing picked: the goal's neighbourhood
    assert "「PRE03」的周边" in html


def test_skipped_topics_are_off_the_path_but_not_coloured_known(course: Roadmap) -> None:
    html, _ = neighbourhood_picture(course, "ml", known=["python"], skip=["maths"])
    boxes = dict(re.findall(r'<title>([A-Z]+)[^<]*</title><rect [^>]*fill="(#[0-9a-f]+)"', html))
    assert boxes["PYTHON"] == "#c8efc8" and boxes["MATHS"] == "#f5f7fa" and boxes["ML"] == "#ffd9a8"
    assert boxes["BASICS"] == "#f5f7fa"  # known through python: not a step either


def test_names_are_text_never_markup() -> None:
    g = nx.DiGraph()
    g.add_node("x", name=EVIL, stage=EVIL)
    g.add_node("y", name="Y", stage="")
    g.add_edge("y", "x", kind="prerequisite", evidence=[])
    html, _ = neighbourhood_picture(Roadmap(g), "x")
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "${" not in html and "{{" not in html  # no template placeholder survives either
    tree = ElementTree.fromstring(html)  # well-formed: the names cannot close a tag or an attribute
    tags = {el.tag.rsplit("}", 1)[-1] for el in tree.iter()}
    assert tags <= {"div", "svg", "defs", "marker", "path", "g", "title", "rect", "text", "tspan", "circle"}
    assert not [a for el in tree.iter() for a in el.attrib if a.lower().startswith("on")]
    assert EVIL in "".join(tree.itertext())  # shown as the characters it is


def test_long_names_wrap_on_two_lines_within_the_box() -> None:
    lines = wrap("Retrieval Augmented Generation with Knowledge Graphs and Agents", 160)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert wrap("大规模预训练语言模型", 160) == ["大规模预训练语言模型"]
    assert wrap("大规模预训练语言模型与应用", 160) == ["大规模预训练语", "言模型与应用"]  # even lines


@pytest.mark.parametrize("module", ["ui.neighbourhood", "ui.neighbourhood_view", "ui.graph_tab"])
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_a_click_on_a_box_names_its_topic(course: Roadmap) -> None:
    import gradio as gr

    html, _ = neighbourhood_picture(course, "dl")
    names = re.findall(r'<g class="node" [^>]*data-name="([^"]*)"', html)
    assert sorted(names) == sorted(n.name for n in neighbourhood(course, "dl").nodes)
    assert clicked_topic(gr.EventData(None, {"topic": "ML"})) == "ML"
    assert clicked_topic(gr.EventData(None, {})) == gr.skip()  # a click beside the boxes changes nothing
