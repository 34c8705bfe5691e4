"""The ``roadmap`` command: parses arguments, reads settings, dispatches to a command module.

Each module of ``ui.commands`` adds its sub-commands through ``register(sub, common)``;
a handler takes ``(args, settings)`` and returns the exit code. Errors a user can
cause (``RoadmapError``) are printed as one clear line; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kb.errors import RoadmapError
from ui.settings import AppSettings
from ui.commands import COMMAND_MODULES


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--kb", type=Path, default=None, help="knowledge-base directory (env ROADMAP_KB)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser = argparse.ArgumentParser(
        prog="roadmap",
        description="Roadmap QA: a local knowledge graph and assistant for learning LLMs.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def settings_from(args: argparse.Namespace) -> AppSettings:
    """Settings from the environment, overridden by the options given on the command line."""
    overrides = {
        name: getattr(args, name)
        for name in ("kb", "llm", "model", "base_url", "embedder", "host", "port", "auth", "profile")
        if getattr(args, name, None) is not None
    }
    return AppSettings(**overrides)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``roadmap`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # llama.cpp's OpenMP threads busy-wait by default: on a 2-core machine shared with the app
    # that runs ~4x slower. Must be set before llama_cpp or torch is first imported.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, settings_from(args)) or 0)
    except RoadmapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
