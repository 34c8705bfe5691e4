"""The architecture as a test: packages import only downward, and rag's modules stay small.

ui → evals → ingest → rag → modelinstall → kb: each package may import those to its
right; inside rag, answering → backends and retrieval; nothing imports ui.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What each package (or rag subpackage) may import, besides itself.
ALLOWED = {
    "kb": set(),
    "modelinstall": {"kb"},
    "rag.retrieval": {"kb"},
    "rag.backends": {"kb", "modelinstall"},
    "rag.answering": {"kb", "rag.retrieval", "rag.backends"},
    "rag": {"kb", "modelinstall", "rag.retrieval", "rag.backends", "rag.answering"},
    "ingest": {"kb", "rag"},
    "evals": {"kb", "rag", "ingest", "modelinstall"},
    "ui": {"kb", "rag", "ingest", "evals", "modelinstall"},
}
PACKAGES = ("kb", "modelinstall", "rag", "ingest", "evals", "ui")
MAX_RAG_LINES = 300


def layer(module: str) -> str:
    """The entry of ``ALLOWED`` a dotted module name belongs to.

    >>> layer("rag.answering.stream"), layer("rag"), layer("ui.commands.ask"), layer("os")
    ('rag.answering', 'rag', 'ui', '')
    """
    parts = module.split(".")
    if parts[0] == "rag" and len(parts) > 1 and f"rag.{parts[1]}" in ALLOWED:
        return f"rag.{parts[1]}"
    return parts[0] if parts[0] in ALLOWED else ""


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at the top or inside functions (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_name(path).split(".")[: -node.level]
                names.append(".".join([*base, node.module or ""]).strip("."))
            elif node.module:
                names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


SOURCES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def upward(importer: str, imported: str) -> bool:
    """Whether module ``importer`` importing ``imported`` goes against the layers.

    >>> upward("rag.retrieval.search", "rag.answering.events"), upward("ui.chat", "rag.answering.events")
    (True, False)
    >>> upward("kb.roadmap", "ingest"), upward("rag.answering.stream", "ui.render"), upward("evals.answers", "os")
    (True, True, False)
    """
    own, target = layer(importer), layer(imported)
    if not own.startswith("rag") and target.startswith("rag."):
        target = "rag"  # outside rag, its subpackages are one layer
    return bool(target) and target != own and target not in ALLOWED[own]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path: Path) -> None:
    wrong = sorted({name for name in imports(path) if upward(module_name(path), name)})
    assert not wrong, f"{module_name(path)} imports {wrong}, above its layer"


@pytest.mark.parametrize("path", sorted((ROOT / "rag").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_rag_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_RAG_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by job"
