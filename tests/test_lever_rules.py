"""The What-if rules in the engine, not in the page: lever groups, which way is better, what a
scenario saves, how a lever's setting reads."""

import dataclasses

import pytest

from journey import formulas
from journey.model import ValidationError


def levers() -> formulas.Levers:
    names = formulas.LEVER_NAMES
    return formulas.Levers(
        **{n: (0.5 if formulas.LEVER_INFO[n].unit == "share" else 10.0) for n in names}
    )


def test_the_lever_groups_hold_every_lever_but_the_period_length_once():
    grouped = [n for names in formulas.LEVER_GROUPS.values() for n in names]
    assert sorted(grouped) == sorted(n for n in formulas.LEVER_NAMES if n != "period_days")
    assert list(formulas.LEVER_GROUPS) == ["Funnel", "Durations", "Money"]


def test_lower_is_better_for_costs_and_neither_for_timeframes():
    better = {n: i.better for n, i in formulas.OUTPUT_INFO.items()}
    assert {n for n, b in better.items() if b == "lower"} == {"cac", "payback_days"}
    assert {n for n, b in better.items() if b == "neither"} == {
        "buyer_timeframe_days",
        "customer_timeframe_days",
        "timeframe_ratio",
    }
    assert set(better.values()) == {"higher", "lower", "neither"}


def test_a_scenario_saves_the_changed_levers_only_and_numbers_only():
    base = levers()
    moved = dataclasses.replace(base, retention=0.8, spend=None, order_value=10.0)
    assert formulas.scenario_changes(moved, base) == {"retention": 0.8}


def test_a_scenario_equal_to_the_journey_is_refused_in_words():
    with pytest.raises(ValidationError, match="Move at least one lever first"):
        formulas.scenario_changes(levers(), levers())


def test_a_levers_setting_reads_as_a_percentage_or_a_number():
    assert formulas.lever_text("retention", 0.8) == "Retention rate = 80%"
    assert formulas.lever_text("order_value", 30000.0) == "Order value = 30,000"
    assert formulas.lever_text("gone", 2.5) == "gone = 2.5"
