"""The knowledge-base directory: the contract between building (ingest) and serving (kb, rag, ui).

Layout of ``KB_DIR``::

    KB_DIR/current -> versions/<stamp>      symlink, swapped atomically on every rebuild
    KB_DIR/versions/<stamp>/manifest.json   format version, documents (name, sha256), counts, embedder
    KB_DIR/versions/<stamp>/graph.json      networkx node-link data of the topic graph
    KB_DIR/versions/<stamp>/chunks.jsonl    one chunk record per line
    KB_DIR/versions/<stamp>/report.json     what ingest noticed: warnings, dropped edges
    KB_DIR/versions/<stamp>/index.*         written by ``rag`` (FAISS index and its records)

Nothing here is a pickle: JSON and FAISS' own format only.
A rebuild writes a whole new version directory, then replaces the ``current``
symlink with ``os.replace`` (atomic on POSIX), so readers see the old or the new
knowledge base, never a mix, and a failed build leaves the old one in place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kb.errors import KnowledgeBaseError
from kb.model import Chunk

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
GRAPH = "graph.json"
CHUNKS = "chunks.jsonl"
REPORT = "report.json"


def resolve(kb_dir: str | Path) -> Path:
    """The directory holding the current version of the knowledge base at ``kb_dir``.

    Raises ``KnowledgeBaseError`` (telling to run ``roadmap ingest``) when there is none.
    A plain directory holding a manifest (no ``current`` link) is accepted as is.
    """
    root = Path(kb_dir).expanduser()
    current = root / "current"
    for candidate in (current, root):
        if (candidate / MANIFEST).is_file():
            return candidate.resolve()
    raise KnowledgeBaseError(
        f"No knowledge base at {root}. Run `roadmap ingest [DOCS_DIR ...] --kb {root}` to build one."
    )


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version directory, checked for the format version."""
    manifest = read_json(version_dir / MANIFEST)
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise KnowledgeBaseError(
            f"Knowledge base at {version_dir} has format version {version!r}, this program reads "
            f"{FORMAT_VERSION}. Rebuild it with `roadmap ingest --rebuild`."
        )
    return manifest


def read_json(path: Path) -> Any:
    """Parse a JSON file of the knowledge base, with a clear error when it is missing or corrupt."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeBaseError(
            f"Knowledge base file {path} is missing. Rebuild with `roadmap ingest --rebuild`."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(
            f"Knowledge base file {path} is corrupt ({exc}). Rebuild with `roadmap ingest --rebuild`."
        ) from None


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file in the same folder, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_chunks(path: Path, chunks: Iterable[Chunk]) -> None:
    """Write chunk records, one JSON object per line."""
    lines = (json.dumps(asdict(c), ensure_ascii=False) for c in chunks)
    write_text(path, "\n".join(lines) + "\n")


def read_chunks(version_dir: Path) -> list[Chunk]:
    """Read the chunk records of a version directory."""
    path = version_dir / CHUNKS
    if not path.is_file():
        raise KnowledgeBaseError(f"{path} is missing. Rebuild with `roadmap ingest --rebuild`.")
    chunks = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["topics"] = tuple(record.get("topics", ()))
            chunks.append(Chunk(**record))
        except (json.JSONDecodeError, TypeError) as exc:
            raise KnowledgeBaseError(
                f"{path} line {number} is corrupt ({exc}). Rebuild with `roadmap ingest --rebuild`."
            ) from None
    return chunks


@contextmanager
def new_version(kb_dir: str | Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success publish it as the current version.

    On any exception the staging directory is removed and ``current`` is untouched.
    Older versions are pruned after a successful swap (the previous one is kept).
    """
    root = Path(kb_dir).expanduser()
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=versions, prefix=".staging-"))
    try:
        yield staging
        final = versions / (time.strftime("%Y%m%d-%H%M%S-") + staging.name[-6:])
        os.replace(staging, final)
        _point_current(root, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(versions, keep={final.name, _previous_name(root)})


def _point_current(root: Path, target: Path) -> None:
    link = root / "current"
    if link.exists() and not link.is_symlink():
        raise KnowledgeBaseError(f"{link} exists and is not a symlink; move it away and ingest again.")
    tmp_link = root / f".current-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    if link.is_symlink():
        (root / ".previous").unlink(missing_ok=True)
        os.symlink(os.readlink(link), root / ".previous")
    os.symlink(os.path.relpath(target, root), tmp_link)
    os.replace(tmp_link, link)


def _previous_name(root: Path) -> str:
    previous = root / ".previous"
    return Path(os.readlink(previous)).name if previous.is_symlink() else ""


def _prune(versions: Path, keep: set[str]) -> None:
    for child in versions.iterdir():
        if child.name not in keep and not child.name.startswith(".staging-"):
            shutil.rmtree(child, ignore_errors=True)
