"""``roadmap ask``: answer a question with citations, streaming the answer to the terminal.

Sources, linked topics, next topics and missing prerequisites are printed first (they
are ready before the model runs), then the answer as it is generated, then the
passages it cited. ``--json`` prints the finished ``Answer`` instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kb.settings import Settings

if TYPE_CHECKING:
    from rag.retrieval.embedders import Embedder
    from rag.answering.citations import Citation
    from rag.answering.events import Answer, Context, Event
    from rag.answering.assistant import Assistant

LLM_CHOICES = ("auto", "none", "llama", "transformers", "openai")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``ask`` command."""
    p = sub.add_parser("ask", parents=[common], help="answer a question from the roadmap, with citations")
    p.add_argument("question")
    p.add_argument("--know", nargs="*", default=[], metavar="TOPIC", help="topics you already know")
    p.add_argument("--llm", choices=LLM_CHOICES, default=None, help="answering backend (env ROADMAP_LLM; default auto)")
    p.add_argument("--model", default=None, help="GGUF file, model folder/id or served model name")
    p.add_argument("--base-url", dest="base_url", default=None, help="OpenAI-compatible server, for --llm openai")
    p.set_defaults(handler=ask_command)


def load_assistant(settings: Settings, *, kb_dir: Path | None = None, llm: str | None = None,
                   embedder: str | Embedder | None = None) -> Assistant:
    """The assistant for ``settings`` (knowledge base, embedder, LLM backend); the keywords override them."""
    from rag.answering.assistant import Assistant

    return Assistant.load(kb_dir or settings.kb, llm=llm or settings.llm, embedder=embedder or settings.embedder,
                          model=settings.model, base_url=settings.base_url, models_dir=settings.models_dir,
                          threads=settings.threads)


def ask_command(args: argparse.Namespace, settings: Settings) -> int:
    """Answer ``args.question``: streamed text, or the ``Answer`` as JSON with ``--json``."""
    from rag.answering.events import collect

    assistant = load_assistant(settings)
    if assistant.llm is None and settings.llm != "none":
        print("note: no local model found, so this is an extractive answer; "
              "`roadmap models install` installs the bundled one.", file=sys.stderr)
    events = assistant.stream(args.question, known=args.know)
    if args.json:
        print(json.dumps(collect(events).to_dict(), ensure_ascii=False, indent=1))
        return 0
    print_events(events, sys.stdout)
    return 0


def print_events(events: Iterator[Event], out: TextIO) -> None:
    """Print the context, the streamed tokens and the citations of an answer."""
    from rag.answering.events import Context, Done, Token

    for event in events:
        if isinstance(event, Context):
            out.write("\n".join(context_lines(event)) + "\n\n")
        elif isinstance(event, Token):
            out.write(event.text)
        elif isinstance(event, Done):
            out.write("\n".join(["", *done_lines(event.answer)]) + "\n")
        out.flush()


def done_lines(answer: Answer) -> list[str]:
    """After the streamed text: the sentences no document supports, the key quote, the cited passages."""
    lines = []
    if answer.unsupported:
        lines += ["", "Removed, not found in the documents (资料中未找到依据):", *(f"  - {s}" for s in answer.unsupported)]
    if answer.quote is not None:
        lines += ["", answer.quote.block()]
    if answer.sources:
        lines += ["", "Cited:", *(f"  {citation_line(c)}" for c in answer.sources)]
    return lines


def context_lines(context: Context) -> list[str]:
    """What is known before the model runs: sources, topics, missing prerequisites, next topics."""
    lines = ["Sources:" if context.sources else "Sources: none found"]
    lines += [f"  {citation_line(c, snippet=False)}" for c in context.sources]
    if context.linked_topics:
        lines.append("Topics: " + "、".join(t.name for t in context.linked_topics))
    lines += [f"Not covered yet: {m}" for m in context.missing_prerequisites]
    if context.next_topics:
        lines.append("Next: " + "、".join(t.name for t in context.next_topics))
    return lines


def citation_line(citation: Citation, snippet: bool = True) -> str:
    """``[n] document › heading (lines a-b)`` and, optionally, the start of the snippet."""
    where = f"[{citation.n}] {citation.document}"
    where += f" › {citation.heading}" if citation.heading else ""
    where += f" (lines {citation.lines})" if citation.lines else ""
    if not snippet:
        return where
    text = " ".join(citation.snippet.split())
    return f"{where}\n      {text[:120]}{'…' if len(text) > 120 else ''}"
