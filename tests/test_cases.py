"""The handed real-world cases (``/work/shared/cases``, copied into ``tests/cases``): each gives
its right figures, or its clear message, on the command line and through the page's import path.

Every case is imported for the trial journey (2) of a seeded database, as its README's commands
do for journey 1, so the sample's own event log stays event log 1.
"""

import pathlib

import pytest

from journey import event_charts, observed
from journey.storage import Store
from tests.conftest import TRIAL, Ran, dump, open_page, plain, rows_accounted_for, run_cli

CASES = pathlib.Path(__file__).resolve().parent / "cases"
PAGE = "7_Observed_timeframes.py"


def import_case(db: pathlib.Path, name: str, *options: str) -> tuple[dict, Ran]:
    """Import ``tests/cases/NAME`` for the trial journey; return the stored report and what
    the command printed."""
    ran = run_cli("events", "import", str(CASES / name), "--journey", str(TRIAL), *options, db=db)
    assert ran.returncode == 0, ran.stderr
    store = Store(db)
    try:
        [dataset] = store.event_datasets(TRIAL)
        return observed.figures(store, dataset.id, store.load_journey(TRIAL)), ran
    finally:
        store.close()


# ---------------------------------------------------------------------------- zero medians


def test_an_observed_median_of_zero_days_gives_an_undefined_ratio_not_a_crash(seeded_db):
    figures, _ = import_case(seeded_db, "visit-then-purchase.csv")
    decision = next(r for r in figures["estimated_vs_observed"] if r["stage"] == "decision")
    assert (decision["observed_days"], decision["ratio"], decision["flag"]) == (0.0, None, False)
    chart = event_charts.estimate_comparison_chart(figures).to_dict()
    labels = [row["label"] for row in chart["datasets"][chart["layer"][2]["data"]["name"]]]
    assert "observed 0 days, ratio undefined" in labels
    code, out, _ = run_cli("events", "report", "--journey", str(TRIAL), db=seeded_db)
    assert code == 0
    [line] = [x for x in out.splitlines() if x.startswith("Decision ")][-1:]
    assert line.split()[-1] == "n/a"


@pytest.mark.parametrize("ratio", [0.0, None, float("inf"), -1.0])
def test_a_zero_missing_or_infinite_ratio_reads_as_undefined(ratio):
    assert event_charts.ratio_text(ratio) == "undefined"


def test_the_page_compares_a_log_whose_decision_median_is_zero(seeded_db, app_env):
    import_case(seeded_db, "visit-then-purchase.csv")
    at = open_page(PAGE, TRIAL, events_tab="⚖️ Estimated vs observed")
    assert not at.exception
    [table] = [d.value for d in at.dataframe if "differs > 2×" in d.value.columns]
    decision = table[table[""] == "Decision"].iloc[0]
    assert decision["observed (days)"] == 0.0
    assert decision["observed ÷ estimated"] != decision["observed ÷ estimated"]  # NaN: blank


# ---------------------------------------------------------------------------- event logs

GA4_MAP = [
    "--map",
    "page_view=awareness",
    "--map",
    "view_item_list=awareness",
    "--map",
    "view_item=consideration",
    "--map",
    "add_to_cart=consideration",
    "--map",
    "begin_checkout=decision",
    "--map",
    "add_shipping_info=decision",
    "--map",
    "add_payment_info=decision",
    "--map",
    "purchase=decision",
    "--purchase",
    "purchase",
]
GA4_FIGURES = {
    "customers": 48,
    "purchasers": 16,
    "repeat": 0.4375,
    "buyer_median": 2.046,
    "buyer_p90": 5.565,
}


def headline(figures: dict) -> dict:
    """The figures the case READMEs give, rounded as they are."""
    buyer = figures["buyer_timeframe_days"]
    return {
        "customers": figures["customers"],
        "purchasers": figures["purchasers"],
        "repeat": round(figures["repeat_purchase_rate"], 4),
        "buyer_median": round(buyer["median"], 3),
        "buyer_p90": round(buyer["p90"], 3),
    }


CLI_CASES = {
    # name: (file, options, expected headline figures, text expected in the quality report)
    "excel-bom-crlf": (
        "bom_crlf.csv",
        [],
        {
            "customers": 30,
            "purchasers": 20,
            "repeat": 0.0,
            "buyer_median": 6.637,
            "buyer_p90": 9.137,
        },
        "encoding UTF-8 with BOM",
    ),
    "excel-cp1252": (
        "events_cp1252.csv",
        [],
        {
            "customers": 30,
            "purchasers": 15,
            "repeat": 0.0,
            "buyer_median": 5.014,
            "buyer_p90": 5.014,
        },
        "encoding Windows-1252 (detected: not UTF-8",
    ),
    "excel-sep-hint": (
        "sep_hint.csv",
        [],
        {"customers": 10, "purchasers": 10, "repeat": 0.0, "buyer_median": 1.0, "buyer_p90": 1.0},
        "delimiter ';' from its first line 'sep=;'",
    ),
    "ga4-epoch-micros-csv": (
        "ga4_bigquery_flat.csv",
        ["--customer", "user_pseudo_id"],
        GA4_FIGURES,
        "event_timestamp: epoch microseconds, 2024-03-01 to 2024-06-01, UTC",
    ),
    "ga4-epoch-micros-guessed-customer": (
        "ga4_bigquery_flat.csv",
        [],
        GA4_FIGURES,
        "customers by column 'user_pseudo_id'",
    ),
    "ga4-epoch-micros-parquet": (
        "ga4_flat.parquet",
        ["--customer", "user_pseudo_id"],
        GA4_FIGURES,
        "epoch microseconds",
    ),
    "ga4-event-date": (
        "ga4_bigquery_flat.csv",
        ["--customer", "user_pseudo_id", "--timestamp", "event_date"],
        {
            "customers": 48,
            "purchasers": 16,
            "repeat": 0.4375,
            "buyer_median": 2.0,
            "buyer_p90": 5.5,
        },
        "basic date YYYYMMDD",
    ),
    "ga4-guessed-purchases": (
        "ga4_ecommerce_iso.csv",
        [],
        GA4_FIGURES,
        "mapping guessed, not confirmed",
    ),
    "ga4-mapped": ("ga4_ecommerce_iso.csv", GA4_MAP, GA4_FIGURES, "mapping confirmed"),
    "parquet-tz-berlin": (
        "tz_berlin_category.parquet",
        GA4_MAP,
        GA4_FIGURES,
        "timestamps typed in the file",
    ),
    "parquet-int96": ("int96.parquet", GA4_MAP, GA4_FIGURES, "timestamps typed in the file"),
    "quoted-newlines": (
        "quoted_newlines_dupe_headers.csv",
        [],
        {
            "customers": 12,
            "purchasers": 6,
            "repeat": 0.0,
            "buyer_median": 2.042,
            "buyer_p90": 2.042,
        },
        "customers by column 'user_id'",
    ),
    "epoch-zero-clock": (
        "epoch_zero_clock.csv",
        [
            "--map",
            "app_open=awareness",
            "--map",
            "product_view=consideration",
            "--map",
            "purchase=decision",
            "--purchase",
            "purchase",
        ],
        {
            "customers": 40,
            "purchasers": 20,
            "repeat": 0.0,
            "buyer_median": 4.125,
            "buyer_p90": 6.125,
        },
        "4 rows with implausible times (outside 2000-01-01",
    ),
    "mixpanel-epoch": (
        "mixpanel_export_epoch.csv",
        [],
        {
            "customers": 48,
            "purchasers": 18,
            "repeat": 0.3333,
            "buyer_median": 2.057,
            "buyer_p90": 4.384,
        },
        "16 exact duplicates dropped",
    ),
    "mixpanel-iso": (
        "mixpanel_export_iso.csv",
        [
            "--map",
            "Ad Clicked=awareness",
            "--map",
            "Product List Viewed=awareness",
            "--map",
            "Product Viewed=consideration",
            "--map",
            "Product Added=consideration",
            "--map",
            "Purchase=decision",
            "--purchase",
            "Purchase",
        ],
        {
            "customers": 48,
            "purchasers": 18,
            "repeat": 0.3333,
            "buyer_median": 2.057,
            "buyer_p90": 4.384,
        },
        "16 exact duplicates dropped",
    ),
    "amplitude": (
        "amplitude_export.csv",
        [],
        {
            "customers": 48,
            "purchasers": 20,
            "repeat": 0.45,
            "buyer_median": 2.582,
            "buyer_p90": 4.176,
        },
        "customers by column 'amplitude_id'",
    ),
}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_each_handed_event_log_gives_its_right_figures_on_the_command_line(seeded_db, case):
    name, options, expected, reading = CLI_CASES[case]
    figures, ran = import_case(seeded_db, name, *options)
    assert headline(figures) == expected
    assert reading in ran.stdout
    q = figures["quality"]
    assert q["rows_read"] == rows_accounted_for(q)


def test_amplitude_says_how_many_rows_each_customer_column_would_keep(seeded_db):
    _, ran = import_case(seeded_db, "amplitude_export.csv")
    assert (
        "customer id candidates (rows each would keep): user_id 135, amplitude_id 274, "
        "device_id 274; using amplitude_id"
    ) in ran.stderr


def test_amplitude_by_its_mostly_empty_user_id_counts_the_dropped_rows(seeded_db):
    figures, _ = import_case(seeded_db, "amplitude_export.csv", "--customer", "user_id")
    assert figures["quality"]["no_customer_id"] == 139
    assert figures["customers"] == 40


def test_a_fallback_column_gives_anonymous_rows_an_id(seeded_db):
    figures, _ = import_case(
        seeded_db,
        "amplitude_export.csv",
        "--customer",
        "user_id",
        "--fallback-customer",
        "device_id",
    )
    assert figures["quality"]["no_customer_id"] == 0
    assert figures["quality"]["fallback_customer_rows"] == 139


def test_shopify_orders_with_a_space_before_the_offset_give_the_right_figures(seeded_db):
    figures, _ = import_case(
        seeded_db,
        "shopify_orders_export.csv",
        "--customer",
        "Email",
        "--timestamp",
        "Created at",
        "--event",
        "Financial Status",
        "--value",
        "Total",
        "--map",
        "paid=decision",
        "--purchase",
        "paid",
    )
    customer = figures["customer_timeframe_days"]
    assert (figures["customers"], figures["purchasers"]) == (25, 25)
    assert round(figures["repeat_purchase_rate"], 2) == 0.44
    assert (round(customer["mean"], 2), round(customer["p90"], 2)) == (23.81, 73.48)
    assert figures["quality"]["no_event_name"] == 30  # line items: the order fields are blank


def test_a_timestamp_before_year_one_is_refused_with_its_row_and_nothing_changes(seeded_db):
    before = dump(seeded_db)
    code, _, err = run_cli(
        "events", "import", str(CASES / "bc-year.csv"), "--journey", str(TRIAL), db=seeded_db
    )
    assert code == 2
    assert err.splitlines()[-1] == (
        "error: bc-year.csv: 1 row of column 'timestamp' is outside the years 0001..9999 or not "
        "finite, for example '-0044-03-15T00:00:00Z' (row 1) (fix or remove those rows)"
    )
    assert dump(seeded_db) == before


@pytest.mark.parametrize(
    "value", ["10000-01-01T00:00:00Z", "infinity", "-infinity", "99999-12-31T00:00:00Z"]
)
def test_timestamps_python_cannot_hold_are_refused(seeded_db, tmp_path, value):
    path = tmp_path / "far.csv"
    path.write_text(
        f"customer_id,timestamp,event\nc1,2026-01-01T00:00:00Z,visit\nc1,{value},purchase\n"
    )
    before = dump(seeded_db)
    code, _, err = run_cli("events", "import", str(path), "--journey", str(TRIAL), db=seeded_db)
    assert code == 2 and "outside the years 0001..9999 or not finite" in err
    assert dump(seeded_db) == before


def test_a_log_where_no_row_has_a_customer_id_is_refused(seeded_db, tmp_path):
    path = tmp_path / "anon.csv"
    path.write_text(
        "user_id,timestamp,event\n,2026-01-01T00:00:00Z,visit\n,2026-01-02T00:00:00Z,purchase\n"
    )
    code, _, err = run_cli("events", "import", str(path), "--journey", str(TRIAL), db=seeded_db)
    assert code == 2 and "no row has a customer id in column 'user_id'" in err


# ---------------------------------------------------------------------------- the page's path

PAGE_CASES = {
    # name: (file, column choices on the page, expected headline figures)
    "excel-bom-crlf": ("bom_crlf.csv", {}, CLI_CASES["excel-bom-crlf"][2]),
    "excel-cp1252": ("events_cp1252.csv", {}, CLI_CASES["excel-cp1252"][2]),
    "excel-sep-hint": ("sep_hint.csv", {}, CLI_CASES["excel-sep-hint"][2]),
    "ga4-epoch-micros-csv": ("ga4_bigquery_flat.csv", {}, GA4_FIGURES),
    "ga4-epoch-micros-parquet": ("ga4_flat.parquet", {}, GA4_FIGURES),
    "ga4-event-date": (
        "ga4_bigquery_flat.csv",
        {"timestamp": "event_date"},
        CLI_CASES["ga4-event-date"][2],
    ),
    "ga4-guessed-purchases": ("ga4_ecommerce_iso.csv", {}, GA4_FIGURES),
    "parquet-tz-berlin": ("tz_berlin_category.parquet", {}, GA4_FIGURES),
    "parquet-int96": ("int96.parquet", {}, GA4_FIGURES),
    "quoted-newlines": ("quoted_newlines_dupe_headers.csv", {}, CLI_CASES["quoted-newlines"][2]),
    "epoch-zero-clock": ("epoch_zero_clock.csv", {}, CLI_CASES["epoch-zero-clock"][2]),
    "mixpanel-epoch": ("mixpanel_export_epoch.csv", {}, CLI_CASES["mixpanel-epoch"][2]),
    "amplitude": ("amplitude_export.csv", {}, CLI_CASES["amplitude"][2]),
    "shopify": (
        "shopify_orders_export.csv",
        {
            "customer": "Email",
            "timestamp": "Created at",
            "event": "Financial Status",
            "value": "Total",
        },
        {"customers": 25, "purchasers": 25, "repeat": 0.44, "buyer_median": 0.0, "buyer_p90": 0.0},
    ),
}


@pytest.fixture
def page_db(seeded_db, app_env) -> pathlib.Path:
    """The seeded database, which the app opens."""
    return seeded_db


def page_upload(name: str, data: bytes):
    at = open_page(PAGE, TRIAL)
    at.file_uploader(key="events_upload").upload(name, data, "application/octet-stream")
    return at.run()


@pytest.mark.parametrize("case", list(PAGE_CASES))
def test_each_handed_event_log_gives_its_right_figures_through_the_page(page_db, case):
    name, choices, expected = PAGE_CASES[case]
    at = page_upload(name, (CASES / name).read_bytes())
    assert not at.exception and not at.error, [e.value for e in at.error]
    for role, column in choices.items():
        at.selectbox(key=f"events_col_{role}").set_value(column).run()
    at.checkbox(key="events_confirm").check().run()
    at.button(key="events_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = Store(page_db)
    [dataset] = store.event_datasets(TRIAL)
    figures = observed.figures(store, dataset.id, store.load_journey(TRIAL))
    assert headline(figures) == expected
    assert figures["quality"]["mapping_guessed"] is False  # confirmed on the page
    store.close()


def test_a_timestamp_before_year_one_is_previewed_then_refused_on_the_page(page_db):
    before = dump(page_db)
    at = page_upload("bc-year.csv", (CASES / "bc-year.csv").read_bytes())
    assert not at.exception and not at.error  # the preview read it (as text) without a crash
    at.checkbox(key="events_confirm").check().run()
    at.button(key="events_import").click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        "bc-year.csv: 1 row of column 'timestamp' is outside the years 0001..9999 or not "
        "finite, for example '-0044-03-15T00:00:00Z' (row 1) (fix or remove those rows)"
    ]
    assert dump(page_db) == before


def test_the_page_lets_people_find_and_map_an_event_beyond_the_first_200(page_db, tmp_path):
    lines = ["customer_id,timestamp,event"]
    lines += [f"c{i},2026-01-01T00:00:00Z,common_{i:03d}" for i in range(250) for _ in (0, 1)]
    lines += ["c1,2026-01-02T00:00:00Z,rare_purchase"]
    at = page_upload("many.csv", "\n".join(lines).encode())
    assert not at.exception
    assert (
        "The table lists the 200 most frequent of 251 event names; find any other to map it."
    ) in [c.value for c in at.caption]
    at.text_input(key="events_search").input("rare").run()
    assert (
        "1 event name contains “rare”; 1 added at the bottom of the table to map: “rare_purchase”"
        in [plain(c.value) for c in at.caption]
    )
    at.checkbox(key="events_confirm").check().run()
    at.button(key="events_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = Store(page_db)
    [dataset] = store.event_datasets(TRIAL)
    assert dataset.mapping["purchase_events"] == ["rare_purchase"]
    assert store.get_event_dataset(dataset.id).report["purchasers"] == 1
    store.close()


def test_a_guessed_mapping_is_confirmed_by_recomputing_with_it(seeded_db):
    figures, _ = import_case(seeded_db, "ga4_ecommerce_iso.csv")
    assert figures["quality"]["mapping_guessed"] is True
    store = Store(seeded_db)
    [dataset] = store.event_datasets(TRIAL)
    observed.remap(
        store, dataset.id, observed.mapping_from_dict({**dataset.mapping, "guessed": False})
    )
    again = observed.figures(store, dataset.id, store.load_journey(TRIAL))
    assert again["quality"]["mapping_guessed"] is False
    assert {k: v for k, v in again["quality"].items() if k != "mapping_guessed"} == {
        k: v for k, v in figures["quality"].items() if k != "mapping_guessed"
    }
    assert headline(again) == GA4_FIGURES
    store.close()
