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

import datetime as dt
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

from journey import textfile, timestamps
from journey.model import STAGES, JourneyError, ValidationError, normalise_stage

__all__ = [
    "CUSTOMER_SCHEMA",
    "EVENT_SCHEMA",
    "ColumnChoice",
    "EventError",
    "EventLog",
    "Mapping",
    "ReadOptions",
    "Summary",
    "compare_with_estimates",
    "describe_timestamps",
    "distribution",
    "event_counts",
    "events_table",
    "guess_mapping",
    "inspect",
    "is_purchase_name",
    "quality_lines",
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
    optionally, a value (such as an order amount), a segment (such as a channel), the vendor's
    insert id (Mixpanel ``$insert_id``, Segment ``messageId``: rows sharing it, the customer,
    event and time are one event sent twice) and a fallback customer id for rows whose customer
    id is empty (an anonymous or device id)."""

    customer: str
    timestamp: str
    event: str
    value: str | None = None
    segment: str | None = None
    insert_id: str | None = None
    fallback_customer: str | None = None

    def roles(self) -> list[tuple[str, str | None]]:
        """``(role, column)`` pairs, the optional ones included even when unset."""
        return [
            ("customer id", self.customer),
            ("timestamp", self.timestamp),
            ("event name", self.event),
            ("value", self.value),
            ("segment", self.segment),
            ("insert id", self.insert_id),
            ("fallback customer id", self.fallback_customer),
        ]


@dataclass
class ReadOptions:
    """How to read the file, when the guess is not right: its ``encoding`` (a Python codec
    name such as ``cp1252``), the timestamp encoding (``timestamp_format``: a key of
    :data:`journey.timestamps.ENCODINGS` or a strftime pattern), the IANA ``timezone`` of naive
    timestamps (default UTC) and the plausible time span: events before ``plausible_from``
    (an ISO date, default 2000-01-01) or after ``plausible_to`` (default tomorrow) are left out
    and counted (device clocks at 1970); ``None`` for either keeps everything on that side."""

    encoding: str | None = None
    timestamp_format: str | None = None
    timezone: str | None = None
    plausible_from: str | None = "2000-01-01"
    plausible_to: str | None = "tomorrow"


@dataclass
class Mapping:
    """Where each event name belongs: a stage key, or ``None`` to ignore the event.

    ``purchase_events`` names the events that are a purchase; they must be mapped to a stage
    (normally ``"decision"``). ``guessed`` says a person has not confirmed it yet (figures
    computed with it say so). Example::

        Mapping({"ad_view": "awareness", "purchase": "decision", "email_open": None},
                purchase_events={"purchase"})
    """

    stages: dict[str, str | None]
    purchase_events: set[str] = field(default_factory=set)
    guessed: bool = False


@dataclass
class Summary:
    """What :func:`summarise` found: the per-customer table and how the rows were used.

    ``ignored_rows`` counts every row that is not a used mapped event: events mapped to nothing,
    duplicates, implausible times and rows without an event name, customer id or timestamp
    (``incomplete_rows`` counts the last kinds on their own). ``events_rows + ignored_rows ==
    total_rows``. ``quality`` is the data-quality report (see :func:`quality_lines`);
    ``stored_rows`` the rows kept as raw events (mapped or not, duplicates dropped).
    """

    customers: pa.Table
    events_rows: int
    ignored_rows: int
    total_rows: int
    incomplete_rows: int = 0
    quality: dict = field(default_factory=dict)
    stored_rows: int = 0


# ---------------------------------------------------------------------------- reading the file

_FORMATS = {".csv": "csv", ".csv.gz": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
TIMESTAMP_SAMPLE = 1_000  # values read to tell a timestamp column's encoding
MAX_LINE_BYTES = 8 * 2**20  # a row may hold a huge properties JSON (DuckDB default: 2 MB)
_MIN_TS, _MAX_TS = "0001-01-01 00:00:00+00", "10000-01-01 00:00:00+00"


def _file_format(path: Path) -> str:
    name = path.name.lower()
    for ext in sorted(_FORMATS, key=len, reverse=True):
        if name.endswith(ext):
            return _FORMATS[ext]
    raise EventError(
        f"{path.name}: unknown file type; expected a CSV (.csv, .csv.gz) or Parquet "
        "(.parquet, .pq) file, or a folder of them"
    )


def _ident(name: str) -> str:
    """``name`` quoted as a SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    spill = str(Path(tempfile.gettempdir()) / "journey-lab-duckdb").replace("'", "''")
    con.execute(f"SET temp_directory = '{spill}'")  # not ./.tmp in whatever the cwd is
    con.execute("SET preserve_insertion_order = false")  # bounded memory on big scans
    return con


def _cause(e: duckdb.Error) -> str:
    """DuckDB's message in plain words: its cause and line kept, long quoted rows cut."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    kept = []
    for line in lines:
        if (
            line.lower().startswith(
                (
                    "original line",
                    "possible solution",
                    "possible fixes",
                    "file",
                    "* ",
                    "  *",
                    "delimiter",
                    "quote",
                    "escape",
                    "new_line",
                    "header",
                    "skip",
                    "comment",
                    "strict",
                    "date_format",
                    "timestamp_format",
                    "null",
                    "sample",
                    "ignore",
                    "all_varchar",
                    "parser options",
                    "the sniffer",
                    "the csv reader",
                    "column ",
                    "buffer",
                    "encoding",
                )
            )
            or len(kept) >= 4
        ):
            continue
        kept.append(line[:300] + ("…" if len(line) > 300 else ""))
    text = " ".join(kept)
    return re.sub(r"^(Invalid Input|Conversion|IO) Error: ", "", text)


class _Source:
    """One event log (a file, or a folder or glob of files) opened in DuckDB.

    CSV files are read with every column as text (``text_reader``), so a customer id like
    ``007`` keeps its zeros and one odd row far down the file cannot break a guessed type;
    with ``typed=True`` (for :func:`inspect`) ``reader`` and ``columns`` use the types DuckDB
    guesses, to show what the columns hold. How the file is read (encoding, ``sep=`` line,
    gzip) is decided by :mod:`journey.textfile` from a sample; a non-UTF-8 file is read
    through a UTF-8 copy made chunk by chunk.
    """

    def __init__(
        self, path: str | Path, *, typed: bool = False, options: ReadOptions | None = None
    ):
        self.options = options or ReadOptions()
        self.path = Path(path)
        self.name = self.path.name
        try:
            files = textfile.expand(path)
        except ValidationError as e:
            raise EventError(str(e)) from None
        self.format = _file_format(files[0])
        for f in files:
            if not f.is_file():
                raise EventError(f"{f}: no such file")
        self._folder: tempfile.TemporaryDirectory | None = None
        self.reading: textfile.Reading | None = None
        if self.format == "csv":
            try:
                self.reading = textfile.sniff(files[0], self.options.encoding)
                if not self.reading.utf8:
                    self._folder = tempfile.TemporaryDirectory(prefix="journey-utf8-")
                    files = [
                        textfile.utf8_copy(f, self.reading, Path(self._folder.name)) for f in files
                    ]
            except ValidationError as e:
                self._cleanup()
                raise EventError(str(e).replace(f"{files[0].name}:", f"{self.name}:")) from None
            extra = ", union_by_name = true" if len(files) > 1 else ""
            if self.reading.delimiter:
                extra += f", delim = {_literal(self.reading.delimiter)}"
            options_sql = (
                f"header = true, skip = {self.reading.skip_lines}, "
                f"max_line_size = {MAX_LINE_BYTES}{extra}"
            )
            self.text_reader = f"read_csv($path, {options_sql}, all_varchar = true)"
            self.reader = f"read_csv($path, {options_sql})" if typed else self.text_reader
        else:
            extra = ", union_by_name = true" if len(files) > 1 else ""
            self.reader = self.text_reader = f"read_parquet($path{extra})"
        self.files = files
        self.params: dict[str, Any] = {
            "path": str(files[0]) if len(files) == 1 else [str(f) for f in files]
        }
        self.con = _connect()
        try:
            described = self.run(f"DESCRIBE SELECT * FROM {self.reader}")
        except BaseException:
            self.close()
            raise
        self.columns: dict[str, str] = {row[0]: row[1] for row in described}

    def describe_file(self) -> str:
        """How the file was read, in words."""
        parts = [
            f"{len(self.files)} {self.format.upper()} files"
            if len(self.files) > 1
            else self.format.upper()
        ]
        if self.reading:
            parts.append(self.reading.describe())
        return ", ".join(parts)

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
        cause = _cause(e)
        hint = ""
        if "unicode" in cause.lower() or "utf-8" in cause.lower() or "utf8" in cause.lower():
            hint = (
                " (the file is not UTF-8 there: name its encoding with --encoding, "
                "such as --encoding cp1252; on the page: Encoding)"
            )
        return EventError(f"{self.name}: could not be read as {kind}: {cause}{hint}")

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
                    hint = (
                        " (the file was read as a single column: check that every line "
                        "has the same number of comma-, semicolon- or tab-separated fields)"
                    )
                raise EventError(
                    f"{self.name}: there is no column {name!r} for the {role}; "
                    f"the columns are: {available}{hint}"
                )

    def timestamp_reading(self, column: str) -> timestamps.TimestampReading:
        """The encoding of the timestamp column, told from its first non-empty values."""
        col = _ident(column)
        kind = self.columns.get(column, "VARCHAR") if self.format == "parquet" else "VARCHAR"
        sample = [
            v
            for (v,) in self.run(
                f"SELECT CAST({col} AS VARCHAR) FROM {self.text_reader} WHERE {col} IS NOT NULL "
                f"AND trim(CAST({col} AS VARCHAR)) <> '' LIMIT {TIMESTAMP_SAMPLE}"
            )
        ]
        try:
            return timestamps.classify(
                sample,
                kind,
                override=self.options.timestamp_format,
                timezone=self.options.timezone,
                column=column,
            )
        except ValidationError as e:
            raise EventError(f"{self.name}: {e}") from None

    def close(self) -> None:
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _naive_in_zone(expression: str, zone: str) -> str:
    """A naive TIMESTAMP expression read as wall time in ``zone`` (session zone: UTC)."""
    if zone == "UTC":
        return f"CAST({expression} AS TIMESTAMPTZ)"
    return f"timezone({_literal(zone)}, {expression})"


def _timestamp_sql(column: str, kind: str, reading: timestamps.TimestampReading) -> str:
    """SQL parsing the column ``column`` (of DuckDB type ``kind``) as TIMESTAMPTZ in UTC, NULL
    where a value cannot be read in the encoding ``reading`` names."""
    col = _ident(column)
    text = f"trim(CAST({col} AS VARCHAR))"
    zone = reading.timezone
    if reading.encoding == "native":
        if "TIME ZONE" in kind.upper():
            return col
        return _naive_in_zone(f"CAST({col} AS TIMESTAMP)", zone)
    if reading.encoding in timestamps.EPOCH_MICROSECONDS:
        factor = timestamps.EPOCH_MICROSECONDS[reading.encoding]
        number = col if _NUMERIC.match(kind) else text
        micros = f"TRY_CAST(round(TRY_CAST({number} AS DECIMAL(38,9)) * {factor}) AS BIGINT)"
        return f"CAST(make_timestamp({micros}) AS TIMESTAMPTZ)"
    if reading.encoding in ("yyyymmdd", "yyyymmddhhmmss"):
        pattern = "%Y%m%d" if reading.encoding == "yyyymmdd" else "%Y%m%d%H%M%S"
        return _naive_in_zone(f"try_strptime({text}, {_literal(pattern)})", zone)
    if reading.encoding == "strftime":
        parsed = f"try_strptime({text}, {_literal(reading.pattern or '')})"
        return parsed if reading.aware else _naive_in_zone(parsed, zone)
    # ISO 8601. Words other than infinity (DuckDB reads 'epoch', 'now') are not timestamps.
    value = text
    if reading.space_offset:
        value = (
            f"regexp_replace({value}, '(\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?)\\s+"
            f"([+-]\\d\\d(?::?\\d\\d)?)$', '\\1\\2')"
        )
    if reading.abbreviation:
        value = f"regexp_replace({value}, '\\s*[A-Za-z]{{2,5}}$', '')"
        parsed = _naive_in_zone(f"TRY_CAST({value} AS TIMESTAMP)", zone)
    elif zone == "UTC":
        parsed = f"TRY_CAST({value} AS TIMESTAMPTZ)"
    else:
        parsed = (
            f"CASE WHEN regexp_matches({value}, '\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*"
            f"(Z|[+-]\\d\\d(:?\\d\\d)?|UTC|GMT)$', 'i') THEN TRY_CAST({value} AS TIMESTAMPTZ)"
            f" ELSE {_naive_in_zone(f'TRY_CAST({value} AS TIMESTAMP)', zone)} END"
        )
    first = f"ascii({text})"
    return (
        f"CASE WHEN {first} BETWEEN 48 AND 57 OR {first} IN (43, 45) "
        f"OR lower({text}) = 'infinity' THEN {parsed} END"
    )


_NUMERIC = re.compile(r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)")


def _normal(name: str) -> str:
    """A column name for matching: lower case, vendor prefixes dropped, words joined by ``_``
    (``properties.$insert_id`` -> ``insert_id``, ``Created at`` -> ``created_at``)."""
    text = re.sub(r"^(properties|context|traits|event_params)[._]", "", name.strip().lower())
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _guess_column(names: list[str], candidates: tuple[str, ...], taken: set[str]) -> str | None:
    """The first column whose normalised name is a candidate, then one that contains one."""
    normal = {name: _normal(name) for name in names}
    for candidate in candidates:
        for name in names:
            if name not in taken and normal[name] == candidate:
                return name
    for candidate in candidates:
        for name in names:
            if name not in taken and candidate in normal[name].split("_"):
                return name
    return None


CUSTOMER_COLUMNS = (
    "customer_id",
    "customerid",
    "amplitude_id",
    "user_pseudo_id",
    "distinct_id",
    "anonymous_id",
    "anonymousid",
    "person_id",
    "user_id",
    "userid",
    "client_id",
    "visitor_id",
    "device_id",
    "account_id",
    "contact_id",
    "email",
    "customer",
    "user",
    "client",
    "visitor",
    "account",
    "person",
    "contact",
)
"""Customer-id column names, vendors' included (Amplitude ``amplitude_id``, GA4
``user_pseudo_id``, Mixpanel ``distinct_id``, Segment ``anonymous_id``), in order of preference
when they are equally filled."""

_GUESSES: dict[str, tuple[str, ...]] = {
    "customer": CUSTOMER_COLUMNS,
    "timestamp": (
        "timestamp",
        "ts",
        "event_time",
        "event_timestamp",
        "time",
        "datetime",
        "created_at",
        "occurred_at",
        "original_timestamp",
        "sent_at",
        "date",
        "event_date",
    ),
    "event": ("event", "event_name", "event_type", "action", "type", "activity", "name"),
    "value": ("value", "amount", "revenue", "price", "total", "order_value", "event_value_in_usd"),
    "segment": ("segment", "channel", "country", "source", "plan", "region", "cohort"),
    "insert_id": ("insert_id", "message_id", "messageid", "uuid"),
}


def _guess_columns(columns: dict[str, str], filled: dict[str, int] | None = None) -> ColumnChoice:
    """The guessed roles. ``filled`` (non-empty rows per customer-like column) makes the
    customer column the most filled candidate, so a mostly empty ``user_id`` loses to an
    ``amplitude_id`` filled on every row."""
    names = list(columns)
    taken: set[str] = set()
    found: dict[str, str | None] = {}
    for role, candidates in _GUESSES.items():
        if role == "customer" and filled:
            order = {c: i for i, c in enumerate(CUSTOMER_COLUMNS)}
            found[role] = max(
                filled, key=lambda n: (filled[n], -order.get(_normal(n), 99), -names.index(n))
            )
        else:
            found[role] = _guess_column(names, candidates, taken)
        if found[role]:
            taken.add(found[role])
    # Required roles fall back to a column of a fitting type, then to any column left.
    if not found["timestamp"]:
        found["timestamp"] = next(
            (
                n
                for n, t in columns.items()
                if n not in taken and t.startswith(("TIMESTAMP", "DATE"))
            ),
            None,
        )
    for role in ("customer", "timestamp", "event"):
        if not found[role]:
            rest = [n for n in names if n not in taken] or names
            found[role] = rest[0]
        taken.add(found[role])
    return ColumnChoice(**found)


def _rows_and_candidates(source: _Source) -> tuple[int, dict[str, int]]:
    """The number of rows, and the rows each customer-like column would keep (non-empty
    values), by column: one scan of the file."""
    names = [
        n
        for n in source.columns
        if (
            _normal(n) in CUSTOMER_COLUMNS
            or any(c in _normal(n).split("_") for c in CUSTOMER_COLUMNS[-6:])
        )
        and not {"time", "timestamp", "date", "at", "ts"} & set(_normal(n).split("_"))
    ]
    counts = "".join(
        f", count(*) FILTER (WHERE trim(CAST({_ident(n)} AS VARCHAR)) <> '')" for n in names
    )
    row = source.run(f"SELECT count(*){counts} FROM {source.text_reader}")[0]
    if row[0] == 0:
        raise EventError(f"{source.name} is empty: it has no rows of events")
    return int(row[0]), {n: int(c) for n, c in zip(names, row[1:], strict=True)}


def inspect(
    path: str | Path, columns: ColumnChoice | None = None, options: ReadOptions | None = None
) -> dict:
    """What an event file holds, to help a person choose its columns.

    Returns ``{"path", "format", "columns": [{"name", "type"}], "rows", "preview": [row dicts
    of text], "guess": ColumnChoice, "event_names": [(name, count)], "distinct_events",
    "customer_candidates": {column: rows filled}, "file_reading": str, "timestamp_reading":
    str}``. ``event_names`` counts the event column of ``columns`` when given, else of the
    guess (the :data:`TOP_EVENT_NAMES` most frequent; ``distinct_events`` says how many there
    are in all). The preview is text, so any value the file holds can be shown.
    """
    source = _Source(path, typed=True, options=options)
    try:
        rows, candidates = _rows_and_candidates(source)
        shown = ", ".join(f"CAST({_ident(n)} AS VARCHAR) AS {_ident(n)}" for n in source.columns)
        preview = source.query(
            f"SELECT {shown} FROM {source.reader} LIMIT {PREVIEW_ROWS}"
        ).fetchall()
        preview = [dict(zip(source.columns, r, strict=True)) for r in preview]
        guess = _guess_columns(source.columns, candidates)
        chosen = columns or guess
        if chosen.event not in source.columns:
            source.require_columns(chosen)
        names = _event_counts(source, chosen.event)
        distinct = len(names)
        if distinct >= TOP_EVENT_NAMES:
            distinct = _distinct_events(source, chosen.event)
        ts_column = chosen.timestamp if chosen.timestamp in source.columns else guess.timestamp
        try:
            ts_reading = source.timestamp_reading(ts_column).describe(ts_column)
        except EventError as e:
            ts_reading = str(e)
        return {
            "path": str(source.path),
            "format": source.format,
            "columns": [{"name": n, "type": t} for n, t in source.columns.items()],
            "rows": rows,
            "preview": preview,
            "guess": guess,
            "event_names": names,
            "distinct_events": distinct,
            "customer_candidates": candidates,
            "file_reading": source.describe_file(),
            "timestamp_reading": ts_reading,
        }
    finally:
        source.close()


def describe_timestamps(path: str | Path, column: str, options: ReadOptions | None = None) -> str:
    """How the column ``column`` of the file would be read as timestamps, in words (or why it
    cannot be: an ambiguous zone abbreviation, an unknown format)."""
    source = _Source(path, typed=True, options=options)
    try:
        source.require_columns(ColumnChoice(column, column, column))
        return source.timestamp_reading(column).describe(column)
    except EventError as e:
        return str(e)
    finally:
        source.close()


def _event_counts(
    source: _Source, column: str, limit: int | None = TOP_EVENT_NAMES, search: str | None = None
) -> list[tuple[str, int]]:
    col = _ident(column)
    where = f"{col} IS NOT NULL"
    params = None
    if search:
        where += f" AND contains(lower(CAST({col} AS VARCHAR)), lower($search))"
        params = {"search": search}
    cap = f"LIMIT {int(limit)}" if limit else ""
    sql = (
        f"SELECT CAST({col} AS VARCHAR) AS event, count(*) AS n FROM {source.text_reader} "
        f"WHERE {where} GROUP BY 1 ORDER BY n DESC, event {cap}"
    )
    return [(name, int(n)) for name, n in source.run(sql, params)]


def _distinct_events(source: _Source, column: str) -> int:
    col = _ident(column)
    return int(
        source.run(f"SELECT count(DISTINCT CAST({col} AS VARCHAR)) FROM {source.text_reader}")[0][0]
    )


def event_counts(
    path: str | Path,
    columns: ColumnChoice | str,
    limit: int | None = TOP_EVENT_NAMES,
    *,
    search: str | None = None,
    options: ReadOptions | None = None,
) -> list[tuple[str, int]]:
    """The distinct event names of the event column with their counts, most frequent first:
    the ``limit`` most frequent (None: all), or those containing ``search`` (any case)."""
    column = columns if isinstance(columns, str) else columns.event
    source = _Source(path, options=options)
    try:
        if column not in source.columns:
            source.require_columns(ColumnChoice(column, column, column))
        return _event_counts(source, column, limit, search)
    finally:
        source.close()


# ---------------------------------------------------------------------------- mapping

_STAGE_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "advocacy",
        frozenset(
            {
                "review",
                "referral",
                "refer",
                "share",
                "recommend",
                "nps",
                "testimonial",
                "rating",
                "rate",
                "advocate",
                "invite",
            }
        ),
    ),
    (
        "decision",
        frozenset(
            {
                "purchase",
                "buy",
                "bought",
                "order",
                "checkout",
                "quote",
                "payment",
                "pay",
                "paid",
                "contract",
                "subscribe",
                "booking",
            }
        ),
    ),
    (
        "consideration",
        frozenset(
            {
                "compare",
                "comparison",
                "test",
                "drive",
                "trial",
                "demo",
                "brochure",
                "download",
                "pricing",
                "cart",
                "wishlist",
                "configure",
                "configurator",
                "signup",
                "register",
            }
        ),
    ),
    (
        "retention",
        frozenset(
            {
                "service",
                "login",
                "support",
                "renew",
                "renewal",
                "usage",
                "repeat",
                "reorder",
                "maintenance",
                "app",
            }
        ),
    ),
    (
        "awareness",
        frozenset(
            {
                "ad",
                "ads",
                "impression",
                "visit",
                "view",
                "landing",
                "click",
                "search",
                "pageview",
                "seen",
            }
        ),
    ),
)
_VENDOR_STAGES: dict[str, str] = {
    **dict.fromkeys(
        (
            # GA4 recommended and automatic events, Segment spec v2, PostHog, Amplitude, Mixpanel
            "page_view",
            "pageview",
            "screen_view",
            "session_start",
            "first_visit",
            "first_open",
            "view_item_list",
            "view_promotion",
            "select_promotion",
            "search",
            "view_search_results",
            "products_searched",
            "product_list_viewed",
            "product_list_filtered",
            "promotion_viewed",
            "promotion_clicked",
            "ad_clicked",
            "landing_page_view",
            "search_results_view",
            "app_open",
            "application_opened",
            "application_installed",
            "page",
            "screen",
            "newsletter_geoffnet",
            "newsletter",
        ),
        "awareness",
    ),
    **dict.fromkeys(
        (
            "view_item",
            "select_item",
            "add_to_cart",
            "add_to_wishlist",
            "view_cart",
            "sign_up",
            "generate_lead",
            "product_viewed",
            "product_clicked",
            "product_added",
            "product_added_to_wishlist",
            "cart_viewed",
            "product_details_view",
            "product_view",
            "signed_up",
            "trial_started",
            "produkt_angesehen",
        ),
        "consideration",
    ),
    **dict.fromkeys(
        (
            "begin_checkout",
            "add_shipping_info",
            "add_payment_info",
            "purchase",
            "checkout_started",
            "checkout_step_viewed",
            "checkout_step_completed",
            "payment_info_entered",
            "order_completed",
            "order_placed",
            "checkout_start",
            "checkout_completed",
            "paid",
            "in_app_purchase",
            "ecommerce_purchase",
            "kauf",
        ),
        "decision",
    ),
    **dict.fromkeys(
        ("login", "app_login", "subscription_renewed", "order_refunded", "refund"), "retention"
    ),
    **dict.fromkeys(
        ("product_reviewed", "product_shared", "cart_shared", "referral", "review_posted", "share"),
        "advocacy",
    ),
}
"""Event names analytics tools define (normalised: lower case, ``$`` and spaces dropped),
mapped to the stage they belong to; other names are guessed from their words."""

PURCHASE_NAMES = frozenset(
    {
        "purchase",
        "purchased",
        "order_completed",
        "order_placed",
        "completed_order",
        "checkout_completed",
        "paid",
        "in_app_purchase",
        "ecommerce_purchase",
        "transaction",
        "bought",
        "buy",
        "kauf",
        "achat",
        "compra",
    }
)
"""Names of a *completed* purchase (GA4 ``purchase``, Segment ``Order Completed``, Shopify
``checkout_completed``/``paid``...). Steps before it (``begin_checkout``, ``add_payment_info``,
``checkout_started``) are never guessed as purchases."""
_NOT_DONE = frozenset(
    {
        "begin",
        "start",
        "started",
        "intent",
        "refund",
        "refunded",
        "cancel",
        "cancelled",
        "canceled",
        "failed",
        "abandoned",
        "attempt",
        "add",
        "info",
    }
)


def _normal_event(name: str) -> str:
    text = str(name).lower().replace("ö", "o").replace("ä", "a").replace("ü", "u")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def is_purchase_name(name: str) -> bool:
    """Whether an event name says a purchase was completed (see :data:`PURCHASE_NAMES`)."""
    normal = _normal_event(name)
    words = set(normal.split("_"))
    return normal in PURCHASE_NAMES or (
        bool(words & {"purchase", "purchased", "bought"}) and not words & _NOT_DONE
    )


def guess_mapping(event_names: Iterable[str]) -> Mapping:
    """A first mapping for a person to confirm: vendors' event names (GA4, Segment, Mixpanel,
    Amplitude, PostHog, Shopify) by :data:`_VENDOR_STAGES`, others from their words.

    ``review_posted`` -> advocacy, ``quote_request`` -> decision, ``begin_checkout`` ->
    decision (not a purchase), ``purchase`` / ``Order Completed`` -> decision and a purchase,
    ``email_open`` -> ignored (no known word). The result is marked ``guessed``.
    """
    stages: dict[str, str | None] = {}
    purchases: set[str] = set()
    for name in event_names:
        normal = _normal_event(name)
        words = set(normal.split("_"))
        stages[name] = _VENDOR_STAGES.get(normal) or next(
            (stage for stage, keys in _STAGE_WORDS if words & keys), None
        )
        if is_purchase_name(name):
            stages[name] = "decision"
            purchases.add(name)
    return Mapping(stages, purchases, guessed=True)


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
        raise EventError(
            "no event is marked as the purchase: mark at least one (such as "
            "'purchase' or 'order_completed') so buyer timeframes can be measured"
        )
    for event in sorted(purchases):
        if stages.get(event) is None:
            raise EventError(
                f"purchase event {event!r} is not mapped to a stage; "
                "map it to decision (the purchase stage)"
            )
    return Mapping(stages, purchases, guessed=mapping.guessed)


# ---------------------------------------------------------------------------- summarising

# ---------------------------------------------------------------------------- summarising

UNMAPPED_LISTED = 20  # unmapped event names listed in the quality report


def _mapping_params(mapping: Mapping) -> dict[str, list]:
    mapped = [(event, stage) for event, stage in mapping.stages.items() if stage is not None]
    return {
        "m_events": [event for event, _ in mapped],
        "m_stages": [STAGES.index(stage) for _, stage in mapped],
        "m_keys": [stage for _, stage in mapped],
        "m_purchase": [event in mapping.purchase_events for event, _ in mapped],
    }


def _plausible_span(options: ReadOptions) -> tuple[str | None, str | None]:
    """``(from, before)``: ISO instants of the plausible span, ``before`` exclusive."""
    start = options.plausible_from
    end = options.plausible_to
    if start:
        start = dt.date.fromisoformat(str(start)[:10]).isoformat()
    if end == "tomorrow":
        end = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)).isoformat()
    elif end:
        end = (dt.date.fromisoformat(str(end)[:10]) + dt.timedelta(days=1)).isoformat()
    return start, end


def _base_sql(source: _Source, columns: ColumnChoice, reading: timestamps.TimestampReading) -> str:
    """CTEs ``mapping`` (event -> stage) and ``raw`` (the chosen columns, parsed)."""

    def text(name: str | None) -> str:
        if not name:
            return "NULL::VARCHAR"
        if source.columns.get(name, "").startswith(("FLOAT", "DOUBLE")):  # NaN is no id
            return f"CAST(CASE WHEN NOT isnan({_ident(name)}) THEN {_ident(name)} END AS VARCHAR)"
        return f"NULLIF(trim(CAST({_ident(name)} AS VARCHAR)), '')"

    value = f"TRY_CAST({_ident(columns.value)} AS DOUBLE)" if columns.value else "NULL::DOUBLE"
    value_raw = _ident(columns.value) if columns.value else "NULL::DOUBLE"
    customer = text(columns.customer)
    if columns.fallback_customer:
        customer = f"coalesce({customer}, {text(columns.fallback_customer)})"
    start, before = _plausible_span(source.options)
    plausible = (
        " AND ".join(
            [f"ts >= TIMESTAMPTZ '{start}'"] * bool(start)
            + [f"ts < TIMESTAMPTZ '{before}'"] * bool(before)
        )
        or "true"
    )
    ts_any = _timestamp_sql(columns.timestamp, source.columns[columns.timestamp], reading)
    return f"""
    WITH mapping AS (
        SELECT unnest($m_events::VARCHAR[]) AS event, unnest($m_stages::INTEGER[]) AS stage,
               unnest($m_keys::VARCHAR[]) AS stage_key,
               unnest($m_purchase::BOOLEAN[]) AS is_purchase
    ),
    parsed AS (
        SELECT {customer} AS customer_id,
               {text(columns.customer)} AS customer_direct,
               {_ident(columns.timestamp)} AS ts_raw,
               {ts_any} AS ts_any,
               CAST({_ident(columns.event)} AS VARCHAR) AS event,
               {value_raw} AS value_raw,
               {value} AS value,
               CAST({_ident(columns.segment) if columns.segment else "NULL"} AS VARCHAR)
                   AS segment,
               {text(columns.insert_id)} AS insert_id
        FROM {source.reader}
    ),
    ranged AS (
        SELECT *, CASE WHEN ts_any >= TIMESTAMPTZ '{_MIN_TS}' AND ts_any < TIMESTAMPTZ
                       '{_MAX_TS}' THEN ts_any END AS ts
        FROM parsed
    ),
    raw AS (
        SELECT *, ({plausible}) AS plausible FROM ranged
    )"""


def _check(
    source: _Source, columns: ColumnChoice, reading: timestamps.TimestampReading, base: str
) -> dict[str, Any]:
    """Count the rows by what becomes of them, and refuse unreadable timestamps or values, a
    log where no row has a customer id, and times outside what the figures can hold."""
    row = source.run(
        f"""{base}
        SELECT count(*) AS total,
               count(*) FILTER (WHERE ts_raw IS NOT NULL AND ts_any IS NULL) AS bad_ts,
               count(*) FILTER (WHERE ts_any IS NOT NULL AND ts IS NULL) AS out_of_range,
               count(*) FILTER (WHERE value_raw IS NOT NULL AND value IS NULL) AS bad_value,
               count(*) FILTER (WHERE event IS NULL) AS no_event,
               count(*) FILTER (WHERE event IS NOT NULL AND customer_id IS NULL) AS no_customer,
               count(*) FILTER (WHERE event IS NOT NULL AND customer_id IS NOT NULL
                                AND ts IS NULL) AS no_timestamp,
               count(*) FILTER (WHERE event IS NOT NULL AND customer_id IS NOT NULL
                                AND ts IS NOT NULL AND NOT plausible) AS implausible,
               count(*) FILTER (WHERE customer_direct IS NULL AND customer_id IS NOT NULL)
                   AS by_fallback,
               count(*) FILTER (WHERE customer_id IS NOT NULL) AS with_customer,
               strftime(min(ts) FILTER (WHERE plausible), '%Y-%m-%d') AS first,
               strftime(max(ts) FILTER (WHERE plausible), '%Y-%m-%d') AS last
        FROM raw""",
        _mapping_params(Mapping({})),
    )[0]
    names = (
        "total",
        "bad_ts",
        "out_of_range",
        "bad_value",
        "no_event",
        "no_customer",
        "no_timestamp",
        "implausible",
        "by_fallback",
        "with_customer",
        "first",
        "last",
    )
    counts = dict(zip(names, row, strict=True))
    params = _mapping_params(Mapping({}))
    if counts["total"] == 0:
        raise EventError(f"{source.name} is empty: it has no rows of events")
    bad_cases = (
        (
            "bad_ts",
            "ts_raw IS NOT NULL AND ts_any IS NULL",
            columns.timestamp,
            "could not be read as timestamps",
            f" (read as {timestamps.ENCODINGS.get(reading.encoding, reading.encoding)}; use ISO "
            "8601 such as 2026-01-31T09:30:00Z, epoch seconds, or name the format: "
            "--timestamp-format, on the page Timestamp format)",
        ),
        (
            "out_of_range",
            "ts_any IS NOT NULL AND ts IS NULL",
            columns.timestamp,
            "outside the years 0001..9999 or not finite",
            " (fix or remove those rows)",
        ),
        (
            "bad_value",
            "value_raw IS NOT NULL AND value IS NULL",
            columns.value,
            "could not be read as numbers",
            " (plain numbers, such as 1234.50)",
        ),
    )
    for key, where, column, what, hint in bad_cases:
        bad = counts[key]
        if bad:
            shown = "ts_raw" if key != "bad_value" else "value_raw"
            examples = _examples_with(source, base, where, shown, params)
            rows = "row" if bad == 1 else "rows"
            if key == "out_of_range":
                what = ("is " if bad == 1 else "are ") + what
            raise EventError(
                f"{source.name}: {bad:,} {rows} of column {column!r} {what}, for "
                f"example {', '.join(examples)}{hint}"
            )
    if counts["with_customer"] == 0:
        raise EventError(
            f"{source.name}: no row has a customer id in column {columns.customer!r}; choose "
            "the column that identifies people (an anonymous or device id will do)"
        )
    counts["implausible_examples"] = (
        _examples_with(
            source,
            base,
            "event IS NOT NULL AND customer_id IS NOT NULL AND ts IS NOT NULL AND NOT plausible",
            "ts_raw",
            params,
        )
        if counts["implausible"]
        else []
    )
    if _complete_rows(counts) == 0:
        raise EventError(f"{source.name}: {_nothing_left(counts, source.options)}")
    return counts


def _complete_rows(counts: dict[str, Any]) -> int:
    """Rows with an event name, a customer id and a plausible time (before duplicates)."""
    return (
        counts["total"]
        - counts["no_event"]
        - counts["no_customer"]
        - counts["no_timestamp"]
        - counts["implausible"]
    )


def _nothing_left(counts: dict[str, Any], options: ReadOptions) -> str:
    """Why no row of a log can be used, naming each cause and the option that widens it."""
    causes = []
    for key, what in (
        ("no_event", "no event name"),
        ("no_customer", "no customer id"),
        ("no_timestamp", "no timestamp"),
    ):
        if counts[key]:
            causes.append(f"{counts[key]:,} with {what}")
    if counts["implausible"]:
        start, before = _plausible_span(options)
        examples = ", ".join(counts["implausible_examples"])
        causes.append(
            f"{counts['implausible']:,} with times outside the plausible span "
            f"({start or 'any'} .. before {before or 'any'}; e.g. {examples}; the command line's "
            "--plausible-from and --plausible-to widen it)"
        )
    return (
        f"none of its {counts['total']:,} rows can be used, so nothing was imported: "
        + "; ".join(causes)
    )


def _examples_with(source: _Source, base: str, where: str, shown: str, params: dict) -> list[str]:
    """Up to three distinct values of the rows ``where`` holds, each with the number of the
    first data row (after the header) that has it, in file order."""
    source.con.execute("SET preserve_insertion_order = true")  # rows numbered in file order
    try:
        found = source.run(
            f"""{base}
            SELECT v, min(n) FROM (SELECT CAST({shown} AS VARCHAR) AS v, {where} AS hit,
                                          row_number() OVER () AS n FROM raw)
            WHERE hit GROUP BY v ORDER BY min(n) LIMIT 3""",
            params,
        )
    finally:
        source.con.execute("SET preserve_insertion_order = false")
    return [f"{str(v)!r} (row {n:,})" for v, n in found]


class EventLog:
    """An event log read once: checked, cleaned into a DuckDB table (complete, plausible rows
    with exact duplicates dropped) and summarised; :meth:`events` then streams what to store.

    Use as a context manager (it holds a DuckDB connection and maybe a UTF-8 copy)::

        with EventLog(path, columns, mapping) as log:
            log.summary.customers, log.summary.quality
            for batch in log.events(iso_text=True): ...

    Exact duplicates are rows with the same customer, time, event, value, segment and insert
    id (when the log has one): raw exports (Mixpanel) send some events twice.
    """

    def __init__(
        self,
        path: str | Path,
        columns: ColumnChoice,
        mapping: Mapping,
        options: ReadOptions | None = None,
        progress: Callable[[float, str], None] | None = None,
    ):
        report_progress = progress or (lambda fraction, message: None)
        self.mapping = validate_mapping(mapping)
        self.columns = columns
        self.source = _Source(path, options=options)
        try:
            self.source.require_columns(columns)
            report_progress(0.0, f"Reading {self.source.name}")
            self.reading = self.source.timestamp_reading(columns.timestamp)
            self.base = _base_sql(self.source, columns, self.reading)
            self.params = _mapping_params(self.mapping)
            counts = _check(self.source, columns, self.reading, self.base)
            report_progress(0.3, f"Dropping duplicates of {counts['total']:,} rows")
            self._run(f"""CREATE TEMP TABLE clean AS {self.base}
                SELECT DISTINCT customer_id, ts, event, value, segment, insert_id FROM raw
                WHERE event IS NOT NULL AND customer_id IS NOT NULL AND ts IS NOT NULL
                      AND plausible""")
            self.summary = self._summarise(counts, report_progress)
        except BaseException:
            self.source.close()
            raise

    def _run(self, sql: str, params: dict | None = None) -> list[tuple]:
        try:
            bound = {**self.params, **(params or {})}
            if "$path" in sql:
                bound.update(self.source.params)
            return self.source.con.execute(sql, bound).fetchall()
        except duckdb.Error as e:
            raise self.source.error(e) from None

    def _summarise(self, counts: dict, progress: Callable[[float, str], None]) -> Summary:
        mapping_cte = self.base.split("parsed AS (")[0].rstrip().rstrip(",")
        stored, mapped = self._run(f"""{mapping_cte}
            SELECT count(*), count(mapping.event) FROM clean
            LEFT JOIN mapping ON clean.event = mapping.event""")[0]
        unmapped = [
            (str(e), int(n))
            for e, n in self._run(f"""{mapping_cte}
            SELECT clean.event, count(*) AS n FROM clean
            LEFT JOIN mapping ON clean.event = mapping.event WHERE mapping.event IS NULL
            GROUP BY 1 ORDER BY n DESC, 1 LIMIT {UNMAPPED_LISTED}""")
        ]
        unmapped_distinct = self._run(f"""{mapping_cte}
            SELECT count(DISTINCT clean.event) FROM clean
            LEFT JOIN mapping ON clean.event = mapping.event WHERE mapping.event IS NULL""")[0][0]
        complete = _complete_rows(counts)
        progress(0.5, f"Summarising {mapped:,} events of {counts['total']:,} rows per customer")
        entered = ",\n".join(
            f"min(ts) FILTER (WHERE stage = {k}) AS {_ident('entered_' + stage)}"
            for k, stage in enumerate(STAGES)
        )
        try:
            table = self.source.con.sql(
                f"""{mapping_cte},
                events AS (
                    SELECT clean.customer_id, clean.ts, clean.value, clean.segment,
                           mapping.stage, mapping.is_purchase
                    FROM clean JOIN mapping ON clean.event = mapping.event
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
                params=self.params,
            ).to_arrow_table()
        except duckdb.Error as e:
            raise self.source.error(e) from None
        customers = table.cast(CUSTOMER_SCHEMA)
        start, before = _plausible_span(self.source.options)
        quality = {
            "rows_read": int(counts["total"]),
            "events_used": int(mapped),
            "unmapped_rows": int(stored - mapped),
            "unmapped_events": [[name, n] for name, n in unmapped],
            "unmapped_distinct": int(unmapped_distinct),
            "duplicates_dropped": int(complete - stored),
            "no_customer_id": int(counts["no_customer"]),
            "fallback_customer_rows": int(counts["by_fallback"]),
            "no_timestamp": int(counts["no_timestamp"]),
            "no_event_name": int(counts["no_event"]),
            "implausible_timestamps": int(counts["implausible"]),
            "implausible_examples": counts["implausible_examples"],
            "plausible_from": start,
            "plausible_before": before,
            "file_reading": self.source.describe_file(),
            "timestamp_reading": self.reading.describe(
                self.columns.timestamp, counts["first"], counts["last"]
            ),
            "customer_column": self.columns.customer,
            "mapping_guessed": bool(self.mapping.guessed),
        }
        progress(1.0, f"Done: {customers.num_rows:,} customers")
        incomplete = counts["no_customer"] + counts["no_timestamp"]
        return Summary(
            customers=customers,
            events_rows=int(mapped),
            ignored_rows=int(counts["total"] - mapped),
            total_rows=int(counts["total"]),
            incomplete_rows=int(incomplete),
            quality=quality,
            stored_rows=int(stored),
        )

    def events(
        self, batch_size: int = 100_000, *, keep_unmapped: bool = False, iso_text: bool = False
    ) -> pa.RecordBatchReader:
        """The cleaned events (:data:`EVENT_SCHEMA`) in Arrow batches; ``keep_unmapped`` also
        gives the events the mapping ignores (stage null); ``iso_text`` gives ``ts`` as ISO 8601
        text in UTC (``2026-01-31T09:30:00.000000Z``), formatted by DuckDB, ready for SQLite."""
        schema = EVENT_SCHEMA.set(1, pa.field("ts", pa.string())) if iso_text else EVENT_SCHEMA
        ts = f"strftime(clean.ts, '{ISO_FORMAT}')" if iso_text else "clean.ts"
        mapping_cte = self.base.split("parsed AS (")[0].rstrip().rstrip(",")
        try:
            reader = self.source.con.sql(
                f"""{mapping_cte}
                SELECT clean.customer_id, {ts} AS ts, clean.event, mapping.stage_key AS stage,
                       coalesce(mapping.is_purchase, false) AS is_purchase, clean.value,
                       clean.segment
                FROM clean {"LEFT JOIN" if keep_unmapped else "JOIN"} mapping
                     ON clean.event = mapping.event""",
                params=self.params,
            ).to_arrow_reader(batch_size)
        except duckdb.Error as e:
            raise self.source.error(e) from None
        source = self.source

        def batches() -> Iterator[pa.RecordBatch]:
            try:
                for batch in reader:
                    yield batch.cast(schema)
            except duckdb.Error as e:
                raise source.error(e) from None

        return pa.RecordBatchReader.from_batches(schema, batches())

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def summarise(
    path: str | Path,
    columns: ColumnChoice,
    mapping: Mapping,
    progress: Callable[[float, str], None] | None = None,
    options: ReadOptions | None = None,
) -> Summary:
    """Read an event file and return one row per customer (:data:`CUSTOMER_SCHEMA`).

    Only mapped events count, once each (exact duplicates dropped), and only rows with a
    customer id, an event name and a plausible time. Per customer: ``first_seen`` and
    ``last_seen`` (first and last mapped event), ``entered_<stage>`` (first event of that
    stage), ``first_purchase`` and ``purchase_count``, ``reached_stage`` (index of the furthest
    stage with an event: reaching stage k means an event in stage k or a later one),
    ``segment`` (of the earliest mapped event that has one; alphabetically first on a tie) and
    ``value_total`` (sum over mapped events). Raises :class:`EventError` for a file it cannot
    use, with the reason and examples.
    """
    with EventLog(path, columns, mapping, options, progress) as log:
        return log.summary


def events_table(
    path: str | Path,
    columns: ColumnChoice,
    mapping: Mapping,
    batch_size: int = 100_000,
    *,
    check: bool = True,
    keep_unmapped: bool = False,
    iso_text: bool = False,
    options: ReadOptions | None = None,
) -> pa.RecordBatchReader:
    """The mapped events of the file (:data:`EVENT_SCHEMA`), streamed in Arrow batches, checked
    and cleaned as in :func:`summarise` (``check`` is kept for callers; the file is always
    checked). See :meth:`EventLog.events`."""
    log = EventLog(path, columns, mapping, options)
    try:
        reader = log.events(batch_size, keep_unmapped=keep_unmapped, iso_text=iso_text)
    except BaseException:
        log.close()
        raise

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            yield from reader
        finally:
            log.close()

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def quality_lines(quality: dict) -> list[str]:
    """The data-quality report in words: how the file was read, then what was left out."""
    if not quality:
        return []
    q = quality
    lines = [
        f"read as {q['file_reading']}; {q['timestamp_reading']}; customers by column "
        f"{q['customer_column']!r}"
    ]
    left = []
    for key, what in (
        ("duplicates_dropped", "exact duplicates dropped"),
        ("no_customer_id", "rows without a customer id"),
        ("no_timestamp", "rows without a time"),
        ("no_event_name", "rows without an event name"),
        ("implausible_timestamps", "rows with implausible times"),
    ):
        if q.get(key):
            text = f"{q[key]:,} {what}"
            if key == "implausible_timestamps":
                text += (
                    f" (outside {q['plausible_from'] or '…'} .. "
                    f"{q['plausible_before'] or '…'}, e.g. "
                    f"{', '.join(q['implausible_examples'])})"
                )
            left.append(text)
    if q.get("fallback_customer_rows"):
        left.append(f"{q['fallback_customer_rows']:,} rows attributed to the fallback id")
    lines.append(
        f"{q['rows_read']:,} rows read, {q['events_used']:,} events used"
        + (": " + "; ".join(left) if left else "")
    )
    if q.get("unmapped_rows"):
        names = ", ".join(f"{n} ({c:,})" for n, c in q["unmapped_events"][:8])
        more = q["unmapped_distinct"] - min(len(q["unmapped_events"]), 8)
        lines.append(
            f"{q['unmapped_rows']:,} rows of {q['unmapped_distinct']:,} unmapped "
            f"events: {names}{f' and {more:,} more' if more > 0 else ''}"
        )
    lines.append(
        "mapping guessed, not confirmed" if q.get("mapping_guessed") else "mapping confirmed"
    )
    return lines


def rows_with_iso_timestamps(table: pa.Table, chunk: int = 50_000) -> Iterator[list[tuple]]:
    """The rows of ``table`` as tuples, in chunks, timestamps as ISO 8601 text in UTC.

    DuckDB formats the timestamps and builds the tuples: several times faster than
    pyarrow's strftime and ``to_pylist`` on large tables.
    """
    columns = ", ".join(
        f"strftime({_ident(f.name)}, '{ISO_FORMAT}') AS {_ident(f.name)}"
        if pa.types.is_timestamp(f.type)
        else _ident(f.name)
        for f in table.schema
    )
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
    for name in ("first_seen", "last_seen", "first_purchase", *[f"entered_{s}" for s in STAGES]):
        df[name] = pd.to_datetime(df[name], utc=True)
    df["purchase_count"] = df["purchase_count"].fillna(0).astype("int64")
    return df


def _breakdown(key: Any, purchased: Any, buyer_days: Any, name: str) -> list[dict[str, Any]]:
    """Customers, purchasers, conversion and median buyer timeframe per value of ``key``."""
    import pandas as pd

    frame = pd.DataFrame({"key": key, "bought": purchased, "days": buyer_days})
    groups = frame.groupby("key", dropna=False, sort=True).agg(
        customers=("bought", "size"), purchasers=("bought", "sum"), median=("days", "median")
    )
    rows = []
    for value, group in groups.iterrows():
        customers, purchasers = int(group["customers"]), int(group["purchasers"])
        rows.append(
            {
                name: None if pd.isna(value) else (str(value) if name == "segment" else int(value)),
                "customers": customers,
                "purchasers": purchasers,
                "conversion": _ratio(purchasers, customers),
                "buyer_timeframe_median_days": group["median"],
            }
        )
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
        funnel.append(
            {
                "stage": stage,
                "reached": reached[k],
                "share_of_first": _ratio(reached[k], reached[0]),
                "step_conversion": step,
                "drop_off": None if step is None else 1 - step,
                "lost": previous - reached[k] if k else 0,
            }
        )

    between = []
    durations: dict[str, float | None] = {}
    for k, stage in enumerate(STAGES):
        entered = df[f"entered_{stage}"]
        if k + 1 < len(STAGES):
            gap = _days(df[f"entered_{STAGES[k + 1]}"], entered)
            between.append(
                {
                    "from": stage,
                    "to": STAGES[k + 1],
                    **summary_stats(gap.dropna()),
                    "out_of_order": int((gap < 0).sum()),
                }
            )
            durations[stage] = _median(gap)
            if stage == "decision":  # the decision stage ends with the purchase
                durations[stage] = _median(_days(df["first_purchase"], entered))
        else:
            durations[stage] = _median(_days(df["last_seen"], entered))

    all_buyer_days = _days(df["first_purchase"], df["first_seen"])  # NaN for non-buyers
    by_segment = []
    if df["segment"].notna().any():
        by_segment = _breakdown(df["segment"], purchased, all_buyer_days, "segment")
        by_segment.sort(
            key=lambda row: (-row["customers"], row["segment"] is None, row["segment"] or "")
        )
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

    return _clean(
        {
            **figures,
            "estimated_vs_observed": [
                {"stage": s, **_compare(estimates[s], durations.get(s))} for s in STAGES
            ],
            "estimated_vs_observed_journeys": [
                {
                    "journey": "buyer",
                    **_compare(total(STAGES[:3]), figures["buyer_timeframe_days"]["median"]),
                },
                {
                    "journey": "customer",
                    **_compare(total(STAGES), figures["customer_timeframe_days"]["median"]),
                },
            ],
        }
    )


def _estimate(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None
