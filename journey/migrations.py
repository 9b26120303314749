"""The numbered schema migrations of the Journey Lab database, and the runner that applies them.

Each ``mNNN_*`` function is one migration, applied once per database in order and recorded in
sqlite-utils' ``_sqlite_migrations`` table. They are never edited once released: add a new one
instead. :func:`migrate` applies the pending ones under a file lock, so two processes opening
the same old database take turns. :mod:`journey.storage` is the only caller.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from sqlite_utils import Database, Migrations

from .model import StorageError

migrations = Migrations("journey-lab")


# ---------------------------------------------------------------------------- migrations
# Numbered and never edited once released: add a new one instead.


@migrations()
def m001_initial(db: Database) -> None:
    # AUTOINCREMENT: an id is never reused, so an edit of a deleted row can never land on
    # a newer row that took its id (and its version 1).
    db.executescript(
        """
        CREATE TABLE workspaces (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE personas (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            age_range TEXT NOT NULL DEFAULT '',
            goals TEXT NOT NULL DEFAULT '',
            motivations TEXT NOT NULL DEFAULT '',
            pain_points TEXT NOT NULL DEFAULT '',
            channels TEXT NOT NULL DEFAULT '[]',
            quote TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX personas_workspace ON personas(workspace_id);
        CREATE TABLE journeys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
            persona_id INTEGER REFERENCES personas(id) ON DELETE SET NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            entrants REAL NOT NULL DEFAULT 1000,
            order_value REAL NOT NULL DEFAULT 0,
            purchases_per_period REAL NOT NULL DEFAULT 1,
            margin REAL NOT NULL DEFAULT 0.3,
            retention REAL NOT NULL DEFAULT 0,
            discount_rate REAL NOT NULL DEFAULT 0.1,
            spend REAL NOT NULL DEFAULT 0,
            period_days REAL NOT NULL DEFAULT 365,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX journeys_workspace ON journeys(workspace_id);
        CREATE INDEX journeys_persona ON journeys(persona_id);
        CREATE TABLE stages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            stage TEXT NOT NULL CHECK (stage IN
                ('awareness', 'consideration', 'decision', 'retention', 'advocacy')),
            position INTEGER NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            customer_goal TEXT NOT NULL DEFAULT '',
            customer_actions TEXT NOT NULL DEFAULT '',
            business_actions TEXT NOT NULL DEFAULT '',
            thoughts TEXT NOT NULL DEFAULT '',
            emotion INTEGER NOT NULL DEFAULT 0 CHECK (emotion BETWEEN -2 AND 2),
            duration_days REAL NOT NULL DEFAULT 0 CHECK (duration_days >= 0),
            conversion REAL CHECK (conversion BETWEEN 0 AND 1),
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            UNIQUE (journey_id, stage)
        );
        CREATE TABLE touchpoints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            stage_id INTEGER NOT NULL REFERENCES stages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            channel TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX touchpoints_stage ON touchpoints(stage_id);
        CREATE TABLE moments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            stage_id INTEGER NOT NULL REFERENCES stages(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('friction', 'key')),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            severity INTEGER NOT NULL DEFAULT 3 CHECK (severity BETWEEN 1 AND 5),
            channel TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'open',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX moments_stage ON moments(stage_id);
        CREATE TABLE metrics (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('buyer', 'customer')),
            unit TEXT NOT NULL DEFAULT '',
            target REAL,
            direction TEXT NOT NULL DEFAULT 'higher',
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL,
            UNIQUE (journey_id, key)
        );
        CREATE TABLE metric_values (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            value REAL NOT NULL
        );
        CREATE INDEX metric_values_metric ON metric_values(metric_id, date);
        CREATE TABLE scenarios (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            levers TEXT NOT NULL DEFAULT '{}',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (journey_id, name)
        );
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('journey', 'persona', 'workspace')),
            target_id INTEGER NOT NULL,
            workspace_id INTEGER,
            title TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX snapshots_target ON snapshots(kind, target_id);
        """
    )


@migrations()
def m002_event_datasets(db: Database) -> None:
    """Observed timeframes: imported event logs, their raw events and per-customer summaries."""
    db.executescript(
        """
        CREATE TABLE event_datasets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            columns TEXT NOT NULL,
            mapping TEXT NOT NULL,
            event_names TEXT NOT NULL DEFAULT '[]',
            total_rows INTEGER NOT NULL DEFAULT 0,
            events_rows INTEGER NOT NULL DEFAULT 0,
            ignored_rows INTEGER NOT NULL DEFAULT 0,
            customers INTEGER NOT NULL DEFAULT 0,
            report TEXT NOT NULL DEFAULT '{}',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX event_datasets_journey ON event_datasets(journey_id);
        CREATE TABLE events (
            dataset_id INTEGER NOT NULL REFERENCES event_datasets(id) ON DELETE CASCADE,
            customer_id TEXT NOT NULL,
            ts TEXT NOT NULL,
            event TEXT NOT NULL,
            value REAL,
            segment TEXT
        );
        -- no index on events: they are written once, in bulk, and read back only to remap
        CREATE TABLE customer_summaries (
            dataset_id INTEGER NOT NULL REFERENCES event_datasets(id) ON DELETE CASCADE,
            customer_id TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT,
            entered_awareness TEXT,
            entered_consideration TEXT,
            entered_decision TEXT,
            entered_retention TEXT,
            entered_advocacy TEXT,
            first_purchase TEXT,
            purchase_count INTEGER NOT NULL DEFAULT 0,
            reached_stage INTEGER,
            segment TEXT,
            value_total REAL
        );
        CREATE INDEX customer_summaries_dataset ON customer_summaries(dataset_id);
        """
    )


@migrations()
def m003_revisions(db: Database) -> None:
    """Every save of an editable row, with who, when and each changed field's old and new
    value, so any edit can be undone. No foreign keys: history outlives the rows it names.
    A deleted event log is kept (``deleted_at``) until the next delete, so it can be undone."""
    db.executescript(
        """
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            target_id INTEGER NOT NULL,
            journey_id INTEGER,
            workspace_id INTEGER,
            title TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            changes TEXT NOT NULL,
            restores INTEGER
        );
        CREATE INDEX revisions_workspace ON revisions(workspace_id, id);
        CREATE INDEX revisions_target ON revisions(kind, target_id);
        ALTER TABLE event_datasets ADD COLUMN deleted_at TEXT;
        """
    )


@migrations()
def m004_spend_not_entered(db: Database) -> None:
    """Acquisition spend may be NULL: "not entered" (CAC, ROI undefined) differs from 0.

    SQLite cannot drop a NOT NULL with ALTER TABLE; removing the constraint from the stored
    CREATE TABLE text is the documented way for a change that leaves every row as it is
    (sqlite.org/lang_altertable.html, "making other kinds of table schema changes"). Until
    now a spend of 0 meant none was entered, so those rows become NULL.
    """
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema=ON")
    db.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'spend REAL NOT NULL DEFAULT 0', "
        "'spend REAL') WHERE type = 'table' AND name = 'journeys'"
    )
    db.execute(f"PRAGMA schema_version={version + 1}")
    db.execute("PRAGMA writable_schema=OFF")
    db.execute("UPDATE journeys SET spend = NULL WHERE spend = 0")


@migrations()
def m005_event_import_state(db: Database) -> None:
    """Event logs are staged in short transactions and published by one at the end: a state
    (``staging`` until published, then ``ready``) and the rowid span of the staged raw events,
    so an import that died can be cleaned up in short transactions too."""
    db.executescript(
        """
        ALTER TABLE event_datasets ADD COLUMN state TEXT NOT NULL DEFAULT 'ready';
        ALTER TABLE event_datasets ADD COLUMN staged_from INTEGER;
        ALTER TABLE event_datasets ADD COLUMN staged_to INTEGER;
        """
    )


@migrations()
def m006_votes(db: Database) -> None:
    """Dot voting: a journey's votes (the latest is its result) and the dots spent in them."""
    db.executescript(
        """
        CREATE TABLE votes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            dots INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            hidden INTEGER NOT NULL DEFAULT 0,
            viewers_may_vote INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX votes_journey ON votes(journey_id);
        CREATE TABLE vote_dots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
            moment_id INTEGER NOT NULL REFERENCES moments(id) ON DELETE CASCADE,
            participant TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX vote_dots_vote ON vote_dots(vote_id, participant);
        """
    )


@migrations()
def m007_comments(db: Database) -> None:
    """Comments on a stage or a moment of a journey (exactly one of the two), with author."""
    db.executescript(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            stage_id INTEGER REFERENCES stages(id) ON DELETE CASCADE,
            moment_id INTEGER REFERENCES moments(id) ON DELETE CASCADE,
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK ((stage_id IS NULL) != (moment_id IS NULL))
        );
        CREATE INDEX comments_journey ON comments(journey_id);
        CREATE INDEX comments_stage ON comments(stage_id);
        CREATE INDEX comments_moment ON comments(moment_id);
        """
    )


@migrations()
def m008_revision_undo(db: Database) -> None:
    """Which revisions "undo my last change" made (the revision each undid), so a restore
    from the history is itself a change that button can undo."""
    db.executescript("ALTER TABLE revisions ADD COLUMN undo_of INTEGER;")


def migrate(db: Database, path: object, *, read_only: bool = False) -> None:
    """Apply the pending migrations to ``db`` (the database file at ``path``).

    A lock file ``<path>.migrate-lock`` makes two processes take turns; it is removed again
    afterwards. Raises StorageError, changing nothing, when an upgrade is due but the file is
    read-only.
    """
    if not migrations.pending(db):
        return
    if read_only:
        raise StorageError(
            f"{path}: the database needs an upgrade to this release, but the file is read-only"
        )
    with _lock_file(f"{path}.migrate-lock"):
        migrations.apply(db)


@contextlib.contextmanager
def _lock_file(path: str) -> Iterator[None]:
    """An exclusive lock on ``path`` (created, then removed again when released).

    Removing a lock file others may wait on is safe only if a waiter that gets the lock checks
    it still holds the file on disk; otherwise it takes the lock again on the new file.
    """
    while True:
        handle = open(path, "a")  # noqa: SIM115 - closed below
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        handle.close()
