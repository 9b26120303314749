"""Levers have limits shared by the model, the page and the command line, and no figure is
ever NaN or infinite (issue 9, item 12)."""

import json
import math

import pytest

from journey import exchange, formulas, samples
from journey.model import MAX_MONEY, ValidationError
from tests.conftest import CAR, open_page, run_cli


def huge_values_stored(store, journey_id: int = 1) -> None:
    """What an older release let through: values a float can barely hold."""
    with store.write() as conn:
        conn.execute(
            "UPDATE journeys SET entrants = 1e308, order_value = 1e308, "
            "purchases_per_period = 1e308, spend = 1e308 WHERE id = ?",
            [journey_id],
        )
        conn.execute("UPDATE stages SET duration_days = 1.7e308 WHERE journey_id = ?", [journey_id])


def test_every_lever_has_a_finite_limit_from_the_model():
    assert {
        name: info.limit for name, info in formulas.LEVER_INFO.items() if info.unit == "money"
    } == {"order_value": MAX_MONEY, "spend": MAX_MONEY}
    assert all(
        math.isfinite(info.limit) and info.limit >= info.max
        for info in formulas.LEVER_INFO.values()
    )


@pytest.mark.parametrize(
    "field, value",
    [("entrants", 1e307), ("order_value", 1e13), ("spend", 1e300), ("period_days", 1e6)],
)
def test_an_import_beyond_a_lever_limit_is_refused_naming_the_field(field, value):
    doc = samples.load_sample("car-buying")
    doc["journeys"][0]["assumptions"][field] = value
    with pytest.raises(ValidationError, match=rf"journeys\[0\]\.assumptions\.{field}: "):
        exchange.parse_document(doc)


def test_the_engine_gives_none_never_nan_or_infinity_for_extreme_levers():
    levers = formulas.Levers(
        entrants=1e308,
        conversion_awareness=1,
        conversion_consideration=1,
        conversion_decision=1,
        order_value=1e308,
        purchases_per_period=1e308,
        margin=1,
        spend=1e308,
        duration_awareness=1.7e308,
        duration_consideration=1.7e308,
    )
    outputs = formulas.whatif(levers).as_dict()
    assert all(v is None or math.isfinite(v) for v in outputs.values()), outputs
    assert outputs["revenue"] is None and outputs["customer_timeframe_days"] is None


def test_stored_values_beyond_the_limits_are_clamped_to_them(store, journey_id):
    huge_values_stored(store, journey_id)
    levers = formulas.levers_from_journey(store.load_journey(journey_id))
    assert levers.entrants == formulas.LEVER_INFO["entrants"].limit
    assert levers.duration_awareness == formulas.LEVER_INFO["duration_awareness"].limit
    assert formulas.slider_range("entrants", 1e308)[1] == formulas.LEVER_INFO["entrants"].limit


def test_whatif_json_is_strict_json_with_null_for_undefined_figures(seeded_db):
    from journey.storage import Store

    db = seeded_db
    huge_values_stored(Store(db))
    result = run_cli("whatif", "--journey", "1", "--json", "--set", "conversion_decision=0", db=db)
    assert result.returncode == 0, result.stderr
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    out = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))
    assert out["outputs"]["cac"] is None  # no new customers


def test_the_what_if_page_runs_on_a_journey_with_huge_stored_values(app_env):
    from journey.storage import Store

    open_page("6_What_if.py")  # seeds the database
    huge_values_stored(Store(app_env))
    at = open_page("6_What_if.py", CAR)
    assert not at.exception, [e.value for e in at.exception]
