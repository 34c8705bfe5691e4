"""Sub-commands of the ``roadmap`` CLI, one module per group.

Each module exposes ``register(sub, common)``: ``sub`` is the sub-parsers action,
``common`` a parent parser carrying ``--kb`` and ``--json``. Handlers are set with
``parser.set_defaults(handler=fn)`` where ``fn(args, settings) -> int``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_NAMES = ("graph", "search", "models", "answer", "app")


def _load() -> list[ModuleType]:
    modules = []
    for name in _NAMES:
        try:
            modules.append(importlib.import_module(f"ui.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"ui.commands.{name}":
                raise
    return modules


COMMAND_MODULES: list[ModuleType] = _load()
