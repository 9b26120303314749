"""Storage on a real SQLite file: schema, round trips, conflicts, snapshots, rollback."""

import sqlite3

import pytest

from journey import exchange
from journey.model import (
    ConflictError,
    Metric,
    MetricValue,
    Moment,
    NotFoundError,
    Persona,
    RestoreResult,
    StorageError,
    Touchpoint,
    ValidationError,
)
from journey.storage import Store
from tests.conftest import dump

TEXT, INT, REAL = "TEXT", "INTEGER", "REAL"
VERSIONED = {"version": INT, "updated_at": TEXT}
EXPECTED_SCHEMA = {
    "workspaces": {
        "id": INT,
        "name": TEXT,
        "description": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "personas": {
        "id": INT,
        "workspace_id": INT,
        "name": TEXT,
        "role": TEXT,
        "age_range": TEXT,
        "goals": TEXT,
        "motivations": TEXT,
        "pain_points": TEXT,
        "channels": TEXT,
        "quote": TEXT,
        "notes": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "journeys": {
        "id": INT,
        "workspace_id": INT,
        "persona_id": INT,
        "name": TEXT,
        "description": TEXT,
        "entrants": REAL,
        "order_value": REAL,
        "purchases_per_period": REAL,
        "margin": REAL,
        "retention": REAL,
        "discount_rate": REAL,
        "spend": REAL,
        "period_days": REAL,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "stages": {
        "id": INT,
        "journey_id": INT,
        "stage": TEXT,
        "position": INT,
        "label": TEXT,
        "customer_goal": TEXT,
        "customer_actions": TEXT,
        "business_actions": TEXT,
        "thoughts": TEXT,
        "emotion": INT,
        "duration_days": REAL,
        "conversion": REAL,
        **VERSIONED,
    },
    "touchpoints": {
        "id": INT,
        "stage_id": INT,
        "position": INT,
        "channel": TEXT,
        "description": TEXT,
    },
    "moments": {
        "id": INT,
        "stage_id": INT,
        "kind": TEXT,
        "title": TEXT,
        "description": TEXT,
        "severity": INT,
        "channel": TEXT,
        "action": TEXT,
        "owner": TEXT,
        "status": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "metrics": {
        "id": INT,
        "journey_id": INT,
        "position": INT,
        "key": TEXT,
        "name": TEXT,
        "side": TEXT,
        "unit": TEXT,
        "target": REAL,
        "direction": TEXT,
        **VERSIONED,
    },
    "metric_values": {"id": INT, "metric_id": INT, "date": TEXT, "value": REAL},
    "scenarios": {
        "id": INT,
        "journey_id": INT,
        "name": TEXT,
        "levers": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "snapshots": {
        "id": INT,
        "kind": TEXT,
        "target_id": INT,
        "workspace_id": INT,
        "title": TEXT,
        "reason": TEXT,
        "created_at": TEXT,
        "data": TEXT,
    },
    # m002: observed timeframes
    "event_datasets": {
        "id": INT,
        "journey_id": INT,
        "name": TEXT,
        "columns": TEXT,
        "mapping": TEXT,
        "event_names": TEXT,
        "total_rows": INT,
        "events_rows": INT,
        "ignored_rows": INT,
        "customers": INT,
        "report": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
        "deleted_at": TEXT,  # m003: kept for undo until the next delete
        # m005: imports staged, then published
        "state": TEXT,
        "staged_from": INT,
        "staged_to": INT,
    },
    "events": {
        "dataset_id": INT,
        "customer_id": TEXT,
        "ts": TEXT,
        "event": TEXT,
        "value": REAL,
        "segment": TEXT,
    },
    "customer_summaries": {
        "dataset_id": INT,
        "customer_id": TEXT,
        "first_seen": TEXT,
        "last_seen": TEXT,
        "entered_awareness": TEXT,
        "entered_consideration": TEXT,
        "entered_decision": TEXT,
        "entered_retention": TEXT,
        "entered_advocacy": TEXT,
        "first_purchase": TEXT,
        "purchase_count": INT,
        "reached_stage": INT,
        "segment": TEXT,
        "value_total": REAL,
    },
    # m003: every save, undoable
    "revisions": {
        "id": INT,
        "kind": TEXT,
        "target_id": INT,
        "journey_id": INT,
        "workspace_id": INT,
        "title": TEXT,
        "author": TEXT,
        "created_at": TEXT,
        "changes": TEXT,
        "restores": INT,
        "undo_of": INT,  # m008: made by "undo my last change"
    },
    # m006: dot voting
    "votes": {
        "id": INT,
        "journey_id": INT,
        "dots": INT,
        "status": TEXT,
        "hidden": INT,
        "viewers_may_vote": INT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
    "vote_dots": {
        "id": INT,
        "vote_id": INT,
        "moment_id": INT,
        "participant": TEXT,
        "created_at": TEXT,
    },
    # m007: comments on stages and moments
    "comments": {
        "id": INT,
        "journey_id": INT,
        "stage_id": INT,
        "moment_id": INT,
        "author": TEXT,
        "text": TEXT,
        "version": INT,
        "created_at": TEXT,
        "updated_at": TEXT,
    },
}


def test_a_blank_database_migrates_to_the_documented_schema(store):
    assert store.schema() == EXPECTED_SCHEMA


def test_migrations_are_recorded_and_reopening_applies_nothing_new(db_path):
    Store(db_path).close()
    again = Store(db_path)
    names = [r["name"] for r in again.db["_sqlite_migrations"].rows]
    assert names == [
        "m001_initial",
        "m002_event_datasets",
        "m003_revisions",
        "m004_spend_not_entered",
        "m005_event_import_state",
        "m006_votes",
        "m007_comments",
        "m008_revision_undo",
    ]


def test_migration_4_makes_spend_optional_and_a_spend_of_0_from_before_means_not_entered(db_path):
    from sqlite_utils import Database

    from journey.storage import migrations

    old = Database(db_path)
    migrations.apply(old, stop_before="m004_spend_not_entered")
    ws = old["workspaces"].insert({"name": "Old", "created_at": "x", "updated_at": "x"}).last_pk
    for name, spend in (("none entered", 0.0), ("some", 500.0)):
        old["journeys"].insert(
            {"workspace_id": ws, "name": name, "spend": spend, "created_at": "x", "updated_at": "x"}
        )
    old.conn.commit()
    old.close()
    store = Store(db_path)
    assert [store.load_journey(j.id).assumptions.spend for j in store.journeys()] == [
        None,
        500.0,
    ]
    assert store.integrity_check() == "ok"
    j = store.create_journey(ws, "zero spend")
    store.update_journey(j.id, j.version, spend=0.0)
    assert store.load_journey(j.id).assumptions.spend == 0.0


def test_a_database_made_by_the_first_release_opens_and_upgrades(db_path):
    """A file with only migration 1 applied (what release 0.1 made) gains the new tables."""
    from sqlite_utils import Database

    from journey.storage import migrations

    old = Database(db_path)
    migrations.apply(old, stop_before="m002_event_datasets")
    old.execute("INSERT INTO workspaces (name, created_at, updated_at) VALUES ('Old', 'x', 'x')")
    old.conn.commit()
    old.close()
    upgraded = Store(db_path)
    assert "event_datasets" in upgraded.schema()
    assert [w.name for w in upgraded.workspaces()] == ["Old"]


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_a_new_journey_has_five_blank_stages_in_order(store):
    ws = store.create_workspace("Acme")
    j = store.create_journey(ws.id, "First")
    assert [(s.stage, s.label, s.position) for s in j.stages] == [
        ("awareness", "Awareness", 0),
        ("consideration", "Consideration", 1),
        ("decision", "Decision", 2),
        ("retention", "Retention", 3),
        ("advocacy", "Advocacy", 4),
    ]


def test_journeys_are_listed_with_persona_and_counts(store, journey_id):
    [row] = store.journeys()
    assert {
        k: getattr(row, k)
        for k in ("id", "name", "persona", "stages", "friction_points", "key_points")
    } == {
        "id": journey_id,
        "name": "Car buyer",
        "persona": "Pat",
        "stages": 5,
        "friction_points": 1,
        "key_points": 0,
    }


def test_a_stage_edit_round_trips_and_bumps_the_version(store, journey_id):
    stage = store.load_journey(journey_id).stage("consideration")
    store.update_stage(
        stage.id,
        stage.version,
        customer_goal="Compare models",
        emotion=-1,
        duration_days=30.0,
        conversion=0.4,
        touchpoints=[Touchpoint("Web", "reviews"), {"channel": "Dealership"}],
    )
    again = store.load_journey(journey_id).stage("consideration")
    assert (
        again.customer_goal,
        again.emotion,
        again.duration_days,
        again.conversion,
        again.version,
    ) == ("Compare models", -1, 30.0, 0.4, stage.version + 1)
    assert [(t.channel, t.description) for t in again.touchpoints] == [
        ("Web", "reviews"),
        ("Dealership", ""),
    ]


def test_a_stale_stage_edit_is_refused_with_both_values_and_writes_nothing(store, journey_id):
    stage = store.load_journey(journey_id).stage("decision")
    store.update_stage(stage.id, stage.version, thoughts="Is the loan fair?")
    before = dump(store)
    with pytest.raises(ConflictError) as info:
        store.update_stage(
            stage.id, stage.version, thoughts="Which colour?", touchpoints=[Touchpoint("Phone")]
        )
    assert info.value.fields == ["thoughts"]
    assert info.value.current["thoughts"] == "Is the loan fair?"
    assert info.value.yours["thoughts"] == "Which colour?"
    assert dump(store) == before


def test_an_invalid_stage_edit_raises_and_writes_nothing(store, journey_id):
    stage = store.load_journey(journey_id).stage("decision")
    before = dump(store)
    with pytest.raises(ValidationError, match=r"emotion: 3 is outside -2\.\.2"):
        store.update_stage(stage.id, stage.version, emotion=3)
    with pytest.raises(ValidationError, match="unknown stage field"):
        store.update_stage(stage.id, stage.version, colour="red")
    assert dump(store) == before


def test_a_workspace_edit_of_an_unknown_field_is_refused_and_writes_nothing(store):
    ws = store.create_workspace("Acme")
    before = dump(store)
    with pytest.raises(ValidationError, match="unknown workspace field"):
        store.update_workspace(ws.id, ws.version, id=99, name="Renamed")
    assert dump(store) == before
    store.update_workspace(ws.id, ws.version, name="Renamed")
    assert store.get_workspace(ws.id).name == "Renamed"


def test_personas_can_be_edited_duplicated_and_deleted_then_restored(store):
    ws = store.create_workspace("Acme")
    p = store.create_persona(ws.id, Persona(name="Pat", goals="Safe car", channels=["Web"]))
    j = store.create_journey(ws.id, "J", persona_id=p.id)
    store.update_persona(p.id, 1, goals="Safe, cheap car", channels=["Web", "Dealership"])
    copy = store.duplicate_persona(p.id)
    assert (copy.name, copy.goals) == ("Pat (copy)", "Safe, cheap car")
    snapshot_id = store.delete_persona(p.id)
    assert store.load_journey(j.id).persona_id is None
    store.restore_snapshot(snapshot_id)
    restored = store.get_persona(p.id)
    assert (restored.name, restored.channels) == ("Pat", ["Web", "Dealership"])
    assert store.load_journey(j.id).persona_id == p.id


def test_a_stale_persona_edit_is_a_conflict(store):
    ws = store.create_workspace("Acme")
    p = store.create_persona(ws.id, Persona(name="Pat"))
    store.update_persona(p.id, 1, quote="I want it now")
    with pytest.raises(ConflictError, match="quote is now 'I want it now'"):
        store.update_persona(p.id, 1, quote="Take your time")


def test_an_edit_of_a_deleted_row_says_it_was_deleted(store, journey_id):
    moment = store.load_journey(journey_id).moments[0]
    store.delete_moment(moment.id)
    with pytest.raises(NotFoundError):
        store.update_moment(moment.id, moment.version, title="x")


def test_moments_are_added_edited_moved_and_deleted_with_a_snapshot(store, journey_id):
    j = store.load_journey(journey_id)
    key = store.add_moment(
        j.stage("advocacy").id,
        Moment(kind="key", title="Referral bonus", severity=5, action="Offer 100 EUR"),
    )
    store.update_moment(key.id, key.version, status="in progress", stage_id=j.stage("retention").id)
    moved = store.get_moment(key.id)
    assert (moved.stage, moved.status, moved.version) == ("retention", "in progress", 2)
    snapshot_id = store.delete_moment(key.id)
    assert [m.title for m in store.load_journey(journey_id).moments] == ["Financing is slow"]
    store.restore_snapshot(snapshot_id)
    assert sorted(m.title for m in store.load_journey(journey_id).moments) == [
        "Financing is slow",
        "Referral bonus",
    ]


def test_deleting_a_journey_snapshots_it_and_restore_brings_it_back_under_its_id(store, journey_id):
    before = store.export_journey(journey_id)
    snapshot_id = store.delete_journey(journey_id)
    with pytest.raises(NotFoundError):
        store.load_journey(journey_id)
    result = store.restore_snapshot(snapshot_id)
    assert result == RestoreResult("journey", journey_id, snapshot_id=None, kept=[])
    after = store.export_journey(journey_id)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def test_restoring_over_a_live_journey_snapshots_it_first_so_it_can_be_undone(store, journey_id):
    first = store.snapshot_journey(journey_id)
    stage = store.load_journey(journey_id).stage("awareness")
    store.update_stage(stage.id, stage.version, thoughts="changed after the snapshot")
    result = store.restore_snapshot(first)
    assert store.load_journey(journey_id).stage("awareness").thoughts == ""
    store.restore_snapshot(result.snapshot_id)
    assert (
        store.load_journey(journey_id).stage("awareness").thoughts == "changed after the snapshot"
    )


def test_deleting_a_workspace_can_be_undone(store, journey_id):
    ws_id = store.load_journey(journey_id).workspace_id
    before = store.export_workspace(ws_id)
    snapshot_id = store.delete_workspace(ws_id)
    assert store.workspaces() == []
    store.restore_snapshot(snapshot_id)
    after = store.export_workspace(ws_id)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def test_import_over_a_workspace_replaces_it_after_a_snapshot(store, journey_id):
    ws_id = store.load_journey(journey_id).workspace_id
    original = store.export_workspace(ws_id)
    other = store.create_workspace("Other")
    store.create_journey(other.id, "Replacement")
    result = store.import_document(
        store.export_workspace(other.id), workspace_id=ws_id, replace=True
    )
    assert [j.name for j in store.journeys(ws_id)] == ["Replacement"]
    store.restore_snapshot(result.snapshot_id)
    restored = store.export_workspace(ws_id)
    original.pop("exported_at"), restored.pop("exported_at")
    assert restored == original


def test_a_write_that_fails_half_way_rolls_back_completely(store, journey_id, monkeypatch):
    doc = store.export_workspace(store.load_journey(journey_id).workspace_id)
    doc["journeys"][0]["stages"][3]["emotion"] = 9  # only SQLite's CHECK will catch it
    monkeypatch.setattr(exchange, "_check_schema", lambda doc: None)
    monkeypatch.setattr(exchange, "validate_journey", lambda j: None)
    before = dump(store)
    with pytest.raises(sqlite3.IntegrityError):
        store.import_document(doc)  # workspace, persona and three stages written by then
    assert dump(store) == before


def test_metrics_hold_dated_values_and_keys_are_unique_per_journey(store, journey_id):
    m = store.add_metric(
        journey_id,
        Metric(
            key="nps",
            name="NPS",
            side="customer",
            target=40,
            values=[MetricValue("2026-01-01", 31.0)],
        ),
    )
    store.add_metric_values(
        m.id, [MetricValue("2026-02-01", 35.0), MetricValue("2026-03-01", 38.0)]
    )
    [loaded] = store.load_journey(journey_id).metrics
    assert [(v.date, v.value) for v in loaded.values] == [
        ("2026-01-01", 31.0),
        ("2026-02-01", 35.0),
        ("2026-03-01", 38.0),
    ]
    with pytest.raises(ValidationError, match="already has a metric 'nps'"):
        store.add_metric(journey_id, Metric(key="nps", name="Again", side="customer"))
    before = dump(store)
    with pytest.raises(ValidationError, match=r"values\[1\].date"):
        store.add_metric_values(m.id, [MetricValue("2026-04-01", 1.0), MetricValue("April", 2.0)])
    assert dump(store) == before


def test_scenarios_are_saved_by_name_and_versioned(store, journey_id):
    s = store.save_scenario(journey_id, "Faster decisions", {"duration_decision": 3.0})
    with pytest.raises(ValidationError, match="already exists"):
        store.save_scenario(journey_id, "Faster decisions", {})
    store.update_scenario(s.id, 1, levers={"duration_decision": 2.0})
    with pytest.raises(ConflictError):
        store.update_scenario(s.id, 1, levers={"duration_decision": 1.0})
    assert [(x.name, x.levers) for x in store.scenarios(journey_id)] == [
        ("Faster decisions", {"duration_decision": 2.0})
    ]


def test_an_online_backup_restores_to_the_same_contents(store, journey_id, tmp_path):
    backup = store.backup(tmp_path / "backups" / "b.db")
    before = store.export_workspace(1)
    store.delete_journey(journey_id)
    kept = store.restore_backup(backup, tmp_path / "backups" / "before-restore.db")
    after = store.export_workspace(1)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before
    assert store.integrity_check() == "ok"
    assert Store(kept).journeys() == []  # what the restore replaced, kept


def test_restoring_from_a_file_that_is_not_a_database_is_refused(store, tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello")
    with pytest.raises(StorageError, match="not a SQLite database"):
        store.restore_backup(bogus, tmp_path / "kept.db")
    assert not (tmp_path / "kept.db").exists()


def test_ids_of_deleted_rows_are_never_reused(store, journey_id):
    """Else a stale edit of a deleted moment could land on a new one with its id."""
    stage = store.load_journey(journey_id).stage("awareness")
    first = store.add_moment(stage.id, Moment(kind="key", title="First"))
    store.delete_moment(first.id)
    second = store.add_moment(stage.id, Moment(kind="key", title="Second"))
    assert second.id > first.id
    with pytest.raises(NotFoundError):
        store.update_moment(first.id, first.version, title="stale edit")
    assert store.get_moment(second.id).title == "Second"


def test_stage_durations_of_a_whole_workspace_come_in_one_call(store, journey_id):
    stage = store.load_journey(journey_id).stage("decision")
    store.update_stage(stage.id, stage.version, duration_days=7.0)
    ws = store.load_journey(journey_id).workspace_id
    assert store.stage_durations(ws) == {
        journey_id: {
            "awareness": 0.0,
            "consideration": 0.0,
            "decision": 7.0,
            "retention": 0.0,
            "advocacy": 0.0,
        }
    }


def test_a_taken_metric_key_or_scenario_name_is_a_validation_error_naming_its_field(
    store, journey_id
):
    store.add_metric(journey_id, Metric(key="nps", name="NPS", side="customer"))
    store.save_scenario(journey_id, "Loyal", {})
    before = dump(store)
    with pytest.raises(ValidationError) as metric:
        store.add_metric(journey_id, Metric(key="nps", name="Again", side="customer"))
    with pytest.raises(ValidationError) as scenario:
        store.save_scenario(journey_id, "Loyal", {"retention": 0.8})
    assert (metric.value.path, scenario.value.path) == ("key", "name")
    assert metric.value.__cause__ is None and metric.value.__suppress_context__
    assert scenario.value.__cause__ is None and scenario.value.__suppress_context__
    assert dump(store) == before


def test_deleting_a_metric_or_scenario_snapshots_its_journey_and_restore_brings_it_back(
    store, journey_id
):
    store.add_metric(journey_id, Metric(key="nps", name="NPS", side="customer"))
    scenario = store.save_scenario(journey_id, "Loyal", {"retention": 0.8})
    [metric] = store.load_journey(journey_id).metrics
    metric_snapshot = store.delete_metric(metric.id)
    scenario_snapshot = store.delete_scenario(scenario.id)
    assert store.load_journey(journey_id).metrics == [] and store.scenarios(journey_id) == []
    reasons = {s.id: s.reason for s in store.snapshots(journey_id=journey_id)}
    assert reasons[metric_snapshot] == "before deleting metric 'NPS'"
    assert reasons[scenario_snapshot] == "before deleting scenario 'Loyal'"
    store.restore_snapshot(scenario_snapshot)
    assert [m.key for m in store.load_journey(journey_id).metrics] == []
    assert [s.name for s in store.scenarios(journey_id)] == ["Loyal"]
    store.restore_snapshot(metric_snapshot)
    assert [m.key for m in store.load_journey(journey_id).metrics] == ["nps"]
