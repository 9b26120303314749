"""The exchange format: lossless round trips, and bad files rejected with nothing written."""

import copy
import json
import pathlib

import jsonschema
import pytest

from journey import exchange
from journey.model import Metric, MetricValue, Moment, ValidationError
from journey.storage import Store


@pytest.fixture
def doc(store: Store, journey_id: int) -> dict:
    """A small but complete document: persona, five stages, a moment, a metric, a scenario."""
    j = store.load_journey(journey_id)
    store.add_moment(j.stage("advocacy").id, Moment(kind="key", title="Happy owners post"))
    store.add_metric(
        journey_id,
        Metric(
            key="nps",
            name="NPS",
            side="customer",
            target=40.0,
            values=[MetricValue("2026-01-01", 31.0)],
        ),
    )
    store.save_scenario(journey_id, "Loyal", {"retention": 0.8})
    return store.export_workspace(j.workspace_id)


def files_of(path: pathlib.Path) -> dict[str, bytes]:
    """The database file and its WAL, byte for byte."""
    return {
        p.name: p.read_bytes()
        for p in sorted(path.parent.glob(path.name + "*"))
        if not p.name.endswith("lock")
    }


def without_time(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def test_export_import_export_is_identical_but_for_the_export_time(doc, tmp_path):
    fresh = Store(tmp_path / "empty.db")
    result = fresh.import_document(json.loads(exchange.dumps(doc)))
    again = fresh.export_workspace(result.workspace_id)
    assert without_time(again) == without_time(doc)


def test_every_export_satisfies_the_published_json_schema(doc):
    schema = json.loads(exchange.SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema)


def test_importing_into_an_existing_workspace_adds_its_journeys(store, doc):
    result = store.import_document(doc, workspace_id=1)
    assert result.workspace_id == 1
    assert [j.name for j in store.journeys(1)] == ["Car buyer", "Car buyer"]


def test_documents_from_a_newer_release_are_refused_with_a_clear_message(doc):
    doc["format_version"] = 3
    with pytest.raises(ValidationError, match="written by a newer Journey Lab"):
        exchange.parse_document(doc)


def mutate(fn):
    def apply(doc):
        fn(doc)
        return json.dumps(doc).encode()

    return apply


def j0(doc):
    return doc["journeys"][0]


BAD_FILES = {
    "broken JSON": (lambda d: b'{"format": "journey-lab",', "not valid JSON: "),
    "not an object": (lambda d: b"[1, 2, 3]", "expected a JSON object at the top"),
    "not UTF-8": (lambda d: b'{"format": "\xff"}', "not UTF-8 text"),
    "wrong format": (mutate(lambda d: d.update(format="trello")), "format: not a Journey Lab file"),
    "wrong version": (
        mutate(lambda d: d.update(format_version=99)),
        "format_version: format version 99 was written by a newer",
    ),
    "version as text": (
        mutate(lambda d: d.update(format_version="1")),
        "format_version: must be 2, got '1'",
    ),
    "missing workspace": (
        mutate(lambda d: d.pop("workspace")),
        "missing required field 'workspace'",
    ),
    "missing journey name": (
        mutate(lambda d: j0(d).pop("name")),
        "journeys[0]: missing required field 'name'",
    ),
    "wrong type": (
        mutate(lambda d: j0(d)["stages"][2].update(emotion="high")),
        "journeys[0].stages[2].emotion: expected an integer, got text",
    ),
    "emotion out of range": (
        mutate(lambda d: j0(d)["stages"][2].update(emotion=7)),
        "journeys[0].stages[2].emotion: 7 is outside -2..2",
    ),
    "conversion out of range": (
        mutate(lambda d: j0(d)["stages"][0].update(conversion=1.5)),
        "journeys[0].stages[0].conversion: 1.5 is outside 0..1",
    ),
    "negative duration": (
        mutate(lambda d: j0(d)["stages"][1].update(duration_days=-3)),
        "journeys[0].stages[1].duration_days: -3 is below 0",
    ),
    "not a number": (
        lambda d: (
            exchange.dumps(d).replace('"duration_days": 0.0', '"duration_days": NaN', 1).encode()
        ),
        "journeys[0].stages[0].duration_days: NaN is not a number JSON allows",
    ),
    "unknown stage": (
        mutate(lambda d: j0(d)["stages"][2].update(stage="purchase")),
        "journeys[0].stages[2].stage: 'purchase' is not one of awareness",
    ),
    "duplicate stage": (
        mutate(lambda d: j0(d)["stages"][4].update(stage="decision")),
        "journeys[0].stages[4].stage: the decision stage appears twice",
    ),
    "four stages": (
        mutate(lambda d: j0(d)["stages"].pop()),
        "journeys[0].stages: expected exactly 5 stages, got 4",
    ),
    "unknown field": (
        mutate(lambda d: j0(d).update(colour="red")),
        "journeys[0]: unknown field 'colour'",
    ),
    "duplicate persona ids": (
        mutate(lambda d: d["personas"].append(copy.deepcopy(d["personas"][0]))),
        "personas[1].id: duplicate persona id 'persona-1'",
    ),
    "dangling persona": (
        mutate(lambda d: j0(d).update(persona="persona-9")),
        "journeys[0].persona: no persona with id 'persona-9' in this file",
    ),
    "empty persona name": (
        mutate(lambda d: d["personas"][0].update(name="")),
        "personas[0].name: must not be empty",
    ),
    "huge string": (
        mutate(lambda d: j0(d)["stages"][0].update(thoughts="x" * 20_000)),
        "journeys[0].stages[0].thoughts: is 20,000 characters long; the limit is 10,000",
    ),
    "severity out of range": (
        mutate(lambda d: j0(d)["stages"][2]["moments"][0].update(severity=0)),
        "journeys[0].stages[2].moments[0].severity: 0 is outside 1..5",
    ),
    "bad date": (
        mutate(lambda d: j0(d)["metrics"][0]["values"][0].update(date="April")),
        "journeys[0].metrics[0].values[0].date: 'April' is not a date (YYYY-MM-DD)",
    ),
    "impossible date": (
        mutate(lambda d: j0(d)["metrics"][0]["values"][0].update(date="2026-02-30")),
        "journeys[0].metrics[0].values[0].date: '2026-02-30' is not a date",
    ),
    "duplicate metric": (
        mutate(lambda d: j0(d)["metrics"].append(copy.deepcopy(j0(d)["metrics"][0]))),
        "journeys[0].metrics[1].key: metric key 'nps' appears twice",
    ),
    "lever not a number": (
        mutate(lambda d: j0(d)["scenarios"][0]["levers"].update(retention="high")),
        "journeys[0].scenarios[0].levers.retention: expected a number",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_rejected_with_its_message_and_the_database_unchanged(
    case, store, doc, db_path, tmp_path
):
    make, message = BAD_FILES[case]
    path = tmp_path / "bad.json"
    path.write_bytes(make(copy.deepcopy(doc)))
    before = files_of(db_path)
    with pytest.raises(ValidationError) as info:
        store.import_document(exchange.load_document(path))
    assert message in str(info.value)
    assert files_of(db_path) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(" " * 2000)
    with pytest.raises(ValidationError, match="the limit is 0 MB"):
        exchange.load_document(path)


def test_csv_exports_have_a_row_per_stage_moment_and_metric_value(store, doc, journey_id):
    j = store.load_journey(journey_id)
    stages = exchange.stages_csv(j).splitlines()
    assert stages[0].startswith("stage,label,customer_goal")
    assert [line.split(",")[0] for line in stages[1:]] == [
        "awareness",
        "consideration",
        "decision",
        "retention",
        "advocacy",
    ]
    moments = exchange.moments_csv(j).splitlines()
    assert moments[1:] == [
        "decision,friction,Financing is slow,,4,,,,open",
        "advocacy,key,Happy owners post,,3,,,,open",
    ]
    assert exchange.metrics_csv(j).splitlines()[1:] == [
        "nps,NPS,customer,,40.0,higher,2026-01-01,31.0"
    ]
