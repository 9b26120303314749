"""How event logs are read: every timestamp encoding round-trips to the same instants, the
reading is stated, zone abbreviations are never guessed, and the quality report adds up.

Property tests (hypothesis) write real CSV files and read them back through the engine.
"""

import datetime as dt
import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey import events, textfile, timestamps
from journey.events import ColumnChoice, EventError, Mapping, ReadOptions, summarise
from journey.model import ValidationError
from tests.conftest import rows_accounted_for

COLUMNS = ColumnChoice("customer_id", "timestamp", "event")
MAPPING = Mapping({"visit": "awareness", "purchase": "decision", "noise": None}, {"purchase"})
UTC = dt.UTC
BERLIN = dt.timezone(dt.timedelta(hours=2))


def epoch(moment: dt.datetime, per_second: int) -> str:
    micros = (moment - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(microseconds=1)
    return str(micros * per_second // 1_000_000)


def iso(moment: dt.datetime, template: str) -> str:
    local = moment.astimezone(BERLIN)
    return local.strftime(template)


ENCODERS = {
    # name: (how to write an instant, the precision it keeps)
    "epoch_s": (lambda m: epoch(m, 1), dt.timedelta(seconds=1)),
    "epoch_ms": (lambda m: epoch(m, 1_000), dt.timedelta(milliseconds=1)),
    "epoch_us": (lambda m: epoch(m, 1_000_000), dt.timedelta(microseconds=1)),
    "epoch_ns": (lambda m: epoch(m, 1_000_000_000), dt.timedelta(microseconds=1)),
    "epoch_s_float": (
        lambda m: f"{epoch(m, 1_000)[:-3]}.{epoch(m, 1_000)[-3:]}",
        dt.timedelta(milliseconds=1),
    ),
    "iso_t_z": (lambda m: m.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), dt.timedelta(microseconds=1)),
    "iso_space_utc": (lambda m: m.strftime("%Y-%m-%d %H:%M:%S UTC"), dt.timedelta(seconds=1)),
    "iso_colon_offset": (lambda m: iso(m, "%Y-%m-%dT%H:%M:%S+02:00"), dt.timedelta(seconds=1)),
    "iso_basic_offset": (lambda m: iso(m, "%Y-%m-%dT%H:%M:%S+0200"), dt.timedelta(seconds=1)),
    "iso_hour_offset": (lambda m: iso(m, "%Y-%m-%d %H:%M:%S+02"), dt.timedelta(seconds=1)),
    "iso_space_offset": (lambda m: iso(m, "%Y-%m-%d %H:%M:%S +0200"), dt.timedelta(seconds=1)),
    "iso_naive": (lambda m: m.strftime("%Y-%m-%d %H:%M:%S"), dt.timedelta(seconds=1)),
    "basic_datetime": (lambda m: m.strftime("%Y%m%d%H%M%S"), dt.timedelta(seconds=1)),
    "basic_date": (lambda m: m.strftime("%Y%m%d"), dt.timedelta(days=1)),
    "date_only": (lambda m: m.strftime("%Y-%m-%d"), dt.timedelta(days=1)),
}

instants = st.datetimes(
    min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2026, 1, 1), timezones=st.just(UTC)
)


def floor_to(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    start = dt.datetime(1970, 1, 1, tzinfo=UTC)
    return start + (moment - start) // step * step


def first_seen(path) -> list[dt.datetime]:
    summary = summarise(path, COLUMNS, MAPPING)
    return summary.customers.column("first_seen").to_pylist()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    encoding=st.sampled_from(sorted(ENCODERS)), moments=st.lists(instants, min_size=1, max_size=6)
)
def test_every_timestamp_encoding_round_trips_to_the_same_instants(tmp_path, encoding, moments):
    write, precision = ENCODERS[encoding]
    lines = ["customer_id,timestamp,event"]
    lines += [f"c{i:02d},{write(m)},visit" for i, m in enumerate(moments)]
    path = tmp_path / f"{encoding}.csv"
    path.write_text("\n".join(lines) + "\n")
    assert first_seen(path) == [floor_to(m, precision) for m in moments]


def test_the_reading_is_stated_with_the_span_and_zone(tmp_path):
    path = tmp_path / "ga4.csv"
    path.write_text(
        "user_pseudo_id,event_timestamp,event_name\n"
        "a,1709290383000000,page_view\na,1711843200000000,purchase\n"
    )
    info = events.inspect(path)
    assert info["timestamp_reading"] == "event_timestamp: epoch microseconds, UTC"
    summary = summarise(path, info["guess"], events.guess_mapping(["page_view", "purchase"]))
    assert summary.quality["timestamp_reading"] == (
        "event_timestamp: epoch microseconds, 2024-03-01 to 2024-03-31, UTC"
    )


def test_naive_times_are_read_in_the_named_zone(tmp_path):
    path = tmp_path / "naive.csv"
    path.write_text("customer_id,timestamp,event\nc1,2024-07-01 10:00:00,visit\n")
    summary = summarise(path, COLUMNS, MAPPING, options=ReadOptions(timezone="Europe/Berlin"))
    assert summary.customers.column("first_seen").to_pylist() == [
        dt.datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    ]
    assert summary.quality["timestamp_reading"].endswith("naive, read in Europe/Berlin")


def test_an_ambiguous_zone_abbreviation_is_refused_unless_a_zone_is_named(tmp_path):
    path = tmp_path / "bst.csv"
    path.write_text("customer_id,timestamp,event\nc1,2024-07-01 10:00:00 BST,visit\n")
    with pytest.raises(EventError, match="zone abbreviation BST, which means different zones"):
        summarise(path, COLUMNS, MAPPING)
    summary = summarise(path, COLUMNS, MAPPING, options=ReadOptions(timezone="Europe/London"))
    assert summary.customers.column("first_seen").to_pylist() == [
        dt.datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    ]


def test_a_strftime_pattern_names_the_format(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("customer_id,timestamp,event\nc1,31/01/2026 09:30,visit\n")
    summary = summarise(
        path, COLUMNS, MAPPING, options=ReadOptions(timestamp_format="%d/%m/%Y %H:%M")
    )
    assert summary.customers.column("first_seen").to_pylist() == [
        dt.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    ]


def test_words_duckdb_would_read_as_dates_are_not_timestamps(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("customer_id,timestamp,event\nc1,epoch,visit\nc1,2026-01-01,purchase\n")
    with pytest.raises(
        EventError,
        match="1 row of column 'timestamp' could not be read as "
        "timestamps, for example 'epoch' \\(row 1\\)",
    ):
        summarise(path, COLUMNS, MAPPING)


@pytest.mark.parametrize(
    ("values", "encoding"),
    [
        (["1709290383"], "epoch_s"),
        (["1709290383123"], "epoch_ms"),
        (["1709290383123456"], "epoch_us"),
        (["1709290383123456789"], "epoch_ns"),
        (["1709290383.5"], "epoch_s"),
        (["20240301"], "yyyymmdd"),
        (["20240301103000"], "yyyymmddhhmmss"),
        (["2024-03-01T10:30:00Z"], "iso8601"),
    ],
)
def test_encodings_are_told_apart_by_shape_and_magnitude(values, encoding):
    assert timestamps.classify(values).encoding == encoding


def test_an_unknown_zone_or_format_is_refused_with_what_to_use():
    with pytest.raises(ValidationError, match="unknown time zone 'BST'"):
        timestamps.classify(["2024-01-01"], timezone="BST")
    with pytest.raises(ValidationError, match="unknown timestamp format 'fortnights'"):
        timestamps.classify(["2024-01-01"], override="fortnights")


# ---------------------------------------------------------------------------- files


def test_a_gzipped_log_and_a_folder_of_shards_read_as_one_log(tmp_path):
    rows = [
        "customer_id,timestamp,event",
        "c1,2026-01-01T00:00:00Z,visit",
        "c1,2026-01-03T00:00:00Z,purchase",
    ]
    folder = tmp_path / "shards"
    folder.mkdir()
    (folder / "events_20260101.csv").write_text("\n".join(rows[:2]) + "\n")
    with gzip.open(folder / "events_20260103.csv.gz", "wt") as f:
        f.write("\n".join([rows[0], rows[2]]) + "\n")
    summary = summarise(folder / "events_*.csv*", COLUMNS, MAPPING)
    assert summary.quality["file_reading"].startswith("2 CSV files")
    assert summary.customers.column("purchase_count").to_pylist() == [1]
    assert summarise(folder, COLUMNS, MAPPING).total_rows == 2


def test_a_latin1_log_is_detected_and_an_encoding_can_be_named(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "customer_id,timestamp,event,segment\nKöln,2026-01-01,purchase,Süd\n".encode("cp1252")
    )
    assert textfile.sniff(path).encoding == "cp1252"
    summary = summarise(
        path, ColumnChoice("customer_id", "timestamp", "event", segment="segment"), MAPPING
    )
    assert summary.customers.column("customer_id").to_pylist() == ["Köln"]
    with pytest.raises(
        EventError,
        match=r"^latin.csv: could not be read as CSV: CSV Error on "
        r"Line: 2 Invalid unicode .* not utf-8 encoded. \(the "
        r"file is not UTF-8 there: name its encoding",
    ):
        summarise(path, COLUMNS, MAPPING, options=ReadOptions(encoding="utf-8"))


def test_the_sniff_reads_a_sample_not_the_whole_file(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"customer_id,timestamp,event\n" + b"c1,2026-01-01,visit\n" * 200_000)
    read: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, f):
            self.f = f

        def read(self, n=-1):
            data = self.f.read(n)
            read.append(len(data))
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(
        textfile, "open", lambda p, mode: Counting(real_open(p, mode)), raising=False
    )
    textfile.sniff(path)
    assert sum(read) == textfile.SAMPLE_BYTES < path.stat().st_size


# ---------------------------------------------------------------------------- quality

row = st.tuples(
    st.sampled_from(["c1", "c2", "c3", ""]),
    st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "1970-01-01T00:00:00Z", ""]),
    st.sampled_from(["visit", "purchase", "noise", ""]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, min_size=1, max_size=30))
def test_the_quality_counts_add_up_to_the_rows_read(tmp_path, rows):
    path = tmp_path / "log.csv"
    path.write_text("customer_id,timestamp,event\n" + "".join(f"{c},{t},{e}\n" for c, t, e in rows))
    if not any(c for c, _, _ in rows):
        with pytest.raises(EventError, match="no row has a customer id"):
            summarise(path, COLUMNS, MAPPING)
        return
    if not any(c and t and e and not t.startswith("1970") for c, t, e in rows):
        with pytest.raises(EventError, match=r"none of its .* rows can be used"):
            summarise(path, COLUMNS, MAPPING)
        return
    q = summarise(path, COLUMNS, MAPPING).quality
    assert q["rows_read"] == len(rows)
    assert q["rows_read"] == rows_accounted_for(q)
    complete = [(c, t, e) for c, t, e in rows if c and t and e and not t.startswith("1970")]
    assert q["duplicates_dropped"] == len(complete) - len(set(complete))
    assert q["implausible_timestamps"] == sum(
        1 for c, t, e in rows if c and e and t.startswith("1970")
    )


def test_a_huge_unused_properties_column_neither_stops_the_import_nor_moves_the_error_line(
    tmp_path,
):
    properties = '"' + ('{"x": "' + "a" * 2_700_000 + '"}').replace('"', '""') + '"'
    lines = [
        "customer_id,timestamp,event,properties",
        f"c1,2026-01-01T00:00:00Z,visit,{properties}",
        f"c1,2026-01-02T00:00:00Z,purchase,{properties}",
    ]
    path = tmp_path / "posthog.csv"
    path.write_text("\n".join(lines) + "\n")
    summary = summarise(path, COLUMNS, MAPPING)
    assert summary.customers.column("purchase_count").to_pylist() == [1]
    path.write_text("\n".join([*lines, "c2,someday,visit,{}"]) + "\n")
    with pytest.raises(EventError, match=r"for example 'someday' \(row 3\)"):
        summarise(path, COLUMNS, MAPPING)


def test_nan_customer_ids_in_parquet_are_missing_ids_not_a_customer_nan(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "nan.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": [1.0, float("nan"), 1.0],
                "timestamp": ["2026-01-01T00:00:00Z"] * 3,
                "event": ["visit", "visit", "purchase"],
            }
        ),
        path,
    )
    summary = summarise(path, COLUMNS, MAPPING)
    assert summary.customers.column("customer_id").to_pylist() == ["1.0"]
    assert summary.quality["no_customer_id"] == 1


def test_a_log_whose_every_row_is_dropped_is_refused_naming_each_cause(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "customer_id,timestamp,event\n"
        "c1,1970-01-01T00:00:00Z,visit\n"
        "c2,1970-01-01T00:00:00Z,purchase\n"
        ",2026-01-01T00:00:00Z,visit\n"
        "c3,,visit\n"
    )
    with pytest.raises(EventError) as refused:
        summarise(path, COLUMNS, MAPPING)
    message = str(refused.value)
    assert "none of its 4 rows can be used, so nothing was imported" in message
    assert "1 with no customer id" in message
    assert "1 with no timestamp" in message
    assert "2 with times outside the plausible span (2000-01-01 .. before " in message
    assert "'1970-01-01T00:00:00Z' (row 1)" in message
