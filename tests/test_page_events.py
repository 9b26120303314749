"""The Observed timeframes page through AppTest: figures, datasets, import, remap, delete.

AppTest uploads a file itself (``file_uploader(...).upload``), so the whole import path runs
here; only the browser's own drag-and-drop is not. It cannot type into a ``data_editor``: a
mapping edit is seeded into the editor's session state as the browser would send it.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from journey import event_charts, events, observed
from journey.events import ColumnChoice
from journey.storage import Store
from tests.conftest import CAR, ROOT, TRIAL, dump, open_page, plain, run_cli

PAGE = "7_Observed_timeframes.py"
SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"
COLUMNS = ColumnChoice("customer_id", "timestamp", "event", "value", "segment")
COMPARE_TAB = "⚖️ Estimated vs observed"
QUALITY = "🧪 Data quality: how the file was read, what was left out"


@pytest.fixture
def db(seeded, app_env) -> Store:
    """The app's database, seeded now (the page then finds it seeded)."""
    return seeded


def shown_cards(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def expected_cards(figures: dict) -> list[tuple[str, str]]:
    every = [
        *event_charts.overview_cards(figures),
        *event_charts.stat_cards(figures)["buyer"],
        *event_charts.stat_cards(figures)["customer"],
    ]
    return [(label, text) for label, text, _ in every]


def chart_titles(at: AppTest) -> list[str]:
    """AppTest shows an Altair chart only as its spec: its title says which chart it is."""
    return [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]


def comparison_table(at: AppTest):
    [table] = [d.value for d in at.dataframe if "differs > 2×" in d.value.columns]
    return table


def mapping_edit(event: str, **changes) -> dict:
    """The data_editor state for one changed row of the sample's mapping table."""
    names = [name for name, _ in events.inspect(SAMPLE)["event_names"]]
    return {"edited_rows": {names.index(event): changes}, "added_rows": [], "deleted_rows": []}


def test_the_page_shows_the_seeded_logs_figures(db):
    at = open_page(PAGE, CAR)
    assert not at.exception
    figures = observed.figures(db, 1, db.load_journey(CAR))
    assert shown_cards(at) == expected_cards(figures)
    assert ("Median", "24.4 days") in shown_cards(at)  # the buyer journey's median
    assert at.selectbox(key="events_dataset").value == 1
    assert chart_titles(at) == ["Observed timeframes"]


def test_the_comparison_tab_shows_estimated_beside_observed_with_the_flag(db):
    at = open_page(PAGE, CAR, events_tab=COMPARE_TAB)
    assert not at.exception
    figures = observed.figures(db, 1, db.load_journey(CAR))
    table = comparison_table(at)
    assert table.to_dict("records") == event_charts.comparison_rows(figures)
    assert list(table["differs > 2×"][:5]) == ["⚠️ yes", "⚠️ yes", "", "⚠️ yes", "⚠️ yes"]


@pytest.mark.parametrize("tab", ["🔻 Funnel and stages", "🧩 Segments and months"])
def test_the_other_tabs_draw_their_charts(db, tab):
    at = open_page(PAGE, CAR, events_tab=tab)
    assert not at.exception
    assert len(chart_titles(at)) == 2
    if tab.startswith("🧩"):
        assert "Segment column: segment" in [c.value for c in at.caption]


def test_the_page_shows_what_the_command_line_prints_as_json(db):
    code, out, _ = run_cli("events", "report", "--journey", str(CAR), "--json", db=db.path)
    assert code == 0
    printed = json.loads(out)
    at = open_page(PAGE, CAR, events_tab=COMPARE_TAB)
    assert shown_cards(at)[:4] == expected_cards(printed)[:4]
    table = comparison_table(at)
    assert table.to_dict("records") == event_charts.comparison_rows(printed)
    assert shown_cards(open_page(PAGE, CAR)) == expected_cards(printed)


def test_the_newest_log_is_shown_first_and_another_can_be_chosen(db):
    mapping = events.guess_mapping(n for n, _ in events.event_counts(SAMPLE, COLUMNS))
    mapping.stages["email_open"] = "awareness"
    newer = observed.import_events(db, CAR, SAMPLE, COLUMNS, mapping, name="with emails.csv")
    at = open_page(PAGE, CAR)
    assert at.selectbox(key="events_dataset").options[0].startswith("with emails.csv · 2,713")
    assert at.selectbox(key="events_dataset").value == newer
    assert shown_cards(at) == expected_cards(observed.figures(db, newer, db.load_journey(CAR)))
    at.selectbox(key="events_dataset").set_value(1).run()
    assert shown_cards(at) == expected_cards(observed.figures(db, 1, db.load_journey(CAR)))


def test_a_journey_without_a_log_offers_the_import(db):
    at = open_page(PAGE, TRIAL)
    assert not at.exception
    assert [i.value for i in at.info] == ["No event log imported for this journey yet."]
    assert at.file_uploader(key="events_upload")
    assert not at.metric


@pytest.mark.parametrize("how", ["viewer", "presenting"])
def test_viewers_and_presentation_mode_see_the_figures_but_no_editing_controls(
    db, how, monkeypatch
):
    if how == "viewer":
        monkeypatch.setenv("JOURNEY_READ_ONLY", "1")
    at = open_page(PAGE, CAR, **({"presenting": True} if how == "presenting" else {}))
    assert not at.exception
    assert at.metric and not at.file_uploader
    assert [e.label for e in at.expander] == [QUALITY]  # the quality report: read-only text
    assert not [b for b in at.button if b.key in ("events_remap", "events_delete", "events_import")]


def upload(at: AppTest, name: str, data: bytes, *, confirm: bool = True) -> AppTest:
    """Upload a file; by default also tick "I have checked this mapping", as Import asks."""
    at.file_uploader(key="events_upload").upload(name, data, "text/csv")
    at.run()
    if confirm and any(c.key == "events_confirm" for c in at.checkbox):
        at.checkbox(key="events_confirm").check().run()
    return at


def test_import_waits_until_the_guessed_mapping_is_confirmed(db):
    at = upload(open_page(PAGE, TRIAL), "log.csv", SAMPLE.read_bytes(), confirm=False)
    assert at.button(key="events_import").disabled
    assert "The mapping is guessed from the event names: check it." in at.markdown[-1].value
    at.checkbox(key="events_confirm").check().run()
    assert not at.button(key="events_import").disabled


def test_an_uploaded_log_is_imported_with_the_guessed_columns_and_shown(db):
    at = upload(open_page(PAGE, TRIAL), "car-buying-events.csv", SAMPLE.read_bytes())
    assert not at.exception
    assert [(s.key, s.value) for s in at.selectbox if s.key.startswith("events_col_")] == [
        ("events_col_customer", "customer_id"),
        ("events_col_timestamp", "timestamp"),
        ("events_col_event", "event"),
        ("events_col_value", "value"),
        ("events_col_segment", "segment"),
    ]
    assert at.caption[-2].value.startswith(
        "2,713 rows · read as CSV, encoding UTF\\-8 \\(detected\\) · columns:"
    )
    assert at.caption[-1].value == ("timestamp\\: ISO 8601, offsets in the values, shown in UTC")
    at.button(key="events_import").click().run()
    assert not at.exception
    [dataset] = db.event_datasets(TRIAL)
    assert (dataset.name, dataset.total_rows, dataset.customers) == (
        "car-buying-events.csv",
        2713,
        400,
    )
    assert at.selectbox(key="events_dataset").value == dataset.id
    assert shown_cards(at) == expected_cards(
        observed.figures(db, dataset.id, db.load_journey(TRIAL))
    )
    assert plain(at.success[0].value).startswith("Imported car")


def test_the_mapping_edited_in_the_table_is_the_one_imported(db):
    at = upload(open_page(PAGE, TRIAL), "log.csv", SAMPLE.read_bytes())
    at.session_state["events_mapping"] = mapping_edit("email_open", stage="awareness")
    at.button(key="events_import").click().run()
    assert not at.exception
    [dataset] = db.event_datasets(TRIAL)
    assert dataset.mapping["stages"]["email_open"] == "awareness"
    assert dataset.events_rows == 2464 + 249  # the email_open rows now count


def test_a_mapping_without_a_purchase_is_refused_and_nothing_is_written(db):
    at = upload(open_page(PAGE, TRIAL), "log.csv", SAMPLE.read_bytes())
    at.session_state["events_mapping"] = mapping_edit("purchase", purchase=False)
    before = dump(db)
    at.button(key="events_import").click().run()
    assert not at.exception
    assert "no event is marked as the purchase" in at.error[0].value
    assert dump(db) == before


def test_a_file_with_unreadable_timestamps_is_refused_with_examples_and_nothing_written(db):
    bad = b"customer_id,timestamp,event\nc1,yesterday,purchase\nc2,2026-01-01,visit\n"
    at = upload(open_page(PAGE, TRIAL), "bad.csv", bad)
    before = dump(db)
    at.button(key="events_import").click().run()
    assert not at.exception
    assert plain(at.error[0].value).startswith(
        "bad.csv: 1 row of column 'timestamp' could not be read as timestamps, for example "
        "'yesterday' (row 1) (read as ISO 8601; use ISO 8601 such as 2026-01-31T09:30:00Z, epoch "
        "seconds, or name the format: --timestamp-format, on the page Timestamp format)"
    )
    assert dump(db) == before


@pytest.mark.parametrize(
    ("name", "data"), [("empty.csv", b""), ("empty.csv", b"customer_id,timestamp,event\n")]
)
def test_an_empty_upload_is_refused_at_once(db, name, data):
    at = upload(open_page(PAGE, TRIAL), name, data)
    assert not at.exception
    assert plain(at.error[0].value) == "empty.csv is empty: it has no rows of events"
    assert not [b for b in at.button if b.key == "events_import"]


def test_changing_the_mapping_recomputes_from_the_stored_events(db):
    at = open_page(PAGE, CAR)
    at.session_state["events_remap_mapping_1"] = mapping_edit("email_open", stage="awareness")
    before = db.get_event_dataset(1)
    at.button(key="events_remap").click().run()
    assert not at.exception
    after = db.get_event_dataset(1)
    assert after.mapping["stages"]["email_open"] == "awareness"
    assert after.events_rows == before.events_rows + 249
    assert shown_cards(at) == expected_cards(observed.figures(db, 1, db.load_journey(CAR)))


def test_a_log_is_deleted_only_once_confirmed(db):
    at = open_page(PAGE, CAR)
    assert at.button(key="events_delete").disabled
    at.checkbox(key="events_delete_confirm_1").check().run()
    at.button(key="events_delete").click().run()
    assert not at.exception
    assert db.event_datasets(CAR) == []
    assert [i.value for i in at.main.info] == ["No event log imported for this journey yet."]
