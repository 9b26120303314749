"""The domain rules: stage order, validation messages a person can act on."""

import pytest

from journey.model import (
    BUYER_STAGES,
    STAGES,
    ConflictError,
    Journey,
    Metric,
    MetricValue,
    Moment,
    Persona,
    Scenario,
    Stage,
    ValidationError,
    best_unit,
    blank_stages,
    is_buyer_stage,
    normalise_stage,
    to_days,
    validate_journey,
    validate_moment,
    validate_persona,
    validate_stage,
)


def test_the_five_stages_run_in_order_and_the_first_three_are_the_buyer_journey():
    assert STAGES == ("awareness", "consideration", "decision", "retention", "advocacy")
    assert BUYER_STAGES == ("awareness", "consideration", "decision")
    assert [is_buyer_stage(s) for s in STAGES] == [True, True, True, False, False]


def test_stage_aliases_from_the_source_material_are_understood():
    assert normalise_stage("Recognition") == "awareness"
    assert normalise_stage(" Decision ") == "decision"
    with pytest.raises(ValidationError, match="unknown stage 'purchasing'"):
        normalise_stage("purchasing")


@pytest.mark.parametrize(
    ("value", "unit", "days"),
    [
        (36, "hours", 1.5),
        (3, "days", 3),
        (2, "weeks", 14),
        (1, "years", 365.25),
        (2, "months", 60.875),
    ],
)
def test_durations_convert_to_days(value, unit, days):
    assert to_days(value, unit) == pytest.approx(days)


def test_the_friendliest_unit_is_chosen_for_display():
    assert best_unit(21) == (3.0, "weeks")
    assert best_unit(365.25) == (1.0, "years")
    assert best_unit(0.5) == (12.0, "hours")
    assert best_unit(10) == (10.0, "days")
    assert best_unit(0) == (0.0, "days")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"emotion": 7}, "emotion: 7 is outside -2..2"),
        ({"emotion": 1.5}, "emotion: 1.5 is not a whole number"),
        ({"duration_days": -1}, "duration_days: -1 is outside 0..36525"),
        ({"duration_days": 1e307}, "duration_days: 1e+307 is outside 0..36525"),
        ({"conversion": 1.2}, "conversion: 1.2 is outside 0..1"),
        ({"conversion": float("nan")}, "conversion: nan is not a finite number"),
        ({"thoughts": 5}, "thoughts: expected text, got int"),
        ({"stage": "purchase-ish"}, "stage: unknown stage 'purchase-ish'"),
        ({"label": "x" * 201}, "label: is 201 characters long; the limit is 200"),
    ],
)
def test_a_bad_stage_value_names_the_field_and_the_rule(changes, message):
    stage = Stage(stage="decision")
    for k, v in changes.items():
        setattr(stage, k, v)
    with pytest.raises(ValidationError) as info:
        validate_stage(stage)
    assert str(info.value).startswith(message)


def test_a_persona_needs_a_name():
    with pytest.raises(ValidationError, match="name: must not be empty"):
        validate_persona(Persona(name="  "))


def test_a_moment_checks_kind_severity_and_status():
    with pytest.raises(ValidationError, match="kind: 'pain' is not one of friction, key"):
        validate_moment(Moment(kind="pain", title="x"))
    with pytest.raises(ValidationError, match=r"severity: 6 is outside 1\.\.5"):
        validate_moment(Moment(kind="key", title="x", severity=6))
    with pytest.raises(ValidationError, match="status: 'later' is not one of"):
        validate_moment(Moment(kind="key", title="x", status="later"))


def test_a_journey_needs_each_stage_exactly_once():
    j = Journey(name="J", stages=blank_stages()[:4])
    with pytest.raises(ValidationError, match="stages: missing stage\\(s\\): advocacy"):
        validate_journey(j)
    j.stages = [*blank_stages(), Stage(stage="decision")]
    with pytest.raises(ValidationError, match=r"stages\[5\].stage: the decision stage appears"):
        validate_journey(j)


def test_nested_errors_carry_the_whole_path():
    j = Journey(name="J", stages=blank_stages())
    j.stages[2].moments.append(Moment(kind="friction", title=""))
    with pytest.raises(ValidationError) as info:
        validate_journey(j)
    assert info.value.path == "stages[2].moments[0].title"


def test_metric_values_need_real_dates_and_unique_keys():
    j = Journey(
        name="J",
        stages=blank_stages(),
        metrics=[Metric(key="nps", name="NPS", values=[MetricValue(date="2026-02-30", value=1)])],
    )
    with pytest.raises(ValidationError, match=r"metrics\[0\].values\[0\].date: '2026-02-30'"):
        validate_journey(j)
    j.metrics = [Metric(key="nps", name="NPS"), Metric(key="nps", name="NPS again")]
    with pytest.raises(ValidationError, match="metric key 'nps' appears twice"):
        validate_journey(j)


def test_a_conflict_lists_both_values_of_each_field_that_differs():
    error = ConflictError(
        "The Decision stage",
        {"version": 4, "emotion": 2, "label": "D"},
        {"emotion": -1, "label": "D"},
        expected_version=3,
    )
    assert error.fields == ["emotion"]
    assert "version 3 -> 4: emotion is now 2 (yours: -1)" in str(error)
    assert "Nothing was saved" in str(error)


@pytest.mark.parametrize(
    "twice, message",
    [
        ("stages", "stages[4].stage: the retention stage appears twice"),
        ("metrics", "metrics[1].key: metric key 'nps' appears twice"),
        ("scenarios", "scenarios[1].name: scenario 'Loyal' appears twice"),
    ],
)
def test_a_journey_refuses_a_stage_metric_key_or_scenario_name_twice_naming_the_second(
    twice, message
):
    j = Journey(
        name="J",
        stages=blank_stages(),
        metrics=[Metric(key="nps", name="NPS"), Metric(key="csat", name="CSAT")],
        scenarios=[Scenario(name="Loyal"), Scenario(name="Faster")],
    )
    items = getattr(j, twice)
    items[-1 if twice == "stages" else 1] = items[-2 if twice == "stages" else 0]
    with pytest.raises(ValidationError) as info:
        validate_journey(j)
    assert str(info.value) == message
