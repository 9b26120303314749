"""Event mappings as people edit them: table rows on the page, EVENT=STAGE on the command line."""

import pathlib

import pandas as pd
import pytest

from journey import event_mapping, events, observed
from journey.event_mapping import IGNORE, mapping_from_options, mapping_from_rows, mapping_rows
from journey.events import ColumnChoice, EventError, Mapping
from journey.model import ValidationError

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"
COLUMNS = ColumnChoice("customer_id", "timestamp", "event", "value", "segment")
COUNTS = [("site_visit", 5), ("purchase", 2), ("email_open", 1)]
GUESS = Mapping(
    {"site_visit": "awareness", "purchase": "decision", "email_open": None}, {"purchase"}
)


def test_each_event_name_becomes_a_row_with_its_count_stage_and_purchase_tick():
    assert mapping_rows(COUNTS, GUESS) == [
        {"event": "site_visit", "count": 5, "stage": "awareness", "purchase": False},
        {"event": "purchase", "count": 2, "stage": "decision", "purchase": True},
        {"event": "email_open", "count": 1, "stage": IGNORE, "purchase": False},
    ]


def test_a_mapped_event_the_counts_do_not_list_comes_last_without_a_count():
    stored = Mapping({**GUESS.stages, "rare_event": "retention"}, {"purchase"})
    assert mapping_rows(COUNTS, stored)[-1] == {
        "event": "rare_event",
        "count": None,
        "stage": "retention",
        "purchase": False,
    }


def test_the_rows_turn_back_into_the_same_mapping():
    back = mapping_from_rows(pd.DataFrame(mapping_rows(COUNTS, GUESS)))
    assert (back.stages, back.purchase_events) == (GUESS.stages, GUESS.purchase_events)


def test_an_edited_table_gives_the_edited_mapping():
    table = pd.DataFrame(mapping_rows(COUNTS, GUESS)).astype({"purchase": object})
    table.loc[2, "stage"] = "retention"  # email_open now counts
    table.loc[0, "stage"] = IGNORE
    table.loc[0, "purchase"] = None  # a checkbox cell can come back empty
    extra = pd.DataFrame(
        [
            {"event": None, "count": None, "stage": None, "purchase": None},
            {"event": "  ", "count": None, "stage": "decision", "purchase": True},
        ]
    )
    mapping = mapping_from_rows(pd.concat([table, extra], ignore_index=True))
    assert mapping.stages == {"site_visit": None, "purchase": "decision", "email_open": "retention"}
    assert mapping.purchase_events == {"purchase"}


def test_a_table_without_a_purchase_is_refused_at_import_with_a_message(store, journey_id):
    table = pd.DataFrame(mapping_rows(COUNTS, GUESS)).assign(purchase=False)
    with pytest.raises(EventError, match="no event is marked as the purchase"):
        events.validate_mapping(mapping_from_rows(table))


def test_the_sample_log_imports_the_same_through_the_table_as_through_the_guess(store, journey_id):
    counts = events.event_counts(SAMPLE, COLUMNS)
    guess = events.guess_mapping(name for name, _ in counts)
    via_table = mapping_from_rows(pd.DataFrame(mapping_rows(counts, guess)))
    first = observed.import_events(store, journey_id, SAMPLE, COLUMNS, guess)
    second = observed.import_events(store, journey_id, SAMPLE, COLUMNS, via_table)
    reports = [store.get_event_dataset(i).report for i in (first, second)]
    assert [r["quality"].pop("mapping_guessed") for r in reports] == [True, False]
    assert reports[0] == reports[1]


def test_without_map_options_the_guess_is_used():
    mapping = mapping_from_options([n for n, _ in COUNTS], GUESS, [], [])
    assert (mapping.stages, mapping.purchase_events) == (GUESS.stages, {"purchase"})
    assert mapping.stages is not GUESS.stages  # a copy: the guess is left alone


def test_map_options_are_the_whole_mapping_and_purchases_come_only_from_purchase_options():
    names = [n for n, _ in COUNTS]
    mapping = mapping_from_options(
        names,
        GUESS,
        ["site_visit=consideration", "email_open=Ignore", "purchase = decision"],
        ["purchase"],
    )
    assert mapping.stages == {
        "site_visit": "consideration",
        "email_open": None,
        "purchase": "decision",
    }
    assert mapping.purchase_events == {"purchase"}
    unmarked = mapping_from_options(names, GUESS, ["purchase=decision"], [])
    assert unmarked.purchase_events == set()


def test_purchase_options_replace_the_guessed_purchases():
    mapping = mapping_from_options([n for n, _ in COUNTS], GUESS, [], ["site_visit"])
    assert mapping.purchase_events == {"site_visit"}


@pytest.mark.parametrize("option", ["purchase", "=decision", "purchase=", "  =  "])
def test_a_map_option_that_is_not_event_equals_stage_is_refused(option):
    with pytest.raises(ValidationError, match="--map expects EVENT=STAGE"):
        mapping_from_options(["purchase"], GUESS, [option], [])


def test_an_event_name_that_is_not_in_the_file_is_refused_naming_the_events_there():
    with pytest.raises(
        ValidationError,
        match="no event named 'purchse' in the file; its "
        "events are: site_visit, purchase, email_open",
    ):
        mapping_from_options([n for n, _ in COUNTS], GUESS, ["purchse=decision"], ["purchse"])


def test_an_event_equals_sign_in_the_event_name_splits_at_the_last_one():
    mapping = mapping_from_options(["a=b"], GUESS, ["a=b=decision"], ["a=b"])
    assert mapping.stages == {"a=b": "decision"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("events.csv", "events.csv"),
        ("../../etc/My Events.CSV.GZ", "My Events.csv.gz"),
        ("C:\\Users\\pat\\log.pq", "log.pq"),
        ("export.parquet", "export.parquet"),
        ("export.gz", "export.csv.gz"),  # a bare .gz is read as a gzipped CSV
        ("weird<name>|x.csv", "weird_name_x.csv"),
        (".csv", "events.csv"),
        ("notes.txt", "notes.txt"),  # the engine refuses it, naming the type
    ],
)
def test_an_upload_is_copied_under_its_own_safe_name(tmp_path, name, expected):
    path = event_mapping.upload_path(tmp_path, name)
    assert path.parent == tmp_path and path.name == expected


def test_an_upload_with_an_unknown_type_is_refused_by_the_engine_by_name(tmp_path):
    path = event_mapping.upload_path(tmp_path, "notes.txt")
    path.write_text("a,b\n1,2\n")
    with pytest.raises(EventError, match=r"notes\.txt: unknown file type"):
        events.inspect(path)


def test_the_stage_options_are_the_five_stages_in_order_then_ignore():
    assert event_mapping.STAGE_OPTIONS == (
        "awareness",
        "consideration",
        "decision",
        "retention",
        "advocacy",
        "ignore",
    )
    assert [event_mapping.option_label(o) for o in ("decision", IGNORE)] == [
        "Decision",
        "— ignore —",
    ]


def test_a_search_says_what_it_found_and_where_new_names_went():
    listed = [("page_view", 10), ("purchase", 2)]
    assert event_mapping.found_text("zzz", [], listed) == "No event name contains “zzz”."
    assert event_mapping.found_text("pur", [("purchase", 2)], listed) == (
        "1 event name contains “pur”; all are already in the table."
    )
    found = [("purchase", 2), ("purchase_refund", 1), ("purchase_x", 1), ("a", 1), ("b", 1)]
    assert event_mapping.found_text("pur", found, listed) == (
        "5 event names contain “pur”; 4 added at the bottom of the table to map: "
        "“purchase_refund”, “purchase_x”, “a” …"
    )
