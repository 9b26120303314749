"""Deleting an event log on the Observed timeframes page offers undo, like the other deletes."""

from tests.conftest import CAR, open_page, plain

PAGE = "7_Observed_timeframes.py"


def test_a_deleted_event_log_comes_back_with_one_click(seeded, app_env):
    store = seeded
    [log] = store.event_datasets(CAR)
    at = open_page(PAGE, CAR)
    at.checkbox(key=f"events_delete_confirm_{log.id}").check().run()
    at.button(key="events_delete").click().run()
    assert not at.exception and store.event_datasets(CAR) == []
    assert plain(at.success[0].value) == f"Deleted {log.name}: undo it in the sidebar."
    at.sidebar.button(key="events_undo_button").click().run()
    assert not at.exception
    assert [d.id for d in store.event_datasets(CAR)] == [log.id]
    assert at.metric  # its figures are back on the page
