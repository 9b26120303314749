"""An event-log import never locks editors out, and a killed one leaves nothing visible.

Real processes on a real database file: the import runs through ``python -m journey events
import`` while a worker process (``tests/workers.py stream``) saves stage edits as fast as it
can; every save must succeed. Then an import is SIGKILLed half-way through storing: no event log
appears, and the next import (or :meth:`Store.discard_abandoned_imports`) removes its rows.
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest

from journey.storage import Store

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRIAL = 2


@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> pathlib.Path:
    """About 270,000 events: a few seconds to import on this machine."""
    path = tmp_path_factory.mktemp("logs") / "big.parquet"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "generate_events.py"),
            "--customers",
            "40000",
            "--seed",
            "3",
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def db_file(seeded_db) -> pathlib.Path:
    return seeded_db


def start_import(db: pathlib.Path, log: pathlib.Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journey",
            "events",
            "import",
            str(log),
            "--journey",
            str(TRIAL),
            "--db",
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_editor(db: pathlib.Path) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "workers.py"), "stream", str(db), "1", "editor", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    return proc, lines


def test_stage_saves_by_another_process_all_succeed_while_an_import_runs(db_file, big_log):
    editor, lines = start_editor(db_file)
    importer = start_import(db_file, big_log)
    progress: list[tuple[float, str]] = []  # (when, line) of the importer's progress
    for line in importer.stderr:
        progress.append((time.time(), line))
    importer.wait(timeout=600)
    os.kill(editor.pid, signal.SIGKILL)
    editor.wait()
    assert importer.returncode == 0, progress[-3:]
    reports = [json.loads(line) for line in lines if line.endswith("\n")]
    assert [r for r in reports if "error" in r] == []  # no "database is locked", no busy
    # While the rows were being stored (first "Stored" line to the last), saves went on
    # committing: the import never held the write lock for the whole of it.
    stored = [when for when, line in progress if "] Stored " in line]
    during = [r for r in reports if r["ok"] and stored[0] < r["at"] < stored[-1]]
    assert len(stored) >= 3 and len(during) >= 3
    store = Store(db_file)
    assert [d.name for d in store.event_datasets(TRIAL)] == ["big.parquet"]


def staged_rows(db: pathlib.Path) -> int:
    store = Store(db)
    try:
        return store.conn.execute(
            "SELECT count(*) FROM events WHERE dataset_id IN (SELECT id "
            "FROM event_datasets WHERE state = 'staging')"
        ).fetchone()[0]
    finally:
        store.close()


def test_a_killed_import_leaves_nothing_visible_and_its_rows_are_removed_later(db_file, big_log):
    before = Store(db_file).event_datasets(TRIAL)
    importer = start_import(db_file, big_log)
    deadline = time.monotonic() + 300
    while staged_rows(db_file) == 0:  # wait until it is half-way through storing
        assert importer.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    store = Store(db_file)
    assert store.integrity_check() == "ok"
    assert store.event_datasets(TRIAL) == before  # nothing visible
    assert staged_rows(db_file) > 0  # its leftovers are still there...
    [gone] = store.discard_abandoned_imports()  # at once: its lock died with it
    assert staged_rows(db_file) == 0  # ...until the next import clears them
    assert (
        store.conn.execute("SELECT count(*) FROM events WHERE dataset_id = ?", [gone]).fetchone()[0]
        == 0
    )


def test_two_paths_to_one_database_share_its_import_locks(db_path, tmp_path):
    """Through a symlink the database is the same file: an import by one path must see the
    other path's running import as running (the lock file sits beside the real file)."""
    Store(db_path).close()
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    direct, linked = Store(db_path), Store(link)
    try:
        assert direct._import_lock(7) == linked._import_lock(7)
    finally:
        direct.close()
        linked.close()
