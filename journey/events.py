"""Observed timeframes: from a customer event log to per-customer summaries and figures.

An event log is a CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file with one
row per event: who (a customer id), when (a timestamp) and what (an event name), optionally a
value and a segment. The person importing it picks those columns (:class:`ColumnChoice`,
guessed by :func:`inspect`) and maps each event name to one of the five stages or to nothing
(:class:`Mapping`); some events are marked as the purchase.

The heavy lifting is done once, at import, by DuckDB reading the file directly: nothing loads
the whole file into Python. :func:`summarise` runs two scans of the file:

1. a check: every row counted, every non-empty timestamp (and value) parsed, so a file with
   dates DuckDB cannot read is refused with the number of bad rows and a few examples;
2. the per-customer summary, one ``GROUP BY`` over the mapped events, returned as a small
   Arrow table (one row per customer, see :data:`CUSTOMER_SCHEMA`).

:func:`events_table` streams the mapped raw events in Arrow batches, so a caller can store them
in chunks. Memory stays bounded: DuckDB runs under :data:`MEMORY_LIMIT` and spills to disk.

Timestamps are parsed by DuckDB (``TRY_CAST(... AS TIMESTAMPTZ)``) in a session whose time zone
is UTC: a timestamp with an offset (``2026-01-01T10:00:00+02:00``) is converted to UTC, a naive
one (``2026-01-01 10:00``) is taken to be UTC already, a bare date is midnight UTC.

The figures (:func:`report`, :func:`distribution`) are pure functions of the per-customer table,
so pages can recompute them from what storage kept without touching the file again.

Column names come from the file, so they are never pasted into SQL as they are: each is quoted
as an identifier (``"name"``, embedded quotes doubled); the file path and the mapping are bound
as query parameters.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from journey.model import STAGES, JourneyError, ValidationError, normalise_stage

__all__ = [
    "CUSTOMER_SCHEMA",
    "EVENT_SCHEMA",
    "ColumnChoice",
    "EventError",
    "Mapping",
    "Summary",
    "compare_with_estimates",
    "distribution",
    "event_counts",
    "events_table",
    "guess_mapping",
    "inspect",
    "report",
    "rows_with_iso_timestamps",
    "summarise",
    "summary_stats",
    "validate_mapping",
]

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # how timestamps are stored as text (UTC)
MEMORY_LIMIT = "1GB"  # DuckDB's working memory for one import; beyond it, it spills to disk
PREVIEW_ROWS = 20
TOP_EVENT_NAMES = 200
SECONDS_PER_DAY = 86_400.0

CUSTOMER_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        *[(f"entered_{stage}", pa.timestamp("us", tz="UTC")) for stage in STAGES],
        ("first_purchase", pa.timestamp("us", tz="UTC")),
        ("purchase_count", pa.int64()),
        ("reached_stage", pa.int64()),
        ("segment", pa.string()),
        ("value_total", pa.float64()),
    ]
)
"""One row per customer with at least one mapped event (what :func:`summarise` returns)."""

EVENT_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("event", pa.string()),
        ("stage", pa.string()),
        ("is_purchase", pa.bool_()),
        ("value", pa.float64()),
        ("segment", pa.string()),
    ]
)
"""One row per mapped event (what :func:`events_table` streams)."""


class EventError(JourneyError):
    """An event file or mapping that cannot be used as it is; the message says what to fix."""


# ---------------------------------------------------------------------------- choices


@dataclass
class ColumnChoice:
    """Which columns of the file hold the customer id, the timestamp, the event name and,
    optionally, a value (such as an order amount) and a segment (such as a channel)."""

    customer: str
    timestamp: str
    event: str
    value: str | None = None
    segment: str | None = None

    def roles(self) -> list[tuple[str, str | None]]:
        """``(role, column)`` pairs, the optional ones included even when unset."""
        return [
            ("customer id", self.customer),
            ("timestamp", self.timestamp),
            ("event name", self.event),
            ("value", self.value),
            ("segment", self.segment),
        ]


@dataclass
class Mapping:
    """Where each event name belongs: a stage key, or ``None`` to ignore the event.

    ``purchase_events`` names the events that are a purchase; they must be mapped to a stage
    (normally ``"decision"``). Example::

        Mapping({"ad_view": "awareness", "purchase": "decision", "email_open": None},
                purchase_events={"purchase"})
    """

    stages: dict[str, str | None]
    purchase_events: set[str] = field(default_factory=set)


@dataclass
class Summary:
    """What :func:`summarise` found: the per-customer table and how the rows were used.

    ``ignored_rows`` counts every row that is not a mapped event: events mapped to nothing,
    and rows without an event name, customer id or timestamp (``incomplete_rows`` counts the
    last two kinds on their own). ``events_rows + ignored_rows == total_rows``.
    """

    customers: pa.Table
    events_rows: int
    ignored_rows: int
    total_rows: int
    incomplete_rows: int = 0


# ---------------------------------------------------------------------------- reading the file

_FORMATS = {".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
_NUMERIC = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)")


def _file_format(path: Path) -> str:
    name = path.name.lower()
    for ext in sorted(_FORMATS, key=len, reverse=True):
        if name.endswith(ext):
            return _FORMATS[ext]
    raise EventError(
        f"{path.name}: unknown file type; expected a CSV (.csv, .csv.gz) or Parquet "
        "(.parquet, .pq) file"
    )


def _ident(name: str) -> str:
    """``name`` quoted as a SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    spill = str(Path(tempfile.gettempdir()) / "journey-lab-duckdb").replace("'", "''")
    con.execute(f"SET temp_directory = '{spill}'")  # not ./.tmp in whatever the cwd is
    return con


class _Source:
    """One event file opened in DuckDB: its reader expression, columns and types.

    CSV files are read with every column as text (``text_reader``), so a customer id like
    ``007`` keeps its zeros and one odd row far down the file cannot break a guessed type;
    with ``typed=True`` (for :func:`inspect`) ``reader`` and ``columns`` use the types DuckDB
    guesses, to show what the columns hold.
    """

    def __init__(self, path: str | Path, *, typed: bool = False):
        self.path = Path(path)
        self.name = self.path.name
        self.format = _file_format(self.path)
        if not self.path.is_file():
            raise EventError(f"{self.path}: no such file")
        if self.format == "csv":
            self.text_reader = "read_csv($path, header = true, skip = 0, all_varchar = true)"
            self.reader = "read_csv($path, header = true, skip = 0)" if typed else self.text_reader
        else:
            self.reader = self.text_reader = "read_parquet($path)"
        self.params: dict[str, Any] = {"path": str(self.path)}
        self.con = _connect()
        try:
            described = self.run(f"DESCRIBE SELECT * FROM {self.reader}")
        except BaseException:
            self.con.close()
            raise
        self.columns: dict[str, str] = {row[0]: row[1] for row in described}

    def query(self, sql: str, params: dict[str, Any] | None = None) -> duckdb.DuckDBPyRelation:
        """A relation over ``sql`` with the path (and ``params``) bound; read errors wrapped."""
        try:
            return self.con.sql(sql, params={**self.params, **(params or {})})
        except duckdb.Error as e:
            raise self.error(e) from None

    def run(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        try:
            return self.query(sql, params).fetchall()
        except duckdb.Error as e:
            raise self.error(e) from None

    def error(self, e: duckdb.Error) -> EventError:
        kind = "CSV" if self.format == "csv" else "Parquet"
        message = str(e).split("\n")[0]
        return EventError(f"{self.name}: could not be read as {kind}: {message}")

    def row_count(self) -> int:
        return int(self.run(f"SELECT count(*) FROM {self.text_reader}")[0][0])

    def require_rows(self) -> int:
        rows = self.row_count()
        if rows == 0:
            raise EventError(f"{self.name} is empty: it has no rows of events")
        return rows

    def require_columns(self, columns: ColumnChoice) -> None:
        for role, name in columns.roles()[:3]:
            if not name:
                raise EventError(f"{self.name}: choose the column that holds the {role}")
        for role, name in columns.roles():
            if name and name not in self.columns:
                self.require_rows()  # an empty file says so, rather than lacking columns
                available = ", ".join(self.columns)
                hint = ""
                if self.format == "csv" and len(self.columns) == 1:
                    hint = (" (the file was read as a single column: check that every line "
                            "has the same number of comma-, semicolon- or tab-separated fields)")
                raise EventError(
                    f"{self.name}: there is no column {name!r} for the {role}; "
                    f"the columns are: {available}{hint}"
                )
        ts_type = self.columns[columns.timestamp]
        if _NUMERIC.match(ts_type):
            raise EventError(
                f"{self.name}: column {columns.timestamp!r} holds numbers ({ts_type}), not dates "
                "and times; choose a column of timestamps such as 2026-01-31T09:30:00Z"
            )

    def close(self) -> None:
        self.con.close()


def _guess_column(names: list[str], candidates: tuple[str, ...], taken: set[str]) -> str | None:
    """The first column whose normalised name is a candidate, then one that contains one."""
    normal = {name: re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") for name in names}
    for candidate in candidates:
        for name in names:
            if name not in taken and normal[name] == candidate:
                return name
    for candidate in candidates:
        for name in names:
            if name not in taken and candidate in normal[name].split("_"):
                return name
    return None


_GUESSES: dict[str, tuple[str, ...]] = {
    "customer": ("customer_id", "customerid", "user_id", "userid", "client_id", "visitor_id",
                 "account_id", "person_id", "contact_id", "customer", "user", "client",
                 "visitor", "account", "person", "contact"),
    "timestamp": ("timestamp", "ts", "event_time", "event_timestamp", "time", "datetime",
                  "created_at", "occurred_at", "date", "event_date"),
    "event": ("event", "event_name", "event_type", "action", "type", "activity", "name"),
    "value": ("value", "amount", "revenue", "price", "total", "order_value"),
    "segment": ("segment", "channel", "country", "source", "plan", "region", "cohort"),
}


def _guess_columns(columns: dict[str, str]) -> ColumnChoice:
    names = list(columns)
    taken: set[str] = set()
    found: dict[str, str | None] = {}
    for role, candidates in _GUESSES.items():
        found[role] = _guess_column(names, candidates, taken)
        if found[role]:
            taken.add(found[role])
    # Required roles fall back to a column of a fitting type, then to any column left.
    if not found["timestamp"]:
        found["timestamp"] = next((n for n, t in columns.items()
                                   if n not in taken and t.startswith(("TIMESTAMP", "DATE"))), None)
    for role in ("customer", "timestamp", "event"):
        if not found[role]:
            rest = [n for n in names if n not in taken] or names
            found[role] = rest[0]
        taken.add(found[role])
    return ColumnChoice(**found)


def inspect(path: str | Path, columns: ColumnChoice | None = None) -> dict:
    """What an event file holds, to help a person choose its columns.

    Returns ``{"path", "format", "columns": [{"name", "type"}], "rows", "preview": [row dicts],
    "guess": ColumnChoice, "event_names": [(name, count)]}``. ``event_names`` counts the
    event column of ``columns`` when given, else of the guess.
    """
    source = _Source(path, typed=True)
    try:
        rows = source.require_rows()
        preview = source.query(
            f"SELECT * FROM {source.reader} LIMIT {PREVIEW_ROWS}").to_arrow_table().to_pylist()
        guess = _guess_columns(source.columns)
        chosen = columns or guess
        if chosen.event not in source.columns:
            source.require_columns(chosen)
        names = _event_counts(source, chosen.event)
        return {
            "path": str(source.path),
            "format": source.format,
            "columns": [{"name": n, "type": t} for n, t in source.columns.items()],
            "rows": rows,
            "preview": preview,
            "guess": guess,
            "event_names": names,
        }
    finally:
        source.close()


def _event_counts(source: _Source, column: str,
                  limit: int = TOP_EVENT_NAMES) -> list[tuple[str, int]]:
    col = _ident(column)
    sql = (f"SELECT CAST({col} AS VARCHAR) AS event, count(*) AS n FROM {source.text_reader} "
           f"WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY n DESC, event LIMIT {int(limit)}")
    return [(name, int(n)) for name, n in source.run(sql)]


def event_counts(path: str | Path, columns: ColumnChoice | str,
                 limit: int = TOP_EVENT_NAMES) -> list[tuple[str, int]]:
    """The distinct event names of the event column with their counts, most frequent first."""
    column = columns if isinstance(columns, str) else columns.event
    source = _Source(path)
    try:
        if column not in source.columns:
            source.require_columns(ColumnChoice(column, column, column))
        return _event_counts(source, column, limit)
    finally:
        source.close()


# ---------------------------------------------------------------------------- mapping

_STAGE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("advocacy", frozenset({"review", "referral", "refer", "share", "recommend", "nps",
                            "testimonial", "rating", "rate", "advocate", "invite"})),
    ("decision", frozenset({"purchase", "buy", "bought", "order", "checkout", "quote",
                            "payment", "pay", "paid", "contract", "subscribe", "booking"})),
    ("consideration", frozenset({"compare", "comparison", "test", "drive", "trial", "demo",
                                 "brochure", "download", "pricing", "cart", "wishlist",
                                 "configure", "configurator", "signup", "register"})),
    ("retention", frozenset({"service", "login", "support", "renew", "renewal", "usage",
                             "repeat", "reorder", "maintenance", "app"})),
    ("awareness", frozenset({"ad", "ads", "impression", "visit", "view", "landing", "click",
                             "search", "pageview", "seen"})),
)
_PURCHASE_WORDS = frozenset({"purchase", "purchased", "buy", "bought", "checkout", "paid",
                             "payment", "order_completed", "order_placed"})


def guess_mapping(event_names: Iterable[str]) -> Mapping:
    """A first mapping from the words in event names, for a person to correct.

    ``review_posted`` -> advocacy, ``quote_request`` -> decision, ``purchase`` -> decision and
    a purchase, ``email_open`` -> ignored (no known word).
    """
    stages: dict[str, str | None] = {}
    purchases: set[str] = set()
    for name in event_names:
        words = set(re.split(r"[^a-z0-9]+", str(name).lower()))
        normal = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
        stages[name] = next((stage for stage, keys in _STAGE_WORDS if words & keys), None)
        if words & _PURCHASE_WORDS or normal in _PURCHASE_WORDS:
            stages[name] = "decision"
            purchases.add(name)
    return Mapping(stages, purchases)


def validate_mapping(mapping: Mapping) -> Mapping:
    """Check a mapping and return it with stage aliases (``"loyalty"``) made canonical.

    Raises :class:`EventError` when no event is marked as a purchase, a stage is unknown, or a
    purchase event is not mapped to a stage.
    """
    stages: dict[str, str | None] = {}
    for event, stage in mapping.stages.items():
        if stage is None or stage == "":
            stages[event] = None
            continue
        try:
            stages[event] = normalise_stage(stage)
        except ValidationError:
            raise EventError(
                f"event {event!r} is mapped to an unknown stage {stage!r}; "
                f"expected one of {', '.join(STAGES)} (or none, to ignore it)"
            ) from None
    purchases = set(mapping.purchase_events)
    if not purchases:
        raise EventError("no event is marked as the purchase: mark at least one (such as "
                         "'purchase' or 'order_completed') so buyer timeframes can be measured")
    for event in sorted(purchases):
        if stages.get(event) is None:
            raise EventError(f"purchase event {event!r} is not mapped to a stage; "
                             "map it to decision (the purchase stage)")
    return Mapping(stages, purchases)


# ---------------------------------------------------------------------------- summarising


def _mapping_params(mapping: Mapping) -> dict[str, list]:
    mapped = [(event, stage) for event, stage in mapping.stages.items() if stage is not None]
    return {
        "m_events": [event for event, _ in mapped],
        "m_stages": [STAGES.index(stage) for _, stage in mapped],
        "m_keys": [stage for _, stage in mapped],
        "m_purchase": [event in mapping.purchase_events for event, _ in mapped],
    }


def _base_sql(source: _Source, columns: ColumnChoice) -> str:
    """CTEs ``mapping`` (event -> stage) and ``raw`` (the chosen columns, parsed)."""

    def optional(name: str | None, cast: str, sql_type: str) -> tuple[str, str]:
        if not name:
            return f"NULL::{sql_type}", f"NULL::{sql_type}"
        return f"{cast}({_ident(name)} AS {sql_type})", _ident(name)

    value, value_raw = optional(columns.value, "TRY_CAST", "DOUBLE")
    segment, _ = optional(columns.segment, "CAST", "VARCHAR")
    return f"""
    WITH mapping AS (
        SELECT unnest($m_events::VARCHAR[]) AS event, unnest($m_stages::INTEGER[]) AS stage,
               unnest($m_keys::VARCHAR[]) AS stage_key,
               unnest($m_purchase::BOOLEAN[]) AS is_purchase
    ),
    raw AS (
        SELECT CAST({_ident(columns.customer)} AS VARCHAR) AS customer_id,
               {_ident(columns.timestamp)} AS ts_raw,
               TRY_CAST({_ident(columns.timestamp)} AS TIMESTAMPTZ) AS ts,
               CAST({_ident(columns.event)} AS VARCHAR) AS event,
               {value_raw} AS value_raw,
               {value} AS value,
               {segment} AS segment
        FROM {source.reader}
    )"""


def _check(source: _Source, columns: ColumnChoice, mapping: Mapping) -> tuple[int, int, int]:
    """Count the rows and refuse unreadable timestamps or values: (total, mapped, incomplete)."""
    base = _base_sql(source, columns)
    params = _mapping_params(mapping)
    total, bad_ts, bad_value, mapped, incomplete = source.run(
        f"""{base}
        SELECT count(*),
               count(*) FILTER (WHERE ts_raw IS NOT NULL AND ts IS NULL),
               count(*) FILTER (WHERE value_raw IS NOT NULL AND value IS NULL),
               count(*) FILTER (WHERE mapping.event IS NOT NULL AND customer_id IS NOT NULL
                                AND ts IS NOT NULL),
               count(*) FILTER (WHERE raw.event IS NOT NULL AND
                                (customer_id IS NULL OR ts_raw IS NULL))
        FROM raw LEFT JOIN mapping ON raw.event = mapping.event""",
        params,
    )[0]
    if total == 0:
        raise EventError(f"{source.name} is empty: it has no rows of events")
    for bad, raw, parsed, column, what in (
        (bad_ts, "ts_raw", "ts", columns.timestamp, "timestamps"),
        (bad_value, "value_raw", "value", columns.value, "numbers"),
    ):
        if bad:
            examples = [repr(str(v)) for (v,) in source.run(
                f"""{base}
                SELECT {raw} FROM (SELECT {raw}, row_number() OVER () AS n FROM raw
                                   WHERE {raw} IS NOT NULL AND {parsed} IS NULL)
                GROUP BY {raw} ORDER BY min(n) LIMIT 3""",
                params,
            )]
            rows = "row" if bad == 1 else "rows"
            hint = (" (use ISO 8601, such as 2026-01-31T09:30:00Z or 2026-01-31 09:30:00)"
                    if what == "timestamps" else " (plain numbers, such as 1234.50)")
            raise EventError(
                f"{source.name}: {bad:,} {rows} of column {column!r} could not be read as "
                f"{what}, for example {', '.join(examples)}{hint}"
            )
    return int(total), int(mapped), int(incomplete)


def _open(path: str | Path, columns: ColumnChoice, mapping: Mapping) -> tuple[_Source, Mapping]:
    mapping = validate_mapping(mapping)
    source = _Source(path)
    try:
        source.require_columns(columns)
    except BaseException:
        source.close()
        raise
    return source, mapping


def summarise(
    path: str | Path,
    columns: ColumnChoice,
    mapping: Mapping,
    progress: Callable[[float, str], None] | None = None,
) -> Summary:
    """Read an event file and return one row per customer (:data:`CUSTOMER_SCHEMA`).

    Only mapped events count. Per customer: ``first_seen`` and ``last_seen`` (first and last
    mapped event), ``entered_<stage>`` (first event of that stage), ``first_purchase`` and
    ``purchase_count``, ``reached_stage`` (index of the furthest stage with an event: reaching
    stage k means an event in stage k or a later one), ``segment`` (of the earliest mapped event
    that has one; alphabetically first on a tie) and ``value_total`` (sum over mapped events).
    """
    report_progress = progress or (lambda fraction, message: None)
    source, mapping = _open(path, columns, mapping)
    try:
        report_progress(0.0, f"Reading {source.name}")
        total, mapped, incomplete = _check(source, columns, mapping)
        report_progress(0.4, f"Summarising {mapped:,} events of {total:,} rows per customer")
        entered = ",\n".join(
            f"min(ts) FILTER (WHERE stage = {k}) AS {_ident('entered_' + stage)}"
            for k, stage in enumerate(STAGES)
        )
        table = source.query(
            f"""{_base_sql(source, columns)},
            events AS (
                SELECT raw.customer_id, raw.ts, raw.value, raw.segment,
                       mapping.stage, mapping.is_purchase
                FROM raw JOIN mapping ON raw.event = mapping.event
                WHERE raw.customer_id IS NOT NULL AND raw.ts IS NOT NULL
            )
            SELECT customer_id, min(ts) AS first_seen, max(ts) AS last_seen,
                   {entered},
                   min(ts) FILTER (WHERE is_purchase) AS first_purchase,
                   CAST(count(*) FILTER (WHERE is_purchase) AS BIGINT) AS purchase_count,
                   CAST(max(stage) AS BIGINT) AS reached_stage,
                   (min({{'t': ts, 's': segment}}) FILTER (WHERE segment IS NOT NULL)).s
                       AS segment,
                   sum(value) AS value_total
            FROM events GROUP BY customer_id ORDER BY customer_id""",
            _mapping_params(mapping),
        ).to_arrow_table()
    except duckdb.Error as e:
        raise source.error(e) from None
    finally:
        source.close()
    customers = table.cast(CUSTOMER_SCHEMA)
    report_progress(1.0, f"Done: {customers.num_rows:,} customers")
    return Summary(
        customers=customers,
        events_rows=mapped,
        ignored_rows=total - mapped,
        total_rows=total,
        incomplete_rows=incomplete,
    )


def events_table(
    path: str | Path,
    columns: ColumnChoice,
    mapping: Mapping,
    batch_size: int = 100_000,
    *,
    check: bool = True,
    keep_unmapped: bool = False,
    iso_text: bool = False,
) -> pa.RecordBatchReader:
    """The mapped events of the file (:data:`EVENT_SCHEMA`), streamed in Arrow batches.

    Rows come in file order; ``stage`` is the stage key. The file is checked first as in
    :func:`summarise`, so a bad file raises here rather than half-way through the stream;
    ``check=False`` skips that scan when :func:`summarise` has just read the same file.
    ``keep_unmapped`` also yields the events the mapping ignores (stage null), so they can be
    stored and mapped later without the file. ``iso_text`` gives ``ts`` as ISO 8601 text in
    UTC (``2026-01-31T09:30:00.000000Z``), formatted by DuckDB, ready for SQLite.
    """
    schema = EVENT_SCHEMA.set(1, pa.field("ts", pa.string())) if iso_text else EVENT_SCHEMA
    ts = f"strftime(raw.ts, '{ISO_FORMAT}')" if iso_text else "raw.ts"
    source, mapping = _open(path, columns, mapping)
    try:
        if check:
            _check(source, columns, mapping)
        reader = source.query(
            f"""{_base_sql(source, columns)}
            SELECT raw.customer_id, {ts} AS ts, raw.event, mapping.stage_key AS stage,
                   coalesce(mapping.is_purchase, false) AS is_purchase, raw.value, raw.segment
            FROM raw {"LEFT JOIN" if keep_unmapped else "JOIN"} mapping
                 ON raw.event = mapping.event
            WHERE raw.customer_id IS NOT NULL AND raw.ts IS NOT NULL
                  AND raw.event IS NOT NULL""",
            _mapping_params(mapping),
        ).to_arrow_reader(batch_size)
    except duckdb.Error as e:
        source.close()
        raise source.error(e) from None
    except BaseException:
        source.close()
        raise

    def batches() -> Iterator[pa.RecordBatch]:
        # The generator holds the connection until the reader is read out or dropped.
        try:
            for batch in reader:
                yield batch.cast(schema)
        except duckdb.Error as e:
            raise source.error(e) from None
        finally:
            source.close()

    return pa.RecordBatchReader.from_batches(schema, batches())


def rows_with_iso_timestamps(table: pa.Table, chunk: int = 50_000) -> Iterator[list[tuple]]:
    """The rows of ``table`` as tuples, in chunks, timestamps as ISO 8601 text in UTC.

    DuckDB formats the timestamps and builds the tuples: several times faster than
    pyarrow's strftime and ``to_pylist`` on large tables.
    """
    columns = ", ".join(
        f"strftime({_ident(f.name)}, '{ISO_FORMAT}') AS {_ident(f.name)}"
        if pa.types.is_timestamp(f.type) else _ident(f.name) for f in table.schema)
    con = _connect()
    try:
        con.register("source_table", table)
        result = con.execute(f"SELECT {columns} FROM source_table")
        while rows := result.fetchmany(chunk):
            yield rows
    finally:
        con.close()


# ---------------------------------------------------------------------------- figures


def summary_stats(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """``{count, mean, median, p90}`` of the values that are not missing.

    p90 is the 90th percentile by linear interpolation between the two nearest ranks (numpy's
    default): for 1..10 it is 9.1. With no values: count 0 and None for the rest.
    """
    array = np.asarray([v for v in values if v is not None], dtype=float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return {"count": 0, "mean": None, "median": None, "p90": None}
    return {
        "count": int(array.size),
        "mean": float(array.mean()),
        "median": float(np.median(array)),
        "p90": float(np.quantile(array, 0.9)),
    }


def _days(later: Any, earlier: Any) -> Any:
    """``later - earlier`` in days, as floats (NaN where either is missing)."""
    return (later - earlier).dt.total_seconds() / SECONDS_PER_DAY


def _frame(customers: pa.Table) -> Any:
    import pandas as pd

    if customers.num_rows == 0:
        customers = CUSTOMER_SCHEMA.empty_table()
    missing = [n for n in CUSTOMER_SCHEMA.names if n not in customers.column_names]
    if missing:
        raise ValueError(f"the customers table lacks column(s): {', '.join(missing)}")
    df = customers.to_pandas()
    for name in ("first_seen", "last_seen", "first_purchase",
                 *[f"entered_{s}" for s in STAGES]):
        df[name] = pd.to_datetime(df[name], utc=True)
    df["purchase_count"] = df["purchase_count"].fillna(0).astype("int64")
    return df


def _breakdown(key: Any, purchased: Any, buyer_days: Any, name: str) -> list[dict[str, Any]]:
    """Customers, purchasers, conversion and median buyer timeframe per value of ``key``."""
    import pandas as pd

    frame = pd.DataFrame({"key": key, "bought": purchased, "days": buyer_days})
    groups = frame.groupby("key", dropna=False, sort=True).agg(
        customers=("bought", "size"), purchasers=("bought", "sum"), median=("days", "median"))
    rows = []
    for value, group in groups.iterrows():
        customers, purchasers = int(group["customers"]), int(group["purchasers"])
        rows.append({
            name: None if pd.isna(value) else (str(value) if name == "segment" else int(value)),
            "customers": customers,
            "purchasers": purchasers,
            "conversion": _ratio(purchasers, customers),
            "buyer_timeframe_median_days": group["median"],
        })
    return rows


def _median(series: Any) -> float | None:
    values = series.dropna()
    return float(values.median()) if len(values) else None


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _clean(value: Any) -> Any:
    """Plain Python numbers for JSON: NaN -> None, numpy scalars -> int/float."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def distribution(customers: pa.Table, which: str) -> list[float]:
    """Per-purchaser timeframes in days, for charts: ``"buyer"`` (first purchase - first seen),
    ``"customer"`` (last seen - first seen) or ``"post_purchase"`` (last seen - first purchase)."""
    df = _frame(customers)
    buyers = df[df["first_purchase"].notna()]
    spans = {
        "buyer": ("first_purchase", "first_seen"),
        "customer": ("last_seen", "first_seen"),
        "post_purchase": ("last_seen", "first_purchase"),
    }
    if which not in spans:
        raise ValueError(f"unknown timeframe {which!r}; expected one of {', '.join(spans)}")
    later, earlier = spans[which]
    return [float(v) for v in _days(buyers[later], buyers[earlier]).dropna()]


def _compare(estimated: float | None, observed: float | None) -> dict[str, Any]:
    """Estimated beside observed: ratio = observed / estimated, flagged beyond a factor of 2.

    The ratio is undefined (None, never flagged) when either side is missing or zero: an
    observed median of 0 days (the purchase is the first decision event) has no finite
    factor against the map.
    """
    ratio = None
    if estimated is not None and observed is not None and estimated > 0 and observed > 0:
        ratio = observed / estimated
    return {
        "estimated_days": estimated,
        "observed_days": observed,
        "ratio": ratio,
        "flag": ratio is not None and (ratio > 2 or ratio < 0.5),
    }


def report(customers: pa.Table, estimated_days: dict[str, float] | None = None) -> dict:
    """The observed-timeframe figures of a per-customer table, as plain JSON-ready data.

    Durations are in days (seconds / 86,400). Definitions:

    - ``buyer_timeframe_days``: first purchase - first seen; ``customer_timeframe_days``: last
      seen - first seen; ``post_purchase_days``: last seen - first purchase. Purchasers only;
      each ``{count, mean, median, p90}`` (p90 by linear interpolation).
    - ``funnel``: per stage, ``reached`` = customers whose furthest stage is this one or later;
      ``share_of_first`` = reached / reached the first stage (= all customers);
      ``step_conversion`` = reached / reached the previous stage; ``drop_off`` = 1 - step
      conversion and ``lost`` = how many fewer than the previous stage (None/0 for the first).
    - ``time_between_stages``: per pair of consecutive stages, stats of entered(k) -
      entered(k-1) over customers with both; ``out_of_order`` counts those who entered stage k
      first (negative times, kept in the stats).
    - ``stage_durations_days``: the observed length of a stage = median time from entering it
      to entering the next one (customers with both); the decision stage ends with the first
      purchase (median of first purchase - entered decision); for advocacy, the last stage,
      median of last seen - entered advocacy.
    - ``repeat_purchase_rate``: purchasers with 2+ purchases / purchasers (None without any).
    - ``by_segment`` (customers with no segment grouped under None) and ``by_month`` (month of
      first seen, UTC): customers, purchasers, conversion and median buyer timeframe.
    - ``estimated_vs_observed`` (given ``estimated_days`` per stage): per stage estimated and
      observed days, ratio = observed / estimated, flag when one is more than twice the other;
      ``estimated_vs_observed_journeys`` does the same for the buyer journey (sum of the first
      three estimates vs median buyer timeframe) and the customer journey (sum of all five vs
      median customer timeframe). Estimates of 0 or missing count as no estimate.
    """
    df = _frame(customers)
    n = len(df)
    purchased = df["first_purchase"].notna()
    buyers = df[purchased]
    n_buyers = len(buyers)

    buyer_days = _days(buyers["first_purchase"], buyers["first_seen"])
    customer_days = _days(buyers["last_seen"], buyers["first_seen"])
    post_days = _days(buyers["last_seen"], buyers["first_purchase"])

    reached = [int((df["reached_stage"] >= k).sum()) for k in range(len(STAGES))]
    funnel = []
    for k, stage in enumerate(STAGES):
        previous = reached[k - 1] if k else None
        step = _ratio(reached[k], previous) if k else None
        funnel.append({
            "stage": stage,
            "reached": reached[k],
            "share_of_first": _ratio(reached[k], reached[0]),
            "step_conversion": step,
            "drop_off": None if step is None else 1 - step,
            "lost": previous - reached[k] if k else 0,
        })

    between = []
    durations: dict[str, float | None] = {}
    for k, stage in enumerate(STAGES):
        entered = df[f"entered_{stage}"]
        if k + 1 < len(STAGES):
            gap = _days(df[f"entered_{STAGES[k + 1]}"], entered)
            between.append({
                "from": stage,
                "to": STAGES[k + 1],
                **summary_stats(gap.dropna()),
                "out_of_order": int((gap < 0).sum()),
            })
            durations[stage] = _median(gap)
            if stage == "decision":  # the decision stage ends with the purchase
                durations[stage] = _median(_days(df["first_purchase"], entered))
        else:
            durations[stage] = _median(_days(df["last_seen"], entered))

    all_buyer_days = _days(df["first_purchase"], df["first_seen"])  # NaN for non-buyers
    by_segment = []
    if df["segment"].notna().any():
        by_segment = _breakdown(df["segment"], purchased, all_buyer_days, "segment")
        by_segment.sort(key=lambda row: (-row["customers"], row["segment"] is None,
                                         row["segment"] or ""))
    months = df["first_seen"].dt.year * 100 + df["first_seen"].dt.month
    by_month = _breakdown(months, purchased, all_buyer_days, "month")
    for row in by_month:
        row["month"] = f"{row['month'] // 100:04d}-{row['month'] % 100:02d}"

    result: dict[str, Any] = {
        "customers": n,
        "purchasers": n_buyers,
        "conversion": _ratio(n_buyers, n),
        "buyer_timeframe_days": summary_stats(buyer_days),
        "customer_timeframe_days": summary_stats(customer_days),
        "post_purchase_days": summary_stats(post_days),
        "funnel": funnel,
        "time_between_stages": between,
        "stage_durations_days": durations,
        "repeat_purchase_rate": _ratio(int((buyers["purchase_count"] >= 2).sum()), n_buyers),
        "by_segment": by_segment,
        "by_month": by_month,
        "estimated_vs_observed": None,
        "estimated_vs_observed_journeys": None,
    }
    if estimated_days is not None:
        result = compare_with_estimates(result, estimated_days)
    return _clean(result)


def compare_with_estimates(figures: dict, estimated_days: dict[str, float | None]) -> dict:
    """``figures`` (a :func:`report`) with the workshop's estimates set beside the observed.

    Works on a stored report, so a page can compare with the map's current estimates
    without reading the per-customer table again.
    """
    durations = figures["stage_durations_days"]
    estimates = {s: _estimate(estimated_days.get(s)) for s in STAGES}

    def total(stages: tuple[str, ...]) -> float | None:
        known = [estimates[s] for s in stages if estimates[s]]
        return sum(known) if known else None

    return _clean({
        **figures,
        "estimated_vs_observed": [
            {"stage": s, **_compare(estimates[s], durations.get(s))} for s in STAGES],
        "estimated_vs_observed_journeys": [
            {"journey": "buyer", **_compare(total(STAGES[:3]),
                                            figures["buyer_timeframe_days"]["median"])},
            {"journey": "customer", **_compare(total(STAGES),
                                               figures["customer_timeframe_days"]["median"])},
        ],
    })


def _estimate(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None
