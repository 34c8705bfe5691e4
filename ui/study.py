"""Handlers of the "My path" and "Graph" tabs: profile state, study path, next topics, graph picture.

Every handler returns plain values for its outputs and turns a ``RoadmapError`` into
a notice (and a ``gr.Warning``) instead of raising, so the page never shows a trace.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import replace
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import gradio as gr

from kb import Roadmap
from kb.errors import RoadmapError
from ui.graph_tab import neighbourhood_picture
from ui.graph_view import graph_html, graph_svg, highlight_for
from ui.profiles import CorruptProfileError, Profile, ProfileStore
from ui.render import as_list, next_markdown, notice, path_markdown, topic_markdown

log = logging.getLogger(__name__)

T = TypeVar("T")


def shown_errors(*fallback: Any) -> Callable[[Callable[..., T]], Callable[..., Any]]:
    """Decorator: a ``RoadmapError`` becomes ``(*fallback, notice)`` plus a ``gr.Warning``; bugs are logged."""
    def decorate(fn: Callable[..., T]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any) -> Any:
            try:
                return fn(*args)
            except RoadmapError as exc:
                gr.Warning(str(exc))
                return (*fallback, notice(str(exc))) if fallback else notice(str(exc))
            except Exception as exc:  # noqa: BLE001 - show one line, keep the traceback in the log
                log.exception("%s failed", fn.__name__)
                text = notice(f"Something went wrong ({type(exc).__name__}); see the server log.", "error")
                return (*fallback, text) if fallback else text
        return wrapper
    return decorate


class StudyHandler:
    """Study-path, next-topic, profile and graph handlers over one roadmap and profile store."""

    def __init__(self, roadmap: Roadmap, profiles: ProfileStore, export_dir: Path | None = None) -> None:
        self.roadmap = roadmap
        self.profiles = profiles
        self.export_dir = export_dir or Path(tempfile.mkdtemp(prefix="roadmap-export-"))
        self.names = {t.name for t in roadmap.topics()}

    # -- profile ------------------------------------------------------------------------------

    def _valid(self, names: Sequence[str]) -> list[str]:
        return [n for n in names if n in self.names]

    @shown_errors([], [], [], None)
    def load_profile(self, name: str) -> tuple[Any, ...]:
        """(known, learning, skip, goal, notice) of profile ``name``; an unreadable one is reported."""
        try:
            p = self.profiles.load(name)
            note = notice(f"Profile '{p.name}' loaded: {len(p.known)} known, {len(p.learning)} learning, "
                          f"{len(p.skip)} skipped.", "info")
        except CorruptProfileError as exc:  # show what the app goes on with, and say why
            gr.Warning(str(exc))
            p, note = exc.recovered, notice(str(exc), "error")
        goal = p.goal if p.goal in self.names else None
        return self._valid(p.known), self._valid(p.learning), self._valid(p.skip), goal, note

    def _store(self, name: str, known: Any, learning: Any, skip: Any, goal: Any = None) -> Profile:
        states = self._resolve(known), self._resolve(learning), self._resolve(skip)
        target = None if goal is None else (self._resolve(goal) or [""])[0]

        def change(profile: Profile) -> Profile:
            profile = profile.with_states(*states)
            return profile if target is None else replace(profile, goal=target)

        return self.profiles.update(name, change)  # one transaction: another session's save is never lost

    def _resolve(self, names: Any) -> list[str]:
        """Topic names for ``names`` (aliases and typos resolved); ``UnknownTopicError`` names the nearest."""
        return [self.roadmap.topic(n).name for n in as_list(names) if n.strip()]

    @shown_errors()
    def save_profile(self, name: str, known: Any, learning: Any, skip: Any, goal: Any = None) -> str:
        """Save the topic states; returns a notice."""
        p = self._store(name, known, learning, skip, goal)
        return notice(f"Saved profile '{p.name}': {len(p.known)} known, {len(p.learning)} learning, "
                      f"{len(p.skip)} skipped.", "info")

    # -- paths --------------------------------------------------------------------------------

    @shown_errors("", None)
    def study_path(self, name: str, known: Any, learning: Any, skip: Any, goal: Any) -> tuple[Any, ...]:
        """(path Markdown, export file, notice) for the goal from the profile's state; saves the state."""
        if not goal:
            raise RoadmapError("Pick a goal first: choose the topic you want to reach. · 请先选择一个目标主题。")
        p = self._store(name, known, learning, skip, goal)
        topic = self.roadmap.topic(p.goal)
        steps = self.roadmap.study_path(topic.name, known=[*p.known, *p.skip])
        text = path_markdown(topic, steps, p.known, p.learning, p.skip)
        return text, self._export(topic.name, text), notice(f"{len(steps)} steps to '{topic.name}'.", "info")

    def _export(self, goal: str, text: str) -> str:
        safe = re.sub(r"[^\w.-]+", "-", goal).strip("-") or "goal"
        path = self.export_dir / f"study-path-{safe}.md"
        path.write_text(text + "\n", encoding="utf-8")
        return str(path)

    @shown_errors("")
    def next_topics(self, name: str, known: Any, learning: Any, skip: Any) -> tuple[str, str]:
        """(Markdown of what to learn next, notice) from the profile's state; saves the state."""
        p = self._store(name, known, learning, skip)
        busy = set(p.learning) | set(p.skip)
        topics = self.roadmap.next_topics(known=list(p.known), limit=5 + len(busy))
        return next_markdown([t for t in topics if t.name not in busy][:5]), ""

    # -- graph --------------------------------------------------------------------------------

    @shown_errors("")
    def topic_details(self, topic: str) -> tuple[str, str]:
        """(Markdown card of ``topic``, notice)."""
        if not topic:
            return "", ""
        t = self.roadmap.topic(topic)
        relations = {"prerequisites": self.roadmap.prerequisites(t.id), "dependents": self.roadmap.dependents(t.id),
                     "parts": self.roadmap.parts(t.id), "part_of": self.roadmap.part_of(t.id)}
        return topic_markdown(t, relations), ""

    @shown_errors("")
    def graph(self, name: str, selected: str | None = None, whole: bool = False) -> tuple[str, str]:
        """(HTML of the graph tab, notice): the picked topic's (else the goal's) neighbourhood, or the whole
        graph when ``whole`` is ticked; the profile's known topics and path coloured in both."""
        p = self.profiles.load(name)
        goal = p.goal if p.goal in self.names else ""
        if not whole:
            return neighbourhood_picture(self.roadmap, selected or goal, goal, self._valid(p.known),
                                         self._valid(p.skip))
        path: list[str] = []
        if p.goal in self.names:
            path = [s.topic.name for s in self.roadmap.study_path(p.goal, known=self._valid([*p.known, *p.skip]))]
        mark = highlight_for(self.roadmap, p.known, path, p.goal if p.goal in self.names else "", selected or "")
        return graph_html(graph_svg(self.roadmap.graph, mark)), notice(
            f"整个图谱 · The whole graph: {len(self.roadmap.graph)} topics.", "info")
