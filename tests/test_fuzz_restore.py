"""Hostile files for restore-backup and raw JSON text for the exchange importer (hypothesis).

restore-backup gets random bytes and Journey Lab backups spoiled at random (tables dropped or
changed, rows that break constraints or foreign keys, migration records removed or from a
newer release, bytes flipped, the file cut short). Each is restored or refused with a
StorageError; never another exception, and a refused file leaves the live database exactly
as it was. The exchange importer gets JSON *text* with what the parsed-value fuzz cannot make:
deep nesting, huge integers, NaN, duplicate keys and lone surrogates.
"""

from __future__ import annotations

import contextlib
import hashlib
import pathlib
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey import exchange, samples
from journey.model import StorageError, ValidationError
from journey.storage import Store, expected_schema
from tests.conftest import dump

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Tally:
    tried = restored = refused = 0


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("fuzz-restore")
    store = Store(folder / "live.db")
    samples.seed(store)
    return store


@pytest.fixture(scope="module")
def good_backup(live: Store, tmp_path_factory) -> pathlib.Path:
    return live.backup(tmp_path_factory.mktemp("good") / "good.db")


SPOILERS = [
    "DROP TABLE moments",
    "DROP TABLE _sqlite_migrations",
    "DELETE FROM _sqlite_migrations WHERE name = 'm002_event_datasets'",
    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
    "VALUES ('journey-lab', 'm999_newer', 'x')",
    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
    "VALUES ('other-app', 'm001', 'x')",
    "ALTER TABLE stages ADD COLUMN mood TEXT",
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE INDEX stages_label ON stages(label)",
    "CREATE TRIGGER t AFTER INSERT ON stages BEGIN SELECT 1; END",
    "UPDATE stages SET emotion = 9 WHERE id = 1",
    "UPDATE stages SET conversion = 2 WHERE id = 2",
    "UPDATE moments SET kind = 'other' WHERE id = 1",
    "UPDATE stages SET journey_id = 999 WHERE id = 3",
    "INSERT INTO events (dataset_id, customer_id, ts, event) VALUES (999, 'c', 't', 'e')",
    "UPDATE journeys SET name = NULL WHERE id = 1",
    "DELETE FROM journeys WHERE id = 2",
    "UPDATE journeys SET name = 'renamed' WHERE id = 1",
]


def spoiled(
    good: pathlib.Path,
    folder: pathlib.Path,
    statements: list[str],
    flips: list[tuple[float, int]],
    cut: float | None,
) -> pathlib.Path:
    path = folder / "candidate.db"
    shutil.copy(good, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA ignore_check_constraints=ON")
    conn.execute("PRAGMA writable_schema=ON")  # lets NOT NULL be broken by a hand-edit
    for statement in statements:
        with contextlib.suppress(sqlite3.Error):  # e.g. its table was dropped already
            conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    raw = bytearray(path.read_bytes())
    for where, value in flips:
        raw[int(where * (len(raw) - 1))] = value
    if cut is not None:
        raw = raw[: int(cut * len(raw))]
    path.write_bytes(bytes(raw))
    return path


def attempt_restore(store: Store, candidate: pathlib.Path, keep: pathlib.Path) -> None:
    before = dump(store)
    digest = hashlib.sha256(pathlib.Path(store.path).read_bytes()).hexdigest()
    Tally.tried += 1
    try:
        store.restore_backup(candidate, keep)
    except StorageError as e:
        assert str(e).startswith(f"{candidate}: ") or str(e).startswith(f"{store.path}: ")
        assert "\n" not in str(e)
        assert dump(store) == before
        assert hashlib.sha256(pathlib.Path(store.path).read_bytes()).hexdigest() == digest
        assert not keep.exists()
        Tally.refused += 1
    else:
        assert store.integrity_check() == "ok"
        assert store.schema_objects() == expected_schema()
        assert Store(keep).journeys()  # the replaced contents were kept
        Tally.restored += 1


@FUZZ
@given(
    statements=st.lists(st.sampled_from(SPOILERS), max_size=3),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=3),
    cut=st.none() | st.floats(0, 1),
)
def test_a_spoiled_backup_is_restored_or_refused_cleanly(
    live, good_backup, tmp_path_factory, statements, flips, cut
):
    folder = tmp_path_factory.mktemp("candidate")
    candidate = spoiled(good_backup, folder, statements, flips, cut)
    attempt_restore(live, candidate, folder / "kept" / "before-restore.db")


@FUZZ
@given(
    raw=st.binary(max_size=4096)
    | st.just(b"SQLite format 3\x00")
    | st.binary(min_size=100, max_size=2000).map(lambda b: b"SQLite format 3\x00" + b)
)
def test_random_bytes_as_a_backup_are_refused_cleanly(live, tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("bytes")
    candidate = folder / "random.db"
    candidate.write_bytes(raw)
    attempt_restore(live, candidate, folder / "kept.db")


# ---------------------------------------------------------------------------- raw JSON text

hostile_numbers = st.sampled_from(
    [
        "1" * 5000,
        str(2**63),
        str(-(2**63) - 1),
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "0",
        "7",
    ]
)
hostile_strings = st.sampled_from(['"\\ud800"', '"a\\udfffb"', '"ok"', '""', '"\\u0000"', '"=1+1"'])


def json_text(depth: int) -> st.SearchStrategy[str]:
    leaf = hostile_numbers | hostile_strings | st.sampled_from(["true", "null", "[]", "{}"])
    return st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
            | st.lists(
                st.tuples(st.sampled_from(['"a"', '"a"', '"b"', '"\\ud83d"']), inner), max_size=3
            ).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}")
        ),
        max_leaves=depth,
    )


@FUZZ
@given(
    body=json_text(12),
    nesting=st.integers(0, 3000),
    where=st.sampled_from(["exported_at", "workspace", "personas", "journeys"]),
)
def test_raw_json_text_is_imported_or_refused_cleanly(live, body, nesting, where):
    doc = samples.load_sample("online-shop")
    text = exchange.dumps(doc)
    value = "[" * nesting + body + "]" * nesting
    text = text.replace(f'"{where}": ', f'"{where}": {value}, "x_{where}": ', 1)
    before = dump(live)
    Tally.tried += 1
    try:
        live.import_document(
            exchange.load_document(text.encode("utf-8", "surrogatepass"), name="upload.json")
        )
    except ValidationError as e:  # what the page shows: the file's name, then the field
        assert str(exchange.in_file(e, "upload.json")).startswith("upload.json: ")
        assert "\n" not in str(e)
        assert dump(live) == before
        Tally.refused += 1
    else:
        Tally.restored += 1


def test_report_how_many_files_were_tried():
    print(
        f"\nfuzz (restore-backup, raw JSON): {Tally.tried} tried, {Tally.restored} "
        f"accepted, {Tally.refused} refused with a message"
    )
    assert Tally.tried >= 180
