"""Every save is a revision (who, when, old and new values) that can be restored or undone."""

import pytest

from journey import editing, kpis
from journey.model import ChangedSinceError, ConflictError, NotFoundError, Persona, ValidationError
from journey.storage import Store


def test_a_save_is_recorded_with_its_author_and_each_changed_fields_old_and_new_value(
    store, journey_id
):
    store.author = "ana@example.org"
    stage = store.load_journey(journey_id).stage("consideration")
    store.update_stage(
        stage.id, stage.version, thoughts="Is it safe?", duration_days=21.0, emotion=stage.emotion
    )  # emotion unchanged: not in the revision
    [revision] = store.revisions(journey_id=journey_id)
    assert (
        revision.kind,
        revision.target_id,
        revision.journey_id,
        revision.title,
        revision.author,
    ) == ("stage", stage.id, journey_id, "consideration", "ana@example.org")
    assert revision.changes == {"thoughts": ("", "Is it safe?"), "duration_days": (0.0, 21.0)}
    assert revision.created_at and revision.restores is None


def test_a_save_that_changes_nothing_records_no_revision(store, journey_id):
    stage = store.load_journey(journey_id).stage("decision")
    store.update_stage(stage.id, stage.version, thoughts=stage.thoughts)
    assert store.revisions(journey_id=journey_id) == []


def test_a_refused_save_records_no_revision(store, journey_id):
    stage = store.load_journey(journey_id).stage("decision")
    store.update_stage(stage.id, stage.version, thoughts="first")
    with pytest.raises(ConflictError):
        store.update_stage(stage.id, stage.version, thoughts="stale")
    assert len(store.revisions(journey_id=journey_id)) == 1


def test_restoring_a_revision_puts_back_only_its_fields_as_a_new_revision(store, journey_id):
    stage = store.load_journey(journey_id).stage("awareness")
    store.update_stage(
        stage.id, 1, thoughts="A's thought", touchpoints=[{"channel": "Web", "description": "ads"}]
    )
    store.update_stage(stage.id, 2, duration_days=7.0)  # a later save of another field
    first = store.revisions(kind="stage", target_id=stage.id)[-1]
    restored = store.restore_revision(first.id)
    now = store.get_stage(stage.id)
    assert (now.thoughts, now.touchpoints, now.duration_days) == ("", [], 7.0)
    assert restored.restores == first.id
    assert restored.changes == {
        "thoughts": ("A's thought", ""),
        "touchpoints": ([{"channel": "Web", "description": "ads"}], []),
    }
    store.restore_revision(restored.id)  # the restore itself is undoable
    assert store.get_stage(stage.id).thoughts == "A's thought"


def test_undo_my_last_change_restores_only_my_latest_save(store, journey_id):
    j = store.load_journey(journey_id)
    store.author = "me"
    store.update_moment(j.moments[0].id, 1, title="Mine")
    store.author = "someone else"
    store.update_persona(j.persona_id, 1, role="Theirs")
    store.author = "me"
    undone = store.undo_last("me", workspace_id=j.workspace_id)
    assert undone.kind == "moment" and undone.author == "me"
    assert store.get_moment(j.moments[0].id).title == "Financing is slow"
    assert store.get_persona(j.persona_id).role == "Theirs"
    assert store.undo_last("nobody") is None


def test_undo_pressed_again_walks_back_through_my_saves_and_then_stops(store, journey_id):
    stage = store.load_journey(journey_id).stage("awareness")
    store.author = "me"
    for version, thought in enumerate(["one", "two", "three"], start=1):
        store.update_stage(stage.id, version, thoughts=thought)
    thoughts = []
    while store.undo_last("me") is not None:
        thoughts.append(store.get_stage(stage.id).thoughts)
    assert thoughts == ["two", "one", ""]


def test_every_versioned_kind_is_recorded_and_restorable(store, journey_id):
    j = store.load_journey(journey_id)
    ws = j.workspace_id
    scenario = store.save_scenario(journey_id, "Loyal", {"retention": 0.5})
    metric = store.add_metric(journey_id, kpis.new_metric("conversions"))
    store.update_persona(j.persona_id, 1, channels=["Web", "Email"])
    store.update_journey(journey_id, j.version, name="Car buyer 2", spend=100.0)
    store.update_metric(metric.id, 1, target=50.0)
    store.update_scenario(scenario.id, 1, levers={"retention": 0.6})
    kinds = [r.kind for r in store.revisions(workspace_id=ws)]
    assert kinds == ["scenario", "metric", "journey", "persona"]
    for revision in store.revisions(workspace_id=ws):
        store.restore_revision(revision.id)
    assert store.get_persona(j.persona_id).channels == ["Web"]
    assert store.load_journey(journey_id).name == "Car buyer"
    assert store.scenarios(journey_id)[0].levers == {"retention": 0.5}


def test_a_revision_of_a_deleted_row_says_it_was_deleted(store, journey_id):
    moment = store.load_journey(journey_id).moments[0]
    store.update_moment(moment.id, 1, title="Renamed")
    store.delete_moment(moment.id)
    [revision] = store.revisions(kind="moment", target_id=moment.id)
    with pytest.raises(NotFoundError, match="was deleted since"):
        store.restore_revision(revision.id)


def test_history_survives_the_row_and_lives_in_the_real_file(db_path, journey_id):
    store = Store(db_path)
    persona = store.create_persona(store.workspaces()[0].id, Persona(name="Lee"))
    store.update_persona(persona.id, 1, goals="Quiet car")
    store.delete_persona(persona.id)
    [revision] = Store(db_path).revisions(kind="persona", target_id=persona.id)
    assert revision.changes == {"goals": ("", "Quiet car")}


def test_deleting_a_scenario_takes_a_snapshot_first(store, journey_id):
    scenario = store.save_scenario(journey_id, "Loyal", {"retention": 0.5})
    snapshot_id = store.delete_scenario(scenario.id)
    data = store.snapshot_data(snapshot_id)["data"]["document"]
    assert [s["name"] for s in data["journeys"][0]["scenarios"]] == ["Loyal"]
    with pytest.raises(NotFoundError):
        store.delete_scenario(scenario.id)


def test_an_unknown_scenario_field_is_refused(store, journey_id):
    scenario = store.save_scenario(journey_id, "Loyal", {"retention": 0.5})
    with pytest.raises(ValidationError, match="unknown scenario field"):
        store.update_scenario(scenario.id, 1, journey_id=3)


def test_a_deleted_event_log_is_kept_hidden_until_the_next_delete_so_it_can_be_undone(seeded):
    [log] = seeded.event_datasets(1)
    events = sum(len(chunk) for chunk in seeded.raw_events(log.id))
    seeded.delete_event_dataset(log.id)
    assert seeded.event_datasets(1) == []
    with pytest.raises(NotFoundError):
        seeded.get_event_dataset(log.id)
    seeded.restore_event_dataset(log.id)
    assert [d.id for d in seeded.event_datasets(1)] == [log.id]
    assert sum(len(chunk) for chunk in seeded.raw_events(log.id)) == events


def test_the_next_delete_removes_the_kept_event_log_for_good(seeded):
    [log] = seeded.event_datasets(1)
    copy = seeded.add_event_dataset(
        1,
        "copy",
        columns=log.columns,
        mapping=log.mapping,
        event_names=[],
        stats={
            k: getattr(log, k) for k in ("total_rows", "events_rows", "ignored_rows", "customers")
        },
        report={},
        events=[],
        customers=[],
    )
    seeded.delete_event_dataset(log.id)
    seeded.delete_event_dataset(copy)
    assert list(seeded.raw_events(log.id)) == []
    with pytest.raises(NotFoundError, match="gone for good"):
        seeded.restore_event_dataset(log.id)
    seeded.restore_event_dataset(copy)
    assert [d.name for d in seeded.event_datasets(1)] == ["copy"]


def test_undo_my_last_change_undoes_my_restore_from_the_history_then_walks_back(store, journey_id):
    """A restore is a change: "undo my last change" undoes it (it said "nothing left")."""
    stage = store.load_journey(journey_id).stage("awareness")
    store.author = "me"
    store.update_stage(stage.id, 1, thoughts="one")
    store.update_stage(stage.id, 2, thoughts="two")
    [two, _] = store.revisions(kind="stage", target_id=stage.id)
    store.restore_revision(two.id)  # from the history: back to "one"
    assert store.get_stage(stage.id).thoughts == "one"
    thoughts = []
    while (undone := store.undo_last("me")) is not None:
        thoughts.append(store.get_stage(stage.id).thoughts)
        assert undone.restores is not None
    assert thoughts == ["two", "one", ""]


def test_undo_never_overwrites_a_colleagues_later_save_of_the_same_field(store, journey_id):
    stage = store.load_journey(journey_id).stage("awareness")
    store.author = "alice"
    store.update_stage(stage.id, 1, thoughts="ALICE")
    store.author = "bob"
    store.update_stage(stage.id, 2, thoughts="BOB")
    before = store.revisions(kind="stage", target_id=stage.id)
    with pytest.raises(ChangedSinceError) as refused:
        store.undo_last("alice")
    assert (refused.value.fields, refused.value.authors) == (["thoughts"], ["bob"])
    assert store.get_stage(stage.id).thoughts == "BOB"  # nothing written
    assert store.revisions(kind="stage", target_id=stage.id) == before
    assert editing.changed_since_text(refused.value) == (
        "Not put back: Thoughts of stage Awareness changed since, saved by bob; putting the "
        "old value back would overwrite that save. Nothing was changed. Restore the later saves "
        "first (newest first, in Workspace and history) or edit the field by hand."
    )


def test_a_history_restore_under_a_later_save_is_refused_until_that_save_is_restored(
    store, journey_id
):
    stage = store.load_journey(journey_id).stage("awareness")
    store.author = "alice"
    store.update_stage(stage.id, 1, thoughts="ALICE", duration_days=3.0)
    store.author = "bob"
    store.update_stage(stage.id, 2, thoughts="BOB")
    alices, bobs = reversed(store.revisions(kind="stage", target_id=stage.id))
    with pytest.raises(ChangedSinceError):
        store.restore_revision(alices.id)
    store.restore_revision(bobs.id)  # newest first: then Alice's can be put back
    store.restore_revision(alices.id)
    now = store.get_stage(stage.id)
    assert (now.thoughts, now.duration_days) == (stage.thoughts, stage.duration_days)


def test_undo_keeps_a_colleagues_later_save_of_another_field(store, journey_id):
    stage = store.load_journey(journey_id).stage("awareness")
    store.author = "alice"
    store.update_stage(stage.id, 1, thoughts="ALICE")
    store.author = "bob"
    store.update_stage(stage.id, 2, duration_days=9.0)
    store.undo_last("alice")
    now = store.get_stage(stage.id)
    assert (now.thoughts, now.duration_days) == (stage.thoughts, 9.0)
