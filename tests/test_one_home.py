"""Rules with one home in ``journey/``: pages, charts, exports and the CLI call the same code."""

import inspect

from journey import charts, editing, formulas, journey_map, kpis, model, observed, report
from journey.model import Journey, Stage
from tests.test_kpis import summary

DAYS = {"awareness": 14.0, "consideration": 30.0, "decision": 7.0, "retention": 90.0}


def car() -> Journey:
    return Journey("Car", stages=[Stage(s, duration_days=DAYS.get(s, 0.0)) for s in model.STAGES])


def rows(node) -> list[dict]:
    """Every inline data row anywhere in a Vega-Lite spec."""
    if isinstance(node, list):
        return [r for item in node for r in rows(item)]
    if not isinstance(node, dict):
        return []
    found = list(node["values"]) if isinstance(node.get("values"), list) else []
    return found + [r for k, v in node.items() if k != "values" for r in rows(v)]


def test_the_journey_parts_are_named_once_and_every_view_uses_those_names():
    assert editing.journey_part is model.journey_part
    assert journey_map.journey_part is model.journey_part
    assert (journey_map.BUYER_PART, journey_map.AFTER_PART) == (model.BUYER_PART, model.AFTER_PART)
    sides = {row["side"] for row in rows(charts.spec(charts.timeline_chart(DAYS))) if "side" in row}
    assert sides == {model.BUYER_PART, model.AFTER_PART}
    parts = [p for p, _stage in journey_map.map_table(car()).columns]
    assert set(parts) == {model.BUYER_PART, model.AFTER_PART}


def test_a_journeys_stage_days_are_read_in_one_place():
    assert not hasattr(kpis, "stage_days") and not hasattr(observed, "estimated_days")
    assert formulas.stage_days(car()) == {**dict.fromkeys(model.STAGES, 0.0), **DAYS}
    for module in (report, observed):
        assert "formulas.stage_days(" in inspect.getsource(module)


def test_the_workspace_comparison_takes_its_timeframes_from_the_engine(monkeypatch):
    seen = []
    real = formulas.buyer_timeframe
    monkeypatch.setattr(formulas, "buyer_timeframe", lambda d: seen.append(d) or real(d))
    [row] = kpis.timeframe_rows([summary(1, "Car", None)], {1: DAYS})
    assert seen == [DAYS]
    assert (row.buyer_days, row.customer_days) == (51.0, 141.0)
    assert row.ratio == formulas.timeframe_ratio(51.0, 141.0)
    assert journey_map.timeframes(car()) == tuple(
        formulas.formatting.duration(d) for d in (51.0, 141.0)
    )
