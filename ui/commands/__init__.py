"""Sub-commands of the ``roadmap`` CLI, one module per command (the graph queries share ``graph``).

Each module exposes ``register(sub, common)``: ``sub`` is the sub-parsers action,
``common`` a parent parser carrying ``--kb`` and ``--json``. Handlers are set with
``parser.set_defaults(handler=fn)`` where ``fn(args, settings) -> int``. Modules import
their heavy dependencies inside the handlers, so ``roadmap --help`` stays fast.
"""

from __future__ import annotations

from types import ModuleType

from ui.commands import ask, eval, graph, ingest, models, search, ui

COMMAND_MODULES: list[ModuleType] = [ingest, graph, search, eval, ask, models, ui]
