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
are about to destroy, and :meth:`Store.restore_snapshot` brings it back. Every successful update
of an editable row is also a revision (who, when, each field's old and new value), written in
the same transaction; :meth:`Store.restore_revision` and :meth:`Store.undo_last` undo one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import pathlib
import sqlite3
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from typing import Any

from sqlite_utils import Database

from . import comments as comments_rules
from . import exchange, voting
from .migrations import migrate, migrations
from .model import (
    ASSUMPTION_FIELDS,
    METRIC_FIELDS,
    MOMENT_FIELDS,
    PERSONA_FIELDS,
    STAGE_FIELDS,
    STAGES,
    Assumptions,
    ChangedSinceError,
    Comment,
    ConflictError,
    EventDataset,
    ImportResult,
    Journey,
    JourneyError,
    JourneySummary,
    Metric,
    MetricValue,
    Moment,
    NotFoundError,
    Persona,
    RestoreResult,
    Revision,
    Scenario,
    Snapshot,
    Stage,
    StorageError,
    Touchpoint,
    ValidationError,
    Workspace,
    blank_stages,
    check_date,
    check_number,
    stage_label,
    validate_journey,
    validate_metric,
    validate_moment,
    validate_persona,
    validate_scenario,
    validate_stage,
    validate_workspace,
    value_field,
    value_field_date,
)

BUSY_TIMEOUT_SECONDS = 10.0
#: Any error SQLite raises (disk full, read-only, locked), for callers outside this module.
DatabaseError = sqlite3.Error
STAGE_ROWS = 10_000  # rows per write transaction while an event log is staged (~20 ms each)


class BusyError(JourneyError):
    """The database stayed locked by another writer for the whole busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            f"The database is busy (another save or an import is writing) and stayed busy for "
            f"{BUSY_TIMEOUT_SECONDS:.0f} s; nothing was saved and what you typed is kept: "
            "save again in a moment."
        )


# ---------------------------------------------------------------------------- helpers


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def connect(path: str | pathlib.Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection with the project's settings: WAL, foreign keys, busy timeout.

    ``read_only`` opens the file with SQLite's ``mode=ro`` and writes nothing at all, not even
    the journal mode, so a database file nobody may write can still be read. A WAL database in
    a folder this process may not write (SQLite cannot make its shared-memory file there) is
    opened as ``immutable``: nobody can change it then anyway.
    """
    if read_only:
        uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        conn.execute("PRAGMA query_only=ON")
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def check_database_path(path: str | pathlib.Path) -> pathlib.Path:
    """``path`` as a Path if it can hold a database file; StorageError saying why not."""
    path = pathlib.Path(path)
    try:
        if path.is_dir():
            raise StorageError(f"{path}: is a folder, not a database file")
        if path.exists() and not path.is_file():
            raise StorageError(f"{path}: not a regular file (a device or a pipe?)")
        if not path.exists() and not path.parent.is_dir():
            raise StorageError(f"{path}: the folder {path.parent} does not exist")
    except OSError as e:
        raise StorageError(f"{path}: cannot reach the file ({e.strerror})") from None
    return path


def is_read_only(path: str | pathlib.Path) -> bool:
    """True when the database file exists but this process may not write it (or its folder,
    where SQLite keeps the write-ahead log)."""
    path = pathlib.Path(path)
    return path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def database_error(path: str | pathlib.Path, error: sqlite3.Error) -> StorageError:
    """A SQLite error as one line a person can act on, naming the file."""
    text = str(error)
    if "file is not a database" in text:
        text = "not a SQLite database"
    elif "disk is full" in text:
        text = "the disk is full; nothing was written"
    elif "readonly" in text:
        text = "the database is read-only; nothing was written"
    elif "unable to open" in text:
        text = "cannot open the database file"
    elif "Could not decode" in text:
        text = "it holds text that is not valid UTF-8 (a damaged file?)"
    text = " ".join(text.split())
    return StorageError(f"{path}: {text if len(text) <= 160 else text[:160] + '…'}")


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


_JOURNEY_FIELDS = ("name", "description", "persona_id", *ASSUMPTION_FIELDS)


def _pick(cls, row: dict) -> Any:
    """Build dataclass ``cls`` from the columns of ``row`` it knows."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})


def _refuse_unknown(what: str, changes: dict, allowed: Iterable[str]) -> None:
    """ValidationError naming the keys of ``changes`` that are not ``allowed`` fields of ``what``.

    Updates build their SQL from the keys of ``changes``, so none may reach it unchecked.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(f"unknown {what} field(s): {', '.join(sorted(unknown))}")


@contextlib.contextmanager
def _taken(message: str, field: str) -> Iterator[None]:
    """Turn an IntegrityError inside (a UNIQUE key or name already taken) into
    ValidationError(``message``, ``field``), without the SQL error as its cause."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise ValidationError(message, field) from None


def _persona(row: dict) -> Persona:
    row = dict(row)
    row["channels"] = json.loads(row["channels"])
    return _pick(Persona, row)


def kept_note(result: ImportResult | RestoreResult) -> str:
    """The tail of a message about a replace-import or restore: the journeys it kept because
    they hold event logs the file or snapshot does not have (empty when none)."""
    if not result.kept:
        return ""
    ids = ", ".join(map(str, result.kept))
    return f"; kept journey(s) {ids}: they hold event logs the file or snapshot does not have"


class Store:
    """The Journey Lab database. Construct it with a path; it migrates itself.

    >>> store = Store("journey.db")
    >>> ws = store.create_workspace("Acme")
    >>> j = store.create_journey(ws.id, "Car buyer")
    """

    def __init__(self, path: str | pathlib.Path, *, read_only: bool | None = None):
        """Open (or create) the database at ``path`` and apply pending migrations.

        ``read_only`` (default: whether this process may write the file) opens it without
        writing anything; every write then raises StorageError. A path that cannot hold a
        database, a file that is not one, or a read-only file that needs migrating raise
        StorageError.
        """
        check_database_path(path)
        self.path = str(path)
        self._writes: dict[str, int] = {}
        self.read_only = is_read_only(path) if read_only is None else read_only
        self._local = threading.local()
        try:
            self._migrate()
        except sqlite3.Error as e:
            self.close()
            raise database_error(self.path, e) from None

    # -- connections ---------------------------------------------------------

    @property
    def db(self) -> Database:
        """This thread's sqlite-utils Database (made on first use)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = Database(connect(self.path, read_only=self.read_only))
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
        """Apply pending migrations (see :func:`journey.migrations.migrate`)."""
        migrate(self.db, self.path, read_only=self.read_only)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it lands, or none of it.

        Nested calls join the outer transaction through a savepoint. On a read-only database
        it raises StorageError before anything is attempted.
        """
        if self.read_only:
            raise StorageError(f"{self.path}: the database is read-only; nothing was saved")
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
            self._count_write()

    def _rows(self, sql: str, params: tuple | list | dict = ()) -> list[dict]:
        return list(self.db.query(sql, params))

    def _row(self, sql: str, params: tuple | list | dict = ()) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _one(self, sql: str, params: tuple | list | dict, what: str) -> dict:
        """The first row ``sql`` finds, or NotFoundError "<what> does not exist"."""
        row = self._row(sql, params)
        if row is None:
            raise NotFoundError(f"{what} does not exist")
        return row

    def _get(self, table: str, row_id: int, what: str) -> dict:
        """Row ``row_id`` of ``table``, or NotFoundError "<what> <row_id> does not exist"."""
        return self._one(f"SELECT * FROM [{table}] WHERE id = ?", [row_id], f"{what} {row_id}")

    def _versioned_update(
        self, table: str, row_id: int, version: int, changes: dict, what: str
    ) -> None:
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
                "WHERE id = :_id AND version = :_version",
                params,
            )
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
            ws.id = self._insert_workspace(conn, ws, now)
        ws.updated_at = now
        return ws

    @staticmethod
    def _insert_workspace(
        conn: sqlite3.Connection, ws: Workspace, now: str, workspace_id: int | None = None
    ) -> int:
        """Insert a workspace row (a new id unless ``workspace_id`` is given); its id."""
        return conn.execute(
            "INSERT INTO workspaces (id, name, description, created_at, updated_at) "
            "VALUES (?,?,?,?,?)",
            [workspace_id, ws.name, ws.description, now, now],
        ).lastrowid

    def workspaces(self) -> list[Workspace]:
        """All workspaces, oldest first."""
        return [_pick(Workspace, r) for r in self._rows("SELECT * FROM workspaces ORDER BY id")]

    def get_workspace(self, workspace_id: int) -> Workspace:
        row = self._get("workspaces", workspace_id, "workspace")
        return _pick(Workspace, row)

    def update_workspace(self, workspace_id: int, version: int, **changes: Any) -> None:
        """Save edits to a workspace's name or description made from ``version``.

        Raises ValidationError for another field or an invalid value, ConflictError if stale.
        """
        ws = self.get_workspace(workspace_id)
        _refuse_unknown("workspace", changes, ("name", "description"))
        for k, v in changes.items():
            setattr(ws, k, v)
        validate_workspace(ws)
        self._versioned_update(
            "workspaces", workspace_id, version, changes, f"Workspace {ws.name!r}"
        )

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

    def _insert_persona(
        self,
        conn: sqlite3.Connection,
        workspace_id: int,
        p: Persona,
        now: str,
        persona_id: int | None = None,
    ) -> int:
        values = {k: getattr(p, k) for k in PERSONA_FIELDS}
        values["channels"] = json.dumps(p.channels)
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        return conn.execute(
            f"INSERT INTO personas (id, workspace_id, {cols}, created_at, updated_at) "
            f"VALUES (:_id, :_ws, {marks}, :_now, :_now)",
            {**values, "_id": persona_id, "_ws": workspace_id, "_now": now},
        ).lastrowid

    def personas(self, workspace_id: int) -> list[Persona]:
        rows = self._rows(
            "SELECT * FROM personas WHERE workspace_id = ? ORDER BY id", [workspace_id]
        )
        return [_persona(r) for r in rows]

    def get_persona(self, persona_id: int) -> Persona:
        row = self._get("personas", persona_id, "persona")
        return _persona(row)

    def update_persona(self, persona_id: int, version: int, **changes: Any) -> None:
        """Save edits to a persona made from ``version``; raise ConflictError if stale."""
        persona = self.get_persona(persona_id)
        _refuse_unknown("persona", changes, PERSONA_FIELDS)
        for k, v in changes.items():
            setattr(persona, k, v)
        validate_persona(persona)
        new = dict(changes)
        if "channels" in changes:
            changes["channels"] = json.dumps(changes["channels"])
        with self._revised("persona", persona_id, new):
            self._versioned_update(
                "personas", persona_id, version, changes, f"Persona {persona.name!r}"
            )

    def duplicate_persona(self, persona_id: int, name: str | None = None) -> Persona:
        p = self.get_persona(persona_id)
        copy = Persona(**{k: getattr(p, k) for k in PERSONA_FIELDS})
        copy.name = name or f"{p.name} (copy)"[:200]
        return self.create_persona(p.workspace_id, copy)

    def delete_persona(self, persona_id: int) -> int:
        """Delete a persona (its journeys keep going without one); returns the snapshot id."""
        persona = self.get_persona(persona_id)
        with self.write() as conn:
            linked = [
                r["id"]
                for r in self._rows("SELECT id FROM journeys WHERE persona_id = ?", [persona_id])
            ]
            data = {"persona": exchange.persona_to_dict(persona), "journeys": linked}
            snapshot_id = self._save_snapshot(
                "persona",
                persona_id,
                persona.workspace_id,
                persona.name,
                "before deleting the persona",
                data,
            )
            conn.execute("DELETE FROM personas WHERE id = ?", [persona_id])
        return snapshot_id

    # -- journeys ------------------------------------------------------------

    def create_journey(
        self,
        workspace_id: int,
        name: str,
        *,
        persona_id: int | None = None,
        description: str = "",
        journey: Journey | None = None,
    ) -> Journey:
        """Create a journey with its five stages (blank, or as given in ``journey``)."""
        j = journey or Journey(
            name=name, description=description, persona_id=persona_id, stages=blank_stages()
        )
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

    def _insert_journey(
        self,
        conn: sqlite3.Connection,
        workspace_id: int,
        j: Journey,
        now: str,
        journey_id: int | None = None,
    ) -> int:
        """Insert a whole journey (stages, touchpoints, moments, metrics, scenarios)."""
        values = {
            "name": j.name,
            "description": j.description,
            "persona_id": j.persona_id,
            **j.assumptions.as_dict(),
        }
        cols = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        journey_id = conn.execute(
            f"INSERT INTO journeys (id, workspace_id, {cols}, created_at, updated_at) "
            f"VALUES (:_id, :_ws, {marks}, :_now, :_now)",
            {**values, "_id": journey_id, "_ws": workspace_id, "_now": now},
        ).lastrowid
        self._insert_journey_contents(conn, journey_id, j, now)
        return journey_id

    def _replace_journey(
        self, conn: sqlite3.Connection, journey_id: int, j: Journey, now: str
    ) -> None:
        """Put ``j`` into the live journey ``journey_id`` in place: its row is updated (and its
        version bumped) and its stages, metrics and scenarios replaced. The id stays, and so
        does everything that hangs off the journey itself but is not in an exchange document:
        its event logs (raw events, summaries, report, mapping)."""
        values = {
            "name": j.name,
            "description": j.description,
            "persona_id": j.persona_id,
            **j.assumptions.as_dict(),
        }
        sets = "".join(f"[{k}] = :{k}, " for k in values)
        conn.execute(
            f"UPDATE journeys SET {sets}version = version + 1, updated_at = :_now WHERE id = :_id",
            {**values, "_id": journey_id, "_now": now},
        )
        for table in ("stages", "metrics", "scenarios"):
            conn.execute(f"DELETE FROM [{table}] WHERE journey_id = ?", [journey_id])
        self._insert_journey_contents(conn, journey_id, j, now)

    def _insert_journey_contents(
        self, conn: sqlite3.Connection, journey_id: int, j: Journey, now: str
    ) -> None:
        """Insert a journey's stages (touchpoints, moments), metrics and scenarios."""
        stages = sorted(j.stages, key=lambda s: STAGES.index(s.stage))
        for s in stages:
            stage_id = conn.execute(
                "INSERT INTO stages (journey_id, stage, position, label, customer_goal, "
                "customer_actions, business_actions, thoughts, emotion, duration_days, "
                "conversion, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    journey_id,
                    s.stage,
                    STAGES.index(s.stage),
                    s.label or stage_label(s.stage),
                    s.customer_goal,
                    s.customer_actions,
                    s.business_actions,
                    s.thoughts,
                    s.emotion,
                    s.duration_days,
                    s.conversion,
                    now,
                ],
            ).lastrowid
            self._insert_touchpoints(conn, stage_id, s.touchpoints)
            self._insert_comments(conn, journey_id, "stage", stage_id, s.comments)
            for m in s.moments:
                moment_id = self._insert_moment(conn, stage_id, m, now)
                self._insert_comments(conn, journey_id, "moment", moment_id, m.comments)
        for position, m in enumerate(j.metrics):
            metric_id = self._insert_metric(conn, journey_id, position, m, now)
            self._insert_metric_values(conn, metric_id, m.values)
        for sc in j.scenarios:
            self._insert_scenario(conn, journey_id, sc.name, sc.levers, now)

    @staticmethod
    def _insert_comments(
        conn: sqlite3.Connection,
        journey_id: int,
        target: str,
        target_id: int,
        comments: list[Comment],
    ) -> None:
        """Insert comments as they are (author and times kept: an import or a restore)."""
        for c in comments:
            Store._insert_comment(
                conn,
                journey_id,
                target,
                target_id,
                c.author,
                c.text,
                c.created_at,
                c.updated_at or c.created_at,
            )

    @staticmethod
    def _insert_comment(
        conn: sqlite3.Connection,
        journey_id: int,
        target: str,
        target_id: int,
        author: str,
        text: str,
        created_at: str,
        updated_at: str,
    ) -> int:
        """Insert one comment on a ``"stage"`` or ``"moment"``; its new id."""
        column = f"{comments_rules.check_target(target)}_id"
        return conn.execute(
            f"INSERT INTO comments (journey_id, {column}, author, text, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?)",
            [journey_id, target_id, author, text, created_at, updated_at],
        ).lastrowid

    @staticmethod
    def _insert_touchpoints(
        conn: sqlite3.Connection, stage_id: int, touchpoints: list[Touchpoint]
    ) -> None:
        conn.executemany(
            "INSERT INTO touchpoints (stage_id, position, channel, description) VALUES (?,?,?,?)",
            [[stage_id, i, t.channel, t.description] for i, t in enumerate(touchpoints)],
        )

    def journeys(self, workspace_id: int | None = None) -> list[JourneySummary]:
        """A summary row per journey: ids, names, its persona's name, stage and moment counts."""
        where = "WHERE j.workspace_id = :ws" if workspace_id is not None else ""
        rows = self._rows(
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
            """,
            {"ws": workspace_id},
        )
        return [JourneySummary(**r) for r in rows]

    def load_journey(self, journey_id: int) -> Journey:
        """The whole journey: stages with touchpoints and moments, metrics, scenarios."""
        row = self._get("journeys", journey_id, "journey")
        j = _pick(Journey, row)
        j.assumptions = Assumptions(**{k: row[k] for k in ASSUMPTION_FIELDS})
        stages = [
            _pick(Stage, r)
            for r in self._rows(
                "SELECT * FROM stages WHERE journey_id = ? ORDER BY position", [journey_id]
            )
        ]
        by_id = {s.id: s for s in stages}
        for r in self._rows(
            "SELECT t.* FROM touchpoints t JOIN stages s ON t.stage_id = s.id "
            "WHERE s.journey_id = ? ORDER BY t.stage_id, t.position, t.id",
            [journey_id],
        ):
            by_id[r["stage_id"]].touchpoints.append(_pick(Touchpoint, r))
        for r in self._rows(
            "SELECT m.*, s.stage FROM moments m JOIN stages s ON m.stage_id = s.id "
            "WHERE s.journey_id = ? ORDER BY m.id",
            [journey_id],
        ):
            by_id[r["stage_id"]].moments.append(_pick(Moment, r))
        j.stages = stages
        moments = {m.id: m for s in stages for m in s.moments}
        for r in self._rows(
            "SELECT * FROM comments WHERE journey_id = ? ORDER BY created_at, id", [journey_id]
        ):
            owner = by_id.get(r["stage_id"]) if r["stage_id"] else moments.get(r["moment_id"])
            if owner is not None:
                owner.comments.append(_pick(Comment, r))
        metrics = {
            r["id"]: _pick(Metric, r)
            for r in self._rows(
                "SELECT * FROM metrics WHERE journey_id = ? ORDER BY position, id", [journey_id]
            )
        }
        for r in self._rows(
            "SELECT v.* FROM metric_values v JOIN metrics m ON v.metric_id = m.id "
            "WHERE m.journey_id = ? ORDER BY v.date, v.id",
            [journey_id],
        ):
            metrics[r["metric_id"]].values.append(_pick(MetricValue, r))
        j.metrics = list(metrics.values())
        j.scenarios = [
            self._scenario(r)
            for r in self._rows(
                "SELECT * FROM scenarios WHERE journey_id = ? ORDER BY id", [journey_id]
            )
        ]
        return j

    def update_journey(self, journey_id: int, version: int, **changes: Any) -> None:
        """Edit a journey's name, description, persona or assumptions (by field name)."""
        j = self.load_journey(journey_id)
        _refuse_unknown("journey", changes, _JOURNEY_FIELDS)
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
        with self._revised("journey", journey_id, changes):
            self._versioned_update("journeys", journey_id, version, changes, f"Journey {j.name!r}")

    def delete_journey(self, journey_id: int) -> int:
        """Delete a journey; returns the id of the snapshot that can bring it back."""
        return self._delete_with_snapshot(
            "journeys", journey_id, journey_id, "before deleting the journey"
        )

    def require_journey(self, journey_id: int) -> int:
        """Check the journey exists (NotFoundError if not) and return its row's version.

        The cheapest check before work on a journey; the version is the journey row's own
        (what :meth:`update_journey` takes), not a fingerprint of what it holds.
        """
        row = self._one(
            "SELECT version FROM journeys WHERE id = ?", [journey_id], f"journey {journey_id}"
        )
        return row["version"]

    def journey_fingerprint(self, journey_id: int) -> tuple:
        """A cheap change check for live updates: a tuple that changes whenever anything shown
        of the journey is added, edited or deleted (its row, stages, touchpoints, moments,
        comments, metrics and values, scenarios, votes and dots, event logs), by anyone.

        Per table it reads a count, the sum of row versions (every versioned update raises
        it) and the largest id (an add after a delete moves it), through the journey's
        indexes; one query, a fraction of a millisecond (``python -m bench.live``). Raises
        NotFoundError when the journey is gone.
        """
        row = self.conn.execute(_FINGERPRINT_SQL, {"j": journey_id}).fetchone()
        if row[0] is None:
            raise NotFoundError(f"journey {journey_id} does not exist")
        return tuple(row)

    # -- stages --------------------------------------------------------------

    def stage_durations(self, workspace_id: int) -> dict[int, dict[str, float]]:
        """Every journey's stage durations in one query: ``{journey_id: {stage: days}}``."""
        out: dict[int, dict[str, float]] = {}
        for r in self._rows(
            "SELECT s.journey_id, s.stage, s.duration_days FROM stages s "
            "JOIN journeys j ON j.id = s.journey_id WHERE j.workspace_id = ?",
            [workspace_id],
        ):
            out.setdefault(r["journey_id"], {})[r["stage"]] = r["duration_days"]
        return out

    def stage_ids(self, journey_id: int) -> list[int]:
        """The ids of a journey's five stages, in stage order."""
        return [
            r["id"]
            for r in self._rows(
                "SELECT id FROM stages WHERE journey_id = ? ORDER BY position", [journey_id]
            )
        ]

    def get_stage(self, stage_id: int) -> Stage:
        row = self._get("stages", stage_id, "stage")
        stage = _pick(Stage, row)
        stage.touchpoints = [
            _pick(Touchpoint, r)
            for r in self._rows(
                "SELECT * FROM touchpoints WHERE stage_id = ? ORDER BY position, id", [stage_id]
            )
        ]
        return stage

    def update_stage(self, stage_id: int, version: int, **changes: Any) -> None:
        """Save edits to a stage made from ``version``; ``touchpoints`` replaces the list.

        Raises ValidationError for a bad value and ConflictError if someone saved the
        stage in between; in both cases nothing is written.
        """
        stage = self.get_stage(stage_id)
        _refuse_unknown("stage", changes, {*STAGE_FIELDS, "touchpoints"})
        new = (
            {
                **changes,
                "touchpoints": [
                    {"channel": t["channel"], "description": t.get("description", "")}
                    if isinstance(t, dict)
                    else {"channel": t.channel, "description": t.description}
                    for t in changes["touchpoints"]
                ],
            }
            if "touchpoints" in changes
            else dict(changes)
        )
        touchpoints = changes.pop("touchpoints", None)
        if touchpoints is not None:
            touchpoints = [t if isinstance(t, Touchpoint) else Touchpoint(**t) for t in touchpoints]
            stage.touchpoints = touchpoints
        for k, v in changes.items():
            setattr(stage, k, v)
        validate_stage(stage)
        with self._revised("stage", stage_id, new), self.write() as conn:
            self._versioned_update(
                "stages", stage_id, version, changes, f"The {stage_label(stage.stage)} stage"
            )
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
            moment.id = self._insert_moment(conn, stage_id, moment, now)
        moment.stage_id, moment.stage, moment.version = stage_id, stage.stage, 1
        moment.updated_at = now
        return moment

    @staticmethod
    def _insert_moment(conn: sqlite3.Connection, stage_id: int, m: Moment, now: str) -> int:
        """Insert a moment row into stage ``stage_id``; its new id."""
        return conn.execute(
            "INSERT INTO moments (stage_id, kind, title, description, severity, channel, "
            "action, owner, status, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                stage_id,
                m.kind,
                m.title,
                m.description,
                m.severity,
                m.channel,
                m.action,
                m.owner,
                m.status,
                now,
                now,
            ],
        ).lastrowid

    def get_moment(self, moment_id: int) -> Moment:
        row = self._one(
            "SELECT m.*, s.stage FROM moments m JOIN stages s ON s.id = m.stage_id WHERE m.id = ?",
            [moment_id],
            f"moment {moment_id}",
        )
        return _pick(Moment, row)

    def update_moment(self, moment_id: int, version: int, **changes: Any) -> None:
        """Save edits to a moment (``stage_id`` moves it to another stage of the journey)."""
        moment = self.get_moment(moment_id)
        _refuse_unknown("moment", changes, {*MOMENT_FIELDS, "stage_id"})
        for k, v in changes.items():
            setattr(moment, k, v)
        validate_moment(moment)
        if "stage_id" in changes:
            old, new = (
                self.get_stage(self.get_moment(moment_id).stage_id),
                self.get_stage(changes["stage_id"]),
            )
            if old.journey_id != new.journey_id:
                raise ValidationError("a moment can only move within its journey", "stage")
        with self._revised("moment", moment_id, changes):
            self._versioned_update(
                "moments",
                moment_id,
                version,
                changes,
                f"{moment.kind.title()} point {moment.title!r}",
            )

    def delete_moment(self, moment_id: int) -> int:
        """Delete a moment; returns the snapshot id (of its journey) that can undo it."""
        moment = self.get_moment(moment_id)
        stage = self.get_stage(moment.stage_id)
        return self._delete_with_snapshot(
            "moments",
            moment_id,
            stage.journey_id,
            f"before deleting {moment.kind} point {moment.title!r}",
        )

    # -- metrics -------------------------------------------------------------

    def add_metric(self, journey_id: int, metric: Metric) -> Metric:
        validate_metric(metric)
        self.require_journey(journey_id)
        now = utcnow()
        with self.write() as conn:
            position = self._row(
                "SELECT count(*) AS n FROM metrics WHERE journey_id = ?", [journey_id]
            )["n"]
            with _taken(f"this journey already has a metric {metric.key!r}", "key"):
                metric.id = self._insert_metric(conn, journey_id, position, metric, now)
            self._insert_metric_values(conn, metric.id, metric.values)
        metric.journey_id, metric.updated_at = journey_id, now
        return metric

    @staticmethod
    def _insert_metric(
        conn: sqlite3.Connection, journey_id: int, position: int, m: Metric, now: str
    ) -> int:
        """Insert a metric row (not its values); its new id. IntegrityError for a taken key."""
        return conn.execute(
            "INSERT INTO metrics (journey_id, position, key, name, side, unit, target, "
            "direction, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [journey_id, position, m.key, m.name, m.side, m.unit, m.target, m.direction, now],
        ).lastrowid

    @staticmethod
    def _insert_metric_values(
        conn: sqlite3.Connection, metric_id: int, values: list[MetricValue]
    ) -> None:
        conn.executemany(
            "INSERT INTO metric_values (metric_id, date, value) VALUES (?,?,?)",
            [[metric_id, v.date, v.value] for v in values],
        )

    def update_metric(self, metric_id: int, version: int, **changes: Any) -> None:
        """Save edits to a metric made from ``version``, as one revision (undoable).

        ``changes`` holds its fields (``target``, ``name``, ...) and its dated values, one
        field per date named by :func:`~journey.model.value_field` (``value_on_2026-01-31``):
        a number sets that date's value (replacing the one there), None deletes it. Raises
        ConflictError if stale, ValidationError for an unknown field, a bad date or value,
        NotFoundError when the metric is gone. Writes nothing unless all of it lands.
        """
        row = self._get("metrics", metric_id, "metric")
        metric = _pick(Metric, row)
        dated = {k: v for k, v in changes.items() if value_field_date(k) is not None}
        own = {k: v for k, v in changes.items() if k not in dated}
        _refuse_unknown("metric", own, METRIC_FIELDS)
        for k, v in own.items():
            setattr(metric, k, v)
        validate_metric(metric)
        for k, v in dated.items():
            check_date(value_field_date(k), k)
            check_number(v, k, optional=True)
        with self._revised("metric", metric_id, changes), self.write() as conn:
            self._versioned_update("metrics", metric_id, version, own, f"Metric {metric.name!r}")
            for k, v in dated.items():
                date = value_field_date(k)
                conn.execute(
                    "DELETE FROM metric_values WHERE metric_id = ? AND date = ?", [metric_id, date]
                )
                if v is not None:
                    self._insert_metric_values(conn, metric_id, [MetricValue(date, v)])

    def correct_metric_value(
        self, metric_id: int, version: int, date: str, value: float | None
    ) -> None:
        """Set (a number) or delete (None) a metric's value on ``date``, made from the
        metric's ``version``: :meth:`update_metric` with that one field (a revision, undoable).
        """
        self.update_metric(metric_id, version, **{value_field(date): value})

    def add_metric_values_by_key(
        self,
        journey_id: int,
        values: Iterable[tuple[str, MetricValue]],
        new_metric: Callable[[str], Metric],
    ) -> int:
        """Add ``(metric key, value)`` pairs to a journey's metrics in ONE transaction.

        A key the journey has no metric for first gets ``new_metric(key)`` (ValidationError
        from it, or from a value, and nothing is added). Returns how many values were added.
        """
        groups: dict[str, list[MetricValue]] = {}
        for key, value in values:
            groups.setdefault(key, []).append(value)
        with self.write():
            self.require_journey(journey_id)
            ids = {
                r["key"]: r["id"]
                for r in self._rows(
                    "SELECT id, key FROM metrics WHERE journey_id = ?", [journey_id]
                )
            }
            for key, group in groups.items():
                metric_id = ids.get(key) or self.add_metric(journey_id, new_metric(key)).id
                self.add_metric_values(metric_id, group)
        return sum(len(g) for g in groups.values())

    def add_metric_values(self, metric_id: int, values: list[MetricValue]) -> None:
        """Add dated values to a metric, all in one transaction."""
        probe = Metric(key="k", name="n", values=values)
        validate_metric(probe)
        with self.write() as conn:
            self._get("metrics", metric_id, "metric")
            self._insert_metric_values(conn, metric_id, values)

    def delete_metric(self, metric_id: int) -> int:
        row = self._get("metrics", metric_id, "metric")
        return self._delete_with_snapshot(
            "metrics", metric_id, row["journey_id"], f"before deleting metric {row['name']!r}"
        )

    # -- scenarios -----------------------------------------------------------

    @staticmethod
    def _scenario(row: dict) -> Scenario:
        row = dict(row)
        row["levers"] = json.loads(row["levers"])
        return _pick(Scenario, row)

    @staticmethod
    def _insert_scenario(
        conn: sqlite3.Connection, journey_id: int, name: str, levers: dict, now: str
    ) -> int:
        """Insert a scenario row; its new id. IntegrityError for a name the journey has."""
        return conn.execute(
            "INSERT INTO scenarios (journey_id, name, levers, created_at, updated_at) "
            "VALUES (?,?,?,?,?)",
            [journey_id, name, json.dumps(levers, sort_keys=True), now, now],
        ).lastrowid

    def save_scenario(self, journey_id: int, name: str, levers: dict[str, float]) -> Scenario:
        """Save a named what-if scenario (a new name; see update_scenario to change one)."""
        scenario = Scenario(name=name, levers=dict(levers))
        validate_scenario(scenario)
        self.require_journey(journey_id)
        now = utcnow()
        taken = _taken(f"a scenario called {name!r} already exists", "name")
        with self.write() as conn, taken:
            scenario.id = self._insert_scenario(conn, journey_id, name, levers, now)
        scenario.journey_id, scenario.updated_at = journey_id, now
        return scenario

    def scenarios(self, journey_id: int) -> list[Scenario]:
        return [
            self._scenario(r)
            for r in self._rows(
                "SELECT * FROM scenarios WHERE journey_id = ? ORDER BY id", [journey_id]
            )
        ]

    def update_scenario(self, scenario_id: int, version: int, **changes: Any) -> None:
        row = self._get("scenarios", scenario_id, "scenario")
        scenario = self._scenario(row)
        _refuse_unknown("scenario", changes, {"name", "levers"})
        for k, v in changes.items():
            setattr(scenario, k, v)
        validate_scenario(scenario)
        new = dict(changes)
        if "levers" in changes:
            changes["levers"] = json.dumps(changes["levers"], sort_keys=True)
        with self._revised("scenario", scenario_id, new):
            self._versioned_update(
                "scenarios", scenario_id, version, changes, f"Scenario {scenario.name!r}"
            )

    def delete_scenario(self, scenario_id: int) -> int:
        """Delete a scenario; returns the snapshot id (of its journey) taken first."""
        row = self._get("scenarios", scenario_id, "scenario")
        return self._delete_with_snapshot(
            "scenarios", scenario_id, row["journey_id"], f"before deleting scenario {row['name']!r}"
        )

    # -- exchange ------------------------------------------------------------

    def export_workspace(self, workspace_id: int) -> dict:
        """The workspace as an exchange document (see journey/exchange.py)."""
        ws = self.get_workspace(workspace_id)
        personas = self.personas(workspace_id)
        journeys = [
            self.load_journey(r["id"])
            for r in self._rows(
                "SELECT id FROM journeys WHERE workspace_id = ? ORDER BY id", [workspace_id]
            )
        ]
        return exchange.build_document(ws, personas, journeys)

    def export_journey(self, journey_id: int) -> dict:
        """One journey (and its persona) as an exchange document."""
        j = self.load_journey(journey_id)
        ws = self.get_workspace(j.workspace_id)
        personas = [self.get_persona(j.persona_id)] if j.persona_id else []
        return exchange.build_document(ws, personas, [j])

    def import_document(
        self, doc: dict, *, workspace_id: int | None = None, replace: bool = False
    ) -> ImportResult:
        """Check a whole exchange document, then write it in one transaction.

        Without ``workspace_id`` a new workspace is made from the document. With it, the
        document's personas and journeys are added to that workspace; with ``replace`` they
        take the place of what it held (a snapshot of it is saved first): a journey of the
        file with the name of a journey in the workspace replaces it in place, keeping its id
        and its event logs, and a journey the file does not have is deleted unless it holds
        event logs (those the snapshot could not bring back), which is kept. Returns an
        :class:`~journey.model.ImportResult` (``kept``: ids of the journeys kept for their
        event logs). A bad document raises ValidationError and
        changes nothing.
        """
        parsed = exchange.parse_document(doc)
        now = utcnow()
        snapshot_id = None
        kept: list[int] = []
        with self.write() as conn:
            if workspace_id is None:
                ws = parsed.workspace
                workspace_id = self._insert_workspace(conn, ws, now)
            else:
                self.get_workspace(workspace_id)
                if replace:
                    snapshot_id = self._snapshot_workspace(workspace_id, "before importing over it")
                    journey_ids, kept = self._put_workspace(conn, workspace_id, parsed, now)
                    return ImportResult(
                        workspace_id, len(parsed.personas), journey_ids, snapshot_id, kept
                    )
            journey_ids = self._insert_parsed(conn, workspace_id, parsed, now)
        return ImportResult(workspace_id, len(parsed.personas), journey_ids, snapshot_id, kept)

    def _put_workspace(
        self,
        conn: sqlite3.Connection,
        workspace_id: int,
        parsed: exchange.Parsed,
        now: str,
        *,
        journey_ids: list[int] | None = None,
        persona_ids: list[int] | None = None,
    ) -> tuple[list[int], list[int]]:
        """Make the workspace hold what ``parsed`` holds, losing nothing it cannot bring back.

        Each journey of ``parsed`` is matched to a live journey of the workspace: by the id
        given in ``journey_ids`` (a snapshot knows them), else by name. A matched journey is
        replaced in place (same id, event logs kept); an unmatched one is inserted, under its
        id from ``journey_ids`` when that id is free. Live journeys left unmatched are deleted,
        except those holding event logs, which are kept. Personas are replaced (under their
        ids from ``persona_ids`` when free). Returns (the journeys' ids, the kept ids).
        """
        live = self._rows(
            "SELECT j.id, j.name, j.persona_id, "
            "EXISTS (SELECT 1 FROM event_datasets e WHERE e.journey_id = j.id) "
            "AS has_events FROM journeys j WHERE j.workspace_id = ? ORDER BY j.id",
            [workspace_id],
        )
        unmatched = {r["id"]: r for r in live}
        matches: list[int | None] = []
        for i, (j, _) in enumerate(parsed.journeys):
            wanted = journey_ids[i] if journey_ids and i < len(journey_ids) else None
            match = wanted if wanted in unmatched else None
            if match is None and wanted is None:
                match = next((r["id"] for r in unmatched.values() if r["name"] == j.name), None)
            if match is not None:
                del unmatched[match]
            matches.append(match)
        # a journey kept for its event logs keeps its persona too
        held = [r["persona_id"] for r in unmatched.values() if r["has_events"] and r["persona_id"]]
        conn.execute(
            f"DELETE FROM personas WHERE workspace_id = ? AND id NOT IN "
            f"({','.join('?' * len(held))})",
            [workspace_id, *held],
        )
        new_persona_ids = {}
        for n, (ref, p) in enumerate(parsed.personas.items()):
            wanted = persona_ids[n] if persona_ids and n < len(persona_ids) else None
            if wanted is not None and self._row("SELECT id FROM personas WHERE id = ?", [wanted]):
                wanted = None
            new_persona_ids[ref] = self._insert_persona(conn, workspace_id, p, now, wanted)
        out = []
        for i, ((j, ref), match) in enumerate(zip(parsed.journeys, matches, strict=True)):
            j.persona_id = new_persona_ids[ref] if ref else None
            if match is not None:
                self._replace_journey(conn, match, j, now)
                out.append(match)
                continue
            wanted = journey_ids[i] if journey_ids and i < len(journey_ids) else None
            if wanted is not None and self._row("SELECT id FROM journeys WHERE id = ?", [wanted]):
                wanted = None
            out.append(self._insert_journey(conn, workspace_id, j, now, journey_id=wanted))
        kept = []
        restored_personas = set(new_persona_ids.values())
        for r in unmatched.values():
            if not r["has_events"]:
                conn.execute("DELETE FROM journeys WHERE id = ?", [r["id"]])
                continue
            kept.append(r["id"])
            if r["persona_id"] in restored_personas:  # its persona came back under its id
                conn.execute(
                    "UPDATE journeys SET persona_id = ? WHERE id = ?", [r["persona_id"], r["id"]]
                )
        return out, kept

    def _insert_parsed(
        self, conn: sqlite3.Connection, workspace_id: int, parsed: exchange.Parsed, now: str
    ) -> list[int]:
        persona_ids = {
            ref: self._insert_persona(conn, workspace_id, p, now)
            for ref, p in parsed.personas.items()
        }
        journey_ids = []
        for j, ref in parsed.journeys:
            j.persona_id = persona_ids[ref] if ref else None
            journey_ids.append(self._insert_journey(conn, workspace_id, j, now))
        return journey_ids

    # -- snapshots -----------------------------------------------------------

    def _save_snapshot(
        self,
        kind: str,
        target_id: int,
        workspace_id: int | None,
        title: str,
        reason: str,
        data: dict,
    ) -> int:
        return self.conn.execute(
            "INSERT INTO snapshots (kind, target_id, workspace_id, title, reason, created_at, "
            "data) VALUES (?,?,?,?,?,?,?)",
            [
                kind,
                target_id,
                workspace_id,
                title,
                reason,
                utcnow(),
                json.dumps(data, sort_keys=True),
            ],
        ).lastrowid

    def _delete_with_snapshot(self, table: str, row_id: int, journey_id: int, reason: str) -> int:
        """Snapshot journey ``journey_id`` (``reason`` saying why), then delete row ``row_id``
        of ``table``, in one transaction; returns the snapshot's id, which can undo it.
        NotFoundError when the journey is gone (and nothing is deleted)."""
        with self.write() as conn:
            snapshot_id = self._snapshot_journey(journey_id, reason)
            conn.execute(f"DELETE FROM [{table}] WHERE id = ?", [row_id])
        return snapshot_id

    def _snapshot_journey(self, journey_id: int, reason: str) -> int:
        j = self.load_journey(journey_id)
        data = {"document": self.export_journey(journey_id), "persona_id": j.persona_id}
        return self._save_snapshot("journey", journey_id, j.workspace_id, j.name, reason, data)

    def _snapshot_workspace(self, workspace_id: int, reason: str) -> int:
        """Snapshot a workspace: its document, and the database ids of its journeys and
        personas in document order, so a restore puts them back under the same ids."""
        doc = self.export_workspace(workspace_id)
        ids = {
            table: [
                r["id"]
                for r in self._rows(
                    f"SELECT id FROM {table} WHERE workspace_id = ? ORDER BY id", [workspace_id]
                )
            ]
            for table in ("journeys", "personas")
        }
        return self._save_snapshot(
            "workspace",
            workspace_id,
            workspace_id,
            doc["workspace"]["name"],
            reason,
            {"document": doc, "journey_ids": ids["journeys"], "persona_ids": ids["personas"]},
        )

    def snapshot_journey(self, journey_id: int, reason: str = "saved by hand") -> int:
        """Save a snapshot of a journey now; returns its id."""
        with self.write():
            return self._snapshot_journey(journey_id, reason)

    def snapshot_workspace(self, workspace_id: int, reason: str = "saved by hand") -> int:
        with self.write():
            return self._snapshot_workspace(workspace_id, reason)

    def snapshots(
        self,
        *,
        workspace_id: int | None = None,
        journey_id: int | None = None,
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
            f"{where} ORDER BY id DESC",
            params,
        )
        return [
            Snapshot(
                id=r["id"],
                journey_id=r["target_id"] if r["kind"] == "journey" else None,
                workspace_id=r["workspace_id"],
                reason=r["reason"],
                created_at=r["created_at"],
                title=f"{r['kind']}: {r['title']}",
            )
            for r in rows
        ]

    def snapshot_data(self, snapshot_id: int) -> dict:
        row = self._get("snapshots", snapshot_id, "snapshot")
        return {**row, "data": json.loads(row["data"])}

    def restore_snapshot(self, snapshot_id: int) -> RestoreResult:
        """Put back what a snapshot holds, first snapshotting what it replaces.

        A journey comes back under its old id (so links to it work again), a persona too,
        re-linked to the journeys that still exist; a workspace gets its old contents back,
        its journeys and personas under their old ids. A restore never deletes what the
        snapshot does not hold: a live journey is replaced in place, so its event logs stay,
        and a journey the workspace snapshot lacks is kept if it holds event logs.
        Returns a :class:`~journey.model.RestoreResult`: its ``snapshot_id`` undoes the
        restore and ``kept`` lists the journeys kept for their event logs.
        """
        snap = self.snapshot_data(snapshot_id)
        restore = {
            "journey": self._restore_journey,
            "persona": self._restore_persona,
            "workspace": self._restore_workspace,
        }[snap["kind"]]
        with self.write() as conn:
            undo, kept = restore(conn, snap, utcnow())
        return RestoreResult(snap["kind"], snap["target_id"], undo, kept)

    def _restore_journey(
        self, conn: sqlite3.Connection, snap: dict, now: str
    ) -> tuple[int | None, list[int]]:
        """Put a journey snapshot back under its old id; (undo snapshot id or None, [])."""
        target, data = snap["target_id"], snap["data"]
        parsed = exchange.parse_document(data["document"])
        exists = self._row("SELECT workspace_id FROM journeys WHERE id = ?", [target])
        workspace_id = exists["workspace_id"] if exists else snap["workspace_id"]
        undo = None
        if exists:
            undo = self._snapshot_journey(target, f"before restoring snapshot {snap['id']}")
        workspace_id = self._ensure_workspace(conn, workspace_id, parsed.workspace, now)
        j, ref = parsed.journeys[0]
        j.persona_id = self._reuse_or_insert_persona(conn, workspace_id, data, ref, parsed, now)
        if exists:
            self._replace_journey(conn, target, j, now)
        else:
            self._insert_journey(conn, workspace_id, j, now, journey_id=target)
        return undo, []

    def _restore_persona(
        self, conn: sqlite3.Connection, snap: dict, now: str
    ) -> tuple[None, list[int]]:
        """Put a deleted persona back, re-linked to its journeys that have none; (None, []).

        ValidationError when the persona still exists."""
        target, data = snap["target_id"], snap["data"]
        persona = exchange.persona_from_dict(data["persona"])
        workspace_id = self._ensure_workspace(
            conn, snap["workspace_id"], Workspace(name="Restored"), now
        )
        if self._row("SELECT id FROM personas WHERE id = ?", [target]):
            raise ValidationError(f"persona {target} exists already: nothing to restore")
        self._insert_persona(conn, workspace_id, persona, now, persona_id=target)
        for jid in data["journeys"]:
            conn.execute(
                "UPDATE journeys SET persona_id = ?, version = version + 1, "
                "updated_at = ? WHERE id = ? AND persona_id IS NULL",
                [target, now, jid],
            )
        return None, []

    def _restore_workspace(
        self, conn: sqlite3.Connection, snap: dict, now: str
    ) -> tuple[int | None, list[int]]:
        """Give a workspace its snapshot's contents back under their old ids.

        (undo snapshot id or None when the workspace was gone, journeys kept for event logs).
        """
        target, data = snap["target_id"], snap["data"]
        parsed = exchange.parse_document(data["document"])
        undo = None
        if self._row("SELECT id FROM workspaces WHERE id = ?", [target]):
            undo = self._snapshot_workspace(target, f"before restoring snapshot {snap['id']}")
            conn.execute(
                "UPDATE workspaces SET name = ?, description = ?, "
                "version = version + 1, updated_at = ? WHERE id = ?",
                [parsed.workspace.name, parsed.workspace.description, now, target],
            )
        else:
            self._insert_workspace(conn, parsed.workspace, now, target)
        _, kept = self._put_workspace(
            conn,
            target,
            parsed,
            now,
            journey_ids=data.get("journey_ids"),
            persona_ids=data.get("persona_ids"),
        )
        return undo, kept

    def _ensure_workspace(
        self, conn: sqlite3.Connection, workspace_id: int | None, ws: Workspace, now: str
    ) -> int:
        if workspace_id is not None and self._row(
            "SELECT id FROM workspaces WHERE id = ?", [workspace_id]
        ):
            return workspace_id
        return self._insert_workspace(conn, ws, now, workspace_id)

    def _reuse_or_insert_persona(
        self,
        conn: sqlite3.Connection,
        workspace_id: int,
        data: dict,
        ref: str | None,
        parsed: exchange.Parsed,
        now: str,
    ) -> int | None:
        """The persona a restored journey points at: the live one if it still exists."""
        if not ref:
            return None
        original = data.get("persona_id")
        if original and self._row(
            "SELECT id FROM personas WHERE id = ? AND workspace_id = ?", [original, workspace_id]
        ):
            return original
        return self._insert_persona(conn, workspace_id, parsed.personas[ref], now)

    # -- event datasets (observed timeframes) --------------------------------

    def add_event_dataset(
        self,
        journey_id: int,
        name: str,
        *,
        columns: dict,
        mapping: dict,
        event_names: list,
        stats: dict,
        report: dict,
        events: Iterable[list[tuple]],
        customers: Iterable[list[tuple]],
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
        lock = None
        try:
            with self.write() as conn:
                self.require_journey(journey_id)
                dataset_id = conn.execute(
                    "INSERT INTO event_datasets (journey_id, name, columns, mapping, "
                    "event_names, total_rows, events_rows, ignored_rows, customers, report, "
                    "created_at, updated_at, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'staging')",
                    [
                        journey_id,
                        name,
                        json.dumps(columns),
                        json.dumps(mapping),
                        json.dumps(event_names),
                        stats["total_rows"],
                        stats["events_rows"],
                        stats["ignored_rows"],
                        stats["customers"],
                        json.dumps(report),
                        now,
                        now,
                    ],
                ).lastrowid
                # Held from before the row is visible to anyone until this process is done
                # (the kernel lets go of it if the process dies): a staging row whose lock is
                # free is abandoned, whatever its age.
                lock_path = pathlib.Path(self._import_lock(dataset_id))
                lock = open(lock_path, "w")  # noqa: SIM115 (closed below, after staging)
                fcntl.flock(lock, fcntl.LOCK_EX)
        except BaseException:
            if lock is not None:
                lock.close()
                lock_path.unlink(missing_ok=True)
            raise
        with lock:
            try:
                self._stage(dataset_id, name, events, customers)
            except BaseException:
                self._discard_import(dataset_id)
                raise
            finally:
                lock_path.unlink(missing_ok=True)
        return dataset_id

    def _stage(
        self,
        dataset_id: int,
        name: str,
        events: Iterable[list[tuple]],
        customers: Iterable[list[tuple]],
    ) -> None:
        for chunk in events:
            for start in range(0, len(chunk), STAGE_ROWS):
                self._stage_events(dataset_id, chunk[start : start + STAGE_ROWS])
        for chunk in customers:
            for start in range(0, len(chunk), STAGE_ROWS):
                with self.write() as conn:
                    self._insert_customers(conn, dataset_id, [chunk[start : start + STAGE_ROWS]])
                time.sleep(BEGIN_RETRY_SECONDS)
        with self.write() as conn:
            published = conn.execute(
                "UPDATE event_datasets SET state = 'ready', staged_from = NULL, "
                "staged_to = NULL, updated_at = ? WHERE id = ? AND state = 'staging'",
                [utcnow(), dataset_id],
            ).rowcount
        if not published:
            raise NotFoundError(
                f"the import of {name} was removed while it was stored "
                "(its journey was deleted?); nothing was imported"
            )

    def _import_lock(self, dataset_id: int) -> str:
        # beside the real file: two paths to one database (a symlink) share their locks
        return f"{os.path.realpath(self.path)}.import-{dataset_id}.lock"

    def _stage_events(self, dataset_id: int, rows: list[tuple]) -> None:
        """One short transaction: a batch of raw events and the rowid span they took."""
        with self.write() as conn:
            conn.executemany(
                "INSERT INTO events (dataset_id, customer_id, ts, event, value, segment) "
                f"VALUES ({int(dataset_id)},?,?,?,?,?)",
                rows,
            )
            last = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
            conn.execute(
                "UPDATE event_datasets SET staged_from = coalesce(staged_from, ?), "
                "staged_to = ?, updated_at = ? WHERE id = ?",
                [last - len(rows) + 1, last, utcnow(), dataset_id],
            )
        time.sleep(BEGIN_RETRY_SECONDS)  # a gap in which a waiting save takes the lock

    def _discard_import(self, dataset_id: int) -> None:
        """Remove a staged (unpublished) import in short transactions."""
        row = self._row(
            "SELECT staged_from, staged_to, state FROM event_datasets WHERE id = ?", [dataset_id]
        )
        if row is None or row["state"] != "staging":
            return
        low, high = row["staged_from"], row["staged_to"]
        while low is not None and low <= high:
            with self.write() as conn:
                conn.execute(
                    "DELETE FROM events WHERE rowid BETWEEN ? AND ? AND dataset_id = ?",
                    [low, low + STAGE_ROWS - 1, dataset_id],
                )
            low += STAGE_ROWS
        while True:
            with self.write() as conn:
                gone = conn.execute(
                    "DELETE FROM customer_summaries WHERE rowid IN (SELECT rowid FROM "
                    "customer_summaries WHERE dataset_id = ? LIMIT ?)",
                    [dataset_id, STAGE_ROWS],
                ).rowcount
            if not gone:
                break
        with self.write() as conn:
            conn.execute(
                "DELETE FROM event_datasets WHERE id = ? AND state = 'staging'", [dataset_id]
            )

    def discard_abandoned_imports(self, grace_seconds: float = 0.0) -> list[int]:
        """Remove imports whose process died while staging (their lock file is free; an import
        takes its lock before its row is visible, so no grace time is needed; ``grace_seconds``
        spares rows staged more recently than that); returns their ids. An import still running
        in any process holds its lock and is left alone."""
        gone = []
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=grace_seconds)).isoformat(
            timespec="seconds"
        )
        for (dataset_id,) in self.conn.execute(
            "SELECT id FROM event_datasets WHERE state = 'staging' AND updated_at <= ?", [cutoff]
        ).fetchall():
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
    def _insert_customers(
        conn: sqlite3.Connection, dataset_id: int, customers: Iterable[list[tuple]]
    ) -> None:
        for chunk in customers:
            conn.executemany(
                "INSERT INTO customer_summaries (dataset_id, customer_id, first_seen, last_seen,"
                " entered_awareness, entered_consideration, entered_decision, entered_retention,"
                " entered_advocacy, first_purchase, purchase_count, reached_stage, segment, "
                f"value_total) VALUES ({dataset_id},?,?,?,?,?,?,?,?,?,?,?,?,?)",
                chunk,
            )

    def replace_event_summaries(
        self,
        dataset_id: int,
        version: int,
        *,
        mapping: dict,
        stats: dict,
        report: dict,
        customers: Iterable[list[tuple]],
    ) -> None:
        """Swap in summaries recomputed with a new mapping (versioned, one transaction)."""
        with self.write() as conn:
            self._versioned_update(
                "event_datasets",
                dataset_id,
                version,
                {
                    "mapping": json.dumps(mapping),
                    "report": json.dumps(report),
                    "events_rows": stats["events_rows"],
                    "ignored_rows": stats["ignored_rows"],
                    "customers": stats["customers"],
                },
                "The event mapping",
            )
            conn.execute("DELETE FROM customer_summaries WHERE dataset_id = ?", [dataset_id])
            self._insert_customers(conn, dataset_id, customers)

    _DATASET_COLUMNS = (
        "id, journey_id, name, columns, mapping, event_names, total_rows, events_rows, "
        "ignored_rows, customers, version, created_at, updated_at"
    )

    def event_datasets(self, journey_id: int) -> list[EventDataset]:
        """The journey's imported event logs, newest first (settings and counts, no report)."""
        return [
            self._dataset(r)
            for r in self._rows(
                f"SELECT {self._DATASET_COLUMNS} "
                "FROM event_datasets WHERE journey_id = ? AND deleted_at IS NULL "
                "AND state = 'ready' ORDER BY id DESC",
                [journey_id],
            )
        ]

    def get_event_dataset(self, dataset_id: int) -> EventDataset:
        """One event log's settings, counts and stored report."""
        row = self._one(
            f"SELECT {self._DATASET_COLUMNS}, report FROM event_datasets "
            "WHERE id = ? AND deleted_at IS NULL AND state = 'ready'",
            [dataset_id],
            f"event dataset {dataset_id}",
        )
        return self._dataset(row)

    @staticmethod
    def _dataset(row: dict) -> EventDataset:
        row = dict(row)
        for key in ("columns", "mapping", "event_names", "report"):
            if key in row:
                row[key] = json.loads(row[key])
        return EventDataset(**row)

    def raw_events(self, dataset_id: int, chunk: int = 100_000) -> Iterator[list[tuple]]:
        """The stored events (customer_id, ts, event, value, segment) in chunks of rows."""
        cursor = self.conn.execute(
            "SELECT customer_id, ts, event, value, segment FROM events WHERE dataset_id = ? "
            "ORDER BY rowid",
            [dataset_id],
        )
        while rows := cursor.fetchmany(chunk):
            yield rows

    def customer_summaries(self, dataset_id: int) -> list[dict]:
        """The per-customer summaries of an event log (for checks and small exports)."""
        return self._rows(
            "SELECT * FROM customer_summaries WHERE dataset_id = ? ORDER BY customer_id",
            [dataset_id],
        )

    def delete_event_dataset(self, dataset_id: int) -> int:
        """Delete an event log so that it can be undone: it is kept, hidden, until the next
        delete in its journey (then removed for good). Returns the id to restore."""
        dataset = self.get_event_dataset(dataset_id)
        with self.write() as conn:
            conn.execute(
                "DELETE FROM event_datasets WHERE journey_id = ? AND deleted_at IS NOT NULL",
                [dataset.journey_id],
            )
            conn.execute(
                "UPDATE event_datasets SET deleted_at = ? WHERE id = ?", [utcnow(), dataset_id]
            )
        return dataset_id

    def restore_event_dataset(self, dataset_id: int) -> None:
        """Undo :meth:`delete_event_dataset` (while it is still kept)."""
        with self.write() as conn:
            if not conn.execute(
                "UPDATE event_datasets SET deleted_at = NULL WHERE id = ? AND "
                "deleted_at IS NOT NULL",
                [dataset_id],
            ).rowcount:
                raise NotFoundError(
                    "that event log is gone for good: another one was deleted after it"
                )

    # -- housekeeping --------------------------------------------------------

    def backup(self, destination: str | pathlib.Path, *, force: bool = False) -> pathlib.Path:
        """Copy the database to ``destination`` with SQLite's online backup (safe while in use).

        The copy is written beside the destination under a temporary name and then put in
        place, so a half-written backup never exists under the real name. An existing
        destination is refused with StorageError unless ``force`` is given.
        """
        destination = pathlib.Path(destination)
        if destination.is_dir():
            raise StorageError(f"{destination}: is a folder; give the backup a file name")
        if destination.exists() and not destination.is_file():
            raise StorageError(
                f"{destination}: not a regular file (a device or a pipe?); nothing was written"
            )
        if destination.exists() and not force:
            raise StorageError(
                f"{destination}: exists already; nothing was written (--force overwrites it)"
            )
        if destination.exists() and os.path.samefile(destination, self.path):
            raise StorageError(f"{destination}: is the database itself")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            os.close(handle)
        except OSError as e:
            raise StorageError(f"{destination}: cannot write there ({e.strerror})") from None
        try:
            target = sqlite3.connect(temp)
            try:
                self.conn.backup(target)
            finally:
                target.close()
            if force:
                os.replace(temp, destination)
            else:
                os.link(temp, destination)  # fails if someone made the file meanwhile
        except FileExistsError:
            raise StorageError(
                f"{destination}: exists already; nothing was written (--force overwrites it)"
            ) from None
        except sqlite3.Error as e:
            raise database_error(destination, e) from None
        except OSError as e:
            raise StorageError(f"{destination}: cannot write there ({e.strerror})") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        return destination

    def restore_backup(self, source: str | pathlib.Path, keep: str | pathlib.Path) -> pathlib.Path:
        """Replace this database's contents with a backup file, checked whole first.

        The file is copied aside and checked there (:func:`check_backup`): a Journey Lab
        database, every applied migration known to this release, the schema after migrating
        equal to this release's, ``integrity_check`` (which covers CHECK and NOT NULL
        constraints) and ``foreign_key_check`` clean. Only then is the live database copied to
        ``keep`` (which ``restore_backup`` can bring back) and overwritten, in one step.
        Raises StorageError naming the reason, with the live database untouched. Returns
        ``keep``.
        """
        source = pathlib.Path(source)
        if source.is_dir():
            raise StorageError(f"{source}: is a folder, not a backup file")
        if not source.exists():
            raise StorageError(f"{source}: no such backup file")
        if not source.is_file():
            raise StorageError(f"{source}: not a regular file (a device or a pipe?)")
        keep = pathlib.Path(keep)
        if keep.exists():
            raise StorageError(f"{keep}: exists already; nothing was restored")
        try:
            keep.parent.mkdir(parents=True, exist_ok=True)
            folder = tempfile.TemporaryDirectory(prefix=".restore-", dir=keep.parent)
        except OSError as e:
            raise StorageError(f"{keep.parent}: cannot write there ({e.strerror})") from None
        with folder:
            checked = check_backup(source, pathlib.Path(folder.name) / "checked.db")
            try:
                if self.read_only:
                    raise StorageError(
                        f"{self.path}: the database is read-only; nothing was restored"
                    )
                page_size = self.conn.execute("PRAGMA page_size").fetchone()[0]
                if checked.execute("PRAGMA page_size").fetchone()[0] != page_size:
                    checked.execute(f"PRAGMA page_size={int(page_size)}")
                    checked.execute("VACUUM")
                self.backup(keep)
                checked.backup(self.conn)
            except sqlite3.Error as e:
                raise database_error(self.path, e) from None
            finally:
                checked.close()
        return keep

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def schema_objects(self) -> dict[str, str]:
        """Every table, index and trigger as ``{"table journeys": normalised SQL}``."""
        return schema_objects(self.conn)

    def schema(self) -> dict[str, dict[str, str]]:
        """Every table's columns and types: ``{"stages": {"id": "INTEGER", ...}}``."""
        return {
            t.name: {c.name: c.type for c in t.columns}
            for t in self.db.tables
            if not t.name.startswith(("_", "sqlite_"))
        }

    # -- revisions (every save, undoable) ------------------------------------

    def _count_write(self) -> None:
        with _WRITES_LOCK:
            self._writes[self.author] = self._writes.get(self.author, 0) + 1

    def writes_by(self, author: str) -> int:
        """How many write transactions this Store object committed as ``author`` (in this
        process): live updates tell a session's own saves from someone else's with it."""
        return self._writes.get(author, 0)

    @property
    def author(self) -> str:
        """Who this thread's saves are recorded as (set per page run by the app)."""
        return getattr(self._local, "author", "")

    @author.setter
    def author(self, name: str) -> None:
        self._local.author = str(name or "")

    def editable_values(self, kind: str, row_id: int) -> tuple[int, dict]:
        """``(version, fields)`` of an editable row, named as its update method takes them.

        ``kind`` is persona, stage (with ``touchpoints`` as channel/description dicts),
        moment (with ``stage_id``), journey, metric (with its values, one field per date, see
        :meth:`update_metric`) or scenario. Raises NotFoundError when
        the row is gone, ValueError for another kind.
        """
        if kind == "persona":
            p = self.get_persona(row_id)
            return p.version, {k: getattr(p, k) for k in PERSONA_FIELDS}
        if kind == "stage":
            s = self.get_stage(row_id)
            values = {k: getattr(s, k) for k in STAGE_FIELDS}
            values["touchpoints"] = [
                {"channel": t.channel, "description": t.description} for t in s.touchpoints
            ]
            return s.version, values
        if kind == "moment":
            m = self.get_moment(row_id)
            return m.version, {**{k: getattr(m, k) for k in MOMENT_FIELDS}, "stage_id": m.stage_id}
        if kind == "metric":
            row = self._get("metrics", row_id, kind)
            values = {k: row[k] for k in METRIC_FIELDS}
            for r in self._rows(
                "SELECT date, value FROM metric_values WHERE metric_id = ? ORDER BY date, id",
                [row_id],
            ):
                values[value_field(r["date"])] = r["value"]
            return row["version"], values
        table, names = {
            "journey": ("journeys", _JOURNEY_FIELDS),
            "scenario": ("scenarios", ("name", "levers")),
        }.get(kind, (None, ()))
        if table is None:
            raise ValueError(f"no revisions for {kind!r}")
        row = self._get(table, row_id, kind)
        values = {k: row[k] for k in names}
        if kind == "scenario":
            values["levers"] = json.loads(values["levers"])
        return row["version"], values

    @contextlib.contextmanager
    def _revised(self, kind: str, row_id: int, new: dict) -> Iterator[None]:
        """Run an update and record it as a revision, both in one transaction.

        The old values are read inside the transaction, so they are exactly what the update
        replaced; a field whose value did not change is left out, and a save that changed
        nothing records no revision.
        """
        with self.write() as conn:
            _, old = self.editable_values(kind, row_id)
            yield
            changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
            if not changes:
                return
            context = self._row(_REVISION_CONTEXT[kind], [row_id])
            conn.execute(
                "INSERT INTO revisions (kind, target_id, journey_id, workspace_id, title, "
                "author, created_at, changes, restores, undo_of) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    kind,
                    row_id,
                    context["journey_id"],
                    context["workspace_id"],
                    context["title"],
                    self.author,
                    utcnow(),
                    json.dumps(changes, sort_keys=True),
                    getattr(self._local, "restoring", None),
                    getattr(self._local, "undoing", None),
                ],
            )

    @staticmethod
    def _revision(row: dict) -> Revision:
        changes = {k: tuple(v) for k, v in json.loads(row["changes"]).items()}
        return Revision(**{**_pick_revision(row), "changes": changes})

    def revisions(
        self,
        *,
        workspace_id: int | None = None,
        journey_id: int | None = None,
        kind: str | None = None,
        target_id: int | None = None,
        author: str | None = None,
        limit: int = 200,
    ) -> list[Revision]:
        """Saves, newest first: of a workspace, a journey, one row (``kind`` and id) or one
        author."""
        clauses, params = [], []
        for column, value in (
            ("workspace_id", workspace_id),
            ("journey_id", journey_id),
            ("kind", kind),
            ("target_id", target_id),
            ("author", author),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return [
            self._revision(r)
            for r in self._rows(
                f"SELECT * FROM revisions {where} ORDER BY id DESC LIMIT ?", [*params, limit]
            )
        ]

    def get_revision(self, revision_id: int) -> Revision:
        row = self._get("revisions", revision_id, "revision")
        return self._revision(row)

    def restore_revision(self, revision_id: int, *, undo: bool = False) -> Revision:
        """Put back the values a revision replaced, as a new revision (so it can be undone).
        ``undo``: made by "undo my last change" (:meth:`undo_last` steps back past it).

        Only the fields that revision changed are written, on top of the row as it is now.
        Raises ChangedSinceError, writing nothing, when a later save changed one of those
        fields again (putting the old value back would silently overwrite it: restore the later
        saves first), NotFoundError when the row has been deleted since (restore its snapshot
        first) and ValidationError when an old value no longer fits (a moment's stage is gone).
        """
        revision = self.get_revision(revision_id)
        update = {
            "persona": self.update_persona,
            "stage": self.update_stage,
            "moment": self.update_moment,
            "journey": self.update_journey,
            "metric": self.update_metric,
            "scenario": self.update_scenario,
        }[revision.kind]
        old = {k: v[0] for k, v in revision.changes.items()}
        self._local.restoring = revision_id
        self._local.undoing = revision_id if undo else None
        try:
            with self.write():
                version, now = self.editable_values(revision.kind, revision.target_id)
                self._refuse_changed_since(revision, now)
                update(revision.target_id, version, **old)
        except NotFoundError:
            raise NotFoundError(
                f"{revision.kind} {revision.title!r} was deleted since: restore its snapshot first"
            ) from None
        finally:
            self._local.restoring = self._local.undoing = None
        return self.revisions(kind=revision.kind, target_id=revision.target_id, limit=1)[0]

    def _refuse_changed_since(self, revision: Revision, now: dict) -> None:
        """ChangedSinceError when a field ``revision`` saved holds another value now."""

        def same(a: object, b: object) -> bool:  # as stored in a revision's JSON
            return json.loads(json.dumps(a)) == json.loads(json.dumps(b))

        fields = [k for k, (_, new) in revision.changes.items() if not same(now.get(k), new)]
        if not fields:
            return
        later = self._rows(
            "SELECT DISTINCT author FROM revisions WHERE kind = ? AND target_id = ? AND id > ? "
            "ORDER BY id",
            [revision.kind, revision.target_id, revision.id],
        )
        raise ChangedSinceError(
            f"{revision.kind.capitalize()} {revision.title!r}",
            fields,
            [r["author"] for r in later] or ["an import or restore"],
            revision,
        )

    def undo_last(self, author: str, *, workspace_id: int | None = None) -> Revision | None:
        """Undo the latest change by ``author`` (in a workspace) not undone yet: restore what
        it replaced. Called again, it undoes the change before that one.

        A change is a save or a restore from the history (restoring is a change too); the
        undos this makes are steps back, not changes, and a change someone else has restored
        since is theirs to undo. Returns the new revision, or None when that author has
        nothing left to undo.
        """
        where, params = "r.author = ?", [author]
        if workspace_id is not None:
            where += " AND r.workspace_id = ?"
            params.append(workspace_id)
        row = self._row(
            f"SELECT r.id FROM revisions r WHERE {where} AND r.undo_of IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM revisions u WHERE u.undo_of = r.id OR "
            "(u.restores = r.id AND u.author != r.author)) ORDER BY r.id DESC LIMIT 1",
            params,
        )
        return None if row is None else self.restore_revision(row["id"], undo=True)

    # -- dot votes (m006) ----------------------------------------------------

    def open_vote(self, journey_id: int, dots: int, *, viewers_may_vote: bool = False) -> int:
        """Open a new dot vote on the journey (closing any open one); returns its id."""
        voting.check_dots(dots)
        now = utcnow()
        with self.write() as conn:
            self.require_journey(journey_id)
            conn.execute(
                "UPDATE votes SET status = 'closed', version = version + 1, "
                "updated_at = ? WHERE journey_id = ? AND status = 'open'",
                [now, journey_id],
            )
            return conn.execute(
                "INSERT INTO votes (journey_id, dots, viewers_may_vote, created_at, updated_at)"
                " VALUES (?,?,?,?,?)",
                [journey_id, dots, int(viewers_may_vote), now, now],
            ).lastrowid

    def latest_vote(self, journey_id: int) -> dict | None:
        """The journey's newest vote (open or closed), or None: its result counts."""
        return self._row(
            "SELECT * FROM votes WHERE journey_id = ? ORDER BY id DESC LIMIT 1", [journey_id]
        )

    def _vote(self, vote_id: int) -> dict:
        return self._get("votes", vote_id, "vote")

    def update_vote(self, vote_id: int, version: int, **changes: Any) -> None:
        """Close or reopen a vote, hide or show its tallies, let viewers vote (versioned)."""
        _refuse_unknown("vote", changes, {"status", "hidden", "viewers_may_vote"})
        if changes.get("status", "open") not in voting.STATUSES:
            raise ValidationError(f"a vote is {' or '.join(voting.STATUSES)}", "status")
        changes = {k: int(v) if k != "status" else v for k, v in changes.items()}
        self._vote(vote_id)
        self._versioned_update("votes", vote_id, version, changes, "The vote")

    def reset_vote(self, vote_id: int) -> int:
        """Take back every dot of a vote; returns how many were removed."""
        with self.write() as conn:
            self._vote(vote_id)
            conn.execute(
                "UPDATE votes SET version = version + 1, updated_at = ? WHERE id = ?",
                [utcnow(), vote_id],
            )
            return conn.execute("DELETE FROM vote_dots WHERE vote_id = ?", [vote_id]).rowcount

    def cast_dot(self, vote_id: int, moment_id: int, participant: str) -> int:
        """Spend one of the participant's dots on a friction or key point; returns the dots
        left. Checked and written in one transaction (:func:`journey.voting.check_spend`),
        so concurrent sessions can neither lose a dot nor overspend."""
        participant = voting.participant_name(participant)
        with self.write() as conn:
            vote = self._vote(vote_id)
            if (
                self._row(
                    "SELECT m.id FROM moments m JOIN stages s ON m.stage_id = s.id "
                    "WHERE m.id = ? AND s.journey_id = ?",
                    [moment_id, vote["journey_id"]],
                )
                is None
            ):
                raise NotFoundError(f"point {moment_id} is not in this journey (deleted?)")
            used = conn.execute(
                "SELECT count(*) FROM vote_dots WHERE vote_id = ? AND participant = ?",
                [vote_id, participant],
            ).fetchone()[0]
            voting.check_spend(vote, used)
            conn.execute(
                "INSERT INTO vote_dots (vote_id, moment_id, participant, created_at) "
                "VALUES (?,?,?,?)",
                [vote_id, moment_id, participant, utcnow()],
            )
        return voting.dots_left(vote, used + 1)

    def take_back_dot(self, vote_id: int, moment_id: int, participant: str) -> int:
        """Take one of the participant's dots back from a point; returns the dots left."""
        participant = voting.participant_name(participant)
        with self.write() as conn:
            vote = self._vote(vote_id)
            mine = conn.execute(
                "SELECT id FROM vote_dots WHERE vote_id = ? AND moment_id = ? "
                "AND participant = ? ORDER BY id DESC",
                [vote_id, moment_id, participant],
            ).fetchall()
            voting.check_take_back(vote, len(mine))
            conn.execute("DELETE FROM vote_dots WHERE id = ?", [mine[0][0]])
            used = conn.execute(
                "SELECT count(*) FROM vote_dots WHERE vote_id = ? AND participant = ?",
                [vote_id, participant],
            ).fetchone()[0]
        return voting.dots_left(vote, used)

    def vote_tallies(self, vote_id: int) -> dict[int, int]:
        """Dots per moment id in a vote (points without dots left out)."""
        return {
            r["moment_id"]: r["dots"]
            for r in self._rows(
                "SELECT moment_id, count(*) AS dots FROM vote_dots WHERE vote_id = ? "
                "GROUP BY moment_id",
                [vote_id],
            )
        }

    def vote_dots_of(self, vote_id: int, participant: str) -> dict[int, int]:
        """One participant's dots per moment id in a vote."""
        return {
            r["moment_id"]: r["dots"]
            for r in self._rows(
                "SELECT moment_id, count(*) AS dots FROM vote_dots WHERE vote_id = ? AND "
                "participant = ? GROUP BY moment_id",
                [vote_id, participant],
            )
        }

    def vote_participants(self, vote_id: int) -> int:
        """How many people have spent at least one dot in a vote."""
        return self._row(
            "SELECT count(DISTINCT participant) AS n FROM vote_dots WHERE vote_id = ?", [vote_id]
        )["n"]

    # -- comments ------------------------------------------------------------

    def add_comment(self, target: str, target_id: int, author: str, text: str) -> Comment:
        """Comment on a stage or a moment (``target`` is ``"stage"`` or ``"moment"``) as
        ``author``; returns the comment with its id. Raises ValidationError for empty or too
        long text, NotFoundError for a missing stage or moment."""
        comments_rules.check_target(target)
        text = comments_rules.clean_text(text)
        if not author:
            raise ValidationError("a comment needs an author", "author")
        if target == "stage":
            journey_id = self.get_stage(target_id).journey_id
        else:
            journey_id = self.get_stage(self.get_moment(target_id).stage_id).journey_id
        now = utcnow()
        with self.write() as conn:
            comment_id = self._insert_comment(
                conn, journey_id, target, target_id, author, text, now, now
            )
        return self.get_comment(comment_id)

    def get_comment(self, comment_id: int) -> Comment:
        row = self._get("comments", comment_id, "comment")
        return _pick(Comment, row)

    def comments(self, target: str, target_id: int) -> list[Comment]:
        """A stage's or a moment's comments, oldest first."""
        comments_rules.check_target(target)
        return [
            _pick(Comment, r)
            for r in self._rows(
                f"SELECT * FROM comments WHERE {target}_id = ? ORDER BY created_at, id", [target_id]
            )
        ]

    def edit_comment(self, comment_id: int, version: int, author: str, text: str) -> None:
        """Change the text of one's own comment. Raises NotYourCommentError for someone
        else's, ConflictError when it changed since ``version`` was read."""
        comments_rules.check_owner(self.get_comment(comment_id), author)
        self._versioned_update(
            "comments",
            comment_id,
            version,
            {"text": comments_rules.clean_text(text)},
            "The comment",
        )

    def delete_comment(self, comment_id: int, author: str) -> None:
        """Delete one's own comment. Raises NotYourCommentError for someone else's."""
        comments_rules.check_owner(self.get_comment(comment_id), author)
        with self.write() as conn:
            conn.execute("DELETE FROM comments WHERE id = ?", [comment_id])


_WRITES_LOCK = threading.Lock()
_STAGES = "SELECT id FROM stages WHERE journey_id = :j"
_VOTES = "SELECT id FROM votes WHERE journey_id = :j"
_FINGERPRINT_SQL = f"""
SELECT (SELECT version || ' ' || updated_at FROM journeys WHERE id = :j),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM stages
    WHERE journey_id = :j),
  (SELECT count(*) || ' ' || ifnull(max(id), 0) FROM touchpoints WHERE stage_id IN ({_STAGES})),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM moments
    WHERE stage_id IN ({_STAGES})),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM comments
    WHERE journey_id = :j),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM metrics
    WHERE journey_id = :j),
  (SELECT count(*) || ' ' || ifnull(max(id), 0) FROM metric_values
    WHERE metric_id IN (SELECT id FROM metrics WHERE journey_id = :j)),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM scenarios
    WHERE journey_id = :j),
  (SELECT count(*) || ' ' || total(version) || ' ' || ifnull(max(id), 0) FROM votes
    WHERE journey_id = :j),
  (SELECT count(*) || ' ' || ifnull(max(id), 0) FROM vote_dots WHERE vote_id IN ({_VOTES})),
  (SELECT count(*) || ' ' || total(version) || ' ' || count(deleted_at) FROM event_datasets
    WHERE journey_id = :j)
"""


def _pick_revision(row: dict) -> dict:
    return {
        k: row[k]
        for k in (
            "id",
            "kind",
            "target_id",
            "journey_id",
            "workspace_id",
            "title",
            "author",
            "created_at",
            "changes",
            "restores",
        )
    }


#: Where a revision's row sits (journey, workspace) and what it is called.
_REVISION_CONTEXT = {
    "persona": "SELECT NULL AS journey_id, workspace_id, name AS title FROM personas WHERE id = ?",
    "stage": "SELECT s.journey_id, j.workspace_id, s.stage AS title FROM stages s "
    "JOIN journeys j ON j.id = s.journey_id WHERE s.id = ?",
    "moment": "SELECT s.journey_id, j.workspace_id, m.title FROM moments m "
    "JOIN stages s ON s.id = m.stage_id JOIN journeys j ON j.id = s.journey_id "
    "WHERE m.id = ?",
    "journey": "SELECT id AS journey_id, workspace_id, name AS title FROM journeys WHERE id = ?",
    "metric": "SELECT m.journey_id, j.workspace_id, m.name AS title FROM metrics m "
    "JOIN journeys j ON j.id = m.journey_id WHERE m.id = ?",
    "scenario": "SELECT s.journey_id, j.workspace_id, s.name AS title FROM scenarios s "
    "JOIN journeys j ON j.id = s.journey_id WHERE s.id = ?",
}


# ---------------------------------------------------------------------------- backup checks


def schema_objects(conn: sqlite3.Connection) -> dict[str, str]:
    """The schema of a database as ``{"<type> <name>": SQL with whitespace collapsed}``.

    The migrations table is compared by its columns only (sqlite-utils may have rebuilt it).
    """
    out = {}
    for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ):
        if name.startswith(migrations.migrations_table) or (
            kind == "index" and "_sqlite_migrations" in (sql or "")
        ):
            continue
        out[f"{kind} {name}"] = " ".join((sql or "").split())
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{migrations.migrations_table}])")]
    out[f"table {migrations.migrations_table}"] = ", ".join(columns)
    return out


def expected_schema() -> dict[str, str]:
    """This release's schema: a blank database migrated in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        migrations.apply(Database(conn))
        return schema_objects(conn)
    finally:
        conn.close()


def check_backup(source: pathlib.Path, copy: pathlib.Path) -> sqlite3.Connection:
    """Copy ``source`` to ``copy``, check it whole and migrate it; the open, checked copy.

    Raises StorageError naming the first reason it cannot be restored: not a SQLite database,
    not a Journey Lab one, written by a newer release (an unknown migration), a failed
    integrity or foreign-key check, or a schema that differs from this release's.
    """
    name = source
    try:
        src = sqlite3.connect(f"file:{urllib.parse.quote(str(source))}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise database_error(name, e) from None
    conn = sqlite3.connect(copy)
    try:
        try:
            src.backup(conn)
        except sqlite3.Error as e:
            raise database_error(name, e) from None
        finally:
            src.close()
        conn.execute("PRAGMA journal_mode=DELETE")
        db = Database(conn)
        if not db[migrations.migrations_table].exists():
            raise StorageError(f"{name}: not a Journey Lab database (no record of its migrations)")

        def column(sql: str) -> list:
            """The first column of ``sql`` on the copy, ``?`` standing for our migration set."""
            return [r[0] for r in conn.execute(sql, [migrations.name])]

        table = migrations.migrations_table
        others = column(f"SELECT DISTINCT migration_set FROM [{table}] WHERE migration_set != ?")
        if others:
            raise StorageError(
                f"{name}: holds migrations of another application "
                f"({', '.join(map(str, others))}); not a Journey Lab backup"
            )
        applied = column(f"SELECT name FROM [{table}] WHERE migration_set = ? ORDER BY rowid")
        if not applied:
            raise StorageError(
                f"{name}: not a Journey Lab database (no Journey Lab migrations recorded)"
            )
        known = {m.name for m in migrations._migrations}
        unknown = [n for n in applied if n not in known]
        if unknown:
            raise StorageError(
                f"{name}: written by a newer Journey Lab (unknown migration "
                f"{', '.join(unknown)}); upgrade Journey Lab first"
            )
        problems = [
            line
            for r in conn.execute("PRAGMA integrity_check(3)")
            for line in r[0].splitlines()
            if line and not line.startswith("***")
        ]
        if problems != ["ok"]:
            raise StorageError(f"{name}: integrity check failed: {'; '.join(problems)}")
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            table, rowid, parent, _ = orphans[0]
            raise StorageError(
                f"{name}: foreign key check failed: {len(orphans)} row(s), "
                f"e.g. {table} row {rowid} points at a missing {parent} row"
            )
        conn.execute("PRAGMA foreign_keys=ON")
        migrations.apply(db)
        expected, actual = expected_schema(), schema_objects(conn)
        if actual != expected:
            missing = sorted(set(expected) - set(actual))
            extra = sorted(set(actual) - set(expected))
            changed = sorted(k for k in set(actual) & set(expected) if actual[k] != expected[k])
            what = (
                f"missing {missing[0]}"
                if missing
                else f"unexpected {extra[0]}"
                if extra
                else f"{changed[0]} differs"
            )
            raise StorageError(f"{name}: its schema is not this release's ({what})")
        _check_values(conn, name)
    except sqlite3.Error as e:
        conn.close()
        raise database_error(name, e) from None
    except UnicodeDecodeError:
        conn.close()
        raise StorageError(
            f"{name}: its schema holds text that is not valid UTF-8 (a damaged file?)"
        ) from None
    except BaseException:
        conn.close()
        raise
    return conn


#: The storage classes a column of each declared type may hold (NULL is checked by NOT NULL).
_TYPES = {"TEXT": ("text",), "INTEGER": ("integer",), "REAL": ("real", "integer")}


def _check_values(conn: sqlite3.Connection, name: str | pathlib.Path) -> None:
    """Every value has its column's type and all text is valid UTF-8 (a damaged file can
    pass the integrity check and still hold bytes no page could read); StorageError if not."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        columns = conn.execute(f"PRAGMA table_info([{table}])").fetchall()
        wrong = " OR ".join(
            f"(typeof([{c[1]}]) NOT IN ('null', {', '.join(map(repr, _TYPES[c[2]]))}))"
            for c in columns
            if c[2] in _TYPES
        )
        if wrong:
            row = conn.execute(f"SELECT rowid FROM [{table}] WHERE {wrong} LIMIT 1").fetchone()
            if row:
                raise StorageError(f"{name}: {table} row {row[0]} holds a value of the wrong type")
        texts = [c[1] for c in columns if c[2] == "TEXT"]
        if not texts:
            continue
        cursor = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in texts)} FROM [{table}]")
        try:
            while cursor.fetchmany(10_000):
                pass
        except sqlite3.OperationalError:
            raise StorageError(f"{name}: {table} holds text that is not valid UTF-8") from None
