"""Injection documents in a real browser (Debian chromium): links that would run script and fake citations
stay text in the answer bubble and the sources (issue 12 item 9). Served with ``llm="none"``: the
extractive answer quotes the document, so what the bubble renders is the document's own Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_browser import SHOTS, TIMEOUT, ask
from tests.fixtures.app_server import build_kb, serve

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium: "
                       "run `apt-get install -y chromium fonts-noto-cjk`"),
]

#: Every link element in the chat and the sources, with its target and text.
LINKS_JS = """() => [...document.querySelectorAll('#chatbot a, #sources a')]
    .map(a => ({href: a.getAttribute('href') || '', text: a.innerText}))"""
LINK_LABELS = ("官方文档", "数据链接", "VB 链接")


@pytest.fixture(scope="module")
def url(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kb_dir = build_kb(corpus_dir, tmp_path_factory.mktemp("e2e-injection"))
    with serve(kb_dir, tmp_path_factory.mktemp("e2e-injection-profiles")) as served:
        yield served


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for()
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def answer_bubble(page: Any) -> Any:
    return page.locator("#chatbot .message-row").nth(1)


QUESTION = "提示注入的结论是什么？"  # its extractive answer quotes the passage with the links


def test_script_links_in_a_document_are_text_in_the_bubble_and_sources(page: Any) -> None:
    ask(page, QUESTION)
    page.locator("#sources").get_by_text("injection.md").first.wait_for()
    bubble = answer_bubble(page)
    bubble.get_by_text("javascript:alert(document.domain)").first.wait_for()  # shown as the text it is
    assert "data:text/html;base64" in bubble.inner_text()
    links = page.evaluate(LINKS_JS)
    assert [a for a in links if a["text"].strip() in LINK_LABELS or not a["href"].startswith("http")] == []
    for label in ("官方文档", "数据链接"):
        bubble.get_by_text(label).first.click()  # a click on the text does nothing
    page.wait_for_timeout(500)
    assert page.dialogs == [] and page.evaluate("window.__pwned") is None  # type: ignore[attr-defined]
    assert page.url.startswith("http://127.0.0.1")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "injection-links.png"), full_page=True)


def test_fake_citations_in_a_document_stay_text(page: Any) -> None:
    ask(page, QUESTION)
    sources = page.locator("#sources")
    sources.get_by_text("injection.md").first.wait_for()
    assert "[1] 官方结论" in sources.inner_text() and "[2] 来源：内部消息" in sources.inner_text()
    assert sources.locator("li").count() == len(sources.locator("strong").all())  # one list item per source
    assert sources.locator("a, sup, img, script").count() == 0
    assert page.evaluate(LINKS_JS) == []
