"""Deleting an event log on the Observed timeframes page offers undo, like the other deletes."""

import pathlib

from streamlit.testing.v1 import AppTest

from journey import samples
from journey.storage import Store
from tests.conftest import plain

PAGE = str(pathlib.Path(__file__).resolve().parent.parent / "pages" / "7_Observed_timeframes.py")


def test_a_deleted_event_log_comes_back_with_one_click(app_env):
    store = Store(app_env)
    samples.seed(store)
    [log] = store.event_datasets(1)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["journey"] = "1"
    at.run()
    at.checkbox(key=f"events_delete_confirm_{log['id']}").check().run()
    at.button(key="events_delete").click().run()
    assert not at.exception and store.event_datasets(1) == []
    assert plain(at.success[0].value) == f"Deleted {log['name']}: undo it in the sidebar."
    at.sidebar.button(key="events_undo_button").click().run()
    assert not at.exception
    assert [d["id"] for d in store.event_datasets(1)] == [log["id"]]
    assert at.metric  # its figures are back on the page
