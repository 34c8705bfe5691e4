"""The profile store: atomic SQLite saves with history, corrupt data kept aside and reported, no lost saves."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from kb import Roadmap, RoadmapError
from rag.answering.events import Answer, Done, Event
from ui.chat import ChatHandler
from ui.profiles import DB_NAME, KEEP_VERSIONS, CorruptProfileError, Profile, ProfileStore
from ui.study import StudyHandler

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:gradio.helpers")  # gr.Warning outside a request


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles")


def rows(store: ProfileStore, sql: str) -> list[tuple]:
    with sqlite3.connect(store.db_path) as db:
        return db.execute(sql).fetchall()


# -- saving -------------------------------------------------------------------------------------


def test_a_profile_survives_a_restart_in_a_wal_mode_store(store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("A",), learning=("B",), skip=("C",), goal="D", extra={"theme": "x"}))
    again = ProfileStore(store.root)  # a fresh store: what survives a restart
    assert again.load("ana") == Profile("ana", ("A",), ("B",), ("C",), "D", {"theme": "x"})
    assert rows(store, "PRAGMA journal_mode") == [("wal",)]
    assert {p.name for p in store.root.iterdir()} <= {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"}


def test_each_save_keeps_the_previous_versions(store: ProfileStore) -> None:
    for n in range(KEEP_VERSIONS + 3):
        store.save(Profile(name="ana", known=tuple(f"t{i}" for i in range(n + 1))))
    versions = store.versions("ana")
    assert len(versions) == KEEP_VERSIONS
    assert [len(v.known) for v in versions] == list(range(KEEP_VERSIONS + 2, 2, -1))  # newest first
    assert len(store.load("ana").known) == KEEP_VERSIONS + 3


# -- what cannot be read is kept aside and reported ----------------------------------------------


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(3000))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + b"\0garbage" * 64)


@pytest.mark.parametrize("damage", [_random_bytes, _truncated])
def test_an_unreadable_store_is_kept_aside_and_reported(store: ProfileStore, damage: Callable[[Path], None]) -> None:
    for n in range(40):  # enough rows for several pages, so a cut file is really damaged
        store.save(Profile(name=f"p{n}", known=tuple(f"topic {i} " * 20 for i in range(5))))
    (store.root / f"{DB_NAME}-wal").unlink(missing_ok=True)
    damage(store.db_path)
    broken = store.db_path.read_bytes()
    with pytest.raises(CorruptProfileError, match=r"unreadable .*kept as .*corrupt-") as caught:
        for n in range(40):
            store.load(f"p{n}")
    assert caught.value.recovered.known == ()
    aside = [p for p in store.root.glob(f"{DB_NAME}.corrupt-*") if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() for p in aside] == [broken]  # kept as it was, never overwritten
    store.save(Profile(name="p1", known=("again",)))  # the new store works
    assert store.load("p1").known == ("again",)


def test_a_save_into_an_unreadable_store_is_kept_in_the_new_one(store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("A",)))
    _random_bytes(store.db_path)
    with pytest.raises(CorruptProfileError) as caught:
        store.save(Profile(name="ana", known=("B",)))
    assert caught.value.recovered.known == ("B",)
    assert store.load("ana").known == ("B",)


@pytest.mark.parametrize(("bad", "reason"), [("{not json", "Expecting"), ("[1, 2]", "JSON object")])
def test_an_unreadable_profile_is_set_aside_and_its_previous_version_restored(
        store: ProfileStore, bad: str, reason: str) -> None:
    store.save(Profile(name="ana", known=("A",)))
    store.save(Profile(name="ana", known=("A", "B")))
    with sqlite3.connect(store.db_path) as db:
        db.execute("UPDATE profiles SET data = ? WHERE name = 'ana'", (bad,))
    with pytest.raises(CorruptProfileError, match=f"Profile 'ana' was unreadable .*{reason}.*previous version"):
        store.load("ana")
    assert rows(store, "SELECT name, data FROM set_aside") == [("ana", bad)]
    assert store.load("ana").known == ("A",)  # reported once; the restored version stays


def test_an_unreadable_profile_without_history_starts_empty_and_says_so(store: ProfileStore) -> None:
    store.save(Profile(name="bo", known=("A",)))
    with sqlite3.connect(store.db_path) as db:
        db.execute("UPDATE profiles SET data = 'null' WHERE name = 'bo'")
    with pytest.raises(CorruptProfileError, match="empty profile starts") as caught:
        store.load("bo")
    assert caught.value.recovered == Profile(name="bo")


def test_profiles_of_the_earlier_json_files_are_imported_and_a_corrupt_one_kept(store: ProfileStore) -> None:
    store.root.mkdir(parents=True)
    (store.root / "ana.json").write_text(json.dumps({"name": "ana", "known": ["A"], "goal": "G"}), encoding="utf-8")
    (store.root / "bo.json").write_text("{not json", encoding="utf-8")
    assert store.load("ana") == Profile(name="ana", known=("A",), goal="G")
    with pytest.raises(CorruptProfileError, match=r"bo\.json was unreadable"):
        store.load("bo")
    assert [p.read_text(encoding="utf-8") for p in store.root.glob("bo.json.corrupt-*")] == ["{not json"]
    assert store.load("bo") == Profile(name="bo")
    assert store.names() == ["ana"]  # loading saves nothing


def test_the_app_shows_an_unreadable_profile(fixture_kb: Path, store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("数学",)))
    store.save(Profile(name="ana", known=("数学", "Python")))
    with sqlite3.connect(store.db_path) as db:
        db.execute("UPDATE profiles SET data = '{' WHERE name = 'ana'")
    known, _, _, _, note = StudyHandler(Roadmap.load(fixture_kb), store).load_profile("ana")
    assert known == ["数学"] and "unreadable" in note and "kept aside" in note and note.startswith("✗")


# -- many sessions at once -----------------------------------------------------------------------


def _append(root: Path, name: str, topics: list[str]) -> None:
    store = ProfileStore(root)
    for topic in topics:
        store.update(name, lambda p, t=topic: p.with_states([*p.known, t], [], []))


def test_concurrent_saves_from_many_threads_lose_nothing(store: ProfileStore) -> None:
    threads = [threading.Thread(target=_append, args=(store.root, "shared", [f"t{i}-{j}" for j in range(20)]))
               for i in range(12)]
    threads += [threading.Thread(target=_append, args=(store.root, f"own{i}", ["x", "y"])) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.load("shared").known) == 12 * 20
    assert all(store.load(f"own{i}").known == ("x", "y") for i in range(12))


def test_many_sessions_opening_a_new_store_together_lose_nothing(tmp_path: Path) -> None:
    """The first opening sets WAL mode; SQLite refuses that at once while another session holds a lock."""
    for run in range(15):
        root = tmp_path / f"store{run}"
        threads = [threading.Thread(target=_append, args=(root, "shared", [f"t{i}-{j}" for j in range(3)]))
                   for i in range(12)]
        threads += [threading.Thread(target=_append, args=(root, f"own{i}", ["x"])) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        store = ProfileStore(root)
        assert len(store.load("shared").known) == 12 * 3
        assert all(store.load(f"own{i}").known == ("x",) for i in range(12))


def test_concurrent_saves_from_many_processes_lose_nothing(store: ProfileStore) -> None:
    store.save(Profile(name="shared"))
    code = ("import sys; from pathlib import Path; from ui.profiles import ProfileStore\n"
            "s = ProfileStore(Path(sys.argv[1]))\n"
            "for j in range(15):\n"
            "    s.update('shared', lambda p, j=j: p.with_states([*p.known, f'{sys.argv[2]}-{j}'], [], []))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(store.root), f"p{i}"], cwd=ROOT) for i in range(4)]
    assert [p.wait(120) for p in procs] == [0] * 4
    assert len(store.load("shared").known) == 4 * 15


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["evil\n", "ana\n\n", "../etc/passwd", "", ".hidden", "a/b", "x" * 65, "a b"])
def test_names_must_match_whole(store: ProfileStore, name: str) -> None:
    with pytest.raises(RoadmapError, match=r"Profile name .* is not allowed: use 1-64 letters"):
        store.save(Profile(name=name))
    with pytest.raises(RoadmapError, match="Profile name"):
        store.load(name)


def test_allowed_names(store: ProfileStore) -> None:
    for name in ("ana", "学习者-2", "a.b_c", "x" * 64):
        store.save(Profile(name=name, known=("A",)))
        assert store.load(name).known == ("A",)


class _Backend:
    def stream(self, question: str, known: Sequence[str] = (), history: Sequence[tuple[str, str]] = ()
               ) -> Iterator[Event]:
        yield Done(Answer("答案", (), (), (), ()))


def test_the_chat_shows_an_unreadable_store(store: ProfileStore) -> None:
    store.save(Profile(name="ana", known=("A",)))
    _random_bytes(store.db_path)
    views = list(ChatHandler(_Backend(), store).respond("问题", [], "ana"))
    assert "unreadable" in views[-1][3] and "kept as" in views[-1][3]  # the check box under the chat
    assert list(ChatHandler(_Backend(), store).respond("问题", [], "ana"))[-1][3] == ""  # said once
