"""The editing pages' pure helpers, with hand-worked values."""

import math

import pytest

from journey import editing
from journey.model import Moment, Stage, Touchpoint, ValidationError


def test_channels_are_trimmed_deduplicated_ignoring_case_and_blanks_dropped():
    assert editing.clean_channels(["Web", " email ", "web", "", "  ", "Email"]) == ["Web", "email"]


def test_channel_options_are_the_vocabulary_then_the_other_channels_in_use_sorted():
    options = editing.channel_options([["Web", "Carrier pigeon "], ["Fax", ""], ["web"]])
    assert options == [*editing.CHANNELS, "Carrier pigeon", "Fax", "web"]


def test_every_spelling_in_use_is_an_option_so_a_picker_can_show_it():
    used = [["carrier pigeon", "Carrier pigeon", "EMAIL"]]
    assert editing.channel_options(used)[len(editing.CHANNELS) :] == [
        "Carrier pigeon",
        "carrier pigeon",
        "EMAIL",
    ]


def test_buyer_stages_are_the_buyer_journey_and_the_rest_come_after_the_purchase():
    parts = [
        editing.journey_part(s)
        for s in ("awareness", "consideration", "decision", "retention", "advocacy")
    ]
    assert parts == ["Buyer journey"] * 3 + ["After purchase"] * 2


def test_a_percent_becomes_a_share_and_back_and_empty_stays_empty():
    assert editing.conversion_share(40) == 0.4
    assert editing.conversion_share(12.5) == 0.125
    assert editing.conversion_percent(0.4) == 40.0  # not 40.00000000000001
    assert editing.conversion_percent(0.35) == 35.0
    assert editing.conversion_share(None) is None and editing.conversion_percent(None) is None


def test_touchpoint_rows_are_trimmed_and_blank_rows_dropped_but_a_missing_channel_is_kept():
    rows = [
        {"channel": " Web ", "description": "site"},
        {"channel": None, "description": math.nan},  # a new row left untouched
        {"channel": "", "description": "a call back"},
    ]
    assert editing.touchpoints_from_rows(rows) == [
        {"channel": "Web", "description": "site"},
        {"channel": "", "description": "a call back"},
    ]


def test_touchpoint_rows_round_trip_a_stage():
    stage = Stage(stage="awareness", touchpoints=[Touchpoint("Web", "ads"), Touchpoint("Email")])
    rows = editing.touchpoint_rows(stage)
    assert rows == [
        {"channel": "Web", "description": "ads"},
        {"channel": "Email", "description": ""},
    ]
    assert editing.touchpoints_from_rows(rows) == rows


def form(**overrides):
    values = dict(
        label="L",
        customer_goal="g",
        customer_actions="ca",
        business_actions="ba",
        thoughts="t",
        emotion=1,
        duration_value=3.0,
        duration_unit="weeks",
        conversion=40.0,
        touchpoints=[{"channel": "Web", "description": ""}],
    )
    return {**values, **overrides}


def test_stage_changes_convert_three_weeks_to_21_days_and_40_percent_to_a_share():
    changes = editing.stage_changes(Stage(stage="consideration", duration_days=0), **form())
    assert changes == {
        "label": "L",
        "customer_goal": "g",
        "customer_actions": "ca",
        "business_actions": "ba",
        "thoughts": "t",
        "emotion": 1,
        "duration_days": 21.0,
        "conversion": 0.4,
        "touchpoints": [{"channel": "Web", "description": ""}],
    }


def test_stage_changes_convert_every_unit_to_days():
    stage = Stage(stage="retention")
    assert (
        editing.stage_changes(stage, **form(duration_value=36, duration_unit="hours"))[
            "duration_days"
        ]
        == 1.5
    )
    assert (
        editing.stage_changes(stage, **form(duration_value=2, duration_unit="months"))[
            "duration_days"
        ]
        == 60.875
    )  # 2 x 365.25 / 12
    assert (
        editing.stage_changes(stage, **form(duration_value=4, duration_unit="years"))[
            "duration_days"
        ]
        == 1461.0
    )


def test_advocacy_has_no_conversion_so_none_is_saved_for_it():
    changes = editing.stage_changes(Stage(stage="advocacy"), **form(conversion=None))
    assert "conversion" not in changes
    assert not editing.has_conversion("advocacy") and editing.has_conversion("retention")


def test_an_untouched_duration_and_conversion_keep_the_stored_numbers_exactly():
    stage = Stage(stage="decision", duration_days=10.123, conversion=0.123456789)
    changes = editing.stage_changes(
        stage, **form(duration_value=10.12, duration_unit="days", conversion=12.345679)
    )
    assert changes["duration_days"] == 10.123
    assert changes["conversion"] == 0.123456789


def test_an_unknown_duration_unit_is_a_validation_error():
    with pytest.raises(ValidationError):
        editing.stage_changes(Stage(stage="decision"), **form(duration_unit="fortnights"))


def test_friction_is_addressed_and_a_key_point_is_used():
    assert editing.action_label("friction") == "How we address it"
    assert editing.action_label("key") == "How we use it"
    assert (editing.severity_label("friction"), editing.severity_label("key")) == (
        "Severity",
        "Impact",
    )


MOMENTS = [
    Moment(kind="friction", title="a", stage="awareness", status="open"),
    Moment(kind="key", title="b", stage="awareness", status="done"),
    Moment(kind="friction", title="c", stage="decision", status="in progress"),
    Moment(kind="key", title="d", stage="advocacy", status="open"),
]


def titles(moments):
    return [m.title for m in moments]


def test_empty_filters_keep_every_moment():
    assert titles(editing.filter_moments(MOMENTS)) == ["a", "b", "c", "d"]


def test_filters_combine_stage_kind_and_status():
    assert titles(editing.filter_moments(MOMENTS, kinds=["key"])) == ["b", "d"]
    assert titles(
        editing.filter_moments(MOMENTS, stages=["awareness", "decision"], kinds=["friction"])
    ) == ["a", "c"]
    assert titles(editing.filter_moments(MOMENTS, statuses=["open"], kinds=["key"])) == ["d"]
    assert editing.filter_moments(MOMENTS, stages=["retention"]) == []


def test_counts_per_stage_count_friction_key_and_not_done():
    stages = [
        Stage(stage=s) for s in ("awareness", "consideration", "decision", "retention", "advocacy")
    ]
    for m in MOMENTS:
        next(s for s in stages if s.stage == m.stage).moments.append(m)
    rows = editing.moment_counts(stages)
    assert rows[0] == {
        "Stage": "Awareness",
        "Part": "Buyer journey",
        "Friction points": 1,
        "Key points": 1,
        "Not done": 1,
    }
    assert [(r["Friction points"], r["Key points"], r["Not done"]) for r in rows] == [
        (1, 1, 1),
        (0, 0, 0),
        (1, 0, 1),
        (0, 0, 0),
        (0, 1, 1),
    ]
    assert rows[4]["Part"] == "After purchase"


def test_moment_facts_name_kind_stage_impact_status_channel_and_owner():
    m = Moment(
        kind="key",
        title="t",
        stage="decision",
        severity=4,
        status="open",
        channel="Phone",
        owner="Sam",
    )
    assert editing.moment_facts(m) == [
        "Key point",
        "Decision",
        "impact 4/5",
        "open",
        "channel: Phone",
        "owner: Sam",
    ]


def test_a_moment_is_built_from_the_add_forms_values():
    values = {
        "kind": "key",
        "title": "Handover",
        "description": "",
        "severity": 5,
        "channel": "Store",
        "action": "Photo with the car",
        "owner": "",
        "status": "open",
        "stage": "decision",
    }
    assert editing.moment_from(values) == Moment(**values)


def test_an_error_message_names_the_field_as_the_form_calls_it():
    error = ValidationError("is 10,001 characters long; the limit is 10,000", "customer_goal")
    assert editing.field_of(error) == "customer_goal"
    assert editing.error_message(error) == (
        "Customer goal: is 10,001 characters long; the limit is 10,000"
    )


def test_an_error_in_a_touchpoint_names_the_row_counting_from_one():
    error = ValidationError("must not be empty", "touchpoints[1].channel")
    assert editing.field_of(error) == "touchpoints"
    assert editing.error_message(error) == (
        "Touchpoints and channels, row 2, channel: must not be empty"
    )


def test_an_error_without_a_path_is_its_message():
    error = ValidationError("unknown unit 'fortnights'")
    assert editing.field_of(error) == ""
    assert editing.error_message(error) == "unknown unit 'fortnights'"


def test_values_are_shown_as_the_forms_show_them_with_units_never_as_stored():
    assert editing.show_value("duration_days", 21.0) == "3 weeks"
    assert editing.show_value("duration_days", 0.25) == "6 hours"
    assert editing.show_value("conversion", 0.4) == "40 %"
    assert editing.show_value("emotion", -1) == "🙁 -1"
    assert editing.show_value("severity", 4) == "4/5"
    assert editing.show_value("channels", ["Web", "Email"]) == "Web, Email"
    assert editing.show_value(
        "touchpoints",
        [{"channel": "Web", "description": "ads"}, {"channel": "Phone", "description": ""}],
    ) == ("Web: ads; Phone")
    assert editing.show_value("target", 24000.0) == "24,000"
    assert editing.show_value("thoughts", "") == "(empty)"


def test_a_revision_reads_as_labelled_fields_before_and_after():
    rows = editing.change_rows(
        {"duration_days": (14.0, 21.0), "stage_id": (3, 4)},
        {"stage_id": {3: "Decision", 4: "Retention"}.get},
    )
    assert rows == [
        {"Field": "Typical duration", "Before": "2 weeks", "After": "3 weeks"},
        {"Field": "Stage", "Before": "Decision", "After": "Retention"},
    ]


def test_pages_of_twenty_and_a_page_past_the_end_shows_the_last():
    items = list(range(45))
    assert editing.page_of(items, 1) == (list(range(20)), 3)
    assert editing.page_of(items, 3) == ([40, 41, 42, 43, 44], 3)
    assert editing.page_of(items, 9) == ([40, 41, 42, 43, 44], 3)
    assert editing.page_of([], 1) == ([], 1)


def test_a_stages_values_are_what_its_form_saves_and_advocacy_has_no_conversion():
    stage = Stage(
        stage="advocacy", thoughts="t", duration_days=30.0, touchpoints=[Touchpoint("Web", "ads")]
    )
    values = editing.stage_values(stage)
    assert "conversion" not in values
    assert values["touchpoints"] == [{"channel": "Web", "description": "ads"}]
    assert values["duration_days"] == 30.0 and values["thoughts"] == "t"


def test_a_revision_heading_names_when_who_and_what():
    from journey.model import Revision

    revision = Revision(
        id=12,
        kind="stage",
        target_id=1,
        journey_id=1,
        workspace_id=1,
        title="awareness",
        author="ana",
        created_at="2026-11-29T16:40:05+00:00",
        changes={},
        restores=9,
    )
    assert editing.revision_heading(revision) == (
        "#12 · 2026-11-29 16:40 · ana · stage Awareness (restores #9)"
    )
