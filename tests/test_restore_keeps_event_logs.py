"""Restores and replace-imports lose no event log and keep journey ids (issue 9, item 1).

Case ../shared/cases/adv-snapshot-restore-drops-event-logs: the seeded car journey (1) holds
the sample event log; restoring a snapshot of it, restoring a workspace snapshot, or importing
over its workspace used to delete the log for good (ON DELETE CASCADE).
"""

import hashlib

import pytest

from journey.storage import Store
from tests.conftest import CAR, ROOT, run_cli


def event_logs(store: Store) -> dict:
    """Every event log with what it holds: settings, report, mapping, raw events, summaries."""
    out = {}
    for d in store._rows(
        "SELECT id, journey_id, name, columns, mapping, report, total_rows "
        "FROM event_datasets ORDER BY id"
    ):
        events = hashlib.sha256(
            repr([r for chunk in store.raw_events(d["id"]) for r in chunk]).encode()
        ).hexdigest()
        summaries = hashlib.sha256(repr(store.customer_summaries(d["id"])).encode()).hexdigest()
        out[d["id"]] = {**d, "events": events, "summaries": summaries}
    return out


@pytest.fixture
def seeded_with_events(seeded: Store) -> Store:
    assert seeded.event_datasets(CAR), "the car journey ships with an event log"
    return seeded


def test_restoring_a_journey_snapshot_keeps_its_event_logs_and_so_does_the_undo(seeded_with_events):
    store = seeded_with_events
    before = event_logs(store)
    snapshot = store.snapshot_journey(1)
    stage = store.load_journey(1).stage("awareness")
    store.update_stage(stage.id, stage.version, thoughts="typed after the snapshot")
    result = store.restore_snapshot(snapshot)
    assert store.load_journey(1).stage("awareness").thoughts != "typed after the snapshot"
    assert event_logs(store) == before
    store.restore_snapshot(result.snapshot_id)
    assert store.load_journey(1).stage("awareness").thoughts == "typed after the snapshot"
    assert event_logs(store) == before


def test_a_workspace_restore_keeps_journey_ids_event_logs_and_brings_deleted_ones_back(
    seeded_with_events,
):
    store = seeded_with_events
    before_logs = event_logs(store)
    ids = [j.id for j in store.journeys(1)]
    before = store.export_workspace(1)
    snapshot = store.snapshot_workspace(1)
    store.delete_journey(ids[-1])
    store.create_journey(1, "Made after the snapshot")
    store.restore_snapshot(snapshot)
    assert [j.id for j in store.journeys(1)] == ids  # ?journey=ID links still open
    assert event_logs(store) == before_logs
    after = store.export_workspace(1)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before


def test_a_workspace_restore_keeps_a_newer_journey_that_holds_an_event_log(seeded_with_events):
    store = seeded_with_events
    snapshot = store.snapshot_workspace(1)
    newer = store.create_journey(1, "Made after the snapshot").id
    with store.write() as conn:
        conn.execute("UPDATE event_datasets SET journey_id = ? WHERE journey_id = 1", [newer])
    logs = event_logs(store)
    result = store.restore_snapshot(snapshot)
    assert result.kept == [newer]
    assert newer in [j.id for j in store.journeys(1)]
    assert event_logs(store) == logs


def test_importing_over_a_workspace_keeps_same_named_journeys_with_their_ids_and_logs(
    seeded_with_events,
):
    store = seeded_with_events
    logs = event_logs(store)
    doc = store.export_workspace(1)
    doc["journeys"] = doc["journeys"][:1]  # only the car journey, edited
    doc["journeys"][0]["stages"][0]["thoughts"] = "from the file"
    result = store.import_document(doc, workspace_id=1, replace=True)
    assert result.journeys == [1]
    assert [j.id for j in store.journeys(1)] == [1]
    assert store.load_journey(1).stage("awareness").thoughts == "from the file"
    assert event_logs(store) == logs


def test_import_replace_from_the_command_line_keeps_the_event_log_and_says_so(seeded_db):
    db = seeded_db
    before = event_logs(Store(db))
    result = run_cli(
        "import",
        str(ROOT / "sample_data" / "online-shop.json"),
        "--workspace",
        "1",
        "--replace",
        db=db,
    )
    assert result.returncode == 0, result.stderr
    assert "kept journey(s) 1: they hold event logs" in result.stdout
    assert event_logs(Store(db)) == before
    report = run_cli("events", "report", "--journey", "1", db=db)
    assert report.returncode == 0, report.stderr


def test_snapshot_then_restore_from_the_command_line_keeps_the_event_log(seeded_db):
    db = seeded_db
    before = event_logs(Store(db))
    assert run_cli("snapshot", "--journey", "1", db=db).stdout.strip() == "snapshot 1 saved"
    assert run_cli("restore", "1", db=db).returncode == 0
    assert run_cli("restore", "2", db=db).returncode == 0  # the undo
    assert event_logs(Store(db)) == before
    assert run_cli("events", "report", "--journey", "1", db=db).returncode == 0


def test_an_old_workspace_snapshot_without_ids_matches_journeys_by_name(seeded_with_events):
    store = seeded_with_events
    logs = event_logs(store)
    doc = store.export_workspace(1)
    with store.write():
        old = store._save_snapshot(
            "workspace", 1, 1, "old", "made by the first release", {"document": doc}
        )
    store.restore_snapshot(old)
    assert [j.id for j in store.journeys(1)] == [1, 2, 3]
    assert event_logs(store) == logs


def test_a_journey_kept_for_its_event_logs_keeps_its_persona_after_a_replace_import(
    seeded_with_events,
):
    store = seeded_with_events
    persona_id = store.load_journey(1).persona_id
    persona = store.get_persona(persona_id)
    doc = store.export_workspace(1)
    doc["journeys"] = [j for j in doc["journeys"] if j["name"] != store.load_journey(1).name]
    result = store.import_document(doc, workspace_id=1, replace=True)
    assert result.kept == [1]
    assert store.load_journey(1).persona_id == persona_id
    assert store.get_persona(persona_id).name == persona.name
