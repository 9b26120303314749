"""The workspace page: exports, snapshots and restore (the undo of destructive actions)."""

from journey.storage import Store
from tests.conftest import CAR, open_page, plain

PAGE = "8_Workspace_and_history.py"


def test_the_page_offers_workspace_journey_and_csv_exports(app_env):
    at = open_page(PAGE, CAR)
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "⬇️ Workspace as JSON",
        "⬇️ This journey as JSON",
        "⬇️ Stages as CSV",
        "⬇️ Moments as CSV",
        "⬇️ Metrics as CSV",
    ]


def test_a_deleted_journey_comes_back_from_its_snapshot(app_env):
    open_page(PAGE, CAR)  # seeds the database
    store = Store(app_env)
    snapshot_id = store.delete_journey(2)
    at = open_page(PAGE, CAR)
    at.button(key=f"restore_{snapshot_id}").click().run()
    assert not at.exception
    assert [j["id"] for j in store.journeys()] == [1, 2, 3]
    restored = f"Restored journey 2 from snapshot #{snapshot_id}."
    assert [plain(t.value) for t in at.success] == [restored]


def test_a_snapshot_can_be_taken_by_hand(app_env):
    at = open_page(PAGE, CAR)
    at.button(key="snapshot_now").click().run()
    [snap] = Store(app_env).snapshots()
    assert (snap.reason, snap.title) == ("saved by hand", "workspace: Sample workspace")
    assert at.button(key=f"restore_{snap.id}")


def test_viewers_see_no_import_snapshot_or_restore_controls(app_env, monkeypatch):
    monkeypatch.setenv("JOURNEY_READ_ONLY", "1")
    open_page(PAGE, CAR)
    Store(app_env).snapshot_workspace(1)
    at = open_page(PAGE, CAR)
    assert [b.key for b in at.button] == []
    assert not at.get("file_uploader")


def test_the_history_lists_each_save_with_its_fields_before_and_after_and_restores_one(app_env):
    open_page(PAGE, CAR)  # seeds the database
    store = Store(app_env)
    store.author = "ana@example.org"
    thoughts = store.get_stage(2).thoughts
    store.update_stage(2, 1, duration_days=21.0, thoughts="Will the pram fit?")
    store.update_moment(4, 1, status="done")
    at = open_page(PAGE, CAR)
    assert not at.exception
    headings = [t.value for t in at.text]
    assert headings[0].startswith("#2 · ") and headings[0].endswith(
        " · ana@example.org · point Test drives only on weekdays"
    )
    assert headings[1].endswith(" · ana@example.org · stage Consideration")
    changes = at.dataframe[1].value.to_dict("records")  # newest first: the stage's is second
    assert changes == [
        {"Field": "Typical duration", "Before": "30 days", "After": "3 weeks"},
        {"Field": "Thoughts", "Before": thoughts, "After": "Will the pram fit?"},
    ]
    at.button(key="restore_revision_1").click().run()
    assert not at.exception
    stage = Store(app_env).get_stage(2)
    assert (stage.duration_days, stage.thoughts) == (30.0, thoughts)
    assert at.text[0].value.endswith("(restores #1)")
