"""Event logs imported for a journey: stored whole or not at all, figures read back, remapped."""

import pathlib

import pytest

from journey import events, observed
from journey.events import ColumnChoice, EventError, Mapping
from journey.model import ConflictError
from tests.conftest import dump

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "car-buying-events.csv"
COLUMNS = ColumnChoice("customer_id", "timestamp", "event", "value", "segment")


def sample_mapping() -> Mapping:
    names = [n for n, _ in events.event_counts(SAMPLE, COLUMNS)]
    return events.guess_mapping(names)


def test_the_sample_log_is_stored_with_its_events_summaries_and_report(store, journey_id):
    dataset_id = observed.import_events(store, journey_id, SAMPLE, COLUMNS, sample_mapping())
    dataset = store.get_event_dataset(dataset_id)
    rows = sum(len(chunk) for chunk in store.raw_events(dataset_id))
    assert rows == dataset.total_rows == 2713  # every event kept, mapped or not
    assert dataset.events_rows + dataset.ignored_rows == dataset.total_rows
    assert len(store.customer_summaries(dataset_id)) == dataset.customers == 400
    assert dataset.report["customers"] == 400
    assert dataset.columns == {
        "customer": "customer_id",
        "timestamp": "timestamp",
        "event": "event",
        "value": "value",
        "segment": "segment",
        "insert_id": None,
        "fallback_customer": None,
    }
    assert "email_open" in [n for n, _ in dataset.event_names]


def test_figures_set_the_map_s_estimates_beside_the_observed(store, journey_id):
    journey = store.load_journey(journey_id)
    for stage, days in zip(journey.stages, [14, 30, 7, 1460, 365], strict=True):
        store.update_stage(stage.id, stage.version, duration_days=float(days))
    dataset_id = observed.import_events(store, journey_id, SAMPLE, COLUMNS, sample_mapping())
    figures = observed.figures(store, dataset_id, store.load_journey(journey_id))
    rows = {r["stage"]: r for r in figures["estimated_vs_observed"]}
    assert [r["estimated_days"] for r in rows.values()] == [14, 30, 7, 1460, 365]
    for r in rows.values():
        if r["ratio"] is not None:
            assert r["ratio"] == pytest.approx(r["observed_days"] / r["estimated_days"])
            assert r["flag"] == (r["ratio"] > 2 or r["ratio"] < 0.5)
    assert figures["dataset"]["name"] == "car-buying-events.csv"


def test_a_bad_log_writes_nothing(store, journey_id, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,timestamp,event\nc1,yesterday,purchase\nc2,2026-01-01,visit\n")
    before = dump(store)
    with pytest.raises(EventError, match="1 row of column 'timestamp' could not be read"):
        observed.import_events(
            store,
            journey_id,
            bad,
            ColumnChoice("customer_id", "timestamp", "event"),
            Mapping({"purchase": "decision"}, {"purchase"}),
        )
    with pytest.raises(EventError, match="purchase"):
        observed.import_events(
            store, journey_id, SAMPLE, COLUMNS, Mapping({"site_visit": "awareness"}, set())
        )
    assert dump(store) == before


def test_an_import_that_fails_half_way_through_storing_leaves_nothing(
    store, journey_id, monkeypatch
):
    real = observed._event_rows

    def failing(reader, total, progress):
        for n, chunk in enumerate(real(reader, total, progress)):
            if n == 1:
                raise OSError("disk full")
            yield chunk

    monkeypatch.setattr(observed, "_event_rows", failing)
    small_batches = events.EventLog.events

    def tiny(self, *args, **kwargs):
        return small_batches(self, 500, **kwargs)

    monkeypatch.setattr(events.EventLog, "events", tiny)
    before = dump(store)
    with pytest.raises(OSError, match="disk full"):
        observed.import_events(store, journey_id, SAMPLE, COLUMNS, sample_mapping())
    # the staged rows are gone; only AUTOINCREMENT remembers that an id was taken
    assert without_sequence(dump(store)) == without_sequence(before)


def without_sequence(lines: list[str]) -> list[str]:
    return [line for line in lines if "sqlite_sequence" not in line]


def test_remapping_recomputes_from_the_stored_events_without_the_file(store, journey_id, tmp_path):
    copy = tmp_path / "log.csv"
    copy.write_bytes(SAMPLE.read_bytes())
    mapping = sample_mapping()
    dataset_id = observed.import_events(store, journey_id, copy, COLUMNS, mapping)
    before = store.get_event_dataset(dataset_id)
    copy.unlink()
    mapping.stages["email_open"] = "awareness"
    observed.remap(store, dataset_id, mapping)
    after = store.get_event_dataset(dataset_id)
    assert after.events_rows == before.events_rows + 249  # the email_open events
    assert after.mapping["stages"]["email_open"] == "awareness"
    assert after.version == before.version + 1
    with pytest.raises(ConflictError):
        store.replace_event_summaries(
            dataset_id,
            before.version,
            mapping={},
            stats={"events_rows": 0, "ignored_rows": 0, "customers": 0},
            report={},
            customers=[],
        )


def test_the_decision_stage_lasts_until_the_first_purchase(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "c,t,e\n"
        "a,2026-01-01T00:00:00Z,quote\n"
        "a,2026-01-04T00:00:00Z,purchase\n"
        "a,2026-03-01T00:00:00Z,login\n"
        "b,2026-01-01T00:00:00Z,quote\n"
        "b,2026-01-06T00:00:00Z,purchase\n"
        "b,2026-02-01T00:00:00Z,login\n"
    )
    summary = events.summarise(
        log,
        ColumnChoice("c", "t", "e"),
        Mapping({"quote": "decision", "purchase": "decision", "login": "retention"}, {"purchase"}),
    )
    durations = events.report(summary.customers)["stage_durations_days"]
    assert durations["decision"] == 4.0  # median of 3 and 5 days, not of 59 and 31
