"""Learner profiles: what a learner knows, is learning and skips, plus a goal, kept in one SQLite file.

The store is ``<root>/profiles.sqlite3`` in WAL mode. Each save is one transaction, so a
crash never leaves half a profile, and many sessions (threads or processes) saving at once
lose nothing; the version a save replaces moves to a history table (the last
``KEEP_VERSIONS`` are kept). What cannot be read is kept aside, never overwritten: an
unreadable store file is renamed ``profiles.sqlite3.corrupt-<time>``, an unreadable profile
moves to the ``set_aside`` table and its newest readable version comes back, and the call
that found it raises ``CorruptProfileError`` so the UI says so. Profiles of the earlier JSON
files (``<root>/<name>.json``) are imported the first time they are read.

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
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from kb.errors import RoadmapError
from kb.settings import user_data_dir

log = logging.getLogger(__name__)

_NAME = re.compile(r"[\w.-]{1,64}")
STATES = ("known", "learning", "skip")
DB_NAME = "profiles.sqlite3"
KEEP_VERSIONS = 5  #: earlier versions of each profile kept in the history table
BUSY_SECONDS = 30.0  #: how long a save waits for another session's save to finish
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (name TEXT PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL,
                                     saved REAL NOT NULL);
CREATE TABLE IF NOT EXISTS history (name TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
                                    saved REAL NOT NULL, PRIMARY KEY (name, version));
CREATE TABLE IF NOT EXISTS set_aside (name TEXT NOT NULL, data BLOB, found REAL NOT NULL, reason TEXT NOT NULL);
"""


class _MovedAside(RoadmapError):
    """The store file was unreadable and has just been moved aside (its message says where)."""


class CorruptProfileError(RoadmapError):
    """A profile or the whole store could not be read; it was kept aside and ``recovered`` is used instead."""

    def __init__(self, message: str, recovered: Profile) -> None:
        super().__init__(message)
        self.recovered = recovered  #: the profile the app goes on with (a restored version, or an empty one)


@dataclass(frozen=True)
class Profile:
    """One learner's state, shared by the chat, the study path and the graph."""

    name: str = "default"  #: profile name
    known: tuple[str, ...] = ()  #: topic names the learner already knows
    learning: tuple[str, ...] = ()  #: topic names being learned now
    skip: tuple[str, ...] = ()  #: topic names the learner does not want on a path
    goal: str = ""  #: the topic the learner is heading for, may be empty
    extra: dict[str, Any] = field(default_factory=dict)  #: unknown keys read from the store, kept as is

    def with_states(self, known: list[str], learning: list[str], skip: list[str]) -> Profile:
        """A copy with new topic states; a topic listed twice keeps its first state (known wins)."""
        k = tuple(dict.fromkeys(known))
        le = tuple(t for t in dict.fromkeys(learning) if t not in k)
        s = tuple(t for t in dict.fromkeys(skip) if t not in k and t not in le)
        return replace(self, known=k, learning=le, skip=s)

    def to_json(self) -> dict[str, Any]:
        """The JSON form stored."""
        data = {**self.extra, **asdict(self)}
        data.pop("extra")
        return data


def check_name(name: str) -> str:
    """``name`` if it is an allowed profile name, else ``RoadmapError`` (the whole name must match).

    >>> check_name("ana-2")
    'ana-2'
    >>> check_name("evil\\n")
    Traceback (most recent call last):
    ...
    kb.errors.RoadmapError: Profile name 'evil\\n' is not allowed: use 1-64 letters, digits, '-', '_' or '.' (not first).
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name.startswith("."):
        raise RoadmapError(f"Profile name {name!r} is not allowed: use 1-64 letters, digits, '-', '_' or '.' "
                           "(not first).")
    return name


def profile_from_json(name: str, data: Any) -> Profile:
    """A profile from stored JSON, tolerating missing or malformed fields.

    >>> profile_from_json("ana", {"known": ["A", 1], "learning": "x", "theme": "dark"})
    Profile(name='ana', known=('A', '1'), learning=(), skip=(), goal='', extra={'theme': 'dark'})
    """
    if not isinstance(data, dict):
        return Profile(name=name)

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    extra = {k: v for k, v in data.items() if k not in {"name", *STATES, "goal"}}
    return Profile(name=name, known=names("known"), learning=names("learning"), skip=names("skip"),
                   goal=str(data.get("goal") or ""), extra=extra)


def _parse(data: Any) -> dict[str, Any]:
    """A stored profile's JSON object; ``ValueError`` when it is not one."""
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _aside_path(path: Path) -> Path:
    """A new name beside ``path`` for keeping it aside: ``<name>.corrupt-<time>[.<n>]``, never an existing one."""
    base = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    candidate, n = base, 1
    while candidate.exists():
        candidate, n = base.with_name(f"{base.name}.{n}"), n + 1
    return candidate


class ProfileStore:
    """Profiles in one SQLite file in ``root`` (default: ``user_data_dir()/profiles``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else user_data_dir() / "profiles"
        self.db_path = self.root / DB_NAME
        self._setup = threading.Lock()  # one thread at a time creates the tables or moves a corrupt file aside
        self._ready = False  #: whether this store has made sure of its tables (WAL mode persists in the file)

    # -- reading and writing -------------------------------------------------------------------

    def load(self, name: str) -> Profile:
        """The profile ``name`` (empty when new); ``CorruptProfileError`` once if it was unreadable."""
        check_name(name)
        return self._once_more_if_moved(lambda: self._load(name))

    def _load(self, name: str) -> Profile:
        with self._connection() as db:
            row = db.execute("SELECT data FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            return self._import_json(name)
        try:
            return profile_from_json(name, _parse(row[0]))
        except ValueError:
            return self._update(name, lambda p: p)  # sets the row aside and says so

    def save(self, profile: Profile) -> None:
        """Store ``profile`` (one transaction; the version it replaces goes to the history)."""
        self.update(profile.name, lambda _: profile)

    def update(self, name: str, change: Callable[[Profile], Profile]) -> Profile:
        """Read, ``change`` and write profile ``name`` in one transaction: concurrent updates never interleave."""
        check_name(name)
        return self._once_more_if_moved(lambda: self._update(name, change))

    def _update(self, name: str, change: Callable[[Profile], Profile]) -> Profile:
        problem = ""
        with self._transaction() as db:
            row = db.execute("SELECT data FROM profiles WHERE name = ?", (name,)).fetchone()
            current = Profile(name=name)
            if row is not None:
                try:
                    current = profile_from_json(name, _parse(row[0]))
                except ValueError as exc:
                    current, problem = self._set_row_aside(db, name, row[0], str(exc))
            new = replace(change(current), name=name)
            self._write(db, new)
        if problem:
            raise CorruptProfileError(problem, new)
        return new

    def names(self) -> list[str]:
        """Names of the saved profiles (and of earlier JSON files not imported yet), sorted."""
        with self._connection() as db:  # a store moved aside raises _MovedAside: nothing to list from it
            stored = {r[0] for r in db.execute("SELECT name FROM profiles")}
        legacy = {p.stem for p in self.root.glob("*.json")}
        return sorted(stored | legacy)

    def versions(self, name: str) -> list[Profile]:
        """The earlier versions of profile ``name`` kept in the history, newest first."""
        with self._connection() as db:
            rows = db.execute("SELECT data FROM history WHERE name = ? ORDER BY version DESC",
                              (check_name(name),)).fetchall()
        return [profile_from_json(name, json.loads(r[0])) for r in rows]

    def _write(self, db: sqlite3.Connection, profile: Profile) -> None:
        data = json.dumps(profile.to_json(), ensure_ascii=False)
        db.execute("INSERT OR REPLACE INTO history SELECT name, version, data, saved FROM profiles WHERE name = ?",
                   (profile.name,))
        db.execute("INSERT INTO profiles VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET "
                   "data = excluded.data, version = profiles.version + 1, saved = excluded.saved",
                   (profile.name, data, time.time()))
        db.execute("DELETE FROM history WHERE name = ? AND version <= "
                   "(SELECT version FROM profiles WHERE name = ?) - ? - 1", (profile.name, profile.name, KEEP_VERSIONS))

    # -- what cannot be read is kept aside -----------------------------------------------------

    def _set_row_aside(self, db: sqlite3.Connection, name: str, data: Any, reason: str) -> tuple[Profile, str]:
        """Move an unreadable profile row to ``set_aside``; (its newest readable version, the message)."""
        db.execute("INSERT INTO set_aside VALUES (?, ?, ?, ?)", (name, data, time.time(), reason))
        db.execute("DELETE FROM profiles WHERE name = ?", (name,))
        for (old,) in db.execute("SELECT data FROM history WHERE name = ? ORDER BY version DESC", (name,)):
            try:
                restored = profile_from_json(name, _parse(old))
            except ValueError:
                continue
            return restored, (f"Profile '{name}' was unreadable ({reason}); it was kept aside in {self.db_path} "
                              "(table set_aside) and its previous version was restored.")
        return Profile(name=name), (f"Profile '{name}' was unreadable ({reason}); it was kept aside in "
                                    f"{self.db_path} (table set_aside) and an empty profile starts.")

    def _import_json(self, name: str) -> Profile:
        """Profile ``name`` from an earlier ``<name>.json`` file (stored now), or a new empty one."""
        path = self.root / f"{name}.json"
        try:
            data = _parse(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Profile(name=name)
        except (OSError, ValueError) as exc:
            aside = _aside_path(path)
            path.replace(aside)
            raise CorruptProfileError(f"Profile file {path} was unreadable ({exc}); it was kept as {aside} "
                                      "and an empty profile starts.", Profile(name=name)) from None
        return self._update(name, lambda _: profile_from_json(name, data))

    # -- connections ---------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode; an unreadable store file is moved aside (``CorruptProfileError``)."""
        self.root.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.db_path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            if not self._ready:
                with self._setup:
                    if not self._ready:  # the tables appear in one transaction: no session sees half of them
                        _wal(db)
                        db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
                        self._ready = True
            yield db
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _CORRUPT:
                raise
            db.close()
            raise _MovedAside(self._move_store_aside(exc)) from None
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``), so read-change-write cannot interleave."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                with suppress(sqlite3.Error):  # a corrupt file may refuse even that; the error below says why
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _once_more_if_moved(self, call: Callable[[], Profile]) -> Profile:
        """``call()``; if it found the store unreadable (and moved it aside), ``call()`` again on a new store
        and raise ``CorruptProfileError`` carrying its result, so the learner is told and nothing else is lost."""
        try:
            return call()
        except _MovedAside as moved:
            raise CorruptProfileError(str(moved), call()) from None

    def _move_store_aside(self, exc: Exception) -> str:
        with self._setup:
            self._ready = False
            aside = _aside_path(self.db_path)
            for suffix in ("", "-wal", "-shm"):
                part = Path(f"{self.db_path}{suffix}")
                if part.exists():
                    part.replace(f"{aside}{suffix}")
        log.error("profile store %s was unreadable (%s); moved to %s", self.db_path, exc, aside)
        return (f"The profile store {self.db_path} was unreadable ({exc}); it was kept as {aside} "
                "and a new, empty store starts.")


def _wal(db: sqlite3.Connection) -> None:
    """Put the store in WAL mode, waiting up to ``BUSY_SECONDS`` for other sessions doing the same.

    SQLite answers a journal-mode change that meets another connection's lock with "database is locked" at
    once, without waiting (its busy timeout does not apply there): 24 sessions opening a new store together lost
    saves that way. The mode is kept in the file, so a store already in WAL mode needs nothing.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    pause = 0.005
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)
