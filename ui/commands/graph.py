"""``roadmap topics|show|path|next|explain|export``: query the topic graph."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from kb import Roadmap, Settings, Step, Topic
from kb.export import to_graphml, to_json, to_mermaid


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the graph query commands."""
    p = sub.add_parser("topics", parents=[common], help="list every topic")
    p.set_defaults(handler=lambda a, s: emit(a, [topic_json(t) for t in _load(s).topics()], _topic_lines))
    p = sub.add_parser("show", parents=[common], help="one topic: aliases, sources, prerequisites, dependents")
    p.add_argument("topic")
    p.set_defaults(handler=show_command)
    p = sub.add_parser("path", parents=[common], help="study path to a goal from what you know")
    p.add_argument("goal")
    p.add_argument("--know", nargs="*", default=[], metavar="TOPIC", help="topics you already know")
    p.set_defaults(handler=path_command)
    p = sub.add_parser("next", parents=[common], help="what to learn next")
    p.add_argument("--know", nargs="*", default=[], metavar="TOPIC")
    p.add_argument("--limit", type=int, default=5)
    p.set_defaults(handler=next_command)
    p = sub.add_parser("explain", parents=[common], help="why one topic comes before another")
    p.add_argument("first")
    p.add_argument("then")
    p.set_defaults(handler=lambda a, s: emit(a, _load(s).explain(a.first, a.then), lambda r: r))
    p = sub.add_parser("export", parents=[common], help="export the graph")
    p.add_argument("--format", choices=["json", "graphml", "mermaid"], default="json")
    p.set_defaults(handler=export_command)


def _load(settings: Settings) -> Roadmap:
    return Roadmap.load(settings.kb)


def topic_json(topic: Topic) -> dict[str, Any]:
    """The stable JSON form of a topic."""
    return asdict(topic)


def step_json(step: Step) -> dict[str, Any]:
    """The stable JSON form of a study-path step."""
    return {"topic": topic_json(step.topic), "reason": step.reason,
            "evidence": [asdict(e) for e in step.evidence], "subtopics": [t.name for t in step.subtopics]}


def emit(args: argparse.Namespace, data: Any, render: Any) -> int:
    """Print ``data`` as JSON with ``--json``, else the lines ``render(data)`` makes of it."""
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print("\n".join(render(data)))
    return 0


def _topic_lines(topics: list[dict[str, Any]]) -> list[str]:
    return [f"{t['name']}" + (f"  ({', '.join(t['aliases'])})" if t["aliases"] else "") for t in topics]


def show_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print one topic with its relations."""
    rm = _load(settings)
    topic = rm.topic(args.topic)
    data = {**topic_json(topic),
            "prerequisites": [t.name for t in rm.prerequisites(topic.id)],
            "dependents": [t.name for t in rm.dependents(topic.id)],
            "parts": [t.name for t in rm.parts(topic.id)],
            "part_of": [t.name for t in rm.part_of(topic.id)]}
    return emit(args, data, _show_lines)


def _show_lines(d: dict[str, Any]) -> list[str]:
    lines = [d["name"] + (f"  (also: {', '.join(d['aliases'])})" if d["aliases"] else "")]
    if d["summary"]:
        lines.append(f"  {d['summary']}")
    for label, key in (("Prerequisites", "prerequisites"), ("Leads to", "dependents"),
                       ("Subtopics", "parts"), ("Part of", "part_of")):
        if d[key]:
            lines.append(f"{label}: {', '.join(d[key])}")
    lines.append("Sources:")
    lines += [f"  {s['document']}:{s['line']}  {s['heading']}" for s in d["sources"]]
    return lines


def path_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the study path to a goal."""
    rm = _load(settings)
    steps = rm.study_path(args.goal, known=args.know)
    data = {"goal": rm.topic(args.goal).name, "known": args.know, "steps": [step_json(s) for s in steps]}
    return emit(args, data, _path_lines)


def _path_lines(d: dict[str, Any]) -> list[str]:
    known = f"（已掌握：{'、'.join(d['known'])}）" if d["known"] else ""
    lines = [f"学习「{d['goal']}」的路径{known}，共 {len(d['steps'])} 步："]
    for n, step in enumerate(d["steps"], 1):
        lines.append(f"{n:2d}. {step['topic']['name']}")
        lines.append(f"    为什么：{step['reason']}")
        if step["subtopics"]:
            lines.append(f"    包括：{'、'.join(step['subtopics'])}")
    return lines


def next_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print what to learn next."""
    topics = _load(settings).next_topics(known=args.know, limit=args.limit)
    return emit(args, [topic_json(t) for t in topics],
                 lambda ts: [f"- {t['name']}" + (f"：{t['summary']}" if t["summary"] else "") for t in ts])


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the graph in the chosen format."""
    graph = _load(settings).graph
    print({"json": to_json, "graphml": to_graphml, "mermaid": to_mermaid}[args.format](graph))
    return 0
