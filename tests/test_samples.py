"""The sample journeys in sample_data/: valid, lossless, rich enough to demo, and seeding."""

from __future__ import annotations

import pytest

from journey import editing, exchange, samples
from journey.model import STAGES, NotFoundError

SLUGS = list(samples.SAMPLES)

METRIC_UNITS = {
    "leads": None,
    "website_traffic": "visits",
    "conversions": None,
    "lead_to_customer_rate": "share",
    "campaign_roi": "share",
    "clv": "EUR",
    "repeat_purchase_rate": "share",
    "csat": "score 1-5",
    "nps": "score -100..100",
    "retention_rate": "share",
}
BUYER_METRICS = {"leads", "website_traffic", "conversions", "lead_to_customer_rate", "campaign_roi"}


def moments(doc: dict, kind: str) -> list[dict]:
    return [m for s in doc["journeys"][0]["stages"] for m in s["moments"] if m["kind"] == kind]


def test_the_samples_are_the_three_shipped_files():
    assert samples.SAMPLES == {
        "car-buying": "Car buying",
        "b2b-software-trial": "B2B software trial",
        "online-shop": "Online shop",
    }
    assert sorted(p.name for p in samples.SAMPLE_DIR.glob("*.json")) == [
        "b2b-software-trial.json",
        "car-buying.json",
        "online-shop.json",
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_sample_parses_into_one_journey_with_its_persona(slug):
    parsed = exchange.parse_document(samples.load_sample(slug))
    assert list(parsed.personas) == ["persona-1"]
    assert [(ref, [s.stage for s in j.stages]) for j, ref in parsed.journeys] == [
        ("persona-1", list(STAGES))
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_sample_file_is_written_the_way_an_export_writes_it(slug):
    doc = samples.load_sample(slug)
    assert samples.sample_path(slug).read_text(encoding="utf-8") == exchange.dumps(doc)
    assert doc["exported_at"] == "2026-11-01T00:00:00+00:00"


@pytest.mark.parametrize("slug", SLUGS)
def test_importing_a_sample_and_exporting_it_again_gives_the_same_document(slug, store):
    doc = samples.load_sample(slug)
    ws_id = store.import_document(doc).workspace_id
    again = store.export_workspace(ws_id)
    doc.pop("exported_at")
    again.pop("exported_at")
    assert again == doc
    assert exchange.dumps(again) == exchange.dumps(doc)  # number types survive too


@pytest.mark.parametrize("slug", SLUGS)
def test_every_sample_uses_one_channel_vocabulary(slug):
    doc = samples.load_sample(slug)
    used = set(doc["personas"][0]["channels"])
    for stage in doc["journeys"][0]["stages"]:
        used |= {t["channel"] for t in stage["touchpoints"]}
        used |= {m["channel"] for m in stage["moments"]}
    assert used - set(editing.CHANNELS) == set()  # what the channel pickers offer


@pytest.mark.parametrize("slug", SLUGS)
def test_every_sample_uses_the_standard_metric_keys_on_their_side(slug):
    metrics = samples.load_sample(slug)["journeys"][0]["metrics"]
    assert len(metrics) >= 5
    for m in metrics:
        assert m["key"] in METRIC_UNITS
        assert m["side"] == ("buyer" if m["key"] in BUYER_METRICS else "customer")
        assert m["direction"] == "higher"
        assert METRIC_UNITS[m["key"]] in (None, m["unit"])
        assert m["target"] is not None
        dates = [v["date"] for v in m["values"]]
        assert 4 <= len(dates) <= 6
        assert dates == sorted(dates)
        assert all(d.startswith("2026-") for d in dates)
        if m["unit"] == "share" and m["key"] != "campaign_roi":
            assert all(0 <= v["value"] <= 1 for v in m["values"])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_sample_has_friction_and_key_points_and_two_scenarios(slug):
    doc = samples.load_sample(slug)
    assert len(moments(doc, "friction")) >= 3
    assert len(moments(doc, "key")) >= 3
    scenarios = doc["journeys"][0]["scenarios"]
    assert len(scenarios) == 2
    for sc in scenarios:
        assert set(sc["levers"]) <= set(doc["journeys"][0]["assumptions"])


def test_the_car_sample_fills_every_stage():
    journey = samples.load_sample("car-buying")["journeys"][0]
    assert [s["stage"] for s in journey["stages"]] == list(STAGES)
    for stage in journey["stages"]:
        for name in ("label", "customer_goal", "customer_actions", "business_actions", "thoughts"):
            assert stage[name].strip(), f"{stage['stage']}.{name} is empty"
        assert 2 <= len(stage["touchpoints"]) <= 5
    assert [s["emotion"] for s in journey["stages"]] == [0, 1, -1, 1, 2]
    assert [s["duration_days"] for s in journey["stages"]] == [14.0, 30.0, 7.0, 1460.0, 365.0]
    assert [s["conversion"] for s in journey["stages"]] == [0.35, 0.4, 0.6, 0.45, None]


def test_the_car_sample_has_four_friction_and_four_key_points_and_eight_metrics():
    doc = samples.load_sample("car-buying")
    assert len(moments(doc, "friction")) >= 4
    assert len(moments(doc, "key")) >= 4
    assert [m["key"] for m in doc["journeys"][0]["metrics"]] == [
        "leads",
        "website_traffic",
        "conversions",
        "lead_to_customer_rate",
        "campaign_roi",
        "clv",
        "repeat_purchase_rate",
        "csat",
        "nps",
        "retention_rate",
    ]


def test_the_car_persona_is_filled_in():
    persona = samples.load_sample("car-buying")["personas"][0]
    assert all(persona[k] for k in exchange.PERSONA_KEYS)
    assert persona["channels"] == ["Web", "Review sites", "Social", "Dealership", "Phone"]


def test_an_unknown_sample_is_refused_with_the_names_of_the_real_ones():
    with pytest.raises(NotFoundError) as e:
        samples.load_sample("bike-shop")
    assert str(e.value) == (
        "there is no sample called 'bike-shop'; the samples are "
        "car-buying, b2b-software-trial, online-shop"
    )


def test_seeding_an_empty_database_makes_one_workspace_with_the_three_journeys(store):
    ws_id = samples.seed(store)
    assert [(w.id, w.name, w.description) for w in store.workspaces()] == [
        (
            ws_id,
            "Sample workspace",
            "The journeys that ship with Journey Lab: edit freely, or start your own workspace.",
        )
    ]
    rows = store.journeys(ws_id)
    assert [(r.name, r.persona, r.stages) for r in rows] == [
        ("Buying a family car", "Maya Hoffmann", 5),
        ("Free trial to yearly subscription", "Daniel Okafor", 5),
        ("Buying sustainable clothing online", "Priya Nair", 5),
    ]


def test_the_seeded_journeys_are_the_sample_journeys(store):
    ws_id = samples.seed(store)
    exported = store.export_workspace(ws_id)
    expected = []
    for n, slug in enumerate(SLUGS, start=1):
        journey = samples.load_sample(slug)["journeys"][0]
        expected.append({**journey, "persona": f"persona-{n}"})
    assert exported["journeys"] == expected


def test_seeding_a_database_that_is_not_empty_adds_nothing(store):
    first = samples.seed(store)
    assert samples.seed(store) is None
    assert [w.id for w in store.workspaces()] == [first]
    assert len(store.journeys()) == 3


def test_seeding_leaves_a_database_with_its_own_workspace_alone(store):
    store.create_workspace("Acme")
    assert samples.seed(store) is None
    assert [w.name for w in store.workspaces()] == ["Acme"]
    assert store.journeys() == []


def test_a_sample_journey_can_be_added_to_an_existing_workspace(store):
    ws = store.create_workspace("Acme")
    journey_id = samples.add_sample_journey(store, ws.id, "online-shop")
    journey = store.load_journey(journey_id)
    assert (journey.workspace_id, journey.name) == (ws.id, "Buying sustainable clothing online")
    assert store.get_persona(journey.persona_id).name == "Priya Nair"
    exported = store.export_journey(journey_id)
    assert exported["journeys"] == samples.load_sample("online-shop")["journeys"]


def test_seeding_wires_the_sample_event_log_to_the_car_journey(store):
    samples.seed(store)
    car = next(j for j in store.journeys() if j.name == "Buying a family car")
    [dataset] = store.event_datasets(car.id)
    assert (dataset.name, dataset.customers) == ("car-buying-events.csv", 400)
    others = [j.id for j in store.journeys() if j.id != car.id]
    assert [store.event_datasets(j) for j in others] == [[], []]
