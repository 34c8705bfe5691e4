"""Issue 12 item 1: what a killed ingest leaves is removed by the next one, a running one's never."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from ingest import build
from kb.store import LOCK_SUFFIX, new_version, remove_leftovers, resolve


def test_stale_staging_directories_and_links_are_removed_by_the_next_ingest(tmp_path: Path,
                                                                             fixture_docs: Path) -> None:
    kb = tmp_path / "kb"
    build([fixture_docs], kb)
    versions = kb / "versions"
    (versions / ".staging-old0001").mkdir()  # left by an ingest of the previous program (no lock)
    (versions / ".staging-old0001" / ".index.faiss.x.faiss").write_bytes(b"half")
    (versions / ".staging-dead02").mkdir()  # left with its lock file, whose owner died
    (versions / f".staging-dead02{LOCK_SUFFIX}").touch()
    (versions / f".staging-gone03{LOCK_SUFFIX}").touch()  # killed after the rename
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    os.symlink("versions/x", kb / f".current-{dead.stdout.strip()}")
    build([fixture_docs], kb)
    assert sorted(p.name for p in versions.iterdir()) == sorted({resolve(kb).name, os.readlink(kb / ".previous")
                                                                 .rsplit("/", 1)[-1]})
    assert sorted(p.name for p in kb.iterdir()) == [".previous", "current", "versions"]


def test_a_running_ingest_keeps_its_staging_directory(tmp_path: Path, fixture_docs: Path) -> None:
    kb = tmp_path / "kb"
    build([fixture_docs], kb)
    with new_version(kb) as staging:
        (staging / "graph.json").write_text("{}")
        assert remove_leftovers(kb) == []  # another ingest starting now
        build([fixture_docs], kb)  # and finishing meanwhile
        assert staging.is_dir() and Path(f"{staging}{LOCK_SUFFIX}").exists()
    assert not staging.exists() and not Path(f"{staging}{LOCK_SUFFIX}").exists()


def test_a_lock_held_by_another_process_protects_its_directory(tmp_path: Path) -> None:
    versions = tmp_path / "kb" / "versions"
    (versions / ".staging-live01").mkdir(parents=True)
    lock = versions / f".staging-live01{LOCK_SUFFIX}"
    lock.touch()
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'rb'); "
                               "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)", str(lock)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert remove_leftovers(tmp_path / "kb") == []
        assert (versions / ".staging-live01").is_dir()
    finally:
        holder.kill()
        holder.wait()
    assert remove_leftovers(tmp_path / "kb") == [".staging-live01"]  # the kernel dropped the lock
    assert list(versions.iterdir()) == []


def test_the_lock_is_taken_before_the_directory_exists(tmp_path: Path) -> None:
    with new_version(tmp_path / "kb") as staging:
        with open(f"{staging}{LOCK_SUFFIX}", "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = False
            except BlockingIOError:
                locked = True
        assert locked and staging.is_dir()
