"""Backups, restores and path mistakes on the command line (issue 9, items 2, 3 and 11).

Cases ../shared/cases/adv-restore-backup-foreign-db and adv-backup-overwrites-and-cli-tracebacks:
every refusal is exit status 2 with one line on stderr, no traceback, and the live database
file byte-identical.
"""

import hashlib
import os
import pathlib
import resource
import shutil
import sqlite3
import stat
import subprocess
import tempfile

import pytest

from journey.storage import Store
from tests.conftest import Ran, as_nobody, run_cli, run_module


def digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(result: Ran | subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2, exactly one line on stderr that holds ``words``, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def live(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A seeded database file; what a restore replaces is kept in ``backups/`` beside it."""
    monkeypatch.setenv("JOURNEY_BACKUP_DIR", str(tmp_path / "backups"))
    db = tmp_path / "live.db"
    assert run_cli("init", "--seed", db=db).returncode == 0
    return db


def restore(db: pathlib.Path, backup: pathlib.Path) -> Ran:
    return run_cli("restore-backup", str(backup), db=db)


def journey_copy(live: pathlib.Path, name: str) -> pathlib.Path:
    """A good backup of ``live``, to be spoiled by a test."""
    copy = live.parent / name
    assert run_cli("backup", str(copy), db=live).returncode == 0
    return copy


def spoil(path: pathlib.Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA ignore_check_constraints=ON")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_another_apps_database_with_a_workspaces_table_is_refused_and_nothing_changes(live):
    other = live.parent / "otherapp_ws.db"
    spoil(
        other,
        "create table workspaces(id integer, owner text)",
        "insert into workspaces values(1, 'someone else')",
    )
    before = digest(live)
    refused(restore(live, other), "otherapp_ws.db", "not a Journey Lab database")
    assert digest(live) == before
    assert not (live.parent / "backups").exists() or not any((live.parent / "backups").glob("*.db"))
    assert run_cli("list", db=live).returncode == 0


@pytest.mark.parametrize(
    "name, sql, words",
    [
        pytest.param(
            "nomig.db",
            ["drop table _sqlite_migrations"],
            ["no record of its migrations"],
            id="without-its-migration-record",
        ),
        pytest.param(
            "emptymig.db",
            ["delete from _sqlite_migrations"],
            ["not a Journey Lab database", "no Journey Lab migrations recorded"],
            id="with-an-empty-migration-record",
        ),
        pytest.param(
            "newer.db",
            [
                "insert into _sqlite_migrations (migration_set, name, applied_at) "
                "values ('journey-lab', 'm099_from_the_future', '2030-01-01')"
            ],
            ["newer Journey Lab", "m099_from_the_future"],
            id="from-a-newer-release-naming-the-unknown-migration",
        ),
        pytest.param(
            "shared.db",
            [
                "insert into _sqlite_migrations (migration_set, name, applied_at) "
                "values ('otherapp', 'm001', '2030-01-01')"
            ],
            ["another application", "otherapp"],
            id="holding-another-applications-migrations",
        ),
        pytest.param(
            "changed.db",
            ["alter table journeys add column colour text"],
            ["schema is not this release's", "journeys"],
            id="with-changed-columns-as-a-different-schema",
        ),
        pytest.param(
            "orphan.db",
            ["update stages set journey_id = 999 where id = 1"],
            ["foreign key check failed", "stages"],
            id="with-a-broken-foreign-key",
        ),
        pytest.param(
            "bad-check.db",
            ["update stages set emotion = 9 where id = 1"],
            ["integrity check failed"],
            id="breaking-a-check-constraint",
        ),
    ],
)
def test_a_spoiled_journey_lab_backup_is_refused_and_the_live_file_is_untouched(
    live, name, sql, words
):
    spoiled = journey_copy(live, name)
    spoil(spoiled, *sql)
    before = digest(live)
    refused(restore(live, spoiled), *words)
    assert digest(live) == before


def test_a_good_backup_is_restored_and_the_replaced_database_can_be_brought_back(live):
    good = journey_copy(live, "good.db")
    Store(live).delete_journey(2)
    result = restore(live, good)
    assert result.returncode == 0, result.stderr
    assert len(Store(live).journeys()) == 3
    [kept] = (live.parent / "backups").glob("before-restore-*.db")
    assert restore(live, kept).returncode == 0
    assert [j.id for j in Store(live).journeys()] == [1, 3]


def test_backup_never_overwrites_an_existing_file_unless_forced(live, tmp_path):
    other = tmp_path / "other.db"
    spoil(other, "create table users(id)", "insert into users values (1)")
    before = digest(other)
    refused(run_cli("backup", str(other), db=live), "other.db", "exists already", "--force")
    assert digest(other) == before
    notes = tmp_path / "notadb.txt"
    notes.write_text("my notes")
    refused(run_cli("backup", str(notes), db=live), "exists already")
    assert notes.read_text() == "my notes"
    assert run_cli("backup", str(other), "--force", db=live).returncode == 0
    assert len(Store(other).journeys()) == 3
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    "args, words",
    [
        (("backup", "/proc/nonexistent/x.db"), ["/proc/nonexistent"]),
        (("backup", "/tmp"), ["/tmp", "is a folder"]),
        (
            ("export", "--workspace", "1", "-o", "/nonexistent/dir/x.json"),
            ["/nonexistent/dir/x.json", "cannot write"],
        ),
        (("import", "/tmp"), ["/tmp", "is a folder"]),
        (("import", "/dev/zero"), ["/dev/zero", "not a regular file"]),
        (("restore-backup", "/tmp"), ["/tmp", "is a folder"]),
        (("restore-backup", "/dev/zero"), ["/dev/zero", "not a regular file"]),
    ],
)
def test_path_mistakes_are_one_line_and_exit_2(live, args, words):
    before = digest(live)
    refused(run_cli(*args, db=live), *words)
    assert digest(live) == before


def test_a_fifo_as_input_is_refused_without_waiting(live, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    refused(run_cli("import", str(fifo), db=live), "not a regular file")


@pytest.mark.parametrize("kind", ["missing folder", "folder", "text file", "device"])
def test_a_db_option_that_is_not_a_database_is_one_line_and_exit_2(tmp_path, kind):
    text = tmp_path / "notadb.txt"
    text.write_text("just some notes\n" * 100)
    db = {
        "missing folder": tmp_path / "nowhere" / "x.db",
        "folder": tmp_path,
        "text file": text,
        "device": pathlib.Path("/dev/zero"),
    }[kind]
    result = run_cli("list", db=db)
    refused(result, str(db))
    assert text.read_text() == "just some notes\n" * 100


@pytest.fixture
def read_only_db() -> pathlib.Path:
    """A seeded database file that may only be read, in a folder anyone can reach."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="journey-ro-", dir="/tmp"))
    folder.chmod(0o755)
    db = folder / "j.db"
    assert run_cli("init", "--seed", db=db).returncode == 0
    db.chmod(0o444)
    yield db
    shutil.rmtree(folder)


def test_a_read_only_database_is_read_and_a_write_is_refused_in_one_line(read_only_db):
    before = digest(read_only_db)
    listing = run_module("list", db=read_only_db, prefix=as_nobody())
    assert listing.returncode == 0, listing.stderr
    assert "journey 1: Buying a family car" in listing.stdout
    refused(
        run_module("snapshot", "--journey", "1", db=read_only_db, prefix=as_nobody()), "read-only"
    )
    assert digest(read_only_db) == before
    assert not pathlib.Path(f"{read_only_db}-wal").exists()


def test_a_read_only_store_serves_reads_and_attempts_no_write(read_only_db):
    before = digest(read_only_db)
    store = Store(read_only_db, read_only=True)
    assert len(store.journeys()) == 3
    with pytest.raises(Exception, match="read-only"):
        store.snapshot_journey(1)
    store.close()
    assert digest(read_only_db) == before


def _file_size_limit(limit: int):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def test_a_full_disk_during_an_import_is_one_line_and_changes_nothing(live, tmp_path):
    """A file-size limit stands in for a full disk: the writes fail the same way (EFBIG)."""
    doc = tmp_path / "big.json"
    run_cli("export", "--workspace", "1", "-o", str(doc), db=live)
    doc.write_text(doc.read_text().replace('"description": "', '"description": "' + "x" * 5000))
    before = digest(live)
    result = run_module(
        "import",
        str(doc),
        db=live,
        timeout=60,
        preexec_fn=_file_size_limit(64 * 1024),
        env={"PYTHONDONTWRITEBYTECODE": "1"},  # else a changed module's .pyc is cut at 64 KiB
    )
    refused(result, str(live))
    assert digest(live) == before
    assert len(Store(live).journeys()) == 3


def test_no_command_leaves_a_migrate_lock_file_beside_the_database(tmp_path):
    db = tmp_path / "j.db"
    run_cli("init", db=db)
    run_cli("list", db=db)
    assert sorted(p.name for p in tmp_path.iterdir() if "lock" in p.name) == []


def test_mermaid_commands_refuse_a_device_or_a_pipe_instead_of_reading_forever(tmp_path):
    fifo = tmp_path / "pipe.mmd"
    os.mkfifo(fifo)
    for argv in (
        ["mermaid", "check", "/dev/zero"],
        ["mermaid", "check", str(fifo)],
        ["mermaid", "import", "/dev/zero", "--workspace", "1"],
    ):
        refused(run_cli(*argv, db=tmp_path / "j.db"), "not a regular file")


def test_backup_with_force_never_replaces_a_device_or_a_pipe(tmp_path):
    fifo = tmp_path / "backup.db"
    os.mkfifo(fifo)
    refused(run_cli("backup", str(fifo), "--force", db=tmp_path / "j.db"), "not a regular file")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
