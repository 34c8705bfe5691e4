"""The answer evaluation as Markdown: one summary row per model against the targets, then every answer."""

from __future__ import annotations

from collections.abc import Sequence

from evals.answers import TARGETS, AnswerReport, Scored, median, number, percent, seconds

#: Longest answer text shown in a table cell (the rest is cut with "…").
CELL_CHARS = 420

NAMES = {"facts": "expected facts (text + key quote)", "facts_text": "expected facts (text alone)",
         "unsupported": "unsupported sentences", "lists": "complete lists", "graph": "graph questions from the graph",
         "graph_right": "graph answer holds the key terms", "declined": "out of scope declined",
         "cited": "cites a relevant source"}
COLUMNS = ("facts", "facts_text", "unsupported", "lists", "graph", "graph_right", "declined", "cited")


def merged(*runs: Sequence[AnswerReport]) -> list[AnswerReport]:
    """Reports of runs split over several invocations, one per model (answers joined, the larger peak memory).

    >>> a, b = AnswerReport("m", peak_rss_mb=1.0), AnswerReport("m", peak_rss_mb=2.0)
    >>> [(r.llm, r.peak_rss_mb) for r in merged([a], [b])]
    [('m', 2.0)]
    """
    by_model: dict[str, AnswerReport] = {}
    for run in runs:
        for report in run:
            into = by_model.setdefault(report.llm, AnswerReport(report.llm))
            into.in_scope += report.in_scope
            into.out_of_scope += report.out_of_scope
            into.peak_rss_mb = max(into.peak_rss_mb, report.peak_rss_mb)
    return list(by_model.values())


def to_markdown(reports: Sequence[AnswerReport], note: str = "") -> str:
    """Summary of every model, then each model's answers."""
    lines = ["# Answer evaluation", "", note, "", *summary(reports), ""]
    for report in reports:
        lines += [f"## Every answer: {report.llm}", "", *answer_rows(report), ""]
    return "\n".join(lines) + "\n"


def summary(reports: Sequence[AnswerReport]) -> list[str]:
    """One row per model: each score as hits/pool = share, timings and memory."""
    head = ["model", *(NAMES[c] for c in COLUMNS), "first token p50 (fact and list questions)",
            "tokens/s p50", "peak memory"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for report in reports:
        cells = [f"`{report.llm}`", *(cell(report, c) for c in COLUMNS)]
        generated = [r for r in report.in_scope if r.kind != "graph"]
        cells += [seconds(median(r.timing.first_token for r in generated)),
                  number(median(r.timing.tokens_per_second for r in report.in_scope)),
                  f"{report.peak_rss_mb:,.0f} MB"]
        lines.append("| " + " | ".join(cells) + " |")
    targets = ["target", *(_target(c) for c in COLUMNS), "", "", ""]
    lines.append("| " + " | ".join(targets) + " |")
    return lines


def cell(report: AnswerReport, name: str) -> str:
    """``hits/pool = share`` (``unsupported``: sentences), marked when a target is missed."""
    if name == "unsupported":
        judged = sum(r.judged for r in report.in_scope)
        if not judged:
            return "– (nothing generated)"
        text = f"{sum(len(r.unsupported) for r in report.in_scope)}/{judged} = {percent(report.share(name))}"
    else:
        pool = report.pool(name)
        if not pool:
            return "–"
        text = f"{sum(getattr(r, name) for r in pool)}/{len(pool)} = {percent(report.share(name))}"
    return text if name not in TARGETS or report.met(name) else f"**{text}**"


def answer_rows(report: AnswerReport) -> list[str]:
    """Every answer of one model with its scores, the unsupported sentences and the key quote."""
    lines = ["| id | kind | facts | lists | from graph | unsupported | first token | answer | key quote |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in report.in_scope + report.out_of_scope:
        facts = _yes(r.facts) + ("" if r.facts == r.facts_text else " (quote)") if r.kind else _yes(r.declined) + " declined"
        lines.append(f"| {r.id} | {r.kind or 'out of scope'} | {facts} | {_flag(r, 'list', r.lists)} | "
                     f"{_flag(r, 'graph', r.graph)} | {len(r.unsupported)}/{r.judged} | {seconds(r.timing.first_token)} | "
                     f"{_cell(r.text)} | {_cell(r.quote)} |")
    return lines


def _flag(row: Scored, kind: str, value: bool) -> str:
    return _yes(value) if row.kind == kind else ""


def _target(name: str) -> str:
    if name not in TARGETS:
        return ""
    return f"≤ {TARGETS[name]:.0%}" if name == "unsupported" else f"≥ {TARGETS[name]:.0%}"


def _cell(text: str) -> str:
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= CELL_CHARS else flat[: CELL_CHARS - 1] + "…"


def _yes(flag: bool) -> str:
    return "yes" if flag else "–"
