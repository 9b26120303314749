"""The workspace page: exports, snapshots and restore (the undo of destructive actions)."""

from journey.storage import Store
from tests.conftest import CAR, dump, open_page, plain

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
    assert [j.id for j in store.journeys()] == [1, 2, 3]
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
    assert [b.key for b in at.button] == ["ws_report_build"]  # a handout edits nothing
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


def test_restoring_a_save_says_what_was_restored_and_undo_my_last_change_undoes_it(app_env):
    open_page(PAGE, CAR)  # seeds the database
    store = Store(app_env)
    store.author = "ana@example.org"
    thoughts = store.get_stage(2).thoughts
    store.update_stage(2, 1, duration_days=21.0, thoughts="Will the pram fit? https://e.x/y")
    at = open_page(PAGE, CAR)
    at.button(key="restore_revision_1").click().run()
    assert not at.exception
    [notice] = [plain(s.value) for s in at.success]
    assert notice.startswith(
        "Restored stage Consideration as it was before save #1 (Typical duration: 30 days; "
        f"Thoughts: {thoughts})."
    )
    at.sidebar.button(key="undo_last_change").click().run()  # the restore is undoable
    assert not at.exception
    stage = Store(app_env).get_stage(2)
    assert (stage.duration_days, stage.thoughts) == (21.0, "Will the pram fit? https://e.x/y")
    assert [plain(s.value) for s in at.success] == [
        "Undone: Typical duration, Thoughts of stage Consideration."
    ]


def test_a_restore_that_would_overwrite_a_later_save_is_refused_with_the_forms_labels(app_env):
    open_page(PAGE, CAR)  # seeds the database
    store = Store(app_env)
    store.author = "ana@example.org"
    store.update_stage(2, 1, thoughts="Ana's thought")
    store.author = "bo@example.org"
    store.update_stage(2, 2, thoughts="Bo's thought")
    at = open_page(PAGE, CAR)
    at.button(key="restore_revision_1").click().run()
    assert not at.exception
    [error] = [plain(e.value) for e in at.error]
    assert error.startswith(
        "Not put back: Thoughts of stage Consideration changed since, saved by bo@example.org"
    )
    assert Store(app_env).get_stage(2).thoughts == "Bo's thought"


MERMAID = """journey
  title Renting a bike
  section Browse
    Sees a poster: 4: Sam
  section Loyalty
    Rides again: 5: Sam
"""


def test_a_journey_is_created_from_pasted_mermaid_text_with_notes_on_its_sections(app_env):
    at = open_page("app.py", CAR)  # from the entry point, so the page can open Stages after
    at.switch_page(f"pages/{PAGE}").run()
    before = {j.name for j in Store(app_env).journeys(1)}
    at.text_area(key="mermaid_text").input(MERMAID).run()
    at.button(key="mermaid_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = Store(app_env)
    [created] = [j for j in store.journeys(1) if j.name not in before]
    journey = store.load_journey(created.id)
    assert journey.name == "Renting a bike"
    assert store.get_persona(journey.persona_id).name == "Sam"
    assert at.session_state["journey_id"] == created.id
    assert next(h.value for h in at.title).endswith("Stages")  # the new journey's Stages page
    notices = [plain(s.value) for s in at.success]
    assert "Journey “Renting a bike” created from the Mermaid text." in notices
    assert any("'Loyalty'" in n and "Advocacy" in n for n in notices), notices


def test_mermaid_text_that_breaks_the_grammar_is_refused_and_nothing_is_created(app_env):
    at = open_page(PAGE, CAR)
    before = dump(Store(app_env))
    at.text_area(key="mermaid_text").input("journey\n  section A\n    Task: 9: Me\n").run()
    at.button(key="mermaid_import").click().run()
    assert not at.exception
    [error] = at.error
    assert "line 3" in plain(error.value)
    assert dump(Store(app_env)) == before
