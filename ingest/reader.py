"""Read one document from disk: decode it, split off YAML front matter, refuse what is not text.

>>> doc = parse_text("---\\ntitle: 笔记\\ntags: [AI]\\n---\\n# 标题\\n正文", name="a.md")
>>> doc.metadata["title"], doc.body_start_line, doc.text.splitlines()[0]
('笔记', 5, '# 标题')
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kb.errors import DocumentError

SUFFIXES = (".md", ".markdown", ".txt")
MAX_BYTES = 2 * 1024 * 1024  # a roadmap is a few dozen KB; beyond this it is not one


@dataclass(frozen=True)
class RawDocument:
    """A decoded document, before any parsing."""

    name: str  #: file name, unique within one ingest
    text: str  #: body text (front matter removed, line numbers kept via ``body_start_line``)
    sha256: str  #: hash of the file's bytes, to detect unchanged documents
    metadata: dict[str, Any] = field(default_factory=dict)  #: front matter (title, date, tags …)
    body_start_line: int = 1  #: line number of the first line of ``text`` in the file


def read_document(path: Path) -> RawDocument:
    """Read and decode ``path``; raise ``DocumentError`` naming the file and the problem.

    A symbolic link is refused, not followed (``find_documents`` resolves the ones named on
    the command line), and so is anything that is not a regular file.
    """
    data = _read_regular_file(path)
    text = decode(data, path.name)
    doc = parse_text(text, path.name, sha256=hashlib.sha256(data).hexdigest())
    if not doc.text.strip():
        what = "only front matter" if doc.metadata else "no text"
        raise DocumentError(f"{path.name}: the document has {what}; skipped.")
    return doc


def _read_regular_file(path: Path) -> bytes:
    try:
        # O_NOFOLLOW: a link swapped in after the folder was listed is still not followed;
        # O_NONBLOCK: a FIFO named like a document must not hang the ingest.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DocumentError(f"{path.name}: a symbolic link; skipped (links are not followed).") from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(f"{path.name}: not a regular file; skipped.")
        if info.st_size > MAX_BYTES:
            raise DocumentError(
                f"{path.name}: {info.st_size / 1e6:.1f} MB is over the {MAX_BYTES // (1024 * 1024)} MB limit "
                "for one roadmap document; skipped. Split it into smaller documents."
            )
        return handle.read(MAX_BYTES + 1)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030; binary data is refused.

    >>> decode("线性代数".encode("gb18030"), "x.txt")
    '线性代数'
    >>> decode(b"\\xef\\xbb\\xbfhi", "x.txt")
    'hi'
    """
    if b"\x00" in data:  # anywhere: text never holds NUL, and later steps must not see one
        raise DocumentError(f"{name}: looks like a binary file (NUL bytes), not text; skipped.")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name}: neither UTF-8 nor GB18030 text; skipped. Re-save it as UTF-8.")


def parse_text(text: str, name: str, sha256: str = "") -> RawDocument:
    """Split YAML front matter (``---`` … ``---`` at the very top) from the body."""
    if not sha256:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, min(len(lines), 200)):
            if lines[end].strip() in ("---", "..."):
                metadata = _load_front_matter("\n".join(lines[1:end]))
                body = "\n".join(lines[end + 1 :])
                return RawDocument(name, body, sha256, metadata, body_start_line=end + 2)
    return RawDocument(name, text, sha256)


def _load_front_matter(block: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): ("" if v is None else v) for k, v in data.items()}


def find_documents(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and folders into document files; also return warnings for what was skipped.

    Inside a folder nothing is followed out of it: symbolic links are skipped with a warning,
    and so are folders named like documents (``notes.md/``); hidden entries are ignored.
    A path named on the command line is taken as given (resolved if it is a link).
    """
    found: list[Path] = []
    warnings: list[str] = []
    for path in paths:
        if path.is_dir():
            docs, skipped = _walk(path, warnings)
            if skipped:
                warnings.append(f"{path}: skipped {len(skipped)} file(s) that are not .md/.markdown/.txt: "
                                + ", ".join(skipped[:5]))
            if not docs:
                warnings.append(f"{path}: no .md, .markdown or .txt documents in this folder.")
            found.extend(docs)
        elif path.is_file() and path.suffix.lower() in SUFFIXES:
            found.append(path.resolve() if path.is_symlink() else path)
        elif path.is_file():
            warnings.append(f"{path}: not a .md, .markdown or .txt document; skipped.")
        else:
            warnings.append(f"{path}: no such file or folder.")
    return found, warnings


def _walk(folder: Path, warnings: list[str]) -> tuple[list[Path], list[str]]:
    """Document files below ``folder`` (sorted) and the names of other files, links not followed."""
    docs: list[Path] = []
    others: list[str] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            warnings.append(f"{current}: cannot be listed ({exc.strerror}); skipped.")
            continue
        for entry in entries:
            path, is_doc = Path(entry.path), Path(entry.name).suffix.lower() in SUFFIXES
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                warnings.append(f"{path}: a symbolic link (to {os.readlink(path)}); skipped, links inside a "
                                "documents folder are not followed. Copy the file into the folder instead.")
            elif entry.is_dir(follow_symlinks=False):
                if is_doc:
                    warnings.append(f"{path}: a folder named like a document; skipped. Rename it.")
                else:
                    pending.append(path)
            elif is_doc:
                docs.append(path)  # a FIFO or device named like a document is refused when read
            else:
                others.append(entry.name)
    return sorted(docs), others
