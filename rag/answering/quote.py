"""The key quote: the one verbatim sentence or list of the top passage that answers the question.

Shown under the generated text with its citation, so a learner can check the answer
against the document's own words. A list question quotes the list (``rag.answering.lists``);
any other quotes the passage sentence holding most of the question's words.

>>> from rag.answering.citations import Citation
>>> top = Citation(1, "a.md", "基础 › Softmax", "9-10", "注意力权重由打分得到。Softmax函数确保注意力权重的和为1。")
>>> key_quote("Softmax在注意力里有什么作用？", top)
Quote(text='Softmax函数确保注意力权重的和为1。', n=1, document='a.md', lines='9-10')
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answering.lists import _score, best_list, is_list_question, question_words
from kb.text import has_cjk
from rag.answering.citations import Citation
from rag.retrieval.snippets import split_sentences, without_instructions

#: A quoted sentence longer than this is cut (with "…"); a list is quoted whole.
QUOTE_CHARS = 240


@dataclass(frozen=True)
class Quote:
    """A verbatim piece of a passage, with where it is from."""

    text: str  #: the sentence or list, as the document writes it
    n: int  #: the citation number of its passage
    document: str  #: file name of the document
    lines: str  #: line range of the passage in the document, e.g. "12-18"

    def cite(self) -> str:
        """``[n] document, lines a-b``.

        >>> Quote("…", 2, "a.md", "3-5").cite()
        '[2] a.md, lines 3-5'
        """
        return f"[{self.n}] {self.document}" + (f", lines {self.lines}" if self.lines else "")

    def block(self) -> str:
        """The quote as shown under an answer: a title line with its citation, then the quoted lines.

        >>> print(Quote("第一行\\n第二行", 1, "a.md", "").block())
        原文 · Key quote [1] a.md:
        > 第一行
        > 第二行
        """
        return f"原文 · Key quote {self.cite()}:\n" + "\n".join(f"> {line}" for line in self.text.splitlines())


def key_quote(question: str, top: Citation) -> Quote | None:
    """The sentence or list of ``top`` that answers ``question`` best (None for an empty passage).

    It is looked for in the passage's whole chunk (``Passage.body``), so a list the snippet cut short
    is quoted whole.
    """
    body = without_instructions(top.body)  # an instruction injected into the document is never the quote
    found = best_list(body, question) if is_list_question(question) else None
    text = found.text if found is not None else best_sentence(question, body)
    if not text:
        return None
    return Quote(text, top.n, top.document, top.lines)


def best_sentence(question: str, text: str) -> str:
    """The sentence of ``text`` sharing most of the question's words; the first one on a tie.

    Headings, lines of a few characters and lines mostly of symbols and numbers (a vote counter, a
    rule) are skipped: they name or decorate, they do not answer. When no sentence shares a word with a
    question in the passage's own language, there is no quote (across languages words cannot be compared,
    so the first sentence stands).

    >>> best_sentence("池化有什么作用？", "## 卷积\\n卷积提取特征。池化操作减少数据的维度。")
    '池化操作减少数据的维度。'
    >>> best_sentence("第4周的作业是什么？", "每周更新，欢迎转发。理解为什么难以处理长序列。")  # no word shared: no quote
    ''
    """
    words = question_words(question)
    sentences = [s.strip() for s in split_sentences(text) if says(s)]
    if not sentences:
        return ""
    best = max(sentences, key=lambda s: (_score(s, words), -sentences.index(s)))
    if words and not _score(best, words) and has_cjk(question) == has_cjk(text):
        return ""  # no sentence shares a word with the question: none of them is the answer's wording
    return best if len(best) <= QUOTE_CHARS else best[: QUOTE_CHARS - 1] + "…"


def says(sentence: str) -> bool:
    """Whether a sentence can be quoted: not a heading, more than a few characters, mostly letters.

    >>> says("▲ 142 ▼ ✔ Accepted"), says("## 卷积"), says("梅尔刻度更接近人耳的感知。"), says("Use LoRA first.")
    (False, False, True, True)
    """
    text = sentence.strip()
    if len(text) <= 6 or text.startswith("#"):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters / len("".join(text.split())) >= 0.6
