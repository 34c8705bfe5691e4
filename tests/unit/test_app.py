"""The Gradio app with fakes: handlers called directly, no server, no model."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from kb import Roadmap, RoadmapError
from kb.model import Topic
from rag.answering.citations import Citation
from rag.answering.events import Answer, Context, Done, Event, Token
from ui.app import build_app
from ui.chat import NEXT_BUTTONS, ChatHandler, history_pairs
from ui.commands.ui import check_exposure, parse_auth
from ui.graph_view import graph_svg, highlight_for
from ui.profiles import Profile, ProfileStore
from ui.render import md_text, sources_markdown
from ui.study import StudyHandler

# gr.Warning outside a request is a UserWarning; the messages themselves are asserted on the outputs
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:gradio.helpers")

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles")


PASSAGE = Citation(1, "a.md", "路线图 › 注意力机制", "3-4", "反向传播是注意力机制的基础。" + EVIL)
OTHER = Citation(2, "b.md", "路线图 › 部署", "9-9", "模型部署。")


@dataclass
class FakeAssistant:
    """Streams a fixed answer as rag's own events; records what it was asked."""

    text: str = "注意力机制需要先学反向传播 [1]。"
    error: Exception | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def stream(self, question: str, known: Sequence[str] = (), history: Sequence[tuple[str, str]] = ()
               ) -> Iterator[Event]:
        self.calls.append({"question": question, "known": list(known), "history": list(history)})
        if self.error:
            raise self.error
        topic = Topic("attention", "注意力机制")
        nexts = (Topic("deploy", "模型部署"), Topic("nn", "神经网络"))
        yield Context((PASSAGE, OTHER), (topic,), nexts, ("反向传播",))
        for piece in self.text:
            yield Token(piece)
        yield Done(Answer(self.text, (PASSAGE,), (topic,), nexts, ("反向传播",)))


def run(handler: ChatHandler, question: str, messages: list[dict[str, Any]] | None = None,
        profile: str = "default") -> list[tuple[Any, ...]]:
    return list(handler.respond(question, messages or [], profile))


def answer_text(view: tuple[Any, ...]) -> str:
    return [m for m in view[0] if m["role"] == "assistant" and not m.get("metadata")][-1]["content"]


# -- chat ----------------------------------------------------------------------------------------


def test_chat_yields_sources_and_next_topics_before_the_text_is_finished(store: ProfileStore) -> None:
    assistant = FakeAssistant()
    views = run(ChatHandler(assistant, store), "学习注意力机制之前要掌握什么？")
    first, last = views[0], views[-1]
    assert answer_text(first) == "…"  # no text yet …
    assert "a.md" in first[2] and "路线图 › 注意力机制" in first[2]  # … but the sources
    assert "反向传播" in first[3]  # … the prerequisite check
    assert [u["value"] for u in first[4:] if u["visible"]] == ["模型部署", "神经网络"]  # … and next topics
    assert answer_text(last) == assistant.text
    assert len(first) == 4 + NEXT_BUTTONS
    sources_box = [m for m in last[0] if m.get("metadata")]
    assert sources_box and "a.md" in sources_box[0]["content"]


def test_document_html_is_shown_as_text(store: ProfileStore) -> None:
    view = run(ChatHandler(FakeAssistant(), store), "q")[-1]
    for text in (view[2], *[m["content"] for m in view[0]]):
        assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in view[2]


def test_empty_question_gives_a_message_not_a_trace(store: ProfileStore) -> None:
    assistant = FakeAssistant()
    views = run(ChatHandler(assistant, store), "   ")
    assert len(views) == 1 and views[0][0] == []
    assert "empty" in views[0][3]
    assert assistant.calls == []


@pytest.mark.parametrize(("error", "shown"), [
    (RoadmapError("No knowledge base at /x. Run `roadmap ingest`."), "roadmap ingest"),
    (ValueError("boom"), "Something went wrong"),
])
def test_assistant_errors_become_messages(store: ProfileStore, error: Exception, shown: str) -> None:
    view = run(ChatHandler(FakeAssistant(error=error), store), "问题")[-1]
    assert shown.replace("`", "\\`") in view[3]
    assert shown.replace("`", "\\`") in answer_text(view)


def test_follow_ups_send_the_history_and_known_topics(store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("Python",)))
    assistant = FakeAssistant()
    handler = ChatHandler(assistant, store)
    first = run(handler, "注意力机制是什么？", profile="ana")[-1]
    run(handler, "那之后呢？", messages=first[0], profile="ana")
    assert assistant.calls[1]["history"] == [("注意力机制是什么？", assistant.text)]
    assert assistant.calls[1]["known"] == ["Python"]


def test_next_topic_button_asks_about_that_topic(store: ProfileStore) -> None:
    assistant = FakeAssistant()
    list(ChatHandler(assistant, store).ask_topic("模型部署", [], "default"))
    assert assistant.calls[0]["question"] == "介绍一下「模型部署」，学习它之前需要什么？"


def test_history_pairs_skip_source_boxes() -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "a\\*b"}]},
                {"role": "assistant", "content": "x &lt; y"},
                {"role": "assistant", "content": "src", "metadata": {"title": "Sources"}}]
    assert history_pairs(messages) == [("a*b", "x < y")]


def test_the_finished_answer_marks_the_sources_it_cites(store: ProfileStore) -> None:
    views = run(ChatHandler(FakeAssistant(), store), "学习注意力机制之前要掌握什么？")
    during, last = views[0][2], views[-1][2]
    assert "cited" not in during  # unknown until the answer is finished
    cited, uncited = last.split("\n2. ")
    assert "a.md" in cited and "✓ 已引用 · cited" in cited and "cited" not in uncited
    titles = [m["metadata"]["title"] for m in views[-1][0] if m.get("metadata")]
    assert titles == ["来源 · Sources (2, 1 cited)"]


# -- path ----------------------------------------------------------------------------------------


def test_study_path_is_rendered_saved_and_exported(rm: Roadmap, store: ProfileStore, tmp_path: Path) -> None:
    study = StudyHandler(rm, store, export_dir=tmp_path)
    text, export, note = study.study_path("ana", ["数学"], ["反向传播"], ["Python"], "注意力机制")
    assert "学习「注意力机制」的路径" in text and "为什么 · Why" in text
    assert "反向传播** _(正在学习" in text
    assert "1. **数学**" not in text  # known topics are not on the path
    assert Path(export).read_text(encoding="utf-8").startswith("## 学习「注意力机制」")
    saved = ProfileStore(store.root).load("ana")  # a fresh store: what survives a restart
    assert (saved.known, saved.learning, saved.skip, saved.goal) == (("数学",), ("反向传播",), ("Python",), "注意力机制")
    assert "steps" in note


@pytest.mark.parametrize(("goal", "shown"), [(None, "Pick a goal"), ("完全不存在的主题", "Unknown topic")])
def test_bad_goal_gives_a_message(rm: Roadmap, store: ProfileStore, goal: Any, shown: str) -> None:
    text, export, note = StudyHandler(rm, store).study_path("ana", [], [], [], goal)
    assert text == "" and export is None and shown in note


def test_aliases_are_resolved_to_topic_names(rm: Roadmap, store: ProfileStore) -> None:
    StudyHandler(rm, store).save_profile("ana", ["attention", "Python语言"], [], [], "Backpropagation")
    saved = store.load("ana")
    assert saved.known == ("注意力机制", "Python") and saved.goal == "反向传播"


def test_next_topics_leave_out_learning_and_skipped(rm: Roadmap, store: ProfileStore) -> None:
    study = StudyHandler(rm, store)
    everything, _ = study.next_topics("ana", [], [], [])
    first = everything.splitlines()[1].split("**")[1]
    without, _ = study.next_topics("ana", [], [first], [])
    assert f"**{first}**" not in without


def test_profile_loads_into_the_form(rm: Roadmap, store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("数学", "不再存在的主题"), goal="注意力机制"))
    known, learning, skip, goal, note = StudyHandler(rm, store).load_profile("ana")
    assert known == ["数学"] and goal == "注意力机制" and "loaded" in note


# -- profiles ------------------------------------------------------------------------------------


def test_profiles_are_written_atomically_and_survive_a_restart(store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("A",), learning=("B",), skip=("C",), goal="D"))
    assert [p.name for p in store.root.iterdir()] == ["ana.json"]  # no temporary file left behind
    data = json.loads((store.root / "ana.json").read_text(encoding="utf-8"))
    assert data == {"name": "ana", "known": ["A"], "learning": ["B"], "skip": ["C"], "goal": "D"}
    assert ProfileStore(store.root).load("ana") == Profile("ana", ("A",), ("B",), ("C",), "D")


def test_a_corrupt_profile_starts_empty(store: ProfileStore) -> None:
    store.root.mkdir(parents=True)
    (store.root / "ana.json").write_text("{not json", encoding="utf-8")
    assert store.load("ana") == Profile(name="ana")


@pytest.mark.parametrize("name", ["../etc/passwd", "", ".hidden", "a/b"])
def test_unsafe_profile_names_are_refused(store: ProfileStore, name: str) -> None:
    with pytest.raises(RoadmapError, match="Profile name"):
        store.load(name)


def test_a_topic_in_two_states_keeps_the_first() -> None:
    p = Profile().with_states(["A", "B"], ["B", "C"], ["C", "D"])
    assert (p.known, p.learning, p.skip) == (("A", "B"), ("C",), ("D",))


# -- graph ---------------------------------------------------------------------------------------


def test_graph_picture_marks_known_path_and_goal(rm: Roadmap, store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("数学",), goal="注意力机制"))
    html, note = StudyHandler(rm, store).graph("ana", "神经网络")
    assert html.startswith("<div") and "data:image/svg+xml" in html and note == ""
    svg = graph_svg(rm.graph, highlight_for(rm, ["数学"], ["反向传播", "注意力机制"], "注意力机制", "神经网络"))
    assert svg.count("#c8efc8") >= 2  # known fill (legend + 数学)
    assert "#ffb3a7" in svg and "#1f6feb" in svg  # goal fill, selected stroke


def test_graph_names_are_escaped() -> None:
    import networkx as nx

    g = nx.DiGraph()
    g.add_node("x", name=EVIL)
    svg = graph_svg(g)
    assert "<script" not in svg and "<img" not in svg and "&lt;script&gt;" in svg


def test_topic_details_and_unknown_topic(rm: Roadmap, store: ProfileStore) -> None:
    study = StudyHandler(rm, store)
    card, _ = study.topic_details("注意力机制")
    assert "Attention" in card and "反向传播" in card and ".md 第" in card
    card, note = study.topic_details("完全不存在的主题")
    assert card == "" and "Unknown topic" in note


# -- app and command -----------------------------------------------------------------------------


def test_build_app_has_named_endpoints_and_one_llm_slot(rm: Roadmap, store: ProfileStore) -> None:
    demo = build_app(FakeAssistant(), rm, profile_store=store)
    assert isinstance(demo, gr.Blocks)
    fns = {fn.api_name: fn for fn in demo.fns.values()}
    assert {"chat", "ask_topic", "study_path", "next_topics", "save_profile", "graph", "topic_details"} <= set(fns)
    assert fns["chat"].concurrency_limit == 1 and fns["chat"].concurrency_id == fns["ask_topic"].concurrency_id
    assert fns["study_path"].concurrency_id != fns["chat"].concurrency_id


def test_sources_markdown_escapes_markdown_and_html() -> None:
    text = sources_markdown([Citation(1, "a.md", "H", "1-2", "[link](http://x) ![i](http://x/i.png) " + EVIL)])
    assert "<" not in text.replace("&lt;", "")
    assert "\\[link\\](http" in text and "\\!\\[i\\]" in text  # no link, no image
    assert md_text("a_b") == "a\\_b"


def test_serving_off_loopback_needs_auth(tmp_path: Path) -> None:
    assert check_exposure("127.0.0.1", "") is None
    with pytest.raises(RoadmapError, match="--auth"):
        check_exposure("0.0.0.0", "")
    creds = tmp_path / "users"
    creds.write_text("# team\nana:pw1\n\nbo:pw:2\n", encoding="utf-8")
    assert check_exposure("0.0.0.0", str(creds)) == [("ana", "pw1"), ("bo", "pw:2")]
    with pytest.raises(RoadmapError, match="user:password"):
        parse_auth("nopassword")


def test_ui_command_is_registered() -> None:
    from ui.cli import build_parser, settings_from

    args = build_parser().parse_args(["ui", "--kb", "/tmp/k", "--llm", "none", "--port", "8000", "--profile", "ana"])
    settings = settings_from(args)
    assert (settings.host, settings.port, settings.llm, settings.profile) == ("127.0.0.1", 8000, "none", "ana")
    assert args.share is False


def test_missing_knowledge_base_says_to_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ui.cli import main

    assert main(["ui", "--kb", str(tmp_path / "nokb"), "--llm", "none"]) == 2
    assert "roadmap ingest" in capsys.readouterr().err
