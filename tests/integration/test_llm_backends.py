"""Real smoke tests of every LLM backend: llama.cpp on the bundled model, transformers on a
locally built model, and the OpenAI-compatible client against a real llama.cpp server.

The bundled model is installed once into the shared user cache (``~/.cache/roadmap-qa/models``),
so only the first run downloads and joins it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.settings import user_cache_dir
from rag.backends.chat import ensure_system_message, make_chat_model
from modelinstall.installer import install_model
from rag.backends.catalogue import BUNDLED_MODEL, SMALL_MODEL, install_bundled_model

pytestmark = pytest.mark.integration

needs_llama = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python is not installed: pip install 'llama-cpp-python[server]==0.3.36'",
)

QUESTION = "用一句话解释什么是线性代数"
SYSTEM = "你是一位简洁的数学老师，用中文回答。"


def ask(chat: object, question: str = QUESTION) -> list[str]:
    """The non-empty text chunks streamed by ``chat`` for ``question``."""
    from langchain_core.messages import HumanMessage

    messages = ensure_system_message([HumanMessage(question)], SYSTEM)
    return [str(c.content) for c in chat.stream(messages) if c.content]  # type: ignore[attr-defined]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def bundled_gguf() -> Path:
    return install_bundled_model(user_cache_dir() / "models", progress=False)


# --- llama.cpp ----------------------------------------------------------------------------


@needs_llama
def test_llama_streams_a_chinese_answer(bundled_gguf: Path) -> None:
    chat = make_chat_model("llama", models_dir=bundled_gguf.parent, threads=2, max_tokens=32)
    chunks = ask(chat)
    text = "".join(chunks)
    assert len(chunks) >= 5, chunks
    assert has_chinese(text), text


# --- transformers -------------------------------------------------------------------------


def qwen_tokenizer(gguf: Path) -> Path:
    """The real Qwen2.5 tokenizer, read from the GGUF once (~30 s) and kept in the user cache."""
    from transformers import AutoTokenizer

    cached = user_cache_dir() / "test-fixtures" / f"qwen2.5-tokenizer-{BUNDLED_MODEL.sha256[:12]}"
    if not (cached / "tokenizer.json").is_file():
        building = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(building)
        try:
            os.replace(building, cached)
        except OSError:  # a concurrent run cached it first
            shutil.rmtree(building)
    return cached


@pytest.fixture(scope="module")
def tiny_qwen_dir(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Hugging Face folder: the real Qwen tokenizer and a tiny randomly initialised Qwen2 model."""
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM

    folder = tmp_path_factory.mktemp("tiny-qwen")
    tokenizer = AutoTokenizer.from_pretrained(qwen_tokenizer(bundled_gguf))
    config = Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    Qwen2ForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_transformers_streams_from_a_local_model_folder(tiny_qwen_dir: Path) -> None:
    chat = make_chat_model("transformers", model=str(tiny_qwen_dir), models_dir=tiny_qwen_dir,
                           threads=2, temperature=1.0, max_tokens=24)
    chunks = ask(chat)
    assert len(chunks) >= 2, chunks
    assert "<|im_start|>" not in "".join(chunks)  # the prompt is not echoed


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("ROADMAP_TEST_GGUF") != "1",
    reason="a GGUF through transformers is dequantized to float32 (~4 GB, minutes): set ROADMAP_TEST_GGUF=1",
)
def test_transformers_streams_from_a_gguf_file() -> None:
    gguf = install_model(SMALL_MODEL, user_cache_dir() / "models", progress=False)
    chat = make_chat_model("transformers", model=str(gguf), models_dir=gguf.parent,
                           threads=2, temperature=0.0, max_tokens=24)
    chunks = ask(chat)
    assert len(chunks) >= 5, chunks
    assert has_chinese("".join(chunks))


# --- OpenAI-compatible server -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"llama_cpp.server did not answer on {url} within {timeout} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def llama_server(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``…/v1``) of a real llama.cpp OpenAI-compatible server on 127.0.0.1."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_threads", "2", "--n_ctx", "4096", "--model_alias", "local"]
    with log.open("wb") as out:
        # Spinning OpenMP threads starve when the machine is busy (e.g. other tests): 4x slower.
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@needs_llama
def test_openai_backend_streams_from_a_llama_cpp_server(llama_server: str, tmp_path: Path) -> None:
    chat = make_chat_model("openai", base_url=llama_server, models_dir=tmp_path, threads=2, max_tokens=32)
    chunks = ask(chat)
    assert len(chunks) >= 5, chunks
    assert has_chinese("".join(chunks))


@needs_llama
def test_openai_backend_honours_max_tokens(llama_server: str, tmp_path: Path) -> None:
    # ChatOpenAI sends max_completion_tokens, which llama.cpp's server ignores.
    chat = make_chat_model("openai", base_url=llama_server, models_dir=tmp_path, threads=2, max_tokens=6)
    chunks = ask(chat, "请详细介绍一下线性代数的历史。")
    assert 1 <= len(chunks) <= 8, chunks
