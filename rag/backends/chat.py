"""The LLM seam: one function turns a backend name into a LangChain chat model that streams.

Backends (``kb.settings.Settings.llm``):

- ``llama``: llama.cpp (``ChatLlamaCpp``) on a GGUF file, by default the bundled model.
- ``transformers``: a Hugging Face model folder, a ``.gguf`` file (dequantized by
  transformers: slow, memory-hungry) or, only when given explicitly, a hub id.
- ``openai``: any OpenAI-compatible server (llama.cpp's server, vLLM, Ollama, TGI).
- ``none``: no LLM; callers answer extractively and never call ``make_chat_model``.
- ``auto``: ``llama`` when the bundled model is installed and llama.cpp importable, else ``none``.

Example (not executed: it loads a model)::

    kind = resolve_llm_kind(settings.llm, settings.models_dir, settings.model)
    if kind != "none":
        chat = make_chat_model(kind, model=settings.model, base_url=settings.base_url,
                               models_dir=settings.models_dir, threads=settings.threads)
        for chunk in chat.stream(ensure_system_message([HumanMessage("什么是线性代数？")])):
            print(chunk.content, end="")
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelinstall.model_files import ModelError
from rag.backends.catalogue import bundled_model_path

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

__all__ = ["LLM_KINDS", "DEFAULT_SYSTEM_PROMPT", "chat_model", "ensure_system_message", "make_chat_model",
           "resolve_llm_kind"]

LLM_KINDS = ("auto", "llama", "transformers", "openai", "none")
"""Every accepted value of ``kb.settings.Settings.llm``."""

DEFAULT_SYSTEM_PROMPT = "You are a concise, helpful tutor for people learning about LLMs."
"""Used when a conversation has no system message (Qwen's template would inject its own)."""

N_CTX = 4096
#: Greedy decoding: the same question gets the same grounded answer.
TEMPERATURE = 0.0
#: llama.cpp's repeat penalty. The wrapper's 1.1 punishes every token already in the prompt, so a
#: model copying a passage's names and list items verbatim is pushed off them (bench/bench_decoding.py).
REPEAT_PENALTY = 1.0
LLAMA_PIN = "llama-cpp-python==0.3.36"


def resolve_llm_kind(kind: str, models_dir: Path, model: str = "") -> str:
    """The backend to use for ``kind``: ``auto`` becomes ``llama`` or ``none``; others pass through.

    ``auto`` picks ``llama`` when llama.cpp is importable and there is a GGUF to run: ``model``
    if it names an existing ``.gguf`` file, else the verified bundled model.
    """
    kind = kind.strip().lower()
    if kind not in LLM_KINDS:
        raise ModelError(f"Unknown LLM backend {kind!r}. Choose one of: {', '.join(LLM_KINDS)}.")
    if kind != "auto":
        return kind
    has_gguf = _is_gguf(model) if model else bundled_model_path(models_dir) is not None
    return "llama" if has_gguf and importlib.util.find_spec("llama_cpp") is not None else "none"


def make_chat_model(
    kind: str,
    *,
    model: str = "",
    base_url: str = "",
    models_dir: Path,
    threads: int,
    temperature: float = TEMPERATURE,
    max_tokens: int = 512,
    api_key: str = "",
    repeat_penalty: float = REPEAT_PENALTY,
) -> BaseChatModel:
    """A LangChain chat model for backend ``kind`` (see the module doc); stream it with ``.stream()``.

    ``kind`` must be resolved (``resolve_llm_kind``): ``auto`` and ``none`` are refused.
    ``api_key`` is only used by ``openai`` (local servers ignore it). Decoding is greedy
    by default (``temperature=0``): a grounded answer should not change between runs.
    ``repeat_penalty`` is llama.cpp's (see ``REPEAT_PENALTY``).
    """
    if kind == "llama":
        return _llama_chat(_gguf_for_llama(model, models_dir), threads, temperature, max_tokens, repeat_penalty)
    if kind == "transformers":
        return _transformers_chat(model, threads, temperature, max_tokens)
    if kind == "openai":
        return _openai_chat(base_url, model, api_key, temperature, max_tokens)
    raise ModelError(
        f"make_chat_model cannot build backend {kind!r}: pass 'llama', 'transformers' or 'openai' "
        "(resolve 'auto' with resolve_llm_kind first; 'none' means answering without an LLM)."
    )


def chat_model(kind: str, *, model: str, base_url: str, models_dir: Path, threads: int) -> BaseChatModel | None:
    """The chat model for backend ``kind`` with ``auto`` resolved, or None for ``none`` (extractive answers)."""
    kind = resolve_llm_kind(kind, models_dir, model)
    if kind == "none":
        return None
    return make_chat_model(kind, model=model, base_url=base_url, models_dir=models_dir, threads=threads)


def ensure_system_message(messages: Sequence[BaseMessage], text: str = DEFAULT_SYSTEM_PROMPT) -> list[BaseMessage]:
    """``messages`` with a leading system message, adding ``text`` as one if there is none."""
    from langchain_core.messages import SystemMessage

    if messages and isinstance(messages[0], SystemMessage):
        return list(messages)
    return [SystemMessage(text), *messages]


# --- llama.cpp ----------------------------------------------------------------------------


def _is_gguf(model: str) -> bool:
    path = Path(model).expanduser()
    return path.suffix.lower() == ".gguf" and path.is_file()


def _gguf_for_llama(model: str, models_dir: Path) -> Path:
    """The GGUF file llama.cpp should load: ``model`` if given, else the verified bundled model."""
    if model:
        if not _is_gguf(model):
            raise ModelError(f"--model {model!r} is not a .gguf file; llama.cpp needs one (or leave it empty).")
        return Path(model).expanduser()
    path = bundled_model_path(models_dir)
    if path is None:
        raise ModelError(
            f"The bundled model is not installed in {models_dir}. Run `roadmap models install` "
            "(or pass --llm none for answers without an LLM)."
        )
    return path


def _llama_chat(gguf: Path, threads: int, temperature: float, max_tokens: int,
                repeat_penalty: float = REPEAT_PENALTY) -> BaseChatModel:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelError(f"The llama backend needs llama.cpp: pip install '{LLAMA_PIN}' (or use --llm none).")
    from langchain_community.chat_models import ChatLlamaCpp

    try:
        with _plain_cpu_buffers():
            return ChatLlamaCpp(
                model_path=str(gguf),
                n_ctx=N_CTX,
                n_batch=512,  # the wrapper's default of 8 makes reading a long prompt several times slower
                n_threads=threads,
                temperature=temperature,
                max_tokens=max_tokens,
                repeat_penalty=repeat_penalty,
                # The wrapper passes rope_freq_base=10000 unless told otherwise, and llama.cpp uses any
                # non-zero value over the GGUF's own (1e6 for Qwen2.5: its load log then printed
                # "freq_base = 10000.0"); 0 means "the model's".
                rope_freq_base=0.0,
                rope_freq_scale=0.0,
                streaming=True,
                verbose=False,
            )
    except ValueError as exc:  # the wrapper turns every load failure into a ValueError
        raise ModelError(f"llama.cpp could not load {gguf}: {exc}. Reinstall it with `roadmap models install`.") from exc


@contextmanager
def _plain_cpu_buffers() -> Iterator[None]:
    """Load GGUF weights without llama.cpp's extra CPU buffer types (AMX, repacked layouts).

    On this project's machines (Xeon with AMX, in a sandbox) every multi-token batch in an
    extra buffer crashed the process with SIGSEGV: a one-token prompt worked, any prompt
    longer did not. llama-cpp-python has no argument for it, so the default model
    parameters it starts from are changed while the wrapper loads the model.
    """
    import llama_cpp
    import llama_cpp.llama as llama_module

    original = llama_cpp.llama_model_default_params

    def without_extra() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    llama_module.llama_cpp.llama_model_default_params = without_extra
    try:
        yield
    finally:
        llama_module.llama_cpp.llama_model_default_params = original


# --- transformers -------------------------------------------------------------------------


def _transformers_source(model: str) -> tuple[str, dict[str, str]]:
    """(``from_pretrained`` argument, extra kwargs) for a folder, a ``.gguf`` file or a hub id."""
    if not model:
        raise ModelError(
            "--llm transformers needs --model: a Hugging Face model folder, a .gguf file "
            "(e.g. the bundled one listed by `roadmap models list`), or a hub id when online."
        )
    path = Path(model).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise ModelError(f"GGUF file {model!r} does not exist; `roadmap models list` shows installed models.")
        return str(path.parent), {"gguf_file": path.name}
    if path.exists() and not (path / "config.json").is_file():
        raise ModelError(f"{model!r} is not a Hugging Face model folder (it has no config.json).")
    return (str(path), {}) if path.exists() else (model, {})


def _transformers_chat(model: str, threads: int, temperature: float, max_tokens: int) -> BaseChatModel:
    source, extra = _transformers_source(model)
    try:
        import torch
        from langchain_huggingface import ChatHuggingFace, HuggingFacePipeline
        from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
    except ImportError as exc:
        raise ModelError(
            f"The transformers backend needs {exc.name}: pip install 'transformers==5.23.0' "
            "'langchain-huggingface==1.2.3' (and torch)."
        ) from exc
    if "gguf_file" in extra and importlib.util.find_spec("accelerate") is None:
        raise ModelError("transformers needs accelerate to load a .gguf file: pip install 'accelerate==1.15.0'.")
    torch.set_num_threads(threads)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **extra)
        llm_model = AutoModelForCausalLM.from_pretrained(source, **extra)
    except (OSError, ValueError) as exc:
        raise ModelError(f"transformers could not load {model!r}: {exc}") from exc
    sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
    # Generation settings must live on the pipeline: ChatHuggingFace does not pass its own
    # temperature/max_tokens to a local pipeline.
    pipe = pipeline("text-generation", model=llm_model, tokenizer=tokenizer,
                    max_new_tokens=max_tokens, return_full_text=False, **sampling)
    llm = HuggingFacePipeline(pipeline=pipe, model_id=model)
    # An explicit tokenizer keeps ChatHuggingFace from calling AutoTokenizer.from_pretrained(model_id).
    return ChatHuggingFace(llm=llm, tokenizer=tokenizer, model_id=model, streaming=True)


# --- OpenAI-compatible servers ------------------------------------------------------------


def _openai_chat(base_url: str, model: str, api_key: str, temperature: float, max_tokens: int) -> BaseChatModel:
    if not base_url.startswith(("http://", "https://")):
        raise ModelError(
            f"--llm openai needs --base-url of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 "
            f"(got {base_url!r})."
        )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelError("The openai backend needs langchain-openai: pip install 'langchain-openai==1.7.3'.") from exc
    return ChatOpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",  # type: ignore[arg-type]  # local servers ignore it
        model=model or "local",
        temperature=temperature,
        # ChatOpenAI renames max_tokens to max_completion_tokens, which llama.cpp's server
        # ignores; max_tokens in the body is understood by every OpenAI-compatible server.
        extra_body={"max_tokens": max_tokens},
        streaming=True,
        max_retries=1,
    )
