"""What the graph tab shows by default: the neighbourhood of the picked topic (or of the learner's goal),
or a hint when there is neither.

>>> import networkx as nx
>>> g = nx.DiGraph([("a", "b")]); nx.set_node_attributes(g, {"a": "A", "b": "B"}, "name")
>>> nx.set_edge_attributes(g, "prerequisite", "kind"); nx.set_edge_attributes(g, [], "evidence")
>>> html, note = neighbourhood_picture(Roadmap(g), "B")
>>> html.count('class="node"'), note
(2, '')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from kb import Roadmap
from ui.graph_view import Highlight, topic_ids
from ui.neighbourhood import Limits, neighbourhood, path_through
from ui.neighbourhood_view import neighbourhood_html, summary_text, text
from ui.render import notice


def neighbourhood_picture(roadmap: Roadmap, focus: str = "", goal: str = "", known: Sequence[str] = (),
                          skip: Sequence[str] = (), limits: Limits = Limits()) -> tuple[str, str]:
    """(HTML, notice) of the graph tab for topic ``focus`` (a name; else ``goal``), or a hint when there is
    neither; ``known`` names are coloured green, they and ``skip`` are left off the numbered path."""
    focus = focus or goal
    if not focus:
        return hint_html(["选择一个主题（或在「我的路径」里设定目标），查看学它之前要学什么、学完可以学什么。",
                          "Pick a topic (or set a goal under My path) to see what leads to it and what it leads "
                          f"to; tick “Show the whole graph” for all {len(roadmap.graph)} topics."]), ""
    path, target = path_through(roadmap, focus, goal, [*known, *skip])
    goal_id = roadmap.topic_id(goal) if goal else ""
    mark = Highlight(frozenset(topic_ids(roadmap, known)), tuple(path), goal_id, roadmap.topic_id(focus))
    hood = neighbourhood(roadmap, focus, path, limits)
    note = ""
    if hood.more:
        note = notice(f"{summary_text(hood)} — 勾选「显示整个图谱」查看全部 · tick “Show the whole graph” "
                      "to see them all.", "info")
    return neighbourhood_html(hood, mark, str(roadmap.graph.nodes[target]["name"])), note


def hint_html(lines: Sequence[str]) -> str:
    """A short message in place of the picture (nothing selected yet)."""
    return "".join(f"<p>{text(line)}</p>" for line in lines)


#: The picture's own script (no document text in it): a click on a topic box asks to centre on that topic.
CLICK_TO_FOCUS = """element.addEventListener('click', (event) => {
  const box = event.target.closest('g.node');
  if (box && box.dataset.name) trigger('click', {topic: box.dataset.name});
});"""


def clicked_topic(event: gr.EventData) -> Any:
    """The topic named by a click on the picture (``CLICK_TO_FOCUS``), for the topic dropdown; no change
    for a click beside the boxes."""
    topic = (getattr(event, "_data", None) or {}).get("topic")
    return topic if isinstance(topic, str) and topic else gr.skip()

