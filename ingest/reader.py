"""Read one document from disk: decode it, split off YAML front matter, refuse what is not text.

>>> doc = parse_text("---\\ntitle: 笔记\\ntags: [AI]\\n---\\n# 标题\\n正文", name="a.md")
>>> doc.metadata["title"], doc.body_start_line, doc.text.splitlines()[0]
('笔记', 5, '# 标题')
"""

from __future__ import annotations

import hashlib
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
    """Read and decode ``path``; raise ``DocumentError`` naming the file and the problem."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise DocumentError(
            f"{path.name}: {len(data) / 1e6:.1f} MB is over the {MAX_BYTES // (1024 * 1024)} MB limit "
            "for one roadmap document; skipped. Split it into smaller documents."
        )
    text = decode(data, path.name)
    doc = parse_text(text, path.name, sha256=hashlib.sha256(data).hexdigest())
    if not doc.text.strip():
        what = "only front matter" if doc.metadata else "no text"
        raise DocumentError(f"{path.name}: the document has {what}; skipped.")
    return doc


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030; binary data is refused.

    >>> decode("线性代数".encode("gb18030"), "x.txt")
    '线性代数'
    >>> decode(b"\\xef\\xbb\\xbfhi", "x.txt")
    'hi'
    """
    if b"\x00" in data[:8192]:
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
    """Expand files and folders into document files; also return warnings for what was skipped."""
    found: list[Path] = []
    warnings: list[str] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            docs = [p for p in files if p.suffix.lower() in SUFFIXES]
            skipped = [p.name for p in files if p.suffix.lower() not in SUFFIXES]
            if skipped:
                warnings.append(f"{path}: skipped {len(skipped)} file(s) that are not .md/.markdown/.txt: "
                                + ", ".join(skipped[:5]))
            if not docs:
                warnings.append(f"{path}: no .md, .markdown or .txt documents in this folder.")
            found.extend(docs)
        elif path.is_file():
            found.append(path)
        else:
            warnings.append(f"{path}: no such file or folder.")
    return found, warnings
