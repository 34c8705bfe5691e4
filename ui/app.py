"""The Gradio app: chat, my study path and the roadmap graph, over one assistant and roadmap.

``build_app`` lays out the tabs and wires the handlers of ``ui.chat`` and ``ui.study``;
it never launches, so tests can pass fakes or the real thing. Chat events share one
concurrency slot (``concurrency_id="llm"``: the local model answers one question at a
time, others queue) while path and graph events run on their own.

Example::

    demo = build_app(Assistant.load(kb_dir, llm="none"), Roadmap.load(kb_dir), profile_store=ProfileStore())
    url, _ = ui.serving.launch(demo, host="127.0.0.1", port=7860)  # queue, memory bounds, no uploads
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from kb import Roadmap
from ui.chat import NEXT_BUTTONS, ChatHandler
from ui.graph_tab import CLICK_TO_FOCUS, clicked_topic
from ui.profiles import ProfileStore
from ui.render import choice
from ui.study import StudyHandler

EXAMPLES = [
    "学习多头注意力之前要掌握什么？",
    "What should I learn after LoRA?",
    "Transformer 的自注意力机制是什么？",
    "How do I get started with large language models?",
]
PATH_CONCURRENCY = 4  #: path, profile and graph events running at once (they never touch the LLM)


@dataclass
class ChatParts:
    """The chat tab's components that events refer to."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    sources: gr.Markdown
    check: gr.Markdown
    buttons: list[gr.Button]

    @property
    def outputs(self) -> list[Any]:
        return [self.chatbot, self.question, self.sources, self.check, *self.buttons]


@dataclass
class PathParts:
    """The "My path" tab's components that events refer to."""

    profile: gr.Textbox
    known: gr.Dropdown
    learning: gr.Dropdown
    skip: gr.Dropdown
    goal: gr.Dropdown
    notice: gr.Markdown

    @property
    def states(self) -> list[Any]:
        return [self.profile, self.known, self.learning, self.skip]


def build_app(assistant: Any, roadmap: Roadmap, *, profile_store: ProfileStore, profile: str = "default",
              title: str = "Roadmap QA · 大模型学习路线问答") -> gr.Blocks:
    """The app's Blocks (not launched) over ``assistant`` (a ``rag.Assistant``, or anything streaming its events)."""
    chat = ChatHandler(assistant, profile_store)
    study = StudyHandler(roadmap, profile_store)
    choices: list[tuple[str, str]] = []  # the page is built without topics: see _fill_pickers
    with gr.Blocks(title=title) as demo:
        gr.Markdown(f"# {title}\n向知识库提问、规划自己的学习路径、查看前置知识图谱。"
                    " · Ask the knowledge base, plan your study path, explore the prerequisite graph.")
        with gr.Tabs():
            with gr.Tab("对话 · Chat", id="chat"):
                chat_parts = _chat_tab()
            with gr.Tab("我的路径 · My path", id="path"):
                path_parts = _path_tab(study, choices, profile)
            with gr.Tab("图谱 · Graph", id="graph") as graph_tab:
                _graph_tab(study, choices, path_parts, graph_tab)
        _wire_chat(chat, chat_parts, path_parts.profile)
        _fill_pickers(demo, study, [choice(t) for t in roadmap.topics()], path_parts)
    return demo


def _fill_pickers(demo: gr.Blocks, study: StudyHandler, choices: list[tuple[str, str]], path: PathParts) -> None:
    """On page load, give every topic dropdown its choices, and the profile's topics their values.

    Gradio writes the page's config and API description, dropdown choices included, into the
    HTML of ``/`` even before a login; built empty and filled by this load event (which needs
    the login), the page tells nothing about the knowledge base to someone without a password.
    """
    pickers = [b for b in demo.blocks.values() if isinstance(b, gr.Dropdown)]  # every dropdown picks topics
    profile_pickers = [path.known, path.learning, path.skip, path.goal]
    others = [p for p in pickers if all(p is not q for q in profile_pickers)]

    def fill(name: str) -> tuple[Any, ...]:
        *values, note = study.load_profile(name)
        return (*(gr.update(choices=choices, value=v) for v in values),
                *(gr.update(choices=choices) for _ in others), note)

    demo.load(fill, inputs=path.profile, outputs=[*profile_pickers, *others, path.notice], api_name="load_page",
              api_visibility="undocumented")


def _chat_tab() -> ChatParts:
    chatbot = gr.Chatbot(label="对话 · Chat", height=460, elem_id="chatbot",
                         placeholder="**问我任何关于学习大模型的问题 · Ask anything about learning LLMs**")
    with gr.Row():
        question = gr.Textbox(placeholder="输入问题，回车发送 · Type a question and press Enter",
                              show_label=False, scale=8, elem_id="question", max_lines=4)
        send = gr.Button("发送 · Send", variant="primary", scale=1, elem_id="send")
    gr.Examples(EXAMPLES, inputs=question, label="示例问题 · Example questions")
    check = gr.Markdown(elem_id="check", elem_classes="notice")
    gr.Markdown("**接下来可以学 · Next topics** (click to ask):")
    with gr.Row(elem_id="next-topics"):
        buttons = [gr.Button(visible=False, size="sm", scale=0, min_width=120, elem_id=f"next-{i}")
                   for i in range(NEXT_BUTTONS)]
    with gr.Accordion("来源 · Sources of the last answer", open=True):
        sources = gr.Markdown(elem_id="sources")
    gr.Button("清空对话 · Clear", size="sm").click(lambda: ([], "", ""), outputs=[chatbot, sources, check],
                                                   api_visibility="private")
    return ChatParts(chatbot, question, send, sources, check, buttons)


def _wire_chat(chat: ChatHandler, parts: ChatParts, profile: gr.Textbox) -> None:
    inputs = [parts.question, parts.chatbot, profile]
    parts.question.submit(chat.respond, inputs, parts.outputs, api_name="chat", concurrency_limit=1, concurrency_id="llm")
    parts.send.click(chat.respond, inputs, parts.outputs, api_name="chat_send", api_visibility="undocumented", concurrency_limit=1, concurrency_id="llm")
    for i, button in enumerate(parts.buttons):
        button.click(chat.ask_topic, [button, parts.chatbot, profile], parts.outputs,
                     api_name="ask_topic" if i == 0 else f"ask_topic_{i}",
                     api_visibility="public" if i == 0 else "undocumented", concurrency_limit=1, concurrency_id="llm")


def _topics_picker(choices: list[tuple[str, str]], label: str, elem_id: str) -> gr.Dropdown:
    """A searchable multiselect of topics (label "name（stage）"); custom values reach the handler,
    which resolves aliases and typos or names the nearest topic."""
    return gr.Dropdown(choices=choices, value=[], multiselect=True, filterable=True, allow_custom_value=True,
                       label=label, elem_id=elem_id)


def _path_tab(study: StudyHandler, choices: list[tuple[str, str]], profile: str) -> PathParts:
    gr.Markdown("标记你已掌握、正在学和想跳过的主题（可输入搜索），选择目标，生成学习路径。"
                " · Mark topics (type to search), pick a goal, get your path. Saved in a local profile.")
    with gr.Row():
        name = gr.Textbox(value=profile, label="档案 · Profile", scale=3, elem_id="profile")
        load = gr.Button("载入档案 · Load profile", scale=1, min_width=160)
    known = _topics_picker(choices, "已掌握 · Known", "known")
    learning = _topics_picker(choices, "正在学 · Learning", "learning")
    skip = _topics_picker(choices, "跳过 · Skip", "skip")
    goal = gr.Dropdown(choices=choices, value=None, filterable=True, allow_custom_value=True, label="目标 · Goal",
                       elem_id="goal")
    with gr.Row():
        save = gr.Button("保存 · Save", elem_id="save")
        path_btn = gr.Button("生成路径 · Study path", variant="primary", elem_id="path-btn")
        next_btn = gr.Button("下一步学什么 · What next", elem_id="next-btn")
        export = gr.DownloadButton("导出 Markdown · Export", value=None, elem_id="export")
    note = gr.Markdown(elem_id="path-notice", elem_classes="notice")
    next_md = gr.Markdown(elem_id="next-md")
    path_md = gr.Markdown(elem_id="path-md")
    parts = PathParts(name, known, learning, skip, goal, note)
    load.click(study.load_profile, name, [known, learning, skip, goal, note], api_visibility="private", concurrency_limit=PATH_CONCURRENCY)
    save.click(study.save_profile, [*parts.states, goal], note, api_name="save_profile", concurrency_limit=PATH_CONCURRENCY)
    path_btn.click(study.study_path, [*parts.states, goal], [path_md, export, note], api_name="study_path", concurrency_limit=PATH_CONCURRENCY)
    next_btn.click(study.next_topics, parts.states, [next_md, note], api_name="next_topics", concurrency_limit=PATH_CONCURRENCY)
    return parts


def _graph_tab(study: StudyHandler, choices: list[tuple[str, str]], path: PathParts, tab: gr.Tab) -> None:
    gr.Markdown("选择主题：图中是它的周边——学它之前要学什么、学完可以学什么、它的子主题——按学习阶段分行，"
                "橙色编号为你的学习路径，绿色为已掌握；点击方框可转到该主题。 · Pick a topic: what leads to it and what "
                "it leads to, one row per stage, your study path numbered in orange, known topics green; "
                "click a box to centre on it.")
    topic = gr.Dropdown(choices=choices, value=None, filterable=True, allow_custom_value=True,
                        label="主题 · Topic (aliases, sources, prerequisites, dependents)", elem_id="graph-topic")
    with gr.Row():
        whole = gr.Checkbox(False, label="显示整个图谱 · Show the whole graph", elem_id="graph-whole", scale=0,
                            min_width=340)
        refresh = gr.Button("刷新图谱 · Refresh the picture", size="sm", elem_id="graph-refresh", scale=0,
                            min_width=240)
    note = gr.Markdown(elem_classes="notice", elem_id="graph-notice")
    picture = gr.HTML(elem_id="graph", js_on_load=CLICK_TO_FOCUS)
    details = gr.Markdown(elem_id="topic-details")  # below the picture: a long card must not push it away
    inputs, outputs = [path.profile, topic, whole], [picture, note]
    tab.select(study.graph, inputs, outputs, api_visibility="private", concurrency_limit=PATH_CONCURRENCY)
    refresh.click(study.graph, inputs, outputs, api_name="graph", concurrency_limit=PATH_CONCURRENCY)
    whole.change(study.graph, inputs, outputs, api_visibility="private", concurrency_limit=PATH_CONCURRENCY)
    picture.click(clicked_topic, None, topic, api_visibility="private")  # a click on a box re-centres on it
    topic.change(study.topic_details, topic, [details, note], api_name="topic_details", concurrency_limit=PATH_CONCURRENCY).then(
        study.graph, inputs, outputs, api_visibility="private", concurrency_limit=PATH_CONCURRENCY)
