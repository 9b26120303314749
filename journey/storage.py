"""SQLite storage for Journey Lab: the only module that speaks SQL.

``Store(path)`` opens (or creates) the database file, applies any pending numbered migrations
and hands out one connection per thread: Streamlit runs each session's script in its own
thread, and a ``sqlite3`` connection made in one thread refuses to work in another (see
``tests/test_storage_threads.py``, which measures both). Every connection runs in WAL mode
with foreign keys on, ``synchronous=NORMAL`` and a busy timeout.

Writes go through :meth:`Store.write`, one ``BEGIN IMMEDIATE`` transaction per call, so a
multi-row change lands whole or not at all. Editable rows carry a ``version``: an update names
the version it edited and a stale one raises :class:`~journey.model.ConflictError`, writing
nothing. Destructive actions (delete, import over, restore) first save a snapshot of what they
are about to destroy, and :meth:`Store.restore_snapshot` brings it back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import pathlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import Any

from sqlite_utils import Database, Migrations

from . import exchange
from .model import (
    ASSUMPTION_FIELDS,
    STAGES,
    Assumptions,
    ConflictError,
    Journey,
    JourneyError,
    Metric,
    MetricValue,
    Moment,
    NotFoundError,
    Persona,
    Scenario,
    Snapshot,
    Stage,
    Touchpoint,
    ValidationError,
    Workspace,
    blank_stages,
    stage_label,
    validate_journey,
    validate_metric,
    validate_moment,
    validate_persona,
    validate_scenario,
    validate_stage,
    validate_workspace,
)

BUSY_TIMEOUT_SECONDS = 10.0
STAGE_ROWS = 10_000  # rows per write transaction while an event log is staged (~20 ms each)


class BusyError(JourneyError):
    """The database stayed locked by another writer for the whole busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            f"The database is busy (another save or an import is writing) and stayed busy for "
            f"{BUSY_TIMEOUT_SECONDS:.0f} s; nothing was saved and what you typed is kept: "
            "save again in a moment.")

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


# ---------------------------------------------------------------------------- helpers


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def connect(path: str | pathlib.Path) -> sqlite3.Connection:
    """A connection with the project's settings: WAL, foreign keys, busy timeout."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


BEGIN_RETRY_SECONDS = 0.002


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, retried every 2 ms for up to the busy timeout, then BusyError.

    SQLite's own busy handler sleeps up to 100 ms between tries, so a save waiting behind an
    import's back-to-back short transactions could keep missing the gaps between them; trying
    every 2 ms takes the first gap.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                if time.monotonic() > deadline:
                    raise BusyError() from None
                time.sleep(BEGIN_RETRY_SECONDS)
    finally:
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")


_PERSONA_FIELDS = ("name", "role", "age_range", "goals", "motivations", "pain_points",
                   "channels", "quote", "notes")
_STAGE_FIELDS = ("label", "customer_goal", "customer_actions", "business_actions", "thoughts",
                 "emotion", "duration_days", "conversion")
_MOMENT_FIELDS = ("kind", "title", "description", "severity", "channel", "action", "owner",
                  "status")
_METRIC_FIELDS = ("key", "name", "side", "unit", "target", "direction")
_JOURNEY_FIELDS = ("name", "description", "persona_id", *ASSUMPTION_FIELDS)


def _pick(cls, row: dict) -> Any:
    """Build dataclass ``cls`` from the columns of ``row`` it knows."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})


def _persona(row: dict) -> Persona:
    row = dict(row)
    row["channels"] = json.loads(row["channels"])
    return _pick(Persona, row)


class Store:
    """The Journey Lab database. Construct it with a path; it migrates itself.

    >>> store = Store("journey.db")
    >>> ws = store.create_workspace("Acme")
    >>> j = store.create_journey(ws.id, "Car buyer")
    """

    def __init__(self, path: str | pathlib.Path):
        self.path = str(path)
        self._local = threading.local()
        self._migrate()

    # -- connections ---------------------------------------------------------

    @property
    def db(self) -> Database:
        """This thread's sqlite-utils Database (made on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = Database(connect(self.path))
            self._local.db = db
        return db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _migrate(self) -> None:
        """Apply pending migrations; a file lock makes two processes take turns."""
        if not migrations.pending(self.db):
            return
        with open(f"{self.path}.migrate-lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            migrations.apply(self.db)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it lands, or none of it.

        Nested calls join the outer transaction through a savepoint.
        """
        conn = self.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield conn
            return
        _begin_immediate(conn)
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def _rows(self, sql: str, params: tuple | list | dict = ()) -> list[dict]:
        return list(self.db.query(sql, params))

    def _row(self, sql: str, params: tuple | list | dict = ()) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _versioned_update(self, table: str, row_id: int, version: int, changes: dict,
                          what: str) -> None:
        """UPDATE ``table`` where the version still matches, or raise ConflictError.

        The version goes up even when ``changes`` is empty: that is how an edit of a
        row's children (a stage's touchpoints) claims the row.
        """
        now = utcnow()
        sets = "".join(f"[{k}] = :{k}, " for k in changes)
        params = {**changes, "_id": row_id, "_version": version, "_now": now}
        with self.write() as conn:
            cursor = conn.execute(
                f"UPDATE [{table}] SET {sets}version = version + 1, updated_at = :_now "
                "WHERE id = :_id AND version = :_version", params)
            if cursor.rowcount == 0:
                current = self._row(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
                raise ConflictError(what, current or {"deleted": True}, changes, version)

    # -- workspaces ----------------------------------------------------------

    def create_workspace(self, name: str, description: str = "") -> Workspace:
        """Create a workspace and return it."""
        ws = Workspace(name=name, description=description)
        validate_workspace(ws)
        now = utcnow()
        with self.write() as conn:
            ws.id = conn.execute(
                "INSERT INTO workspaces (name, description, created_at, updated_at) "
                "VALUES (?, ?, ?, ?)", [name, description, now, now]).lastrowid
        ws.updated_at = now
        return ws

    def workspaces(self) -> list[Workspace]:
        """All workspaces, oldest first."""
        return [_pick(Workspace, r) for r in self._rows("SELECT * FROM workspaces ORDER BY id")]

    def get_workspace(self, workspace_id: int) -> Workspace:
        row = self._row("SELECT * FROM workspaces WHERE id = ?", [workspace_id])
        if row is None:
            raise NotFoundError(f"workspace {workspace_id} does not exist")
        return _pick(Workspace, row)

    def update_workspace(self, workspace_id: int, version: int, **changes: Any) -> None:
        ws = self.get_workspace(workspace_id)
        for k, v in changes.items():
            setattr(ws, k, v)
        validate_workspace(ws)
        self._versioned_update("workspaces", workspace_id, version,
                               {k: changes[k] for k in ("name", "description") if k in changes},
                               f"Workspace {ws.name!r}")

    def delete_workspace(self, workspace_id: int) -> int:
        """Delete a workspace and all it holds; returns the snapshot id that can undo it."""
        with self.write() as conn:
            snapshot_id = self._snapshot_workspace(workspace_id, "before deleting the workspace")
            conn.execute("DELETE FROM workspaces WHERE id = ?", [workspace_id])
        return snapshot_id

    def is_empty(self) -> bool:
        """True when the database holds no workspace yet (a fresh file)."""
        return self._row("SELECT 1 AS x FROM workspaces LIMIT 1") is None

    # -- personas ------------------------------------------------------------

    def create_persona(self, workspace_id: int, persona: Persona) -> Persona:
        """Add a persona to a workspace and return it with its id."""
        validate_persona(persona)
        self.get_workspace(workspace_id)
        now = utcnow()
        with self.write() as conn:
            persona.id = self._insert_persona(conn, workspace_id, persona, now)
        persona.workspace_id, persona.version, persona.updated_at = workspace_id, 1, now
        return persona

    def _insert_persona(self, conn: sqlite3.Connection, workspace_id: int, p: Persona,
                        now: str, persona_id: int | None = None) -> int:
        values = {k: getattr(p, k) for k in _PERSONA_FIELDS}
        values["channels"] = json.dumps(p.channels)
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        return conn.execute(
            f"INSERT INTO personas (id, workspace_id, {cols}, created_at, updated_at) "
            f"VALUES (:_id, :_ws, {marks}, :_now, :_now)",
            {**values, "_id": persona_id, "_ws": workspace_id, "_now": now}).lastrowid

    def personas(self, workspace_id: int) -> list[Persona]:
        rows = self._rows("SELECT * FROM personas WHERE workspace_id = ? ORDER BY id",
                          [workspace_id])
        return [_persona(r) for r in rows]

    def get_persona(self, persona_id: int) -> Persona:
        row = self._row("SELECT * FROM personas WHERE id = ?", [persona_id])
        if row is None:
            raise NotFoundError(f"persona {persona_id} does not exist")
        return _persona(row)

    def update_persona(self, persona_id: int, version: int, **changes: Any) -> None:
        """Save edits to a persona made from ``version``; raise ConflictError if stale."""
        persona = self.get_persona(persona_id)
        unknown = set(changes) - set(_PERSONA_FIELDS)
        if unknown:
            raise ValidationError(f"unknown persona field(s): {', '.join(sorted(unknown))}")
        for k, v in changes.items():
            setattr(persona, k, v)
        validate_persona(persona)
        if "channels" in changes:
            changes["channels"] = json.dumps(changes["channels"])
        self._versioned_update("personas", persona_id, version, changes,
                               f"Persona {persona.name!r}")

    def duplicate_persona(self, persona_id: int, name: str | None = None) -> Persona:
        p = self.get_persona(persona_id)
        copy = Persona(**{k: getattr(p, k) for k in _PERSONA_FIELDS})
        copy.name = name or f"{p.name} (copy)"[:200]
        return self.create_persona(p.workspace_id, copy)

    def delete_persona(self, persona_id: int) -> int:
        """Delete a persona (its journeys keep going without one); returns the snapshot id."""
        persona = self.get_persona(persona_id)
        with self.write() as conn:
            linked = [r["id"] for r in self._rows(
                "SELECT id FROM journeys WHERE persona_id = ?", [persona_id])]
            data = {"persona": exchange.persona_to_dict(persona), "journeys": linked}
            snapshot_id = self._save_snapshot("persona", persona_id, persona.workspace_id,
                                              persona.name, "before deleting the persona", data)
            conn.execute("DELETE FROM personas WHERE id = ?", [persona_id])
        return snapshot_id

    # -- journeys ------------------------------------------------------------

    def create_journey(self, workspace_id: int, name: str, *, persona_id: int | None = None,
                       description: str = "", journey: Journey | None = None) -> Journey:
        """Create a journey with its five stages (blank, or as given in ``journey``)."""
        j = journey or Journey(name=name, description=description, persona_id=persona_id,
                               stages=blank_stages())
        if not j.stages:
            j.stages = blank_stages()
        validate_journey(j)
        self.get_workspace(workspace_id)
        if j.persona_id is not None:
            persona = self.get_persona(j.persona_id)
            if persona.workspace_id != workspace_id:
                raise ValidationError("the persona belongs to another workspace", "persona")
        with self.write() as conn:
            j.id = self._insert_journey(conn, workspace_id, j, utcnow())
        return self.load_journey(j.id)

    def _insert_journey(self, conn: sqlite3.Connection, workspace_id: int, j: Journey, now: str,
                        journey_id: int | None = None) -> int:
        """Insert a whole journey (stages, touchpoints, moments, metrics, scenarios)."""
        values = {"name": j.name, "description": j.description, "persona_id": j.persona_id,
                  **j.assumptions.as_dict()}
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        journey_id = conn.execute(
            f"INSERT INTO journeys (id, workspace_id, {cols}, created_at, updated_at) "
            f"VALUES (:_id, :_ws, {marks}, :_now, :_now)",
            {**values, "_id": journey_id, "_ws": workspace_id, "_now": now}).lastrowid
        stages = sorted(j.stages, key=lambda s: STAGES.index(s.stage))
        for s in stages:
            stage_id = conn.execute(
                "INSERT INTO stages (journey_id, stage, position, label, customer_goal, "
                "customer_actions, business_actions, thoughts, emotion, duration_days, "
                "conversion, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [journey_id, s.stage, STAGES.index(s.stage), s.label or stage_label(s.stage),
                 s.customer_goal, s.customer_actions, s.business_actions, s.thoughts,
                 s.emotion, s.duration_days, s.conversion, now]).lastrowid
            self._insert_touchpoints(conn, stage_id, s.touchpoints)
            conn.executemany(
                "INSERT INTO moments (stage_id, kind, title, description, severity, channel, "
                "action, owner, status, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [[stage_id, m.kind, m.title, m.description, m.severity, m.channel, m.action,
                  m.owner, m.status, now, now] for m in s.moments])
        for position, m in enumerate(j.metrics):
            metric_id = conn.execute(
                "INSERT INTO metrics (journey_id, position, key, name, side, unit, target, "
                "direction, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [journey_id, position, m.key, m.name, m.side, m.unit, m.target, m.direction,
                 now]).lastrowid
            conn.executemany(
                "INSERT INTO metric_values (metric_id, date, value) VALUES (?,?,?)",
                [[metric_id, v.date, v.value] for v in m.values])
        conn.executemany(
            "INSERT INTO scenarios (journey_id, name, levers, created_at, updated_at) "
            "VALUES (?,?,?,?,?)",
            [[journey_id, sc.name, json.dumps(sc.levers, sort_keys=True), now, now]
             for sc in j.scenarios])
        return journey_id

    @staticmethod
    def _insert_touchpoints(conn: sqlite3.Connection, stage_id: int,
                            touchpoints: list[Touchpoint]) -> None:
        conn.executemany(
            "INSERT INTO touchpoints (stage_id, position, channel, description) "
            "VALUES (?,?,?,?)",
            [[stage_id, i, t.channel, t.description] for i, t in enumerate(touchpoints)])

    def journeys(self, workspace_id: int | None = None) -> list[dict]:
        """A summary row per journey: ids, names, its persona's name, stage and moment counts."""
        where = "WHERE j.workspace_id = :ws" if workspace_id is not None else ""
        return self._rows(
            f"""
            SELECT j.id, j.name, j.workspace_id, w.name AS workspace, j.persona_id,
                   p.name AS persona, j.updated_at,
                   (SELECT count(*) FROM stages s WHERE s.journey_id = j.id) AS stages,
                   (SELECT count(*) FROM moments m JOIN stages s ON m.stage_id = s.id
                     WHERE s.journey_id = j.id AND m.kind = 'friction') AS friction_points,
                   (SELECT count(*) FROM moments m JOIN stages s ON m.stage_id = s.id
                     WHERE s.journey_id = j.id AND m.kind = 'key') AS key_points
            FROM journeys j
            JOIN workspaces w ON w.id = j.workspace_id
            LEFT JOIN personas p ON p.id = j.persona_id
            {where}
            ORDER BY j.workspace_id, j.id
            """, {"ws": workspace_id})

    def load_journey(self, journey_id: int) -> Journey:
        """The whole journey: stages with touchpoints and moments, metrics, scenarios."""
        row = self._row("SELECT * FROM journeys WHERE id = ?", [journey_id])
        if row is None:
            raise NotFoundError(f"journey {journey_id} does not exist")
        j = _pick(Journey, row)
        j.assumptions = Assumptions(**{k: row[k] for k in ASSUMPTION_FIELDS})
        stages = [_pick(Stage, r) for r in self._rows(
            "SELECT * FROM stages WHERE journey_id = ? ORDER BY position", [journey_id])]
        by_id = {s.id: s for s in stages}
        for r in self._rows(
                "SELECT t.* FROM touchpoints t JOIN stages s ON t.stage_id = s.id "
                "WHERE s.journey_id = ? ORDER BY t.stage_id, t.position, t.id", [journey_id]):
            by_id[r["stage_id"]].touchpoints.append(_pick(Touchpoint, r))
        for r in self._rows(
                "SELECT m.*, s.stage FROM moments m JOIN stages s ON m.stage_id = s.id "
                "WHERE s.journey_id = ? ORDER BY m.id", [journey_id]):
            by_id[r["stage_id"]].moments.append(_pick(Moment, r))
        j.stages = stages
        metrics = {r["id"]: _pick(Metric, r) for r in self._rows(
            "SELECT * FROM metrics WHERE journey_id = ? ORDER BY position, id", [journey_id])}
        for r in self._rows(
                "SELECT v.* FROM metric_values v JOIN metrics m ON v.metric_id = m.id "
                "WHERE m.journey_id = ? ORDER BY v.date, v.id", [journey_id]):
            metrics[r["metric_id"]].values.append(_pick(MetricValue, r))
        j.metrics = list(metrics.values())
        j.scenarios = [self._scenario(r) for r in self._rows(
            "SELECT * FROM scenarios WHERE journey_id = ? ORDER BY id", [journey_id])]
        return j

    def update_journey(self, journey_id: int, version: int, **changes: Any) -> None:
        """Edit a journey's name, description, persona or assumptions (by field name)."""
        j = self.load_journey(journey_id)
        unknown = set(changes) - set(_JOURNEY_FIELDS)
        if unknown:
            raise ValidationError(f"unknown journey field(s): {', '.join(sorted(unknown))}")
        for k, v in changes.items():
            if k in ASSUMPTION_FIELDS:
                setattr(j.assumptions, k, v)
            else:
                setattr(j, k, v)
        validate_journey(j)
        if changes.get("persona_id") is not None:
            persona = self.get_persona(changes["persona_id"])
            if persona.workspace_id != j.workspace_id:
                raise ValidationError("the persona belongs to another workspace", "persona")
        self._versioned_update("journeys", journey_id, version, changes, f"Journey {j.name!r}")

    def delete_journey(self, journey_id: int) -> int:
        """Delete a journey; returns the id of the snapshot that can bring it back."""
        with self.write() as conn:
            snapshot_id = self._snapshot_journey(journey_id, "before deleting the journey")
            conn.execute("DELETE FROM journeys WHERE id = ?", [journey_id])
        return snapshot_id

    def journey_version(self, journey_id: int) -> int:
        row = self._row("SELECT version FROM journeys WHERE id = ?", [journey_id])
        if row is None:
            raise NotFoundError(f"journey {journey_id} does not exist")
        return row["version"]

    # -- stages --------------------------------------------------------------

    def stage_durations(self, workspace_id: int) -> dict[int, dict[str, float]]:
        """Every journey's stage durations in one query: ``{journey_id: {stage: days}}``."""
        out: dict[int, dict[str, float]] = {}
        for r in self._rows("SELECT s.journey_id, s.stage, s.duration_days FROM stages s "
                            "JOIN journeys j ON j.id = s.journey_id WHERE j.workspace_id = ?",
                            [workspace_id]):
            out.setdefault(r["journey_id"], {})[r["stage"]] = r["duration_days"]
        return out

    def stage_ids(self, journey_id: int) -> list[int]:
        """The ids of a journey's five stages, in stage order."""
        return [r["id"] for r in self._rows(
            "SELECT id FROM stages WHERE journey_id = ? ORDER BY position", [journey_id])]

    def get_stage(self, stage_id: int) -> Stage:
        row = self._row("SELECT * FROM stages WHERE id = ?", [stage_id])
        if row is None:
            raise NotFoundError(f"stage {stage_id} does not exist")
        stage = _pick(Stage, row)
        stage.touchpoints = [_pick(Touchpoint, r) for r in self._rows(
            "SELECT * FROM touchpoints WHERE stage_id = ? ORDER BY position, id", [stage_id])]
        return stage

    def update_stage(self, stage_id: int, version: int, **changes: Any) -> None:
        """Save edits to a stage made from ``version``; ``touchpoints`` replaces the list.

        Raises ValidationError for a bad value and ConflictError if someone saved the
        stage in between; in both cases nothing is written.
        """
        stage = self.get_stage(stage_id)
        unknown = set(changes) - {*_STAGE_FIELDS, "touchpoints"}
        if unknown:
            raise ValidationError(f"unknown stage field(s): {', '.join(sorted(unknown))}")
        touchpoints = changes.pop("touchpoints", None)
        if touchpoints is not None:
            touchpoints = [t if isinstance(t, Touchpoint) else Touchpoint(**t)
                           for t in touchpoints]
            stage.touchpoints = touchpoints
        for k, v in changes.items():
            setattr(stage, k, v)
        validate_stage(stage)
        with self.write() as conn:
            self._versioned_update("stages", stage_id, version, changes,
                                   f"The {stage_label(stage.stage)} stage")
            if touchpoints is not None:
                conn.execute("DELETE FROM touchpoints WHERE stage_id = ?", [stage_id])
                self._insert_touchpoints(conn, stage_id, touchpoints)

    # -- moments (friction and key points) -----------------------------------

    def add_moment(self, stage_id: int, moment: Moment) -> Moment:
        """Add a friction or key point to a stage and return it with its id."""
        validate_moment(moment)
        stage = self.get_stage(stage_id)
        now = utcnow()
        with self.write() as conn:
            moment.id = conn.execute(
                "INSERT INTO moments (stage_id, kind, title, description, severity, channel, "
                "action, owner, status, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [stage_id, moment.kind, moment.title, moment.description, moment.severity,
                 moment.channel, moment.action, moment.owner, moment.status, now,
                 now]).lastrowid
        moment.stage_id, moment.stage, moment.version = stage_id, stage.stage, 1
        moment.updated_at = now
        return moment

    def get_moment(self, moment_id: int) -> Moment:
        row = self._row("SELECT m.*, s.stage FROM moments m JOIN stages s ON s.id = m.stage_id "
                        "WHERE m.id = ?", [moment_id])
        if row is None:
            raise NotFoundError(f"moment {moment_id} does not exist")
        return _pick(Moment, row)

    def update_moment(self, moment_id: int, version: int, **changes: Any) -> None:
        """Save edits to a moment (``stage_id`` moves it to another stage of the journey)."""
        moment = self.get_moment(moment_id)
        unknown = set(changes) - {*_MOMENT_FIELDS, "stage_id"}
        if unknown:
            raise ValidationError(f"unknown moment field(s): {', '.join(sorted(unknown))}")
        for k, v in changes.items():
            setattr(moment, k, v)
        validate_moment(moment)
        if "stage_id" in changes:
            old, new = self.get_stage(self.get_moment(moment_id).stage_id), self.get_stage(
                changes["stage_id"])
            if old.journey_id != new.journey_id:
                raise ValidationError("a moment can only move within its journey", "stage")
        self._versioned_update("moments", moment_id, version, changes,
                               f"{moment.kind.title()} point {moment.title!r}")

    def delete_moment(self, moment_id: int) -> int:
        """Delete a moment; returns the snapshot id (of its journey) that can undo it."""
        moment = self.get_moment(moment_id)
        stage = self.get_stage(moment.stage_id)
        with self.write() as conn:
            snapshot_id = self._snapshot_journey(
                stage.journey_id, f"before deleting {moment.kind} point {moment.title!r}")
            conn.execute("DELETE FROM moments WHERE id = ?", [moment_id])
        return snapshot_id

    # -- metrics -------------------------------------------------------------

    def add_metric(self, journey_id: int, metric: Metric) -> Metric:
        validate_metric(metric)
        self.journey_version(journey_id)
        now = utcnow()
        with self.write() as conn:
            position = self._row("SELECT count(*) AS n FROM metrics WHERE journey_id = ?",
                                 [journey_id])["n"]
            try:
                metric.id = conn.execute(
                    "INSERT INTO metrics (journey_id, position, key, name, side, unit, target, "
                    "direction, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
                    [journey_id, position, metric.key, metric.name, metric.side, metric.unit,
                     metric.target, metric.direction, now]).lastrowid
            except sqlite3.IntegrityError:
                raise ValidationError(f"this journey already has a metric {metric.key!r}",
                                      "key") from None
            conn.executemany("INSERT INTO metric_values (metric_id, date, value) VALUES (?,?,?)",
                             [[metric.id, v.date, v.value] for v in metric.values])
        metric.journey_id, metric.updated_at = journey_id, now
        return metric

    def update_metric(self, metric_id: int, version: int, **changes: Any) -> None:
        row = self._row("SELECT * FROM metrics WHERE id = ?", [metric_id])
        if row is None:
            raise NotFoundError(f"metric {metric_id} does not exist")
        metric = _pick(Metric, row)
        unknown = set(changes) - set(_METRIC_FIELDS)
        if unknown:
            raise ValidationError(f"unknown metric field(s): {', '.join(sorted(unknown))}")
        for k, v in changes.items():
            setattr(metric, k, v)
        validate_metric(metric)
        self._versioned_update("metrics", metric_id, version, changes,
                               f"Metric {metric.name!r}")

    def add_metric_values(self, metric_id: int, values: list[MetricValue]) -> None:
        """Add dated values to a metric, all in one transaction."""
        probe = Metric(key="k", name="n", values=values)
        validate_metric(probe)
        with self.write() as conn:
            if self._row("SELECT id FROM metrics WHERE id = ?", [metric_id]) is None:
                raise NotFoundError(f"metric {metric_id} does not exist")
            conn.executemany("INSERT INTO metric_values (metric_id, date, value) VALUES (?,?,?)",
                             [[metric_id, v.date, v.value] for v in values])

    def delete_metric(self, metric_id: int) -> int:
        row = self._row("SELECT * FROM metrics WHERE id = ?", [metric_id])
        if row is None:
            raise NotFoundError(f"metric {metric_id} does not exist")
        with self.write() as conn:
            snapshot_id = self._snapshot_journey(row["journey_id"],
                                                 f"before deleting metric {row['name']!r}")
            conn.execute("DELETE FROM metrics WHERE id = ?", [metric_id])
        return snapshot_id

    # -- scenarios -----------------------------------------------------------

    @staticmethod
    def _scenario(row: dict) -> Scenario:
        row = dict(row)
        row["levers"] = json.loads(row["levers"])
        return _pick(Scenario, row)

    def save_scenario(self, journey_id: int, name: str, levers: dict[str, float]) -> Scenario:
        """Save a named what-if scenario (a new name; see update_scenario to change one)."""
        scenario = Scenario(name=name, levers=dict(levers))
        validate_scenario(scenario)
        self.journey_version(journey_id)
        now = utcnow()
        with self.write() as conn:
            try:
                scenario.id = conn.execute(
                    "INSERT INTO scenarios (journey_id, name, levers, created_at, updated_at) "
                    "VALUES (?,?,?,?,?)",
                    [journey_id, name, json.dumps(levers, sort_keys=True), now, now]).lastrowid
            except sqlite3.IntegrityError:
                raise ValidationError(f"a scenario called {name!r} already exists",
                                      "name") from None
        scenario.journey_id, scenario.updated_at = journey_id, now
        return scenario

    def scenarios(self, journey_id: int) -> list[Scenario]:
        return [self._scenario(r) for r in self._rows(
            "SELECT * FROM scenarios WHERE journey_id = ? ORDER BY id", [journey_id])]

    def update_scenario(self, scenario_id: int, version: int, **changes: Any) -> None:
        row = self._row("SELECT * FROM scenarios WHERE id = ?", [scenario_id])
        if row is None:
            raise NotFoundError(f"scenario {scenario_id} does not exist")
        scenario = self._scenario(row)
        for k, v in changes.items():
            setattr(scenario, k, v)
        validate_scenario(scenario)
        if "levers" in changes:
            changes["levers"] = json.dumps(changes["levers"], sort_keys=True)
        self._versioned_update("scenarios", scenario_id, version, changes,
                               f"Scenario {scenario.name!r}")

    def delete_scenario(self, scenario_id: int) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM scenarios WHERE id = ?", [scenario_id])

    # -- exchange ------------------------------------------------------------

    def export_workspace(self, workspace_id: int) -> dict:
        """The workspace as an exchange document (see journey/exchange.py)."""
        ws = self.get_workspace(workspace_id)
        personas = self.personas(workspace_id)
        journeys = [self.load_journey(r["id"]) for r in self._rows(
            "SELECT id FROM journeys WHERE workspace_id = ? ORDER BY id", [workspace_id])]
        return exchange.build_document(ws, personas, journeys)

    def export_journey(self, journey_id: int) -> dict:
        """One journey (and its persona) as an exchange document."""
        j = self.load_journey(journey_id)
        ws = self.get_workspace(j.workspace_id)
        personas = [self.get_persona(j.persona_id)] if j.persona_id else []
        return exchange.build_document(ws, personas, [j])

    def import_document(self, doc: dict, *, workspace_id: int | None = None,
                        replace: bool = False) -> dict:
        """Check a whole exchange document, then write it in one transaction.

        Without ``workspace_id`` a new workspace is made from the document. With it, the
        document's personas and journeys are added to that workspace; with ``replace`` they
        take the place of what it held (a snapshot of it is saved first). Returns a summary
        ``{"workspace_id", "personas", "journeys", "snapshot_id"}``. A bad document raises
        ValidationError and changes nothing.
        """
        parsed = exchange.parse_document(doc)
        now = utcnow()
        snapshot_id = None
        with self.write() as conn:
            if workspace_id is None:
                ws = parsed.workspace
                workspace_id = conn.execute(
                    "INSERT INTO workspaces (name, description, created_at, updated_at) "
                    "VALUES (?,?,?,?)", [ws.name, ws.description, now, now]).lastrowid
            else:
                self.get_workspace(workspace_id)
                if replace:
                    snapshot_id = self._snapshot_workspace(workspace_id,
                                                           "before importing over it")
                    conn.execute("DELETE FROM journeys WHERE workspace_id = ?", [workspace_id])
                    conn.execute("DELETE FROM personas WHERE workspace_id = ?", [workspace_id])
            journey_ids = self._insert_parsed(conn, workspace_id, parsed, now)
        return {"workspace_id": workspace_id, "personas": len(parsed.personas),
                "journeys": journey_ids, "snapshot_id": snapshot_id}

    def _insert_parsed(self, conn: sqlite3.Connection, workspace_id: int,
                       parsed: exchange.Parsed, now: str) -> list[int]:
        persona_ids = {ref: self._insert_persona(conn, workspace_id, p, now)
                       for ref, p in parsed.personas.items()}
        journey_ids = []
        for j, ref in parsed.journeys:
            j.persona_id = persona_ids[ref] if ref else None
            journey_ids.append(self._insert_journey(conn, workspace_id, j, now))
        return journey_ids

    # -- snapshots -----------------------------------------------------------

    def _save_snapshot(self, kind: str, target_id: int, workspace_id: int | None, title: str,
                       reason: str, data: dict) -> int:
        return self.conn.execute(
            "INSERT INTO snapshots (kind, target_id, workspace_id, title, reason, created_at, "
            "data) VALUES (?,?,?,?,?,?,?)",
            [kind, target_id, workspace_id, title, reason, utcnow(),
             json.dumps(data, sort_keys=True)]).lastrowid

    def _snapshot_journey(self, journey_id: int, reason: str) -> int:
        j = self.load_journey(journey_id)
        data = {"document": self.export_journey(journey_id), "persona_id": j.persona_id}
        return self._save_snapshot("journey", journey_id, j.workspace_id, j.name, reason, data)

    def _snapshot_workspace(self, workspace_id: int, reason: str) -> int:
        doc = self.export_workspace(workspace_id)
        return self._save_snapshot("workspace", workspace_id, workspace_id,
                                   doc["workspace"]["name"], reason, {"document": doc})

    def snapshot_journey(self, journey_id: int, reason: str = "saved by hand") -> int:
        """Save a snapshot of a journey now; returns its id."""
        with self.write():
            return self._snapshot_journey(journey_id, reason)

    def snapshot_workspace(self, workspace_id: int, reason: str = "saved by hand") -> int:
        with self.write():
            return self._snapshot_workspace(workspace_id, reason)

    def snapshots(self, *, workspace_id: int | None = None, journey_id: int | None = None,
                  ) -> list[Snapshot]:
        """Snapshots, newest first, optionally for one workspace or journey."""
        clauses, params = [], []
        if workspace_id is not None:
            clauses.append("workspace_id = ?")
            params.append(workspace_id)
        if journey_id is not None:
            clauses.append("kind = 'journey' AND target_id = ?")
            params.append(journey_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._rows(
            "SELECT id, kind, target_id, workspace_id, title, reason, created_at FROM snapshots "
            f"{where} ORDER BY id DESC", params)
        return [Snapshot(id=r["id"], journey_id=r["target_id"] if r["kind"] == "journey" else None,
                         workspace_id=r["workspace_id"], reason=r["reason"],
                         created_at=r["created_at"], title=f"{r['kind']}: {r['title']}")
                for r in rows]

    def snapshot_data(self, snapshot_id: int) -> dict:
        row = self._row("SELECT * FROM snapshots WHERE id = ?", [snapshot_id])
        if row is None:
            raise NotFoundError(f"snapshot {snapshot_id} does not exist")
        return {**row, "data": json.loads(row["data"])}

    def restore_snapshot(self, snapshot_id: int) -> dict:
        """Put back what a snapshot holds, first snapshotting what it replaces.

        A journey comes back under its old id (so links to it work again), a persona too,
        re-linked to the journeys that still exist; a workspace gets its old contents back.
        Returns ``{"kind", "id", "snapshot_id"}`` where ``snapshot_id`` undoes the restore.
        """
        snap = self.snapshot_data(snapshot_id)
        kind, target, data = snap["kind"], snap["target_id"], snap["data"]
        now = utcnow()
        with self.write() as conn:
            undo = None
            if kind == "journey":
                parsed = exchange.parse_document(data["document"])
                exists = self._row("SELECT workspace_id FROM journeys WHERE id = ?", [target])
                workspace_id = exists["workspace_id"] if exists else snap["workspace_id"]
                if exists:
                    undo = self._snapshot_journey(target, f"before restoring snapshot "
                                                          f"{snapshot_id}")
                    conn.execute("DELETE FROM journeys WHERE id = ?", [target])
                workspace_id = self._ensure_workspace(conn, workspace_id, parsed.workspace, now)
                j, ref = parsed.journeys[0]
                j.persona_id = self._reuse_or_insert_persona(conn, workspace_id, data, ref,
                                                             parsed, now)
                self._insert_journey(conn, workspace_id, j, now, journey_id=target)
                return {"kind": kind, "id": target, "snapshot_id": undo}
            if kind == "persona":
                persona = exchange.persona_from_dict(data["persona"])
                workspace_id = self._ensure_workspace(
                    conn, snap["workspace_id"], Workspace(name="Restored"), now)
                if self._row("SELECT id FROM personas WHERE id = ?", [target]):
                    raise ValidationError(f"persona {target} exists already: nothing to restore")
                self._insert_persona(conn, workspace_id, persona, now, persona_id=target)
                for jid in data["journeys"]:
                    conn.execute("UPDATE journeys SET persona_id = ?, version = version + 1, "
                                 "updated_at = ? WHERE id = ? AND persona_id IS NULL",
                                 [target, now, jid])
                return {"kind": kind, "id": target, "snapshot_id": None}
            # workspace
            parsed = exchange.parse_document(data["document"])
            if self._row("SELECT id FROM workspaces WHERE id = ?", [target]):
                undo = self._snapshot_workspace(target, f"before restoring snapshot "
                                                        f"{snapshot_id}")
                conn.execute("DELETE FROM journeys WHERE workspace_id = ?", [target])
                conn.execute("DELETE FROM personas WHERE workspace_id = ?", [target])
                conn.execute("UPDATE workspaces SET name = ?, description = ?, "
                             "version = version + 1, updated_at = ? WHERE id = ?",
                             [parsed.workspace.name, parsed.workspace.description, now, target])
            else:
                conn.execute("INSERT INTO workspaces (id, name, description, created_at, "
                             "updated_at) VALUES (?,?,?,?,?)",
                             [target, parsed.workspace.name, parsed.workspace.description,
                              now, now])
            self._insert_parsed(conn, target, parsed, now)
            return {"kind": kind, "id": target, "snapshot_id": undo}

    def _ensure_workspace(self, conn: sqlite3.Connection, workspace_id: int | None,
                          ws: Workspace, now: str) -> int:
        if workspace_id is not None and self._row(
                "SELECT id FROM workspaces WHERE id = ?", [workspace_id]):
            return workspace_id
        return conn.execute(
            "INSERT INTO workspaces (id, name, description, created_at, updated_at) "
            "VALUES (?,?,?,?,?)", [workspace_id, ws.name, ws.description, now, now]).lastrowid

    def _reuse_or_insert_persona(self, conn: sqlite3.Connection, workspace_id: int, data: dict,
                                 ref: str | None, parsed: exchange.Parsed, now: str) -> int | None:
        """The persona a restored journey points at: the live one if it still exists."""
        if not ref:
            return None
        original = data.get("persona_id")
        if original and self._row("SELECT id FROM personas WHERE id = ? AND workspace_id = ?",
                                  [original, workspace_id]):
            return original
        return self._insert_persona(conn, workspace_id, parsed.personas[ref], now)

    # -- event datasets (observed timeframes) --------------------------------

    def add_event_dataset(self, journey_id: int, name: str, *, columns: dict, mapping: dict,
                          event_names: list, stats: dict, report: dict,
                          events: Iterable[list[tuple]], customers: Iterable[list[tuple]],
                          ) -> int:
        """Store an imported event log: its settings, every raw event and the per-customer
        summaries (both given as chunks of row tuples, so a large log never sits in memory at
        once). Returns the dataset id.

        No write transaction is held long: the rows are staged in transactions of at most
        :data:`STAGE_ROWS` rows under a dataset in state ``staging``, which nothing reads, and
        one short transaction publishes it (state ``ready``). Other people's saves wait at most
        one such transaction. A failed import removes what it staged; one whose process died
        (its lock file is free again) is removed by the next import.
        """
        self.discard_abandoned_imports()
        now = utcnow()
        with self.write() as conn:
            self.journey_version(journey_id)
            dataset_id = conn.execute(
                "INSERT INTO event_datasets (journey_id, name, columns, mapping, event_names, "
                "total_rows, events_rows, ignored_rows, customers, report, created_at, "
                "updated_at, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'staging')",
                [journey_id, name, json.dumps(columns), json.dumps(mapping),
                 json.dumps(event_names), stats["total_rows"], stats["events_rows"],
                 stats["ignored_rows"], stats["customers"], json.dumps(report), now,
                 now]).lastrowid
        lock_path = pathlib.Path(self._import_lock(dataset_id))
        with open(lock_path, "w") as lock:  # held while this process stages
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._stage(dataset_id, name, events, customers)
            except BaseException:
                self._discard_import(dataset_id)
                raise
            finally:
                lock_path.unlink(missing_ok=True)
        return dataset_id

    def _stage(self, dataset_id: int, name: str, events: Iterable[list[tuple]],
               customers: Iterable[list[tuple]]) -> None:
        for chunk in events:
            for start in range(0, len(chunk), STAGE_ROWS):
                self._stage_events(dataset_id, chunk[start:start + STAGE_ROWS])
        for chunk in customers:
            for start in range(0, len(chunk), STAGE_ROWS):
                with self.write() as conn:
                    self._insert_customers(conn, dataset_id, [chunk[start:start + STAGE_ROWS]])
                time.sleep(BEGIN_RETRY_SECONDS)
        with self.write() as conn:
            published = conn.execute(
                "UPDATE event_datasets SET state = 'ready', staged_from = NULL, "
                "staged_to = NULL, updated_at = ? WHERE id = ? AND state = 'staging'",
                [utcnow(), dataset_id]).rowcount
        if not published:
            raise NotFoundError(f"the import of {name} was removed while it was stored "
                                "(its journey was deleted?); nothing was imported")

    def _import_lock(self, dataset_id: int) -> str:
        return f"{self.path}.import-{dataset_id}.lock"

    def _stage_events(self, dataset_id: int, rows: list[tuple]) -> None:
        """One short transaction: a batch of raw events and the rowid span they took."""
        with self.write() as conn:
            conn.executemany(
                "INSERT INTO events (dataset_id, customer_id, ts, event, value, segment) "
                f"VALUES ({int(dataset_id)},?,?,?,?,?)", rows)
            last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
            conn.execute(
                "UPDATE event_datasets SET staged_from = coalesce(staged_from, ?), "
                "staged_to = ?, updated_at = ? WHERE id = ?",
                [last - len(rows) + 1, last, utcnow(), dataset_id])
        time.sleep(BEGIN_RETRY_SECONDS)  # a gap in which a waiting save takes the lock

    def _discard_import(self, dataset_id: int) -> None:
        """Remove a staged (unpublished) import in short transactions."""
        row = self._row("SELECT staged_from, staged_to, state FROM event_datasets WHERE id = ?",
                        [dataset_id])
        if row is None or row["state"] != "staging":
            return
        low, high = row["staged_from"], row["staged_to"]
        while low is not None and low <= high:
            with self.write() as conn:
                conn.execute("DELETE FROM events WHERE rowid BETWEEN ? AND ? AND dataset_id = ?",
                             [low, low + STAGE_ROWS - 1, dataset_id])
            low += STAGE_ROWS
        while True:
            with self.write() as conn:
                gone = conn.execute(
                    "DELETE FROM customer_summaries WHERE rowid IN (SELECT rowid FROM "
                    "customer_summaries WHERE dataset_id = ? LIMIT ?)",
                    [dataset_id, STAGE_ROWS]).rowcount
            if not gone:
                break
        with self.write() as conn:
            conn.execute("DELETE FROM event_datasets WHERE id = ? AND state = 'staging'",
                         [dataset_id])

    def discard_abandoned_imports(self, grace_seconds: float = 60.0) -> list[int]:
        """Remove imports whose process died while staging (their lock file is free and they
        staged nothing for ``grace_seconds``); returns their ids. An import still running in
        any process holds its lock and is left alone."""
        gone = []
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=grace_seconds)).isoformat(
            timespec="seconds")
        for (dataset_id,) in self.conn.execute(
                "SELECT id FROM event_datasets WHERE state = 'staging' AND updated_at <= ?",
                [cutoff]).fetchall():
            path = self._import_lock(dataset_id)
            with open(path, "a") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # still being imported
                self._discard_import(dataset_id)
            pathlib.Path(path).unlink(missing_ok=True)
            gone.append(dataset_id)
        return gone

    @staticmethod
    def _insert_customers(conn: sqlite3.Connection, dataset_id: int,
                          customers: Iterable[list[tuple]]) -> None:
        for chunk in customers:
            conn.executemany(
                "INSERT INTO customer_summaries (dataset_id, customer_id, first_seen, last_seen,"
                " entered_awareness, entered_consideration, entered_decision, entered_retention,"
                " entered_advocacy, first_purchase, purchase_count, reached_stage, segment, "
                f"value_total) VALUES ({dataset_id},?,?,?,?,?,?,?,?,?,?,?,?,?)", chunk)

    def replace_event_summaries(self, dataset_id: int, version: int, *, mapping: dict,
                                stats: dict, report: dict,
                                customers: Iterable[list[tuple]]) -> None:
        """Swap in summaries recomputed with a new mapping (versioned, one transaction)."""
        with self.write() as conn:
            self._versioned_update(
                "event_datasets", dataset_id, version,
                {"mapping": json.dumps(mapping), "report": json.dumps(report),
                 "events_rows": stats["events_rows"], "ignored_rows": stats["ignored_rows"],
                 "customers": stats["customers"]}, "The event mapping")
            conn.execute("DELETE FROM customer_summaries WHERE dataset_id = ?", [dataset_id])
            self._insert_customers(conn, dataset_id, customers)

    def event_datasets(self, journey_id: int) -> list[dict]:
        """The journey's imported event logs, newest first (settings and counts, no report)."""
        return [self._dataset(r) for r in self._rows(
            "SELECT id, journey_id, name, columns, mapping, event_names, total_rows, "
            "events_rows, ignored_rows, customers, version, created_at, updated_at "
            "FROM event_datasets WHERE journey_id = ? AND state = 'ready' ORDER BY id DESC",
            [journey_id])]

    def get_event_dataset(self, dataset_id: int) -> dict:
        """One event log's settings, counts and stored report."""
        row = self._row("SELECT * FROM event_datasets WHERE id = ? AND state = 'ready'",
                        [dataset_id])
        if row is None:
            raise NotFoundError(f"event dataset {dataset_id} does not exist")
        return self._dataset(row)

    @staticmethod
    def _dataset(row: dict) -> dict:
        row = dict(row)
        for key in ("columns", "mapping", "event_names", "report"):
            if key in row:
                row[key] = json.loads(row[key])
        return row

    def raw_events(self, dataset_id: int, chunk: int = 100_000) -> Iterator[list[tuple]]:
        """The stored events (customer_id, ts, event, value, segment) in chunks of rows."""
        cursor = self.conn.execute(
            "SELECT customer_id, ts, event, value, segment FROM events WHERE dataset_id = ? "
            "ORDER BY rowid", [dataset_id])
        while rows := cursor.fetchmany(chunk):
            yield rows

    def customer_summaries(self, dataset_id: int) -> list[dict]:
        """The per-customer summaries of an event log (for checks and small exports)."""
        return self._rows("SELECT * FROM customer_summaries WHERE dataset_id = ? "
                          "ORDER BY customer_id", [dataset_id])

    def delete_event_dataset(self, dataset_id: int) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM event_datasets WHERE id = ?", [dataset_id])

    # -- housekeeping --------------------------------------------------------

    def backup(self, destination: str | pathlib.Path) -> pathlib.Path:
        """Copy the database to ``destination`` with SQLite's online backup (safe while in use)."""
        destination = pathlib.Path(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(destination))
        try:
            self.conn.backup(target)
        finally:
            target.close()
        return destination

    def restore_backup(self, source: str | pathlib.Path) -> None:
        """Replace this database's contents with a backup file (checked before use)."""
        source = pathlib.Path(source)
        if not source.is_file():
            raise NotFoundError(f"{source}: no such backup file")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                check = src.execute("PRAGMA integrity_check").fetchone()[0]
                src.execute("SELECT count(*) FROM workspaces").fetchone()
            except sqlite3.DatabaseError as e:
                raise ValidationError(f"{source}: not a Journey Lab database ({e})") from None
            if check != "ok":
                raise ValidationError(f"{source}: integrity check failed: {check}")
            src.backup(self.conn)
        finally:
            src.close()
        migrations.apply(self.db)

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def schema(self) -> dict[str, dict[str, str]]:
        """Every table's columns and types: ``{"stages": {"id": "INTEGER", ...}}``."""
        return {t.name: {c.name: c.type for c in t.columns} for t in self.db.tables
                if not t.name.startswith(("_", "sqlite_"))}

