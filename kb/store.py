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

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any, Literal, get_args, get_origin, get_type_hints

import networkx as nx

from kb.errors import KnowledgeBaseError
from kb.graph import edge_from_graph, graph_from_json, topic_from_node
from kb.model import Chunk

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
GRAPH = "graph.json"
CHUNKS = "chunks.jsonl"
REPORT = "report.json"
STAGING_PREFIX = ".staging-"
LOCK_SUFFIX = ".lock"


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
    if current.is_symlink():  # a version was published, then lost files
        target = root / os.readlink(current)
        what = f"file {current / MANIFEST}" if target.is_dir() else f"version directory {target}"
        raise KnowledgeBaseError(f"Knowledge base {what} is missing. Rebuild with `roadmap ingest --rebuild`.")
    raise KnowledgeBaseError(
        f"No knowledge base at {root}. Run `roadmap ingest [DOCS_DIR ...] --kb {root}` to build one."
    )


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version directory, checked for the format version."""
    manifest = read_json(version_dir / MANIFEST)
    if not isinstance(manifest, dict):
        raise _corrupt(version_dir / MANIFEST, f"a JSON {type(manifest).__name__}, not an object")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise KnowledgeBaseError(
            f"Knowledge base file {version_dir / MANIFEST} has format version {version!r}, this program "
            f"reads {FORMAT_VERSION}. Rebuild it with `roadmap ingest --rebuild`."
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
        raise _corrupt(path, str(exc)) from None
    except OSError as exc:
        raise _corrupt(path, f"cannot be read: {exc.strerror}") from None


def _corrupt(path: Path, reason: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(
        f"Knowledge base file {path} is corrupt ({reason}). Rebuild with `roadmap ingest --rebuild`."
    )


def read_graph(version_dir: Path) -> nx.DiGraph:
    """The topic graph of a version directory, every node and edge checked against the model.

    >>> import tempfile; d = Path(tempfile.mkdtemp())
    >>> write_json(d / GRAPH, {"directed": True, "nodes": [{"id": "a"}], "links": []})
    >>> try:
    ...     read_graph(d)
    ... except KnowledgeBaseError as exc:
    ...     print(str(exc).split(" is ", 1)[1])
    corrupt (topic 'a': no 'name'). Rebuild with `roadmap ingest --rebuild`.
    """
    path = version_dir / GRAPH
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise _corrupt(path, "not a node-link graph: no list of nodes")
    try:
        graph = graph_from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError, nx.NetworkXError) as exc:
        raise _corrupt(path, f"not a node-link graph: {type(exc).__name__} {exc}") from None
    for node, attrs in graph.nodes(data=True):
        _check(path, f"topic {node!r}", lambda: topic_from_node(graph, node), attrs.get("order", [0, 0]))
    for source, target in graph.edges:
        _check(path, f"edge {source!r} -> {target!r}", lambda: edge_from_graph(graph, source, target))
    return graph


def _check(path: Path, what: str, make: Callable[[], Any], order: Any = (0, 0)) -> None:
    try:
        value = make()
    except KeyError as exc:
        raise _corrupt(path, f"{what}: no {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise _corrupt(path, f"{what}: {exc}") from None
    problem = _type_problem(value)
    if not problem and not (isinstance(order, (list, tuple)) and len(order) == 2
                            and all(isinstance(n, int) for n in order)):
        problem = f"order {order!r} is not two numbers"
    if problem:
        raise _corrupt(path, f"{what}: {problem}")


def _type_problem(value: Any) -> str:
    """What in a model dataclass does not have its declared type ("" when all does)."""
    cls: Any = type(value)
    if _valid(cls)(value):  # the fast path; the slow one only to say what is wrong
        return ""
    for name, hint in get_type_hints(type(value)).items():
        if problem := _value_problem(getattr(value, name), hint):
            return f"{name} {problem}"
    return ""


@cache
def _valid(hint: Any) -> Callable[[Any], bool]:
    """A predicate for values of ``hint`` (evaluating annotations is slow: once per type)."""
    origin = get_origin(hint)
    if origin is tuple:
        item = _valid(get_args(hint)[0])
        return lambda v: all(item(x) for x in v)
    if origin is Literal:
        allowed = get_args(hint)  # a tuple: a list read from JSON is not hashable
        return lambda v: v in allowed
    if isinstance(hint, type) and is_dataclass(hint):
        fields = [(name, _valid(h)) for name, h in get_type_hints(hint).items()]
        return lambda v: isinstance(v, hint) and all(check(getattr(v, name)) for name, check in fields)
    kinds = (int, float) if hint is float else hint
    return lambda v: isinstance(v, kinds)


def _value_problem(value: Any, hint: Any) -> str:
    origin = get_origin(hint)
    if origin is tuple:
        item = get_args(hint)[0]
        return next((p for v in value if (p := _value_problem(v, item))), "")
    if origin is Literal:
        return "" if value in get_args(hint) else f"{value!r} is not one of {get_args(hint)}"
    if isinstance(hint, type) and is_dataclass(hint):
        return _type_problem(value) if isinstance(value, hint) else f"{value!r} is not of type {hint.__name__}"
    if hint is float:
        hint = (int, float)
    return "" if isinstance(value, hint) else f"{value!r} is not of type {getattr(hint, '__name__', hint)}"


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
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _corrupt(path, f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    chunks = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise TypeError(f"a JSON {type(record).__name__}, not an object")
            if not isinstance(record.get("topics", []), list):
                raise TypeError(f"topics {record['topics']!r} is not a list")
            chunk = Chunk(**{**record, "topics": tuple(record.get("topics", ()))})
        except (json.JSONDecodeError, TypeError) as exc:
            raise _corrupt(path, f"line {number}: {exc}") from None
        if problem := _type_problem(chunk):
            raise _corrupt(path, f"line {number}: {problem}")
        chunks.append(chunk)
    return chunks


@contextmanager
def new_version(kb_dir: str | Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success publish it as the current version.

    On any exception the staging directory is removed and ``current`` is untouched.
    What a killed ingest left behind (staging directories, temporary links) is removed
    first; older versions are pruned after a successful swap (the previous one is kept).
    """
    root = Path(kb_dir).expanduser()
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    remove_leftovers(root)
    with _staging(versions) as staging:
        yield staging
        final = versions / (time.strftime("%Y%m%d-%H%M%S-") + staging.name[-6:])
        os.replace(staging, final)
        _point_current(root, final)
    _prune(versions, keep={final.name, _previous_name(root)})


@contextmanager
def _staging(versions: Path) -> Iterator[Path]:
    """A new ``.staging-*`` directory, owned while its ``.lock`` file is locked by this process.

    The lock file is created (and locked) before the directory and removed after it, so a
    staging directory without one, or whose lock can be taken, belongs to no running ingest.
    The kernel drops the lock when its process dies, even by SIGKILL.
    """
    handle, staging = _locked_name(versions)
    try:
        staging.mkdir()
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        Path(f"{staging}{LOCK_SUFFIX}").unlink(missing_ok=True)
        handle.close()


def _locked_name(versions: Path) -> tuple[IO[bytes], Path]:
    while True:
        fd, name = tempfile.mkstemp(dir=versions, prefix=STAGING_PREFIX, suffix=LOCK_SUFFIX)
        handle = os.fdopen(fd, "wb")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(name).st_ino == os.fstat(fd).st_ino:  # not taken away as stale meanwhile
                return handle, Path(name[: -len(LOCK_SUFFIX)])
        except OSError:
            pass  # a cleaner holds it or removed it between creation and locking: take another
        handle.close()


def remove_leftovers(kb_dir: str | Path) -> list[str]:
    """Remove what killed ingests left in ``kb_dir``: staging directories no running ingest
    owns, their lock files, and temporary ``current`` links of dead processes; return their names.

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> (root / "versions" / ".staging-dead01").mkdir(parents=True)
    >>> remove_leftovers(root), list((root / "versions").iterdir())
    (['.staging-dead01'], [])
    """
    root = Path(kb_dir).expanduser()
    removed: list[str] = []
    versions = root / "versions"
    if versions.is_dir():
        names = {p.name.removesuffix(LOCK_SUFFIX) for p in versions.iterdir() if p.name.startswith(STAGING_PREFIX)}
        removed += [name for name in sorted(names) if _remove_if_stale(versions / name)]
    for link in root.glob(".current-*"):
        pid = link.name.removeprefix(".current-")
        if link.is_symlink() and (not pid.isdigit() or not _alive(int(pid))):
            link.unlink(missing_ok=True)
            removed.append(link.name)
    return removed


def _remove_if_stale(staging: Path) -> bool:
    lock = Path(f"{staging}{LOCK_SUFFIX}")
    try:
        handle = lock.open("rb")
    except FileNotFoundError:  # no lock: its owner is gone (or it has just been renamed away)
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
            return True
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a running ingest owns it
        shutil.rmtree(staging, ignore_errors=True)  # the directory first, then its lock
        lock.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        if child.name not in keep and not child.name.startswith(STAGING_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
