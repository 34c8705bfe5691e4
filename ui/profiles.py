"""Learner profiles: what a learner knows, is learning and skips, plus a goal, kept in a local JSON file.

One profile per file, ``<root>/<name>.json``, written atomically (``kb.store.write_json``)
so a crash never leaves half a profile behind.

>>> import tempfile
>>> store = ProfileStore(Path(tempfile.mkdtemp()))
>>> store.save(Profile(name="ana", known=("Python",), goal="多头注意力"))
>>> store.load("ana").known
('Python',)
>>> store.load("nobody").known
()
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kb.errors import RoadmapError
from kb.settings import user_data_dir
from kb.store import write_json

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[\w.-]{1,64}$")
STATES = ("known", "learning", "skip")


@dataclass(frozen=True)
class Profile:
    """One learner's state, shared by the chat, the study path and the graph."""

    name: str = "default"  #: profile name, also the file name
    known: tuple[str, ...] = ()  #: topic names the learner already knows
    learning: tuple[str, ...] = ()  #: topic names being learned now
    skip: tuple[str, ...] = ()  #: topic names the learner does not want on a path
    goal: str = ""  #: the topic the learner is heading for, may be empty
    extra: dict[str, Any] = field(default_factory=dict)  #: unknown keys read from the file, kept as is

    def with_states(self, known: list[str], learning: list[str], skip: list[str]) -> Profile:
        """A copy with new topic states; a topic listed twice keeps its first state (known wins)."""
        k = tuple(dict.fromkeys(known))
        le = tuple(t for t in dict.fromkeys(learning) if t not in k)
        s = tuple(t for t in dict.fromkeys(skip) if t not in k and t not in le)
        return replace(self, known=k, learning=le, skip=s)

    def to_json(self) -> dict[str, Any]:
        """The JSON form written to disk."""
        data = {**self.extra, **asdict(self)}
        data.pop("extra")
        return data


def check_name(name: str) -> str:
    """``name`` if it is a safe file name for a profile, else ``RoadmapError``.

    >>> check_name("ana-2")
    'ana-2'
    """
    if not _NAME.match(name or "") or name.startswith("."):
        raise RoadmapError(f"Profile name {name!r} is not allowed: use 1-64 letters, digits, '-', '_' or '.'.")
    return name


def profile_from_json(name: str, data: Any) -> Profile:
    """A profile from the JSON read from disk, tolerating missing or malformed fields."""
    if not isinstance(data, dict):
        return Profile(name=name)

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    extra = {k: v for k, v in data.items() if k not in {"name", *STATES, "goal"}}
    return Profile(name=name, known=names("known"), learning=names("learning"), skip=names("skip"),
                   goal=str(data.get("goal") or ""), extra=extra)


class ProfileStore:
    """Profiles kept as JSON files in one folder (default: ``user_data_dir()/profiles``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else user_data_dir() / "profiles"

    def path(self, name: str) -> Path:
        """The file of profile ``name``."""
        return self.root / f"{check_name(name)}.json"

    def load(self, name: str) -> Profile:
        """The profile ``name``; an empty one when it does not exist yet or cannot be read."""
        path = self.path(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Profile(name=name)
        except (OSError, ValueError) as exc:
            log.warning("profile %s is unreadable (%s); starting from an empty one", path, exc)
            return Profile(name=name)
        return profile_from_json(name, data)

    def save(self, profile: Profile) -> None:
        """Write ``profile`` atomically."""
        write_json(self.path(profile.name), profile.to_json())

    def names(self) -> list[str]:
        """Names of the saved profiles, sorted."""
        return sorted(p.stem for p in self.root.glob("*.json")) if self.root.is_dir() else []
