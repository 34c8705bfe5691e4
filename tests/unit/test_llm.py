"""The LLM seam without loading any model: backend resolution and the errors users see."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rag.backends import chat as llm
from rag.backends.chat import ensure_system_message, make_chat_model, resolve_llm_kind
from modelinstall.model_files import ModelError


@pytest.fixture
def llama_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(llm.importlib.util, "find_spec", lambda name: object() if name == "llama_cpp" else real(name))


@pytest.mark.parametrize("kind", ["none", "llama", "transformers", "openai", " OpenAI "])
def test_explicit_kinds_pass_through(kind: str, tmp_path: Path) -> None:
    assert resolve_llm_kind(kind, tmp_path) == kind.strip().lower()


def test_unknown_kind_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="Unknown LLM backend 'gpt'.*auto, llama, transformers, openai, none"):
        resolve_llm_kind("gpt", tmp_path)


def test_auto_without_a_model_is_none(tmp_path: Path, llama_importable: None) -> None:
    assert resolve_llm_kind("auto", tmp_path) == "none"


def test_auto_with_a_gguf_and_llama_is_llama(tmp_path: Path, llama_importable: None) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_llm_kind("auto", tmp_path, str(gguf)) == "llama"


def test_auto_without_llama_cpp_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(llm.importlib.util, "find_spec", lambda name: None)
    assert resolve_llm_kind("auto", tmp_path, str(gguf)) == "none"


@pytest.mark.parametrize("kind", ["auto", "none"])
def test_make_chat_model_refuses_unresolved_kinds(kind: str, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="resolve_llm_kind"):
        make_chat_model(kind, models_dir=tmp_path, threads=1)


def test_llama_without_the_bundled_model_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="roadmap models install"):
        make_chat_model("llama", models_dir=tmp_path, threads=1)


def test_llama_without_llama_cpp_names_the_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setattr(llm.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match=r"pip install 'llama-cpp-python==0\.3\.36'"):
        make_chat_model("llama", model=str(gguf), models_dir=tmp_path, threads=1)


def test_llama_refuses_a_non_gguf_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a .gguf file"):
        make_chat_model("llama", model=str(tmp_path), models_dir=tmp_path, threads=1)


@pytest.mark.parametrize(
    ("model", "message"),
    [("", "needs --model"), ("missing.gguf", "does not exist"), (".", "has no config.json")],
)
def test_transformers_model_errors(model: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=message):
        make_chat_model("transformers", model=model and str(tmp_path / model), models_dir=tmp_path, threads=1)


def test_openai_needs_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="--base-url"):
        make_chat_model("openai", models_dir=tmp_path, threads=1)


def test_openai_builds_a_streaming_client_without_a_server(tmp_path: Path) -> None:
    chat = make_chat_model("openai", base_url="http://127.0.0.1:9/v1", models_dir=tmp_path, threads=1, max_tokens=7)
    assert chat.streaming and chat.model_name == "local"  # type: ignore[attr-defined]
    assert chat.extra_body == {"max_tokens": 7}  # type: ignore[attr-defined]


def test_ensure_system_message_adds_one_only_when_missing() -> None:
    from langchain_core.messages import HumanMessage, SystemMessage

    added = ensure_system_message([HumanMessage("hi")])
    assert isinstance(added[0], SystemMessage) and added[1].content == "hi"
    kept = [SystemMessage("rules"), HumanMessage("hi")]
    assert ensure_system_message(kept) == kept
