"""The app in a real browser (Debian chromium + Playwright), served on 127.0.0.1 with ``llm="none"``.

Needs ``apt-get install -y chromium fonts-noto-cjk``. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM
from tests.fixtures.app_server import HOSTILE_QUESTION, build_kb, serve

SHOTS = Path(__file__).resolve().parent / "screenshots"
TIMEOUT = 60_000  # ms; the first request also warms up jieba and the embedder

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium: "
                       "run `apt-get install -y chromium fonts-noto-cjk`"),
]


@pytest.fixture(scope="module")
def kb_dir(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_kb(corpus_dir, tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def url(kb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(kb_dir, tmp_path_factory.mktemp("e2e-profiles")) as served:
        yield served


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url, wait_until="domcontentloaded")  # networkidle never settles on a Gradio page
    page.locator("#question textarea").wait_for()
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def ask(page: Any, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def pick(page: Any, dropdown: str, typed: str, option: str) -> None:
    """Type into a filterable dropdown and click the option whose label starts with ``option``."""
    field = page.locator(f"#{dropdown} input")
    field.click()
    field.fill(typed)
    field.press("End")  # a key-up makes a single-select list filter (it shows 100 options at most)
    page.locator(f"#{dropdown} [role=option][aria-label^='{option}']").first.click()
    page.locator("h1").first.click()  # blur: a multiselect stays open and would cover what is below


def test_ask_shows_answer_sources_and_next_topics(page: Any) -> None:
    # example questions on first open (they render a moment after the text box)
    page.get_by_text("学习多头注意力之前要掌握什么？").first.wait_for()
    ask(page, "学习多头注意力之前要掌握什么？")
    page.locator("#next-0").wait_for(state="visible")
    page.locator("#chatbot").get_by_text("自注意力机制").first.wait_for()
    assert ".txt" in page.locator("#sources").inner_text()
    assert "前置知识检查" in page.locator("#check").inner_text()
    page.locator("#chatbot").get_by_text("来源 · Sources").first.wait_for()
    shot(page, "chat.png")


def test_next_topic_button_asks_about_it(page: Any) -> None:
    ask(page, "How do I get started with large language models?")
    button = page.locator("#next-0")
    button.wait_for(state="visible")
    topic = button.inner_text().strip()
    button.click()
    page.locator("#chatbot").get_by_text(f"介绍一下「{topic}」").wait_for()
    page.locator("#sources").get_by_text(".txt").first.wait_for()
    shot(page, "next-topic.png")


def test_empty_question_shows_a_message(page: Any) -> None:
    page.locator("#send").click()
    page.locator("#check").get_by_text("empty").wait_for()


def test_mark_known_and_get_a_path_that_survives_a_reload(page: Any) -> None:
    page.get_by_role("tab", name="我的路径 · My path").click()
    pick(page, "known", "Python", "Python")
    pick(page, "known", "线性", "线性代数")
    pick(page, "goal", "多头", "多头注意力")
    page.locator("#path-btn").click()
    path = page.locator("#path-md")
    path.get_by_text("学习「多头注意力」的路径").wait_for()
    assert "自注意力机制" in path.inner_text() and "为什么" in path.inner_text()
    shot(page, "path.png")
    page.locator("#next-btn").click()
    page.locator("#next-md").get_by_text("接下来可以学").wait_for()
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("tab", name="我的路径 · My path").click()
    page.locator("#known").get_by_text("线性代数").first.wait_for()  # the saved profile came back


def test_graph_tab_shows_a_readable_neighbourhood_and_the_whole_graph_on_request(page: Any, kb_dir: Path) -> None:
    from kb import Roadmap
    from ui.neighbourhood import Limits
    from ui.neighbourhood_view import WIDTH

    rm = Roadmap.load(kb_dir)
    focus = rm.topic("Transformer")
    before, after = {t.name for t in rm.prerequisites(focus.id)}, {t.name for t in rm.dependents(focus.id)}
    assert before and after, "the corpus should give Transformer prerequisites and dependents"
    # a learner of their own (other tests set a goal on the default profile) who knows two topics
    page.get_by_role("tab", name="我的路径 · My path").click()
    page.locator("#profile input, #profile textarea").first.fill("graph-tab")
    page.get_by_role("button", name="载入档案 · Load profile").click()
    page.locator("#path-notice").get_by_text("Profile 'graph-tab' loaded").wait_for()
    pick(page, "known", "Python", "Python")
    pick(page, "known", "线性", "线性代数")
    page.locator("#save").click()
    page.locator("#path-notice").get_by_text("Saved profile 'graph-tab'").wait_for()
    page.get_by_role("tab", name="图谱 · Graph").click()
    page.locator("#graph").get_by_text("Pick a topic").wait_for()  # nothing drawn before a topic is picked
    assert page.locator("#graph svg, #graph img").count() == 0
    pick(page, "graph-topic", "Transformer", "Transformer")
    page.locator("#graph .graph-neighbourhood").wait_for()
    boxes = page.locator("#graph g.node text")
    page.locator("#graph g.node text", has_text=focus.name).first.wait_for()
    shown = {text.strip() for text in boxes.all_text_contents()}
    assert focus.name in shown and shown & before and shown & after, (shown, before, after)
    for name in (focus.name, sorted(shown & before)[0], sorted(shown & after)[0]):
        assert page.locator("#graph g.node text").filter(has_text=name).first.is_visible()
    assert 3 <= page.locator("#graph g.node").count() <= Limits().cap
    assert page.locator("#graph g.node circle").count() >= 3  # the study path to Transformer, numbered
    assert page.locator("#graph img").count() == 0  # the whole graph waits until it is asked for
    box = page.locator("#graph .graph-neighbourhood")
    # at 1280 px the picture fits the page unscaled: no sideways scrolling, no zooming
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), \
        box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert page.evaluate("() => document.querySelector('#graph svg').getBoundingClientRect().width") == WIDTH
    assert page.evaluate(OVERLAPS) == []  # every name inside its own box, no two boxes or labels overlapping
    page.locator("#topic-details").get_by_text(".txt").first.wait_for()
    bottom = page.locator("#graph").bounding_box()["y"] + page.locator("#graph").bounding_box()["height"]
    SHOTS.mkdir(exist_ok=True)  # the page down to the picture's end (the topic card below is text)
    page.screenshot(path=str(SHOTS / "graph.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": bottom + 16})
    page.locator("#graph-whole input").check()
    page.locator("#graph img").wait_for()
    page.wait_for_function("() => document.querySelector('#graph img').naturalWidth > 500")
    assert page.locator("#graph .graph-neighbourhood").count() == 0
    shot(page, "graph-whole.png")
    page.locator("#graph-whole input").uncheck()
    page.locator("#graph .graph-neighbourhood").wait_for()
    # a click on a prerequisite's box centres the picture (and the topic card) on it
    other = sorted(shown & before)[0]
    page.locator("#graph g.node", has=page.locator("text", has_text=other)).first.click()
    page.locator("#graph svg[aria-label^='「" + other + "」']").wait_for()
    page.locator("#topic-details h3", has_text=other).wait_for()


def test_every_corpus_topic_has_a_neighbourhood_without_overlaps(browser: Any, kb_dir: Path) -> None:
    from kb import Roadmap
    from ui.graph_tab import neighbourhood_picture
    from ui.neighbourhood import Limits

    rm = Roadmap.load(kb_dir)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    problems, sizes = {}, []
    for topic in rm.topics():
        html, _ = neighbourhood_picture(rm, topic.id, known=["Python"])
        page.set_content(f'<div id="graph" style="width:1232px">{html}</div>')  # the width Gradio gives it
        sizes.append(page.locator("#graph g.node").count())
        problems.update({topic.name: found} if (found := page.evaluate(OVERLAPS)) else {})
    # a hostile topic name and stage, parsed as a page (where even <script> would run): text only
    import networkx as nx

    evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    g = nx.DiGraph()
    g.add_node("x", name=evil, stage=evil)
    g.add_node("y", name="y" + evil, stage="")
    g.add_edge("y", "x", kind="prerequisite", evidence=[])
    html, _ = neighbourhood_picture(Roadmap(g), "x")
    page.set_content(f'<div id="graph">{html}</div>')
    page.locator("#graph g.node text", has_text="window.__pwned=1").first.wait_for()  # shown as text …
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None  # … never run
    assert not problems, problems
    assert min(sizes) >= 1 and max(sizes) <= Limits().cap


#: Names that overflow their box, boxes that overlap, lane labels running into the boxes (as rendered).
OVERLAPS = """() => {
  const r = el => el.getBoundingClientRect();
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const boxes = [...document.querySelectorAll('#graph g.node, #graph g.more')].map(g =>
      [g.querySelector('title') ? g.querySelector('title').textContent : 'more', r(g.querySelector('rect')),
       r(g.querySelector('rect + text'))]);
  const bad = boxes.filter(([, rect, label]) => !inside(label, rect)).map(([name]) => 'overflows: ' + name);
  boxes.forEach(([a, ra], i) => boxes.slice(i + 1).forEach(([b, rb]) => {
      if (meet(ra, rb)) bad.push('overlap: ' + a + ' / ' + b); }));
  document.querySelectorAll('#graph text.lane').forEach(lane => boxes.forEach(([name, rect]) => {
      if (meet(r(lane), rect)) bad.push('lane label over: ' + name); }));
  return bad;
}"""


def test_script_in_a_document_never_runs(page: Any) -> None:
    ask(page, HOSTILE_QUESTION)
    sources = page.locator("#sources")
    sources.get_by_text("hostile.md").first.wait_for()
    assert "window.__pwned=1" in sources.inner_text()  # shown as text …
    page.get_by_role("tab", name="图谱 · Graph").click()
    pick(page, "graph-topic", "注入", "注入测试")
    page.locator("#topic-details").get_by_text("hostile.md").first.wait_for()
    page.get_by_role("tab", name="对话 · Chat").click()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None  # … never executed
    shot(page, "hostile.png")


def _real_model_or_skip() -> None:
    from kb.settings import Settings
    from rag.backends.chat import resolve_llm_kind

    if resolve_llm_kind("auto", Settings().models_dir) != "llama":
        pytest.skip("the default model is not installed (run `roadmap models install`) or llama.cpp is missing")


@pytest.mark.slow
def test_real_model_answer_streams_as_growing_text(browser: Any, kb_dir: Path,
                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    _real_model_or_skip()
    with serve(kb_dir, tmp_path_factory.mktemp("e2e-llm-profiles"), llm="auto") as served:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(served, wait_until="domcontentloaded")
        page.locator("#question textarea").wait_for()
        ask(page, "多头注意力有什么作用？")  # a content question: graph questions are answered without the model
        page.locator("#sources").get_by_text(".txt").first.wait_for(timeout=120_000)  # context before text
        answer = page.locator("#chatbot .message-row").nth(1)
        lengths = []
        for _ in range(600):  # up to ~3 minutes on a busy 2-core machine
            text = answer.inner_text()
            if not lengths or len(text) != lengths[-1]:
                lengths.append(len(text))
            if page.locator("#question textarea").is_enabled() and len(lengths) > 3 and \
                    page.locator(".generating").count() == 0:
                break
            page.wait_for_timeout(300)
        shot(page, "real-model.png")
        context.close()
    assert len(lengths) >= 4 and lengths == sorted(lengths), lengths  # the text grew in several steps
