"""The app served on 127.0.0.1 over a real corpus knowledge base, driven through ``gradio_client``."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.app_server import HOSTILE_QUESTION, build_kb, serve

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def url(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("app-api")
    with serve(build_kb(corpus_dir, root), root / "profiles") as served:
        yield served


@pytest.fixture
def client(url: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url, verbose=False)


def chat_text(chat: list[dict]) -> str:
    return "\n".join(part["text"] for m in chat for part in m["content"] if part.get("type") == "text")


def test_chat_answers_with_sources_check_and_next_topics(client) -> None:  # type: ignore[no-untyped-def]
    chat, question, sources, check, *_ = client.predict(  # buttons are not API outputs
        "学习多头注意力之前要掌握什么？", [], "api-user", api_name="/chat")
    assert question == ""
    assert [m["role"] for m in chat][:2] == ["user", "assistant"]
    assert "自注意力机制" in chat_text(chat)
    assert ".txt" in sources and "›" in sources
    assert "✓ 已引用 · cited" in sources  # the finished answer marks the passages it cites
    assert "自注意力机制" in check


def test_follow_up_uses_the_conversation(client) -> None:  # type: ignore[no-untyped-def]
    first = client.predict("学习多头注意力之前要掌握什么？", [], "api-user", api_name="/chat")[0]
    chat = client.predict("那之后学什么？", first, "api-user", api_name="/chat")[0]
    assert len([m for m in chat if m["role"] == "user"]) == 2
    assert "多头注意力" in chat_text(chat[len(first):])


def test_empty_question_is_a_message(client) -> None:  # type: ignore[no-untyped-def]
    chat, _, sources, check, *_ = client.predict("  ", [], "api-user", api_name="/chat")
    assert chat == [] and sources == "" and "empty" in check


def test_hostile_document_text_comes_back_escaped(client) -> None:  # type: ignore[no-untyped-def]
    chat, _, sources, *_ = client.predict(HOSTILE_QUESTION, [], "api-user", api_name="/chat")
    assert "hostile.md" in sources
    assert "&lt;script&gt;" in sources and "<script" not in sources + chat_text(chat)


def test_study_path_and_next_topics(client, url: str) -> None:  # type: ignore[no-untyped-def]
    path, export, note = client.predict("api-path", ["Python", "线性代数"], [], [], "多头注意力",
                                        api_name="/study_path")
    assert "学习「多头注意力」的路径" in path and "自注意力机制" in path and "为什么" in path
    assert "1. **线性代数**" not in path
    assert Path(export).read_text(encoding="utf-8").startswith("## 学习「多头注意力」")
    nxt, _ = client.predict("api-path", ["Python"], [], [], api_name="/next_topics")
    assert nxt.startswith("### 接下来可以学")
    _, _, note = client.predict("api-path", [], [], [], "不存在的主题xyz", api_name="/study_path")
    assert "Unknown topic" in note


def test_path_stays_responsive_while_chats_queue(client, url: str) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    others = [Client(url, verbose=False) for _ in range(3)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        chats = [pool.submit(c.predict, "What should I learn after LoRA?", [], "q", api_name="/chat") for c in others]
        started = time.monotonic()
        path = client.predict("api-path", [], [], [], "Transformer", api_name="/study_path")[0]
        path_seconds = time.monotonic() - started
        assert all(f.result(timeout=120)[0] for f in chats)
    assert "Transformer" in path and path_seconds < 10
