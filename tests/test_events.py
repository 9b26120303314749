"""Event logs: per-customer summaries from CSV and Parquet, the figures, and refused files.

Expected values are worked out here in plain Python (or by hand), independently of DuckDB.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import statistics
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from journey.events import (
    CUSTOMER_SCHEMA,
    EVENT_SCHEMA,
    ColumnChoice,
    EventError,
    Mapping,
    distribution,
    event_counts,
    events_table,
    guess_mapping,
    inspect,
    report,
    summarise,
    summary_stats,
    validate_mapping,
)
from journey.model import STAGES, JourneyError

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC

COLUMNS = ColumnChoice("customer_id", "timestamp", "event", value="value", segment="segment")
STAGE_OF = {
    "ad_view": "awareness",
    "site_visit": "awareness",
    "compare_models": "consideration",
    "test_drive": "consideration",
    "quote_request": "decision",
    "purchase": "decision",
    "service_visit": "retention",
    "review_posted": "advocacy",
    "email_open": None,
}
MAPPING = Mapping(dict(STAGE_OF), {"purchase"})

# customer_id, timestamp, event, value, segment: out of order, with ties, an offset, a naive
# timestamp, unmapped events, a customer who never buys, one who buys twice and one whose
# events are all unmapped.
ROWS: list[tuple[str, str, str, float | None, str | None]] = [
    ("alice", "2026-01-10T12:00:00Z", "purchase", 30000.0, "dealer"),
    ("bob", "2026-01-04T00:00:00Z", "compare_models", None, None),
    ("alice", "2026-01-01T09:00:00Z", "ad_view", None, "search"),
    ("alice", "2026-01-03T10:00:00+02:00", "test_drive", None, None),
    ("alice", "2026-01-03T08:00:00Z", "compare_models", None, None),
    ("carol", "2026-01-05T00:00:00Z", "email_open", None, "social"),
    ("alice", "2026-01-05T00:00:00Z", "email_open", None, None),
    ("alice", "2026-03-01T00:00:00Z", "service_visit", None, None),
    ("bob", "2026-01-02 06:00:00", "ad_view", None, "social"),
    ("alice", "2026-02-01T00:00:00Z", "purchase", 25000.0, None),
    ("dave", "2026-02-01T10:00:00Z", "purchase", 41000.0, "search"),
    ("dave", "2026-02-01T10:00:00Z", "site_visit", None, "dealer"),
    ("carol", "2026-01-06T00:00:00Z", "email_open", None, None),
    ("dave", "2026-04-01T10:00:00Z", "review_posted", None, None),
    ("dave", "2026-01-20T12:00:00+02:00", "quote_request", None, None),
]


# ---------------------------------------------------------------------------- helpers


def parse(text: str) -> dt.datetime:
    """An ISO timestamp in UTC; a naive one is taken to be UTC."""
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def expected_customers(rows, stage_of, purchases) -> list[dict]:
    """The per-customer summary, computed in plain Python."""
    events: dict[str, list] = {}
    for customer, ts, event, value, segment in rows:
        if stage_of.get(event) is None:
            continue
        events.setdefault(customer, []).append(
            (parse(ts), STAGES.index(stage_of[event]), event in purchases, value, segment)
        )
    result = []
    for customer in sorted(events):
        evs = events[customer]
        times = [e[0] for e in evs]
        bought = [e[0] for e in evs if e[2]]
        values = [e[3] for e in evs if e[3] is not None]
        segments = sorted((e[0], e[4]) for e in evs if e[4] is not None)
        row = {"customer_id": customer, "first_seen": min(times), "last_seen": max(times)}
        for k, stage in enumerate(STAGES):
            row[f"entered_{stage}"] = min((e[0] for e in evs if e[1] == k), default=None)
        row.update(
            {
                "first_purchase": min(bought, default=None),
                "purchase_count": len(bought),
                "reached_stage": max(e[1] for e in evs),
                "segment": segments[0][1] if segments else None,
                "value_total": sum(values) if values else None,
            }
        )
        result.append(row)
    return result


def write_csv(path: Path, rows, header=("customer_id", "timestamp", "event", "value", "segment")):
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join("" if v is None else str(v) for v in row))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_parquet(path: Path, rows, typed: bool = False) -> Path:
    customer, ts, event, value, segment = (list(c) for c in zip(*rows, strict=True))
    stamps = pa.array([parse(t) for t in ts], pa.timestamp("us", tz="UTC")) if typed else ts
    table = pa.table(
        {
            "customer_id": customer,
            "timestamp": stamps,
            "event": event,
            "value": pa.array(value, pa.float64()),
            "segment": segment,
        }
    )
    pq.write_table(table, path)
    return path


@pytest.fixture(params=["csv", "csv.gz", "parquet", "parquet-typed"])
def log_file(request, tmp_path) -> Path:
    """The ROWS log in each supported form: CSV, gzipped CSV, Parquet of text and of timestamps."""
    kind = request.param
    if kind == "csv":
        return write_csv(tmp_path / "log.csv", ROWS)
    if kind == "csv.gz":
        plain = write_csv(tmp_path / "plain.csv", ROWS)
        path = tmp_path / "log.csv.gz"
        path.write_bytes(gzip.compress(plain.read_bytes()))
        return path
    return write_parquet(tmp_path / "log.parquet", ROWS, typed=kind == "parquet-typed")


def p90(values: list[float]) -> float:
    """The 90th percentile by linear interpolation, by hand."""
    xs = sorted(values)
    position = 0.9 * (len(xs) - 1)
    low = int(position)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (position - low)


def by_customer(path: Path) -> dict[str, dict]:
    return {r["customer_id"]: r for r in summarise(path, COLUMNS, MAPPING).customers.to_pylist()}


def days(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds() / 86400


# ---------------------------------------------------------------------------- summaries


def test_a_log_is_summarised_per_customer_as_a_plain_python_count_would(log_file):
    summary = summarise(log_file, COLUMNS, MAPPING)

    assert summary.customers.schema == CUSTOMER_SCHEMA
    assert summary.customers.to_pylist() == expected_customers(ROWS, STAGE_OF, {"purchase"})
    assert (summary.events_rows, summary.ignored_rows, summary.total_rows) == (12, 3, 15)


def test_offsets_are_normalised_to_utc_and_naive_timestamps_taken_as_utc(tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            ("x", "2026-01-01T10:00:00+02:00", "ad_view", None, None),
            ("x", "2026-01-01 09:00:00", "purchase", None, None),
        ],
    )
    [row] = summarise(path, COLUMNS, MAPPING).customers.to_pylist()

    assert row["first_seen"] == dt.datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    assert row["first_purchase"] == dt.datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_tied_events_of_different_stages_both_count(log_file):
    customers = by_customer(log_file)
    dave = customers["dave"]

    assert dave["entered_awareness"] == dave["first_purchase"] == parse("2026-02-01T10:00:00Z")
    assert dave["first_seen"] == parse("2026-01-20T10:00:00Z")  # the quote, at +02:00
    assert dave["reached_stage"] == STAGES.index("advocacy")
    # Two events at the same moment with different segments: alphabetically first wins.
    assert dave["segment"] == "dealer"


def test_customers_who_never_buy_have_no_purchase_and_several_purchases_are_counted(log_file):
    customers = by_customer(log_file)

    assert customers["bob"]["first_purchase"] is None
    assert customers["bob"]["purchase_count"] == 0
    assert customers["bob"]["reached_stage"] == 1
    assert customers["alice"]["purchase_count"] == 2
    assert customers["alice"]["first_purchase"] == parse("2026-01-10T12:00:00Z")
    assert customers["alice"]["value_total"] == 55000.0


def test_a_customer_whose_only_events_are_unmapped_is_left_out(log_file):
    summary = summarise(log_file, COLUMNS, MAPPING)

    assert "carol" not in summary.customers.column("customer_id").to_pylist()


def test_rows_without_a_customer_or_timestamp_are_ignored_and_counted(tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            ("x", "2026-01-01T10:00:00Z", "purchase", None, None),
            ("", "2026-01-01T10:00:00Z", "purchase", None, None),
            ("y", "", "purchase", None, None),
            ("z", "2026-01-01T10:00:00Z", "", None, None),
        ],
    )
    summary = summarise(path, COLUMNS, MAPPING)

    assert summary.customers.column("customer_id").to_pylist() == ["x"]
    assert (summary.events_rows, summary.ignored_rows, summary.incomplete_rows) == (1, 3, 2)


def test_customer_ids_keep_their_leading_zeros_and_odd_column_names_are_quoted(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('"Client ""ID""",when,what\n007,2026-01-01T00:00:00Z,purchase\n')
    columns = ColumnChoice('Client "ID"', "when", "what")
    summary = summarise(path, columns, MAPPING)

    assert summary.customers.column("customer_id").to_pylist() == ["007"]


def test_rows_far_down_that_break_the_guessed_column_types_still_import(tmp_path):
    # DuckDB guesses CSV types from a sample of the first rows: here, numbers.
    path = tmp_path / "log.csv"
    lines = [f"{n},2026-01-01T00:00:00Z,purchase,{n}" for n in range(30_000)]
    lines.append("x7,2026-01-02T00:00:00Z,purchase,")
    path.write_text("customer_id,timestamp,event,value\n" + "\n".join(lines) + "\n")
    columns = ColumnChoice("customer_id", "timestamp", "event", value="value")

    assert inspect(path)["event_names"] == [("purchase", 30_001)]
    summary = summarise(path, columns, MAPPING)
    assert summary.customers.num_rows == 30_001
    assert summary.customers.column("customer_id")[-1].as_py() == "x7"


def test_progress_is_reported_from_start_to_done(log_file):
    calls = []
    summarise(log_file, COLUMNS, MAPPING, progress=lambda f, m: calls.append((f, m)))

    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert calls[-1][1] == "Done: 3 customers"


def test_the_mapped_events_are_streamed_in_batches(log_file):
    reader = events_table(log_file, COLUMNS, MAPPING, batch_size=4)

    assert reader.schema == EVENT_SCHEMA
    rows = reader.read_all().to_pylist()
    expected = [
        {
            "customer_id": c,
            "ts": parse(t),
            "event": e,
            "stage": STAGE_OF[e],
            "is_purchase": e == "purchase",
            "value": v,
            "segment": s,
        }
        for c, t, e, v, s in ROWS
        if STAGE_OF[e]
    ]
    key = lambda r: (r["customer_id"], r["ts"], r["event"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(expected, key=key)


# ---------------------------------------------------------------------------- inspecting


def test_inspect_guesses_the_columns_and_counts_the_event_names(tmp_path):
    path = write_csv(
        tmp_path / "log.csv", ROWS, header=("user_id", "created_at", "action", "amount", "channel")
    )
    info = inspect(path)

    assert info["guess"] == ColumnChoice("user_id", "created_at", "action", "amount", "channel")
    assert info["rows"] == len(ROWS)
    assert [c["name"] for c in info["columns"]] == [
        "user_id",
        "created_at",
        "action",
        "amount",
        "channel",
    ]
    assert len(info["preview"]) == len(ROWS) and info["preview"][0]["user_id"] == "alice"
    assert info["event_names"] == [
        ("email_open", 3),
        ("purchase", 3),
        ("ad_view", 2),
        ("compare_models", 2),
        ("quote_request", 1),
        ("review_posted", 1),
        ("service_visit", 1),
        ("site_visit", 1),
        ("test_drive", 1),
    ]


def test_event_counts_are_most_frequent_first_then_by_name(log_file):
    counts = event_counts(log_file, COLUMNS)

    assert counts[:4] == [("email_open", 3), ("purchase", 3), ("ad_view", 2), ("compare_models", 2)]


def test_the_preview_stops_at_twenty_rows(tmp_path):
    path = write_csv(tmp_path / "log.csv", ROWS * 3)

    assert len(inspect(path)["preview"]) == 20


# ---------------------------------------------------------------------------- refused files


def test_a_missing_column_is_named_with_the_columns_there_are(log_file):
    with pytest.raises(EventError) as e:
        summarise(log_file, ColumnChoice("client", "timestamp", "event"), MAPPING)

    assert "no column 'client' for the customer id" in str(e.value)
    assert "customer_id, timestamp, event, value, segment" in str(e.value)
    assert log_file.name in str(e.value)


def test_unreadable_timestamps_are_refused_with_their_count_and_examples(tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            ("x", "yesterday", "ad_view", None, None),
            ("x", "2026-01-01T10:00:00Z", "purchase", None, None),
            ("y", "31/12/2025", "ad_view", None, None),
            ("y", "yesterday", "ad_view", None, None),
            ("z", "soon", "email_open", None, None),
            ("z", "later", "ad_view", None, None),
        ],
    )
    with pytest.raises(EventError) as e:
        summarise(path, COLUMNS, MAPPING)

    message = str(e.value)
    assert message.startswith(
        "log.csv: 5 rows of column 'timestamp' could not be read as "
        "timestamps, for example 'yesterday' (row 1), '31/12/2025' (row 3), "
        "'soon' (row 5)"
    )
    assert isinstance(e.value, JourneyError)


def test_unreadable_values_are_refused_too(tmp_path):
    path = write_csv(
        tmp_path / "log.csv", [("x", "2026-01-01T10:00:00Z", "purchase", "$1200", None)]
    )
    with pytest.raises(
        EventError,
        match=r"1 row of column 'value' could not be read as numbers, "
        r"for example '\$1200' \(row 1\)",
    ):
        summarise(path, COLUMNS, MAPPING)


def test_a_numeric_timestamp_column_is_read_as_epoch_seconds_by_its_magnitude(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(
        pa.table({"customer_id": ["x"], "timestamp": [1767225600], "event": ["purchase"]}), path
    )
    summary = summarise(path, ColumnChoice("customer_id", "timestamp", "event"), MAPPING)
    assert str(summary.customers.column("first_seen")[0]) == "2026-01-01 00:00:00+00:00"
    assert summary.quality["timestamp_reading"] == (
        "timestamp: epoch seconds, 2026-01-01 to 2026-01-01, UTC"
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("header-only.csv", "customer_id,timestamp,event\n"),
        ("zero-bytes.csv", ""),
        ("no-rows.parquet", None),
    ],
)
def test_an_empty_file_is_refused(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        pq.write_table(
            pa.table(
                {
                    "customer_id": pa.array([], pa.string()),
                    "timestamp": pa.array([], pa.string()),
                    "event": pa.array([], pa.string()),
                }
            ),
            path,
        )
    else:
        path.write_text(content)
    columns = ColumnChoice("customer_id", "timestamp", "event")

    with pytest.raises(EventError, match=rf"^{name} is empty"):
        summarise(path, columns, MAPPING)
    with pytest.raises(EventError, match=rf"^{name} is empty"):
        inspect(path)


def test_an_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "events.xlsx"
    path.write_bytes(b"PK")

    with pytest.raises(EventError, match=r"events.xlsx: unknown file type; expected a CSV"):
        inspect(path)
    with pytest.raises(EventError, match="unknown file type"):
        summarise(path, COLUMNS, MAPPING)


def test_a_missing_file_and_a_broken_parquet_file_are_refused(tmp_path):
    with pytest.raises(EventError, match="no such file"):
        inspect(tmp_path / "nope.csv")
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    with pytest.raises(EventError, match=r"^broken.parquet: could not be read as Parquet"):
        inspect(broken)


def test_a_mapping_with_no_purchase_event_is_refused(log_file):
    with pytest.raises(EventError, match="no event is marked as the purchase"):
        summarise(log_file, COLUMNS, Mapping(dict(STAGE_OF), set()))


def test_a_purchase_event_must_be_mapped_to_a_stage():
    with pytest.raises(EventError, match="purchase event 'buy' is not mapped to a stage"):
        validate_mapping(Mapping({"buy": None}, {"buy"}))
    with pytest.raises(EventError, match="purchase event 'order' is not mapped"):
        validate_mapping(Mapping({"buy": "decision"}, {"order"}))


def test_an_unknown_stage_is_refused_and_aliases_are_accepted():
    with pytest.raises(EventError, match="'visit' is mapped to an unknown stage 'checkout'"):
        validate_mapping(Mapping({"visit": "checkout", "buy": "decision"}, {"buy"}))

    mapping = validate_mapping(Mapping({"buy": "Purchase", "tell": "loyalty", "x": None}, {"buy"}))
    assert mapping.stages == {"buy": "decision", "tell": "advocacy", "x": None}


def test_a_purchase_event_may_be_mapped_to_another_stage(tmp_path):
    path = write_csv(tmp_path / "log.csv", [("x", "2026-01-01T00:00:00Z", "renewal", None, None)])
    [row] = summarise(
        path, COLUMNS, Mapping({"renewal": "retention"}, {"renewal"})
    ).customers.to_pylist()

    assert row["purchase_count"] == 1 and row["reached_stage"] == 3


def test_event_names_guess_their_stage_from_their_words():
    mapping = guess_mapping(
        [
            "ad_view",
            "site_visit",
            "compare_models",
            "test_drive",
            "brochure_download",
            "quote_request",
            "purchase",
            "service_visit",
            "app_login",
            "review_posted",
            "referral",
            "email_open",
        ]
    )

    assert mapping.stages == {
        "ad_view": "awareness",
        "site_visit": "awareness",
        "compare_models": "consideration",
        "test_drive": "consideration",
        "brochure_download": "consideration",
        "quote_request": "decision",
        "purchase": "decision",
        "service_visit": "retention",
        "app_login": "retention",
        "review_posted": "advocacy",
        "referral": "advocacy",
        "email_open": None,
    }
    assert mapping.purchase_events == {"purchase"}


# ---------------------------------------------------------------------------- figures


def test_p90_interpolates_linearly_between_ranks():
    assert summary_stats(range(1, 11)) == {
        "count": 10,
        "mean": 5.5,
        "median": 5.5,
        "p90": pytest.approx(9.1),
    }
    assert summary_stats([None, float("nan")]) == {
        "count": 0,
        "mean": None,
        "median": None,
        "p90": None,
    }


@pytest.fixture
def customers(tmp_path) -> pa.Table:
    return summarise(write_csv(tmp_path / "log.csv", ROWS), COLUMNS, MAPPING).customers


def test_the_report_matches_hand_worked_figures(customers):
    figures = report(customers)
    expected = expected_customers(ROWS, STAGE_OF, {"purchase"})
    buyers = [c for c in expected if c["first_purchase"]]
    buyer_days = [days(c["first_purchase"], c["first_seen"]) for c in buyers]
    # alice: 1 Jan 09:00 -> 10 Jan 12:00 = 9.125 days; dave: 20 Jan 10:00 -> 1 Feb 10:00 = 12.
    assert sorted(buyer_days) == [9.125, 12.0]

    assert figures["customers"] == 3
    assert figures["purchasers"] == 2
    assert figures["buyer_timeframe_days"] == {
        "count": 2,
        "mean": 10.5625,
        "median": 10.5625,
        "p90": pytest.approx(p90(buyer_days)),
    }
    assert figures["buyer_timeframe_days"]["p90"] == pytest.approx(9.125 + 0.9 * 2.875)
    customer_days = [days(c["last_seen"], c["first_seen"]) for c in buyers]
    assert figures["customer_timeframe_days"]["median"] == pytest.approx(
        statistics.median(customer_days)
    )
    post = [days(c["last_seen"], c["first_purchase"]) for c in buyers]
    assert figures["post_purchase_days"]["mean"] == pytest.approx(statistics.mean(post))
    assert figures["repeat_purchase_rate"] == 0.5
    json.dumps(figures)  # plain data all the way down


def test_the_funnel_counts_customers_who_reached_each_stage_or_a_later_one(customers):
    funnel = report(customers)["funnel"]

    # reached stages: alice 3 (retention), bob 1 (consideration), dave 4 (advocacy)
    assert [f["reached"] for f in funnel] == [3, 3, 2, 2, 1]
    assert funnel[0] == {
        "stage": "awareness",
        "reached": 3,
        "share_of_first": 1.0,
        "step_conversion": None,
        "drop_off": None,
        "lost": 0,
    }
    assert funnel[2] == {
        "stage": "decision",
        "reached": 2,
        "share_of_first": 2 / 3,
        "step_conversion": 2 / 3,
        "drop_off": pytest.approx(1 / 3),
        "lost": 1,
    }
    assert funnel[4]["step_conversion"] == 0.5


def test_time_between_stages_and_stage_durations_use_stage_entry_times(customers):
    figures = report(customers)
    between = {(b["from"], b["to"]): b for b in figures["time_between_stages"]}

    # awareness -> consideration: alice 1 Jan 09:00 -> 3 Jan 08:00; bob 2 Jan 06:00 -> 4 Jan.
    a_c = [
        days(parse("2026-01-03T08:00:00Z"), parse("2026-01-01T09:00:00Z")),
        days(parse("2026-01-04T00:00:00Z"), parse("2026-01-02T06:00:00Z")),
    ]
    assert between[("awareness", "consideration")]["count"] == 2
    assert between[("awareness", "consideration")]["mean"] == pytest.approx(statistics.mean(a_c))
    assert between[("consideration", "decision")]["count"] == 1
    assert between[("decision", "retention")]["count"] == 1
    assert figures["stage_durations_days"]["awareness"] == pytest.approx(statistics.median(a_c))
    # advocacy, the last stage: last seen - entered advocacy = 0 for dave.
    assert figures["stage_durations_days"]["advocacy"] == 0.0
    assert figures["stage_durations_days"]["retention"] is None  # nobody has both


def test_out_of_order_stage_entries_are_counted(tmp_path):
    path = write_csv(
        tmp_path / "log.csv",
        [
            ("x", "2026-01-05T00:00:00Z", "ad_view", None, None),
            ("x", "2026-01-01T00:00:00Z", "compare_models", None, None),
            ("x", "2026-01-07T00:00:00Z", "purchase", None, None),
        ],
    )
    between = report(summarise(path, COLUMNS, MAPPING).customers)["time_between_stages"][0]

    assert between["out_of_order"] == 1 and between["median"] == -4.0


def test_segments_and_months_break_down_customers_and_purchasers(customers):
    figures = report(customers)

    # segment of the earliest mapped event with one: alice search, bob social, dave dealer
    # (his first event has none; then a tie between dealer and search).
    assert figures["by_segment"] == [
        {
            "segment": "dealer",
            "customers": 1,
            "purchasers": 1,
            "conversion": 1.0,
            "buyer_timeframe_median_days": 12.0,
        },
        {
            "segment": "search",
            "customers": 1,
            "purchasers": 1,
            "conversion": 1.0,
            "buyer_timeframe_median_days": 9.125,
        },
        {
            "segment": "social",
            "customers": 1,
            "purchasers": 0,
            "conversion": 0.0,
            "buyer_timeframe_median_days": None,
        },
    ]
    assert figures["by_month"] == [
        {
            "month": "2026-01",
            "customers": 3,
            "purchasers": 2,
            "conversion": 2 / 3,
            "buyer_timeframe_median_days": 10.5625,
        },
    ]


def test_estimates_are_set_beside_observations_and_flagged_beyond_a_factor_of_two(customers):
    durations = report(customers)["stage_durations_days"]
    figures = report(
        customers,
        {
            "awareness": durations["awareness"] * 3,
            "consideration": durations["consideration"] * 1.5,
            "decision": 0,
            "advocacy": 10,
        },
    )
    rows = {r["stage"]: r for r in figures["estimated_vs_observed"]}

    assert rows["awareness"]["ratio"] == pytest.approx(1 / 3) and rows["awareness"]["flag"]
    assert rows["consideration"]["ratio"] == pytest.approx(2 / 3)
    assert not rows["consideration"]["flag"]
    assert rows["decision"] == {
        "stage": "decision",
        "estimated_days": None,
        "observed_days": durations["decision"],
        "ratio": None,
        "flag": False,
    }
    assert rows["retention"]["ratio"] is None and rows["retention"]["flag"] is False
    assert rows["advocacy"]["observed_days"] == 0.0  # a zero side: no factor, undefined
    assert rows["advocacy"]["ratio"] is None and rows["advocacy"]["flag"] is False
    buyer = figures["estimated_vs_observed_journeys"][0]
    assert buyer["journey"] == "buyer"
    assert buyer["estimated_days"] == pytest.approx(
        durations["awareness"] * 3 + durations["consideration"] * 1.5
    )
    assert report(customers)["estimated_vs_observed"] is None


def test_an_empty_customers_table_gives_zeros_and_nothing_else():
    figures = report(CUSTOMER_SCHEMA.empty_table(), {"awareness": 3})

    assert figures["customers"] == figures["purchasers"] == 0
    assert figures["buyer_timeframe_days"] == {
        "count": 0,
        "mean": None,
        "median": None,
        "p90": None,
    }
    assert figures["repeat_purchase_rate"] is None
    assert [f["reached"] for f in figures["funnel"]] == [0] * 5
    assert figures["by_segment"] == figures["by_month"] == []
    assert distribution(pa.table({}), "buyer") == []
    json.dumps(figures)


def test_the_report_takes_timestamps_read_back_as_iso_text(customers):
    as_text = pa.table(
        {
            name: pc.strftime(column, format="%Y-%m-%dT%H:%M:%S+00:00")
            if pa.types.is_timestamp(column.type)
            else column
            for name, column in zip(customers.column_names, customers.columns, strict=True)
        }
    )

    assert report(as_text) == report(customers)


def test_distribution_lists_each_purchasers_timeframe_in_days(customers):
    assert sorted(distribution(customers, "buyer")) == [9.125, 12.0]
    assert len(distribution(customers, "customer")) == 2
    with pytest.raises(ValueError, match="unknown timeframe"):
        distribution(customers, "lifetime")


# ---------------------------------------------------------------------------- generator


def test_the_generator_is_deterministic_and_its_log_imports(tmp_path):
    script = ROOT / "scripts" / "generate_events.py"
    for name in ("a.csv", "b.csv", "c.parquet"):
        subprocess.run(
            [
                sys.executable,
                str(script),
                "--customers",
                "60",
                "--seed",
                "3",
                "--out",
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
        )

    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    info = inspect(tmp_path / "a.csv")
    mapping = guess_mapping(name for name, _ in info["event_names"])
    from_csv = summarise(tmp_path / "a.csv", info["guess"], mapping)
    from_parquet = summarise(tmp_path / "c.parquet", info["guess"], mapping)
    assert from_csv.customers.equals(from_parquet.customers)
    assert from_csv.total_rows == from_parquet.total_rows > 60


def test_the_sample_log_is_small_and_imports():
    path = ROOT / "sample_data" / "car-buying-events.csv"
    assert path.stat().st_size < 400_000
    info = inspect(path)
    summary = summarise(path, info["guess"], guess_mapping(n for n, _ in info["event_names"]))

    figures = report(summary.customers)
    assert figures["customers"] == 400
    assert 0 < figures["purchasers"] < 400
    assert figures["buyer_timeframe_days"]["median"] < figures["customer_timeframe_days"]["median"]
