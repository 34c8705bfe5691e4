"""The finished ``Answer`` of a generated text: citations mapped to passages, every sentence checked
against what the model was given, the list of the top passage completed, the key quote attached.
"""

from __future__ import annotations

import re

from rag.answering.citations import Encoder, attribute, cite, only_not_covered, without_stray_refusal
from rag.answering.config import AnswerConfig
from rag.answering.events import Answer
from rag.answering.extractive import CLOSEST, extractive_lines, graph_note
from rag.answering.grounding import ground
from rag.answering.lists import best_list, is_list_question, listing_sentence, missing_items
from rag.answering.preparing import Prepared
from rag.answering.quote import key_quote


def finish(text: str, prepared: Prepared, encoder: Encoder | None = None, checked: bool = True,
           config: AnswerConfig = AnswerConfig()) -> tuple[Answer, str]:
    """The ``Answer`` for generated ``text``, and what was added after it (still to be streamed).

    Sentences the model left uncited get the marker of the passage they repeat
    (``attribute``, with ``config``'s margins); a refusal tacked onto a cited answer is dropped. With ``checked``
    (a model wrote ``text``), every sentence is checked against the passages and graph
    facts the model saw (``ground``): unsupported ones are removed (marked, with
    ``config.mark_unsupported``) and listed in ``Answer.unsupported``. A bare
    refusal after the graph's answer to a graph question is dropped. A model that
    refused although the graph knows the topics gets the graph's facts added; a list
    question whose top passage lists more items than the text names gets them all, cited (and a bare
    refusal before that list goes).
    The text starts with the graph's own answer to a graph question.
    """
    lead = lead_text(prepared)
    if lead and only_not_covered(text):
        text = ""  # "not covered" after the graph's own answer would contradict it
    unsupported: tuple[str, ...] = ()
    judged = 0
    if prepared.covered:
        text = attribute(without_stray_refusal(text), prepared.passages, encoder, config)
        if checked:
            grounded = ground(text, support_texts(prepared), prepared.lang, encoder,
                              question=prepared.question, remove=not config.mark_unsupported)
            text, unsupported, judged = grounded.text, grounded.unsupported, grounded.sentences
            if unsupported and not lead and not _says_something(text):
                # every sentence went: the closest passage instead, said to be no direct answer
                text = "".join(extractive_lines(prepared, 1, heading=CLOSEST[prepared.lang])).strip()
    listed = completed_list(lead + text, prepared)
    if listed and only_not_covered(text):
        text = ""  # the top passage lists the answer: a refusal before it would contradict it
        listed = listed.lstrip("\n")
    note = graph_note(prepared) if checked and prepared.topics and not lead and only_not_covered(text) else ""
    top = prepared.passages[0] if prepared.covered and prepared.passages else None
    answer = Answer(
        text=(lead + text + note + listed).rstrip(),
        sources=cite(text + listed, prepared.passages, prepared.covered),
        linked_topics=prepared.topics,
        next_topics=prepared.facts.next_topics,
        missing_prerequisites=prepared.facts.missing_prerequisites,
        unsupported=unsupported,
        quote=key_quote(prepared.question, top) if top is not None else None,
        graph_answer=prepared.graph.sentence if prepared.graph is not None else "",
        judged=judged,
    )
    return answer, note + listed


def _says_something(text: str) -> bool:
    """Whether ``text`` still holds a word once markers and punctuation are gone.

    >>> _says_something("[1]。"), _says_something("LoRA冻结权重[1]。")
    (False, True)
    """
    return any(ch.isalpha() for ch in re.sub(r"\[\d+\]", "", text))


def lead_text(prepared: Prepared) -> str:
    """The graph's answer to a graph question, as the first paragraph of the text ("" for other questions)."""
    return prepared.graph.sentence + "\n\n" if prepared.graph is not None else ""


def support_texts(prepared: Prepared) -> list[str]:
    """What the model was given to answer from: the passages (each under the heading it is shown with),
    the graph facts and the graph's answer."""
    facts = prepared.facts.lines(prepared.lang, suggestions=False)
    return [f"{c.label}\n{c.snippet}" for c in prepared.passages] + facts + ([prepared.graph.sentence] if prepared.graph else [])


def completed_list(text: str, prepared: Prepared) -> str:
    """A sentence naming every item the top passage lists, when a list question's ``text`` misses some.

    The list is looked for in the passage's whole chunk: the snippet the model saw may cut it short.
    """
    if not prepared.covered or not prepared.passages or not is_list_question(prepared.question):
        return ""
    found = best_list(prepared.passages[0].body, prepared.question)
    if found is None or not missing_items(text, found.items):
        return ""
    return ("\n\n" if text else "") + listing_sentence(found, prepared.passages[0].n, prepared.lang)
